//! The content-stream interpreter: page → positioned glyphs and ruling lines.
//!
//! Only the operators that place text and draw straight lines are executed; colour,
//! images, shading and clipping are skipped (a clipped-away border still separates cells
//! in every producer seen so far). Coordinates leave this module in *display space*: page
//! `/Rotate` applied, origin at the top-left corner of the crop/media box, y growing down.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::font::{Code, Font};
use crate::radicals;

/// Deepest nesting of form `XObject`s followed (`Do` inside a form inside a form …).
const MAX_FORM_DEPTH: usize = 8;
/// Operators executed per page, forms included: bounds self-referencing forms whose
/// nesting fans out, and content streams built to loop a reader.
const MAX_OPS_PER_PAGE: usize = 2_000_000;
/// Glyphs kept per page; a table page holds a few thousand.
const MAX_GLYPHS_PER_PAGE: usize = 200_000;
/// A filled rectangle thinner than this (pt) is a ruling line, not a background.
const THIN_FILL: f32 = 2.5;

/// An affine matrix `[a b c d e f]`, row-vector convention as in the PDF spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Matrix([f32; 6]);

// Matrix algebra reads best with the spec's one-letter names.
#[allow(clippy::many_single_char_names)]
impl Matrix {
    pub(crate) const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × other`: apply `self` first, then `other`.
    fn then(self, o: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn apply_vec(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, ..] = self.0;
        (x * a + y * c, x * b + y * d)
    }
}

/// One shown glyph in display space.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    /// Left and right edge of the advance box.
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    /// A point 0.3 em above the baseline: the vertical centre layout uses (the middle of
    /// a CJK glyph, about the x-height middle of Latin text).
    pub(crate) y: f32,
    /// The baseline's y at the glyph origin.
    pub(crate) baseline: f32,
    /// Effective font size in display units.
    pub(crate) size: f32,
    /// What the glyph stands for, radicals folded.
    pub(crate) text: String,
    /// A space glyph was shown just before this one (word spacing drawn as glyphs).
    pub(crate) space_before: bool,
}

impl Glyph {
    pub(crate) fn cx(&self) -> f32 {
        f32::midpoint(self.x0, self.x1)
    }
}

/// An axis-aligned ruling line in display space: `pos` is y for a horizontal line, x for
/// a vertical one; `lo..hi` its extent along the other axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rule {
    pub(crate) horizontal: bool,
    pub(crate) pos: f32,
    pub(crate) lo: f32,
    pub(crate) hi: f32,
}

/// What one page yields.
#[derive(Debug, Default)]
pub(crate) struct PageContent {
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) rules: Vec<Rule>,
    /// Problems met while reading the page (already worded for a warning).
    pub(crate) problems: Vec<String>,
}

/// Fonts already read, by font dictionary object (shared across pages).
#[derive(Default)]
pub(crate) struct FontCache {
    by_id: BTreeMap<ObjectId, Font>,
    inline: Vec<Font>,
}

#[derive(Clone, Copy)]
enum FontRef {
    Id(ObjectId),
    Inline(usize),
    Fallback,
}

#[derive(Clone, Copy)]
struct GState {
    ctm: Matrix,
    font: FontRef,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

struct Subpath {
    points: Vec<(f32, f32)>,
    /// Straight segments, display space.
    segs: Vec<((f32, f32), (f32, f32))>,
    curved: bool,
}

struct Interp<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    fallback: Font,
    out: PageContent,
    ops: usize,
    codes: Vec<Code>,
    path: Vec<Subpath>,
    warned_fonts: Vec<ObjectId>,
    /// A blank glyph was shown and not yet followed by a visible one.
    pending_space: bool,
}

/// A PDF number as `f32`; coordinates need no more precision than that.
#[allow(clippy::cast_precision_loss)]
fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(&ops[ops.len() - N..]) {
        *slot = num(o)?;
    }
    Some(out)
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map_or(o, |(_, o)| o)
}

/// A page attribute, inherited through `/Parent` (at most 32 levels).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(o) = node.get(key) {
            return Some(deref(doc, o));
        }
        node = node
            .get(b"Parent")
            .ok()
            .and_then(|p| deref(doc, p).as_dict().ok())?;
    }
    None
}

fn rect(doc: &Document, o: Option<&Object>) -> Option<[f32; 4]> {
    let a = o?.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let v: Option<Vec<f32>> = a.iter().map(|x| num(deref(doc, x))).collect();
    let v = v?;
    let [x0, y0, x1, y1] = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (x1 - x0 > 1.0 && y1 - y0 > 1.0).then_some([x0, y0, x1, y1])
}

/// Read one page: its glyphs and rulings in display space.
pub(crate) fn read_page(doc: &Document, page_id: ObjectId, fonts: &mut FontCache) -> PageContent {
    let mut problems = Vec::new();
    let Ok(page) = doc.get_dictionary(page_id) else {
        problems.push("page object is not a dictionary".to_string());
        return PageContent {
            problems,
            ..PageContent::default()
        };
    };
    let media = rect(doc, inherited(doc, page, b"MediaBox")).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let [x0, y0, x1, y1] = rect(doc, inherited(doc, page, b"CropBox")).unwrap_or(media);
    let rotate = inherited(doc, page, b"Rotate").and_then(num).unwrap_or(0.0) as i64;
    // Display space: rotate clockwise as a viewer does, then flip y so it grows down.
    let base = match rotate.rem_euclid(360) {
        90 => Matrix([0.0, 1.0, 1.0, 0.0, -y0, -x0]),
        180 => Matrix([-1.0, 0.0, 0.0, 1.0, x1, -y0]),
        270 => Matrix([0.0, -1.0, -1.0, 0.0, y1, x1]),
        _ => Matrix([1.0, 0.0, 0.0, -1.0, -x0, y1]),
    };
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
    let content = match doc.get_page_content(page_id) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!("content stream unreadable: {e}"));
            Vec::new()
        }
    };
    let mut it = Interp {
        doc,
        fonts,
        fallback: Font::fallback(),
        out: PageContent {
            problems,
            ..PageContent::default()
        },
        ops: 0,
        codes: Vec::new(),
        path: Vec::new(),
        warned_fonts: Vec::new(),
        pending_space: false,
    };
    let gs = GState {
        ctm: base,
        font: FontRef::Fallback,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    it.run(&content, resources, gs, 0);
    it.out
}

impl Interp<'_> {
    fn font(&self, r: FontRef) -> &Font {
        match r {
            FontRef::Id(id) => self.fonts.by_id.get(&id).unwrap_or(&self.fallback),
            FontRef::Inline(i) => self.fonts.inline.get(i).unwrap_or(&self.fallback),
            FontRef::Fallback => &self.fallback,
        }
    }

    fn select_font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> FontRef {
        let doc = self.doc;
        let Some(entry) = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|f| deref(doc, f).as_dict().ok())
            .and_then(|f| f.get(name).ok())
        else {
            self.out.problems.push(format!(
                "font /{} is not in the page resources: read as ASCII",
                String::from_utf8_lossy(name)
            ));
            return FontRef::Fallback;
        };
        if let Object::Reference(id) = entry {
            if !self.fonts.by_id.contains_key(id) {
                let font = match doc.get_dictionary(*id) {
                    Ok(d) => Font::load(doc, d),
                    Err(_) => Font::fallback(),
                };
                self.fonts.by_id.insert(*id, font);
            }
            if self.fonts.by_id.get(id).is_some_and(|f| f.undecodable)
                && !self.warned_fonts.contains(id)
            {
                self.warned_fonts.push(*id);
                self.out.problems.push(format!(
                    "font /{} has no ToUnicode map: its text is unreadable (U+FFFD)",
                    String::from_utf8_lossy(name)
                ));
            }
            FontRef::Id(*id)
        } else if let Ok(d) = entry.as_dict() {
            self.fonts.inline.push(Font::load(doc, d));
            FontRef::Inline(self.fonts.inline.len() - 1)
        } else {
            FontRef::Fallback
        }
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&Dictionary>,
        mut gs: GState,
        depth: usize,
    ) {
        let ops = match Content::decode(content) {
            Ok(c) => c.operations,
            Err(e) => {
                self.out
                    .problems
                    .push(format!("content stream does not parse: {e}"));
                return;
            }
        };
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in &ops {
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE {
                self.out.problems.push(format!(
                    "page has more than {MAX_OPS_PER_PAGE} operators: the rest is skipped"
                ));
                return;
            }
            let args = op.operands.as_slice();
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(args) {
                        gs.ctm = Matrix(m).then(gs.ctm);
                    }
                }
                "BT" => {
                    self.pending_space = false;
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(n)), Some(size)) =
                        (args.first(), args.get(1).and_then(num))
                    {
                        gs.font = self.select_font(resources, n);
                        gs.size = size;
                    }
                }
                "Tc" => gs.char_spacing = nums::<1>(args).map_or(gs.char_spacing, |[v]| v),
                "Tw" => gs.word_spacing = nums::<1>(args).map_or(gs.word_spacing, |[v]| v),
                "Tz" => gs.h_scale = nums::<1>(args).map_or(gs.h_scale, |[v]| v / 100.0),
                "TL" => gs.leading = nums::<1>(args).map_or(gs.leading, |[v]| v),
                "Ts" => gs.rise = nums::<1>(args).map_or(gs.rise, |[v]| v),
                "Td" | "TD" => {
                    if let Some([x, y]) = nums::<2>(args) {
                        if op.operator == "TD" {
                            gs.leading = -y;
                        }
                        tlm = Matrix::translate(x, y).then(tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(args) {
                        tlm = Matrix(m);
                        tm = tlm;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            if let Some([aw, ac]) = args.get(..2).and_then(nums::<2>) {
                                gs.word_spacing = aw;
                                gs.char_spacing = ac;
                            }
                        }
                        tlm = Matrix::translate(0.0, -gs.leading).then(tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = args.last() {
                        self.show(s, &gs, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut tm),
                                o => {
                                    if let Some(n) = num(o) {
                                        let tx = -n / 1000.0 * gs.size * gs.h_scale;
                                        tm = Matrix::translate(tx, 0.0).then(tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "m" => {
                    if let Some([x, y]) = nums::<2>(args) {
                        let p = gs.ctm.apply(x, y);
                        self.path.push(Subpath {
                            points: vec![p],
                            segs: Vec::new(),
                            curved: false,
                        });
                    }
                }
                "l" => {
                    if let Some([x, y]) = nums::<2>(args) {
                        let p = gs.ctm.apply(x, y);
                        if let Some(sp) = self.path.last_mut() {
                            if let Some(&last) = sp.points.last() {
                                sp.segs.push((last, p));
                            }
                            sp.points.push(p);
                        }
                    }
                }
                "c" | "v" | "y" => {
                    if let (Some([x, y]), Some(sp)) = (nums::<2>(args), self.path.last_mut()) {
                        sp.points.push(gs.ctm.apply(x, y));
                        sp.curved = true;
                    }
                }
                "h" => self.close_subpath(),
                "re" => {
                    if let Some([x, y, w, h]) = nums::<4>(args) {
                        let c = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                            .map(|(px, py)| gs.ctm.apply(px, py));
                        let segs = vec![(c[0], c[1]), (c[1], c[2]), (c[2], c[3]), (c[3], c[0])];
                        self.path.push(Subpath {
                            points: c.to_vec(),
                            segs,
                            curved: false,
                        });
                    }
                }
                "S" => self.paint(true, false),
                "s" => {
                    self.close_subpath();
                    self.paint(true, false);
                }
                "f" | "F" | "f*" => self.paint(false, true),
                "B" | "B*" => self.paint(true, true),
                "b" | "b*" => {
                    self.close_subpath();
                    self.paint(true, true);
                }
                "n" => self.path.clear(),
                "Do" => {
                    if let Some(Object::Name(n)) = args.first() {
                        self.do_xobject(resources, n, gs, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn close_subpath(&mut self) {
        if let Some(sp) = self.path.last_mut() {
            if let (Some(&first), Some(&last)) = (sp.points.first(), sp.points.last()) {
                if first != last {
                    sp.segs.push((last, first));
                }
            }
        }
    }

    fn paint(&mut self, stroke: bool, fill: bool) {
        for sp in std::mem::take(&mut self.path) {
            if stroke {
                for &(a, b) in &sp.segs {
                    if let Some(r) = rule_from_segment(a, b) {
                        self.out.rules.push(r);
                    }
                }
            }
            if fill && !sp.curved && sp.points.len() >= 2 {
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for &(x, y) in &sp.points {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
                let (w, h) = (x1 - x0, y1 - y0);
                // Only axis-aligned boxes: a thin one is a drawn line (many producers
                // fill hairline rectangles instead of stroking); a big one is a
                // background, whose edges are not trusted to be cell borders.
                let axis_aligned = sp
                    .segs
                    .iter()
                    .all(|&(a, b)| (a.0 - b.0).abs() < 0.1 || (a.1 - b.1).abs() < 0.1);
                if axis_aligned && h <= THIN_FILL && w > h {
                    self.out.rules.push(Rule {
                        horizontal: true,
                        pos: f32::midpoint(y0, y1),
                        lo: x0,
                        hi: x1,
                    });
                } else if axis_aligned && w <= THIN_FILL && h > w {
                    self.out.rules.push(Rule {
                        horizontal: false,
                        pos: f32::midpoint(x0, x1),
                        lo: y0,
                        hi: y1,
                    });
                }
            }
        }
    }

    fn do_xobject(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
        gs: GState,
        depth: usize,
    ) {
        let doc = self.doc;
        if depth >= MAX_FORM_DEPTH {
            self.out.problems.push(format!(
                "form XObjects nested deeper than {MAX_FORM_DEPTH}: skipped"
            ));
            return;
        }
        let Some(stream) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| deref(doc, x).as_dict().ok())
            .and_then(|x| x.get(name).ok())
            .and_then(|o| deref(doc, o).as_stream().ok())
        else {
            return;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return;
        }
        let mut inner = gs;
        if let Some(m) = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| deref(doc, o).as_array().ok())
            .and_then(|a| nums::<6>(a))
        {
            inner.ctm = Matrix(m).then(gs.ctm);
        }
        let res = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o).as_dict().ok())
            .or(resources);
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        self.run(&bytes, res, inner, depth + 1);
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let mut codes = std::mem::take(&mut self.codes);
        self.font(gs.font).decode(bytes, &mut codes);
        let fs = gs.size;
        let text_to_display = Matrix([fs * gs.h_scale, 0.0, 0.0, fs, 0.0, gs.rise]);
        for code in &codes {
            let trm = text_to_display.then(*tm).then(gs.ctm);
            let (lx, ly) = trm.apply(0.0, 0.3);
            let (rx, ry) = trm.apply(code.width, 0.3);
            let (_, by) = trm.apply(0.0, 0.0);
            let (ux, uy) = trm.apply_vec(0.0, 1.0);
            let size = ux.hypot(uy);
            let text = code.text.trim();
            if !text.is_empty()
                && self.out.glyphs.len() < MAX_GLYPHS_PER_PAGE
                && lx.is_finite()
                && rx.is_finite()
            {
                self.out.glyphs.push(Glyph {
                    x0: lx.min(rx),
                    x1: lx.max(rx).max(lx.min(rx) + 0.01),
                    y: f32::midpoint(ly, ry),
                    baseline: by,
                    size,
                    text: radicals::fold_str(text).into_owned(),
                    space_before: std::mem::take(&mut self.pending_space),
                });
            } else if text.is_empty() && !code.text.is_empty() {
                self.pending_space = true;
            }
            let mut tx = code.width * fs + gs.char_spacing;
            if code.is_space {
                tx += gs.word_spacing;
            }
            *tm = Matrix::translate(tx * gs.h_scale, 0.0).then(*tm);
        }
        self.codes = codes;
    }
}

/// A stroked straight segment that is horizontal or vertical (within 0.5 pt) and
/// longer than 1 pt.
fn rule_from_segment(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
    let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
    if dy < 0.5 && dx > 1.0 {
        Some(Rule {
            horizontal: true,
            pos: f32::midpoint(a.1, b.1),
            lo: a.0.min(b.0),
            hi: a.0.max(b.0),
        })
    } else if dx < 0.5 && dy > 1.0 {
        Some(Rule {
            horizontal: false,
            pos: f32::midpoint(a.0, b.0),
            lo: a.1.min(b.1),
            hi: a.1.max(b.1),
        })
    } else {
        None
    }
}
