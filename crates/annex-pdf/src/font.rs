//! Fonts: byte codes → (Unicode text, advance width).
//!
//! Covers what the producers of budget annexes write: simple fonts (Type 1, TrueType,
//! Type 3) with `/Encoding` + `/Differences` and `/ToUnicode`; Type 0 (CID) fonts with
//! `Identity-H/V` + `/ToUnicode`, or with the predefined Chinese `CMap`s `UniGB-UCS2-*`,
//! `UniGB-UTF16-*`, `GBK-EUC-*`, `GB-EUC-*` (whose codes *are* Unicode or GBK, so no
//! `ToUnicode` is needed); `/W` arrays in both forms (`c [w …]` and `first last w`), `/DW`.
//!
//! Every lookup on a malformed font falls back (width 0.5 em, text U+FFFD) instead of
//! failing: one bad font must not lose the page.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object};

/// Most entries a `ToUnicode` map may expand to; bounds memory on hostile `bfrange`s.
const MAX_CMAP_ENTRIES: usize = 200_000;
/// Largest single `bfrange` expanded.
const MAX_RANGE: u32 = 0x1_0000;

/// How a Type 0 font's codes are read when no `ToUnicode` map is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predefined {
    /// `Identity-H/V` or an embedded `CMap`: 2-byte codes, CIDs, no Unicode meaning.
    Identity,
    /// `UniGB-UCS2-H/V`: 2-byte codes that are UCS-2.
    Ucs2,
    /// `UniGB-UTF16-H/V`: UTF-16BE code units (4 bytes for a surrogate pair).
    Utf16,
    /// `GBK-EUC-*`, `GB-EUC-*`, `GBK2K-*`, `GBKp-EUC-*`: 1 byte below 0x80, else 2, GBK.
    Gbk,
}

/// What kind of font program the codes go to.
#[derive(Debug, Clone)]
enum Kind {
    /// One byte per code; widths indexed by code.
    Simple {
        widths: Vec<f32>,
        encoding: Vec<Option<String>>,
    },
    /// Type 0: multi-byte codes, widths by CID.
    Cid {
        predefined: Predefined,
        widths: Vec<(u32, u32, f32)>,
        dw: f32,
    },
}

/// A font ready to decode shown strings.
#[derive(Debug, Clone)]
pub(crate) struct Font {
    kind: Kind,
    to_unicode: BTreeMap<u32, String>,
    /// Glyph-space → text-space scale of widths (1/1000, or a Type 3 `/FontMatrix` a).
    scale: f32,
    /// Set when codes could not be turned into text (no `ToUnicode` on an `Identity` font).
    pub(crate) undecodable: bool,
}

/// One decoded code of a shown string.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    /// The text the glyph stands for (may be empty or several chars).
    pub(crate) text: String,
    /// Advance in text-space units of 1 em (multiply by font size).
    pub(crate) width: f32,
    /// A one-byte code 32: word spacing (`Tw`) applies.
    pub(crate) is_space: bool,
}

/// A PDF number as `f32`; widths need no more precision than that.
#[allow(clippy::cast_precision_loss)]
fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn stream_bytes(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    let s = deref(doc, o).as_stream().ok()?;
    s.decompressed_content()
        .ok()
        .or_else(|| Some(s.content.clone()))
}

impl Font {
    /// A stand-in for a font that cannot be found or read: 1-byte codes, ASCII, 0.5 em.
    pub(crate) fn fallback() -> Self {
        Font {
            kind: Kind::Simple {
                widths: Vec::new(),
                encoding: standard_encoding(),
            },
            to_unicode: BTreeMap::new(),
            scale: 0.001,
            undecodable: false,
        }
    }

