//! Bytes → text, choosing the encoding and never replacing a byte silently.

use encoding_rs::{DecoderResult, Encoding, GB18030};

/// Text decoded from raw bytes, with every place a replacement character was inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text (a leading byte order mark is not part of it).
    pub text: String,
    /// Name of the encoding used: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `GB18030`.
    pub encoding: &'static str,
    /// Every run of undecodable bytes, in text order; each became one U+FFFD in `text`.
    pub replaced: Vec<Replacement>,
}

/// One run of bytes that did not decode and was replaced by U+FFFD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// Byte offset of the inserted U+FFFD in [`Decoded::text`].
    pub offset: usize,
    /// How many source bytes it replaces.
    pub len: usize,
}

/// Decode raw bytes. Never fails, never panics; linear in the input.
///
/// Order: a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides; otherwise strict UTF-8;
/// otherwise UTF-8 with replacements when at least as many non-ASCII bytes form valid
/// UTF-8 sequences as not; otherwise whichever of UTF-8 and GB18030 (a superset of GBK)
/// needs fewer replacements, UTF-8 winning ties.
///
/// Why: GBK text read as UTF-8 fails on most Chinese characters (GBK lead bytes `B0..F7`
/// are UTF-8 continuation bytes, or leads whose GBK trail bytes rarely fit), so only a
/// small share of its non-ASCII bytes looks like UTF-8; a UTF-8 file with a few broken
/// bytes has nearly all of them valid. Comparing replacement counts alone is not enough on
/// short text: GB18030 decodes almost any byte pair (`E5 B9` is valid GB18030, and WHATWG
/// GB18030 maps a lone `80` to `€`), so a short UTF-8 line with two bad bytes can have
/// fewer GB18030 errors. Counting CJK characters would not separate them either: UTF-8
/// read as GB18030 also yields mostly (wrong) ideographs. The replacement count remains
/// the judge for input that is neither, such as binary garbage.
///
/// ```
/// let d = annex_normalize::decode(b"\xC4\xEA\xB6\xC8"); // 年度 in GBK
/// assert_eq!((d.text.as_str(), d.encoding), ("年度", "GB18030"));
/// ```
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        if encoding == encoding_rs::UTF_8 {
            return decode_utf8(rest);
        }
        return decode_with(encoding, rest);
    }
    let utf8 = decode_utf8(bytes);
    if utf8.replaced.is_empty() {
        return utf8;
    }
    let bad: usize = utf8.replaced.iter().map(|r| r.len).sum();
    let good = utf8
        .text
        .bytes()
        .filter(|&b| b >= 0x80)
        .count()
        .saturating_sub(3 * utf8.replaced.len());
    if good >= bad {
        return utf8;
    }
    let gb = decode_with(GB18030, bytes);
    if gb.replaced.len() < utf8.replaced.len() {
        gb
    } else {
        utf8
    }
}

/// The text of `bytes` without copying it, when [`decode`] reads them as UTF-8 with
/// nothing replaced (after a UTF-8 byte order mark, if any): then it is `decode(bytes).text`,
/// the encoding `UTF-8` and nothing replaced. `None` otherwise (the caller decodes).
///
/// Exact: a UTF-16 byte order mark (`FF FE`, `FE FF`) is no valid UTF-8, and valid UTF-8
/// is what [`decode`] returns as it is.
///
/// ```
/// assert_eq!(annex_normalize::decode_borrowed("\u{FEFF}年度".as_bytes()), Some("年度"));
/// assert_eq!(annex_normalize::decode_borrowed(b"\xC4\xEA"), None);
/// ```
pub fn decode_borrowed(bytes: &[u8]) -> Option<&str> {
    let rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    simdutf8::basic::from_utf8(rest).ok()
}

