//! Folding of radical code points to the unified ideographs they stand for (and of one
//! dash that the same producers substitute).
//!
//! Some producers' `ToUnicode` maps give the *radical* code points instead of the
//! ideographs: Chromium's Type 3 output writes `⽬` (U+2F6C KANGXI RADICAL EYE) for `目`,
//! `⻔` (U+2ED4 CJK RADICAL C-SIMPLIFIED GATE) for `门`. A reader sees the same glyph; a
//! grammar matching `项目名称` does not. Unicode's `EquivalentUnifiedIdeograph` property
//! (Unihan data, `EquivalentUnifiedIdeograph.txt`) says which ideograph each radical is.
//!
//! Only these two blocks are folded, character by character. Full NFKC is never applied
//! to the text: it would also rewrite full-width punctuation and digits, which the
//! canonical text form handles with its own rules.

/// U+2F00..=U+2FD5 (Kangxi Radicals), in order: each radical's unified ideograph. This is
/// exactly the NFKC decomposition of the block (and its `EquivalentUnifiedIdeograph`).
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// CJK Radicals Supplement (U+2E80..=U+2EFF): NFKC leaves these alone (only U+2E9F and
/// U+2EF3 have compatibility mappings), so the `EquivalentUnifiedIdeograph` entries are
/// listed here by hand. Kept small on purpose: the simplified-form radicals that stand
/// for whole characters in Chinese text. `⺠` and `⻔` occur in `seed-chromium-type3.pdf`
/// (in 居民, 部门); the rest are their siblings in the same table.
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E9F}', '母'),
    ('\u{2EA0}', '民'),
    ('\u{2EC4}', '西'),
    ('\u{2EC5}', '见'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECB}', '车'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED8}', '青'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EDD}', '食'),
    ('\u{2EE2}', '马'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEC}', '齐'),
    ('\u{2EEE}', '齿'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF3}', '龟'),
];

/// The unified ideograph a radical code point stands for; other characters unchanged.
///
/// Also U+2015 HORIZONTAL BAR → U+2014 EM DASH: the same Type 3 `ToUnicode` maps give `―`
/// where every other producer of the same table gives `—` (`1月―12月`), and the
/// grammar reads month spans with the em dash.
pub(crate) fn fold(c: char) -> char {
    if c == '\u{2015}' {
        return '—';
    }
    let u = u32::from(c);
    if (0x2F00..=0x2FD5).contains(&u) {
        let i = (u - 0x2F00) as usize;
        return KANGXI.chars().nth(i).unwrap_or(c);
    }
    if (0x2E80..=0x2EFF).contains(&u) {
        if let Ok(i) = SUPPLEMENT.binary_search_by_key(&c, |&(r, _)| r) {
            return SUPPLEMENT[i].1;
        }
    }
    c
}

/// [`fold`] over a string, allocating only when something changes.
pub(crate) fn fold_str(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| fold(c) != c) {
        std::borrow::Cow::Owned(s.chars().map(fold).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kangxi_table_is_complete() {
        assert_eq!(KANGXI.chars().count(), 0x2FD5 - 0x2F00 + 1);
    }

    #[test]
    fn supplement_table_is_sorted() {
        assert!(SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn folds_the_radicals_seen_in_chromium_type3() {
        for (radical, ideograph) in [
            ("⽬", "目"),
            ("⻔", "门"),
            ("⺠", "民"),
            ("⼈", "人"),
            ("⿎", "鼓"),
        ] {
            assert_eq!(fold_str(radical), ideograph, "{radical}");
        }
        assert_eq!(fold_str("项⽬名称"), "项目名称");
        assert_eq!(fold_str("（2024年度）"), "（2024年度）");
    }
}