    /// Read a font dictionary.
    pub(crate) fn load(doc: &Document, dict: &Dictionary) -> Self {
        let subtype = get(doc, dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let to_unicode = get(doc, dict, b"ToUnicode")
            .and_then(|o| stream_bytes(doc, o))
            .map(|b| parse_cmap(&b))
            .unwrap_or_default();
        if subtype == b"Type0" {
            return Self::load_type0(doc, dict, to_unicode);
        }
        let mut scale = 0.001;
        if subtype == b"Type3" {
            if let Some(a) = get(doc, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|m| m.first())
                .and_then(num)
            {
                scale = a;
            }
        }
        let first = get(doc, dict, b"FirstChar")
            .and_then(num)
            .map_or(0, to_index) as usize;
        let mut widths = vec![f32::NAN; 256];
        if let Some(ws) = get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (i, w) in ws.iter().enumerate() {
                if let (Some(slot), Some(w)) = (widths.get_mut(first + i), num(deref(doc, w))) {
                    *slot = w;
                }
            }
        }
        let missing = get(doc, dict, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|fd| get(doc, fd, b"MissingWidth"))
            .and_then(num);
        let base = get(doc, dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        for (code, w) in widths.iter_mut().enumerate() {
            if w.is_nan() {
                *w = match missing {
                    Some(m) if m > 0.0 => m,
                    // The standard 14 fonts may come without /Widths (reportlab's
                    // Helvetica): approximate Helvetica metrics keep glyphs in their cells.
                    _ if subtype != b"Type3" => standard_width(base, code as u8),
                    _ => 0.0,
                };
            }
        }
        let encoding = simple_encoding(doc, dict);
        Font {
            kind: Kind::Simple { widths, encoding },
            to_unicode,
            scale,
            undecodable: false,
        }
    }

    fn load_type0(doc: &Document, dict: &Dictionary, to_unicode: BTreeMap<u32, String>) -> Self {
        let predefined = match get(doc, dict, b"Encoding").and_then(|o| o.as_name().ok()) {
            Some(n) if n.starts_with(b"UniGB-UCS2") => Predefined::Ucs2,
            Some(n) if n.starts_with(b"UniGB-UTF16") => Predefined::Utf16,
            Some(n) if n.starts_with(b"GBK") || n.starts_with(b"GB-EUC") => Predefined::Gbk,
            _ => Predefined::Identity,
        };
        let descendant = get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o).as_dict().ok());
        let mut dw = 1000.0;
        let mut widths = Vec::new();
        if let Some(cid) = descendant {
            if let Some(d) = get(doc, cid, b"DW").and_then(num) {
                dw = d;
            }
            if let Some(w) = get(doc, cid, b"W").and_then(|o| o.as_array().ok()) {
                widths = parse_w(doc, w);
            }
        }
        let undecodable = predefined == Predefined::Identity && to_unicode.is_empty();
        Font {
            kind: Kind::Cid {
                predefined,
                widths,
                dw,
            },
            to_unicode,
            scale: 0.001,
            undecodable,
        }
    }

    /// Split a shown string into codes and decode each.
    pub(crate) fn decode(&self, bytes: &[u8], out: &mut Vec<Code>) {
        out.clear();
        match &self.kind {
            Kind::Simple { widths, encoding } => {
                for &b in bytes {
                    let code = u32::from(b);
                    let text = self
                        .to_unicode
                        .get(&code)
                        .cloned()
                        .or_else(|| encoding.get(usize::from(b)).cloned().flatten())
                        .unwrap_or_else(|| '\u{FFFD}'.to_string());
                    let width = widths.get(usize::from(b)).copied().unwrap_or(0.0) * self.scale;
                    out.push(Code {
                        text,
                        width,
                        is_space: b == b' ',
                    });
                }
            }
            Kind::Cid {
                predefined,
                widths,
                dw,
            } => {
                let mut i = 0;
                while i < bytes.len() {
                    let (len, code) = match predefined {
                        Predefined::Gbk if bytes[i] < 0x80 => (1, u32::from(bytes[i])),
                        Predefined::Utf16
                            if (0xD8..0xDC).contains(&bytes[i]) && i + 4 <= bytes.len() =>
                        {
                            (4, be(&bytes[i..i + 4]))
                        }
                        _ if i + 2 <= bytes.len() => (2, be(&bytes[i..i + 2])),
                        _ => break,
                    };
                    let raw = &bytes[i..i + len];
                    i += len;
                    let text =
                        self.to_unicode
                            .get(&code)
                            .cloned()
                            .unwrap_or_else(|| match predefined {
                                Predefined::Identity => '\u{FFFD}'.to_string(),
                                Predefined::Ucs2 => {
                                    char::from_u32(code).unwrap_or('\u{FFFD}').to_string()
                                }
                                Predefined::Utf16 => utf16(raw),
                                Predefined::Gbk => encoding_rs::GBK
                                    .decode_without_bom_handling(raw)
                                    .0
                                    .into_owned(),
                            });
                    let cid = match predefined {
                        Predefined::Identity => Some(code),
                        // The Unicode and GBK CMaps send printable ASCII to Adobe-GB1's
                        // proportional Latin CIDs 1..=95; other CIDs need the CMap's data,
                        // which is not embedded: those glyphs take /DW (full width).
                        _ if (0x20..=0x7E).contains(&code) => Some(code - 0x1F),
                        _ => None,
                    };
                    let w = cid.and_then(|c| lookup_w(widths, c)).unwrap_or(*dw);
                    out.push(Code {
                        text,
                        width: w * self.scale,
                        is_space: false,
                    });
                }
            }
        }
    }
}