fn display_name(encoding: &'static Encoding) -> &'static str {
    // encoding_rs spells it `gb18030` (WHATWG label); the output contract uses upper case.
    if encoding == GB18030 {
        "GB18030"
    } else {
        encoding.name()
    }
}

fn decode_utf8(bytes: &[u8]) -> Decoded {
    // simdutf8 validates with SIMD (the CPU's best of AVX2/SSE4.2, chosen at run time):
    // several times faster than `std::str::from_utf8` or encoding_rs on Chinese text,
    // which are byte-at-a-time outside ASCII. Same answer: valid UTF-8 or not.
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: s.to_owned(),
            encoding: "UTF-8",
            replaced: Vec::new(),
        };
    }
    // Same maximal-subpart rule as `String::from_utf8_lossy`, but we keep the positions.
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let bad = chunk.invalid();
        if !bad.is_empty() {
            replaced.push(Replacement {
                offset: text.len(),
                len: bad.len(),
            });
            text.push('\u{FFFD}');
        }
    }
    Decoded {
        text,
        encoding: "UTF-8",
        replaced,
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len());
    let mut text = String::with_capacity(cap);
    let mut replaced = Vec::new();
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        input = input.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                // Only reached if the size estimate overflowed; grow and go on.
                text.reserve(input.len().saturating_mul(3).saturating_add(16));
            }
            DecoderResult::Malformed(len, _) => {
                replaced.push(Replacement {
                    offset: text.len(),
                    len: usize::from(len),
                });
                // U+FFFD needs 3 bytes of room; the estimate above reserved for it.
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        encoding: display_name(encoding),
        replaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_is_decode_when_it_takes_the_bytes() {
        let cases: &[&[u8]] = &[
            b"",
            b"abc\n",
            "年度\t14500\n".as_bytes(),
            b"\xEF\xBB\xBF",
            b"\xEF\xBB\xBFa\xE5\xB9\xB4",
            b"\xEF\xBB\xBF\xEF\xBB\xBFa",
            b"\xEF\xBB",
            b"\xFF\xFEa\0",
            b"\xFE\xFF\0a",
            b"\xC4\xEA\xB6\xC8",
            b"a\x80",
        ];
        for &bytes in cases {
            let d = decode(bytes);
            match decode_borrowed(bytes) {
                Some(text) => {
                    assert_eq!((text, d.encoding), (d.text.as_str(), "UTF-8"), "{bytes:?}");
                    assert!(d.replaced.is_empty());
                }
                None => assert!(d.encoding != "UTF-8" || !d.replaced.is_empty(), "{bytes:?}"),
            }
        }
    }

    #[test]
    fn encodings() {
        let cases: &[(&[u8], &str, &str, usize)] = &[
            (b"", "", "UTF-8", 0),
            ("年度".as_bytes(), "年度", "UTF-8", 0),
            (b"\xEF\xBB\xBF\xE5\xB9\xB4", "年", "UTF-8", 0),
            (b"\xFF\xFEt\x5E", "年", "UTF-16LE", 0),
            (b"\xFE\xFF\x5Et", "年", "UTF-16BE", 0),
            (b"\xFF\xFEt", "\u{FFFD}", "UTF-16LE", 1), // odd trailing byte
            (b"\xC4\xEA\xB6\xC8", "年度", "GB18030", 0),
            (b"\x90\x30\x81\x30", "\u{10000}", "GB18030", 0), // four-byte form
            // A few bad bytes in UTF-8 text stay UTF-8.
            ("年度资金总额".as_bytes(), "年度资金总额", "UTF-8", 0),
            (
                b"\xE5\xB9\xB4\t\x80\n\xE5\xBA\xA6\t",
                "年\t\u{FFFD}\n度\t",
                "UTF-8",
                1,
            ),
        ];
        for &(bytes, text, enc, n) in cases {
            let d = decode(bytes);
            assert_eq!(
                (d.text.as_str(), d.encoding, d.replaced.len()),
                (text, enc, n),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn replacement_offsets_point_at_fffd() {
        // 年ab…cd度…: six valid non-ASCII bytes against five bad ones.
        let d = decode(b"\xE5\xB9\xB4ab\xC0\xAFcd\xE5\xBA\xA6\xED\xA0\x80");
        assert_eq!(d.encoding, "UTF-8");
        for r in &d.replaced {
            assert_eq!(d.text.get(r.offset..r.offset + 3), Some("\u{FFFD}"));
        }
        assert_eq!(d.replaced.iter().map(|r| r.len).sum::<usize>(), 5);
    }
}
