//! Properties: the canonical form is a fixed point, and normalizing never panics.

use annex_normalize::{canonical_line, canonical_text, is_canonical, normalize};
use proptest::prelude::*;

/// Pieces that exercise every rule and their interplay: markup that decodes into more
/// markup, full-width forms, switchable punctuation, spaces of every kind, CJK text.
const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<br/>",
    "<td ",
    "<h2 a=\"1;\">",
    ">",
    "<",
    "<!--",
    "-->",
    "&lt;",
    "&gt;",
    "&amp;",
    "&nbsp;",
    "&#36;",
    "&#92;",
    "&#12288;",
    "&#9;",
    "&#10;",
    "&",
    ";",
    "$",
    "\\geq",
    "\\ge ",
    "\\text{",
    "\\frac",
    "{",
    "}",
    "^",
    "\\circ",
    "\\%",
    "\\",
    " ",
    "  ",
    "\t",
    "a",
    "p",
    "td",
    "1",
    "2",
    ".",
    "．",
    ",",
    "，",
    ":",
    "：",
    ";",
    "；",
    "(",
    ")",
    "（",
    "）",
    "?",
    "！",
    "年",
    "人",
    "。",
    "、",
    "Ａ",
    "１",
    "％",
    "＜",
    "ｐ",
    "＞",
    "＆",
    "ｌｔ",
    "＄",
    "＼",
    "\u{3000}",
    "\u{A0}",
    "-",
    "—",
    "≥",
    "\0",
    "\u{7}",
    "\u{200B}",
    "\u{FEFF}",
    "\r",
    "\n",
    "\u{C}",
    "\u{85}",
    "\u{2028}",
    "\u{FFFD}",
];

fn pieces() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|v| v.concat()),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn canonical_text_is_idempotent(s in pieces()) {
        let once = canonical_text(&s);
        prop_assert_eq!(canonical_text(&once), once.clone(), "input {:?}", s);
        prop_assert!(!once.contains(['\t', '\n', '\r']));
        prop_assert_eq!(once.trim(), once.as_str());
    }

    /// `is_canonical` lets the grammar keep a text without a copy: it must never say
    /// yes to a text that canonicalizes to something else, whether drawn from the pieces
    /// or already canonicalized once.
    #[test]
    fn is_canonical_only_when_canonical(s in pieces()) {
        if is_canonical(&s) {
            prop_assert_eq!(canonical_text(&s), s.clone(), "input {:?}", s);
        }
        let once = canonical_text(&s);
        if is_canonical(&once) {
            prop_assert_eq!(canonical_text(&once), once.clone());
        }
    }

    #[test]
    fn canonical_line_is_idempotent(s in pieces()) {
        let once = canonical_line(&s);
        prop_assert_eq!(canonical_line(&once), once.clone(), "input {:?}", s);
        prop_assert!(!once.ends_with('\t'));
    }

    #[test]
    fn normalized_lines_normalize_to_themselves(s in pieces()) {
        let n = normalize(s.as_bytes());
        // A newline after every line, so a blank last line survives the round trip.
        let joined: String = n.lines.iter().flat_map(|l| [l.text.as_str(), "\n"]).collect();
        let again = normalize(joined.as_bytes());
        let a: Vec<&str> = n.lines.iter().map(|l| l.text.as_str()).collect();
        let b: Vec<&str> = again.lines.iter().map(|l| l.text.as_str()).collect();
        prop_assert_eq!(a, b, "input {:?}", s);
    }

    #[test]
    fn any_bytes_normalize(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let n = normalize(&bytes);
        for (i, line) in n.lines.iter().enumerate() {
            prop_assert_eq!(line.first as usize, i + 1);
        }
    }
}