fn be(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, &x| (acc << 8) | u32::from(x))
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// `/W`: `c [w1 w2 …]` and `first last w`, as sorted `(first, last, w)` ranges.
fn parse_w(doc: &Document, w: &[Object]) -> Vec<(u32, u32, f32)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(deref(doc, &w[i])) else {
            break;
        };
        let first = to_index(first);
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, x) in ws.iter().enumerate() {
                    if let Some(x) = num(deref(doc, x)) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, x));
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(x)) = (num(o), w.get(i + 2).and_then(|o| num(deref(doc, o))))
                else {
                    break;
                };
                out.push((first, to_index(last), x));
                i += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|r| (r.0, r.1));
    out
}

/// A PDF number used as a code or an index: negative and NaN become 0, huge saturate.
#[allow(clippy::cast_sign_loss)]
fn to_index(x: f32) -> u32 {
    // `as` saturates and maps NaN to 0; only the sign needs clamping first.
    x.max(0.0) as u32
}

fn lookup_w(ranges: &[(u32, u32, f32)], cid: u32) -> Option<f32> {
    let idx = ranges.partition_point(|r| r.0 <= cid);
    // Ranges may overlap in hostile files; look back a little for one that covers `cid`.
    ranges[..idx]
        .iter()
        .rev()
        .take(8)
        .find(|r| r.1 >= cid)
        .map(|r| r.2)
}

/// Printable ASCII, as in `WinAnsi` and `Standard` encodings (their differences below 0x7F
/// are quote shapes, which do not matter for tables).
fn standard_encoding() -> Vec<Option<String>> {
    (0u8..=255)
        .map(|b| {
            if (0x20..0x7F).contains(&b) {
                Some(char::from(b).to_string())
            } else {
                None
            }
        })
        .collect()
}

fn simple_encoding(doc: &Document, dict: &Dictionary) -> Vec<Option<String>> {
    let mut enc = standard_encoding();
    let enc_obj = get(doc, dict, b"Encoding");
    let base = match enc_obj {
        Some(Object::Name(n)) => Some(n.as_slice()),
        Some(Object::Dictionary(d)) => get(doc, d, b"BaseEncoding").and_then(|o| o.as_name().ok()),
        _ => None,
    };
    if base == Some(b"WinAnsiEncoding") {
        // Latin-1 upper half, plus the dashes and quotes WinAnsi puts in 0x80..0x9F.
        for b in 0xA1u8..=0xFF {
            enc[usize::from(b)] = Some(char::from(b).to_string());
        }
        for (b, c) in [
            (0x91, '‘'),
            (0x92, '’'),
            (0x93, '“'),
            (0x94, '”'),
            (0x96, '–'),
            (0x97, '—'),
        ] {
            enc[b] = Some(c.to_string());
        }
    }
    if let Some(Object::Dictionary(d)) = enc_obj {
        if let Some(diffs) = get(doc, d, b"Differences").and_then(|o| o.as_array().ok()) {
            let mut code = 0usize;
            for o in diffs {
                match deref(doc, o) {
                    Object::Integer(i) => code = usize::try_from(*i).unwrap_or(usize::MAX),
                    Object::Name(n) => {
                        if let Some(slot) = enc.get_mut(code) {
                            *slot = glyph_name(n);
                        }
                        code = code.saturating_add(1);
                    }
                    _ => {}
                }
            }
        }
    }
    enc
}

/// Adobe glyph names of the ASCII and punctuation glyphs that tables use.
const NAMES: &[(&str, &str)] = &[
    ("space", " "),
    ("exclam", "!"),
    ("quotedbl", "\""),
    ("numbersign", "#"),
    ("dollar", "$"),
    ("percent", "%"),
    ("ampersand", "&"),
    ("quotesingle", "'"),
    ("parenleft", "("),
    ("parenright", ")"),
    ("asterisk", "*"),
    ("plus", "+"),
    ("comma", ","),
    ("hyphen", "-"),
    ("period", "."),
    ("slash", "/"),
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("colon", ":"),
    ("semicolon", ";"),
    ("less", "<"),
    ("equal", "="),
    ("greater", ">"),
    ("question", "?"),
    ("at", "@"),
    ("bracketleft", "["),
    ("backslash", "\\"),
    ("bracketright", "]"),
    ("underscore", "_"),
    ("braceleft", "{"),
    ("bar", "|"),
    ("braceright", "}"),
    ("endash", "–"),
    ("emdash", "—"),
    ("greaterequal", "≥"),
    ("lessequal", "≤"),
    ("quoteleft", "‘"),
    ("quoteright", "’"),
    ("quotedblleft", "“"),
    ("quotedblright", "”"),
    ("periodcentered", "·"),
];

/// Unicode for a glyph name: `uniXXXX`, `uXXXX[XX]`, and the Adobe names of the ASCII and
/// punctuation glyphs that tables use. Unknown names (`g123`, `cid45`) give `None`.
fn glyph_name(n: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(n).ok()?;
    if let Some(hex) = s.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 {
            let units: Option<Vec<u16>> = (0..hex.len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&hex[i..i + 4], 16).ok())
                .collect();
            return units.map(|u| String::from_utf16_lossy(&u));
        }
    }
    if let Some(hex) = s.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                return Some(c.to_string());
            }
        }
    }
    if s.len() == 1 && s.as_bytes()[0].is_ascii_alphabetic() {
        return Some(s.to_string());
    }
    NAMES
        .iter()
        .find(|(k, _)| *k == s)
        .map(|(_, v)| (*v).to_string())
}

/// Approximate widths (per 1000 em) of the standard 14 fonts, for fonts shown without a
/// `/Widths` array: Courier is monospaced; the rest get Helvetica's digits and
/// punctuation and an average letter.
fn standard_width(base: &[u8], code: u8) -> f32 {
    if base.starts_with(b"Courier") {
        return 600.0;
    }
    match code {
        b' ' | b'.' | b',' | b':' | b';' | b'!' | b'/' | b'I' | b'i' | b'j' | b'l' | b'\'' => 278.0,
        b'(' | b')' | b'-' | b'[' | b']' | b'r' | b'f' | b't' => 333.0,
        b'%' => 889.0,
        b'+' | b'=' | b'<' | b'>' => 584.0,
        b'A'..=b'Z' => 667.0,
        b'm' | b'w' => 833.0,
        _ => 556.0,
    }
}

/// A `ToUnicode` `CMap`: `bfchar` and `bfrange` (both the offset and the array form).
pub(crate) fn parse_cmap(bytes: &[u8]) -> BTreeMap<u32, String> {
    let toks = tokenize(bytes);
    let mut map = BTreeMap::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) if w == b"beginbfchar" => {
                i += 1;
                while i + 1 < toks.len() && !matches!(&toks[i], Tok::Word(_)) {
                    if let (Tok::Hex(src), Tok::Hex(dst)) = (&toks[i], &toks[i + 1]) {
                        if map.len() < MAX_CMAP_ENTRIES {
                            map.insert(be(src), utf16(dst));
                        }
                    }
                    i += 2;
                }
            }
            Tok::Word(w) if w == b"beginbfrange" => {
                i += 1;
                while i + 2 < toks.len() && !matches!(&toks[i], Tok::Word(_)) {
                    let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                        i += 1;
                        continue;
                    };
                    let (lo, hi) = (be(lo), be(hi));
                    i += 2;
                    match &toks[i] {
                        Tok::Hex(dst) => {
                            let units: Vec<u16> = dst
                                .chunks(2)
                                .filter(|c| c.len() == 2)
                                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                                .collect();
                            if hi >= lo && hi - lo < MAX_RANGE && !units.is_empty() {
                                for k in 0..=(hi - lo) {
                                    if map.len() >= MAX_CMAP_ENTRIES {
                                        break;
                                    }
                                    let mut u = units.clone();
                                    if let Some(last) = u.last_mut() {
                                        *last = last.wrapping_add(k as u16);
                                    }
                                    map.insert(lo + k, String::from_utf16_lossy(&u));
                                }
                            }
                            i += 1;
                        }
                        Tok::Open => {
                            i += 1;
                            let mut k = 0;
                            while i < toks.len() && !matches!(toks[i], Tok::Close) {
                                if let Tok::Hex(dst) = &toks[i] {
                                    if lo + k <= hi && map.len() < MAX_CMAP_ENTRIES {
                                        map.insert(lo + k, utf16(dst));
                                    }
                                    k += 1;
                                }
                                i += 1;
                            }
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    map
}

#[derive(Debug)]
enum Tok {
    Hex(Vec<u8>),
    Word(Vec<u8>),
    Open,
    Close,
}

fn tokenize(b: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'%' => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if b.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if b.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let end = b[start..]
                    .iter()
                    .position(|&x| x == b'>')
                    .map_or(b.len(), |p| start + p);
                let digits: Vec<u8> = b[start..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|p| {
                        let hi = char::from(p[0]).to_digit(16).unwrap_or(0);
                        let lo = p
                            .get(1)
                            .and_then(|&x| char::from(x).to_digit(16))
                            .unwrap_or(0);
                        (hi * 16 + lo) as u8
                    })
                    .collect();
                out.push(Tok::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings (rare in CMaps): skipped, balanced parentheses.
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() || c == 0 => i += 1,
            _ => {
                let start = i;
                while i < b.len()
                    && !b[i].is_ascii_whitespace()
                    && !matches!(b[i], b'<' | b'>' | b'[' | b']' | b'(' | b'%')
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    out.push(Tok::Word(b[start..i].to_vec()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_bfchar_and_both_bfrange_forms() {
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0011> <9879> endbfchar\n\
            2 beginbfrange <0020> <0022> <0030> <0040> <0041> [<76EE> <D840DC00>] endbfrange";
        let m = parse_cmap(cmap);
        assert_eq!(m[&3], " ");
        assert_eq!(m[&0x11], "项");
        assert_eq!(m[&0x22], "2");
        assert_eq!(m[&0x40], "目");
        assert_eq!(m[&0x41], "\u{20000}");
    }

    #[test]
    fn w_range_form_is_read() {
        let doc = Document::with_version("1.5");
        let w = vec![
            Object::Integer(1),
            Object::Integer(95),
            Object::Integer(500),
            Object::Integer(100),
            Object::Array(vec![Object::Integer(600), Object::Real(700.0)]),
        ];
        let r = parse_w(&doc, &w);
        assert_eq!(lookup_w(&r, 17), Some(500.0));
        assert_eq!(lookup_w(&r, 101), Some(700.0));
        assert_eq!(lookup_w(&r, 96), None);
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name(b"uni76EE").as_deref(), Some("目"));
        assert_eq!(glyph_name(b"u20000").as_deref(), Some("\u{20000}"));
        assert_eq!(glyph_name(b"percent").as_deref(), Some("%"));
        assert_eq!(glyph_name(b"g42"), None);
    }
}
