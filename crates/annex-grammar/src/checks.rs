//! The consistency checks of `SCHEMA.md`, run on one table after it is parsed.
//!
//! Every check is `pass`, `fail` or `skip` with a detail a person can read. [`run`] always
//! returns all four keys ([`FUNDS_SUM`], [`COST_SUM`], [`GOAL_NUMBERING`],
//! [`REQUIRED_INDICATORS`]). Money is compared in decimals, never floats, and numbers are
//! printed without trailing zeros.
//!
//! Decisions the schema leaves open, made here:
//! - `funds_sum` prints the three amounts without a unit, as the schema's example does
//!   (`3193 = 3193 + 0`); a blank 财政拨款 or 其他资金 counts as 0 even when both are blank.
//! - `cost_sum` reads the funds unit `元`, `万元` or `亿元`; when the label printed no unit,
//!   `万元` (the unit every known template prints) is assumed and the detail says so; any
//!   other unit skips the check. A 成本指标 row whose value is no money in 元/万元/亿元
//!   (`有效`, `≤1500元/亩`) fails the check and is named, since the sum cannot be made.
//!   A comparator on a cost row (`≤50万元`) is ignored: the amount is still budgeted.
//! - `goal_numbering` treats a list where some goals lack a number as a failure and prints
//!   the missing numbers as `none`.
//! - `required_indicators` counts each 必填 二级指标 once (by 一级指标 + 二级指标) even when
//!   its label is printed twice.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use rust_decimal::Decimal;

use crate::value::yuan_factor;
use crate::{Check, CheckStatus, Funds, Indicator};

/// Key of the check 年度资金总额 = 财政拨款 + 其他资金.
pub const FUNDS_SUM: &str = "funds_sum";
/// Key of the check that the 成本指标 rows add up to 年度资金总额.
pub const COST_SUM: &str = "cost_sum";
/// Key of the check that the goals are numbered 1, 2, 3 ….
pub const GOAL_NUMBERING: &str = "goal_numbering";
/// Key of the check that every 必填 二级指标 has a row.
pub const REQUIRED_INDICATORS: &str = "required_indicators";

/// What the checks of one table look at.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// 项目资金 as parsed.
    pub funds: &'a Funds<'a>,
    /// The 三级指标 rows, in source order.
    pub indicators: &'a [Indicator<'a>],
    /// The number printed before each goal of 年度总体目标, in order; `None` for a goal
    /// printed without one.
    pub goal_numbers: &'a [Option<u32>],
    /// Every 二级指标 label the form printed, rows or not.
    pub labels: &'a [Level2Label],
}

/// One 二级指标 label as the form printed it, e.g. `数量指标（必填硬性指标）` under
/// `产出指标`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level2Label {
    /// The 一级指标 it stands under.
    pub level1: String,
    /// The 二级指标 without its annotation, e.g. `数量指标`.
    pub level2: String,
    /// The bracketed annotation, e.g. `必填硬性指标`; a label is required when it
    /// contains `必填`.
    pub note: Option<String>,
    /// Source line of the label, when known; named in a failure.
    pub line: Option<u32>,
}

/// Run every check of one table, keyed by check id.
pub fn run(input: &CheckInput<'_>) -> BTreeMap<Cow<'static, str>, Check> {
    keyed(
        funds_sum(input.funds),
        cost_sum(input.funds, input.indicators),
        goal_numbering(input.goal_numbers),
        required_indicators(input.labels, input.indicators),
    )
}

/// [`run`] for the table parser, with its labels borrowed.
pub(crate) fn run_with<'a>(
    funds: &Funds,
    indicators: &[Indicator],
    goal_numbers: &[Option<u32>],
    labels: impl Iterator<Item = LabelSeen<'a>>,
) -> BTreeMap<Cow<'static, str>, Check> {
    keyed(
        funds_sum(funds),
        cost_sum(funds, indicators),
        goal_numbering(goal_numbers),
        required_of(labels, indicators),
    )
}

/// The four checks under their ids (borrowed: the ids are constants).
///
/// A copy of a map of the four ids built once, its values then set in the ids' order
/// (`cost_sum`, `funds_sum`, `goal_numbering`, `required_indicators`, which a test
/// holds): copying a node of four borrowed keys costs a third of what `BTreeMap::from`
/// spends sorting, deduplicating and moving the four pairs. The map is the same.
fn keyed(
    funds: Check,
    cost: Check,
    goals: Check,
    required: Check,
) -> BTreeMap<Cow<'static, str>, Check> {
    static IDS: LazyLock<BTreeMap<Cow<'static, str>, Check>> = LazyLock::new(|| {
        [COST_SUM, FUNDS_SUM, GOAL_NUMBERING, REQUIRED_INDICATORS]
            .into_iter()
            .map(|id| (Cow::Borrowed(id), skip("")))
            .collect()
    });
    let mut map = IDS.clone();
    for (slot, check) in map.values_mut().zip([cost, funds, goals, required]) {
        *slot = check;
    }
    map
}

/// 年度资金总额 = 财政拨款 + 其他资金, a blank amount counting as 0; skipped when the
/// total is blank. Detail: `3193 = 3193 + 0` or `5744 ≠ 5000 + 0`.
pub fn funds_sum(funds: &Funds) -> Check {
    let Some(total) = funds.total else {
        return skip("年度资金总额 is blank");
    };
    let total = total.0;
    let fiscal = funds.fiscal.map_or(Decimal::ZERO, |n| n.0);
    let other = funds.other.map_or(Decimal::ZERO, |n| n.0);
    let Some(sum) = fiscal.checked_add(other) else {
        return skip("财政拨款 + 其他资金 is too large to add exactly");
    };
    let (status, relation) = if total == sum {
        (CheckStatus::Pass, "=")
    } else {
        (CheckStatus::Fail, "≠")
    };
    let mut detail = String::with_capacity(32);
    show_into(&mut detail, total);
    detail.push(' ');
    detail.push_str(relation);
    detail.push(' ');
    show_into(&mut detail, fiscal);
    detail.push_str(" + ");
    show_into(&mut detail, other);
    Check {
        status,
        detail: detail.into(),
    }
}

/// Whether a row is a 成本指标 row: under the 二级指标 `成本指标` (older templates) or the
/// 一级指标 `成本指标` (newer ones).
fn is_cost(row: &Indicator) -> bool {
    same(&row.level2, "成本指标") || same(&row.level1, "成本指标")
}

/// The money of the 成本指标 rows, in 元, adds up to 年度资金总额 in 元.
///
/// Skipped when there are no cost rows, the total is blank, or the funds unit is no
/// money unit. Detail, in the funds unit: `2053+320+820 = 3193 万元`,
/// `9670+695+548 = 10913 万元 ≠ 5744 万元`, or, when all rows share another unit,
/// `150000+60000+50000 元 = 26 万元 ≠ 25 万元`.
pub fn cost_sum(funds: &Funds, indicators: &[Indicator]) -> Check {
    let rows = || indicators.iter().filter(|r| is_cost(r));
    // One walk over the rows finds what the tests below read, in their order: whether
    // there are cost rows, whether one has no amount in 元, the sum of the amounts (only
    // read when every row has one, so it is then the sum over every row, `None` when it
    // overflows), and the unit the rows share (see `shared_unit`).
    let mut count = 0usize;
    let mut missing = false;
    let mut sum = Some(Decimal::ZERO);
    let mut shared: Option<&str> = None;
    for row in rows() {
        let row_unit = row.value.number.and(row.value.unit.as_deref());
        if count == 0 {
            shared = row_unit;
        } else if shared.is_some() && row_unit != shared {
            shared = None;
        }
        count += 1;
        match row.value.yuan {
            Some(yuan) => sum = sum.and_then(|acc| acc.checked_add(yuan.0)),
            None => missing = true,
        }
    }
    if count == 0 {
        return skip("no 成本指标 rows");
    }
    let Some(total) = funds.total else {
        return skip("年度资金总额 is blank");
    };
    let (unit, note) = match funds.unit.as_deref() {
        Some(unit) => (unit, ""),
        None => ("万元", " (funds unit not printed; 万元 assumed)"),
    };
    let Some(factor) = yuan_factor(unit) else {
        return skip(format!("funds unit {unit} is not 元, 万元 or 亿元"));
    };

    if missing {
        return missing_amounts(rows());
    }
    added_up(&rows(), sum, shared, total.0, unit, factor, note)
}

/// The `cost_sum` failure that names every cost row without an amount in 元.
fn missing_amounts<'a>(rows: impl Iterator<Item = &'a Indicator<'a>>) -> Check {
    let mut missing = String::new();
    for (k, row) in rows.enumerate() {
        if row.value.yuan.is_none() {
            if !missing.is_empty() {
                missing.push_str("; ");
            }
            describe_missing(&mut missing, k + 1, row);
        }
    }
    fail(missing)
}

/// The `cost_sum` check once every cost row in `rows` has its amount in 元: `sum` is
/// their sum (`None` when it overflowed), `shared` the unit they all printed, `total`
/// the funds total in `unit` (`factor` 元 each), `note` what to say about that unit.
fn added_up<'a>(
    rows: &(impl Iterator<Item = &'a Indicator<'a>> + Clone),
    sum: Option<Decimal>,
    shared: Option<&str>,
    total: Decimal,
    unit: &str,
    factor: Decimal,
    note: &str,
) -> Check {
    let amounts = || {
        rows.clone()
            .filter_map(|row| row.value.yuan.map(|yuan| (yuan.0, row)))
    };
    let too_large = || skip("amounts too large to add exactly");
    let Some(sum) = sum else {
        return too_large();
    };
    let Some(total_yuan) = total.checked_mul(factor) else {
        return too_large();
    };
    let Some(sum_in_unit) = div_by(sum, factor) else {
        return too_large();
    };

    // Show the rows as printed when they share one unit, else each converted to the
    // funds unit; the sum is always in the funds unit, beside the total.
    let mut detail = String::with_capacity(64);
    let mut first = true;
    let mut term = |detail: &mut String, d: Decimal| {
        if !std::mem::take(&mut first) {
            detail.push('+');
        }
        show_into(detail, d);
    };
    match shared {
        Some(_) => {
            for (_, row) in amounts() {
                if let Some(n) = row.value.number {
                    term(&mut detail, n.0);
                }
            }
        }
        None => {
            for (yuan, _) in amounts() {
                term(&mut detail, div_by(yuan, factor).unwrap_or(yuan));
            }
        }
    }
    if let Some(row_unit) = shared.filter(|row_unit| *row_unit != unit) {
        detail.push(' ');
        detail.push_str(row_unit);
    }
    detail.push_str(" = ");
    show_into(&mut detail, sum_in_unit);
    detail.push(' ');
    detail.push_str(unit);
    let status = if sum == total_yuan {
        CheckStatus::Pass
    } else {
        detail.push_str(" ≠ ");
        show_into(&mut detail, total);
        detail.push(' ');
        detail.push_str(unit);
        CheckStatus::Fail
    };
    detail.push_str(note);
    Check {
        status,
        detail: detail.into(),
    }
}

/// `d.checked_div(factor)` as [`show_into`] prints it, for the factors of
/// [`yuan_factor`] (1, 10^4, 10^8) without a division: `d` is `m / 10^s`, so `d / 10^k`
/// is `m / 10^(s + k)` exactly, the value the division gives when that scale is one a
/// decimal can have (up to 28; else the division rounds, and is done). The two may
/// differ in scale (trailing zeros), which `show_into` drops; a proptest compares them.
fn div_by(d: Decimal, factor: Decimal) -> Option<Decimal> {
    let k = match (factor.mantissa(), factor.scale()) {
        (1, 0) => 0,
        (10_000, 0) => 4,
        (100_000_000, 0) => 8,
        _ => return d.checked_div(factor),
    };
    let scale = d.scale() + k;
    if scale > 28 {
        return d.checked_div(factor);
    }
    Decimal::try_from_i128_with_scale(d.mantissa(), scale)
        .ok()
        .or_else(|| d.checked_div(factor))
}

/// The unit every row printed, when they all printed the same one with a number (the
/// rows' `number.and(unit)` are all equal, and not `None`). [`cost_sum`] finds it in its
/// one walk over the rows; the tests compare the two.
#[cfg(test)]
fn shared_unit<'a>(mut rows: impl Iterator<Item = &'a Indicator<'a>>) -> Option<&'a str> {
    let unit = |row: &'a Indicator<'a>| row.value.number.and(row.value.unit.as_deref());
    let first = unit(rows.next()?)?;
    rows.all(|row| unit(row) == Some(first)).then_some(first)
}

fn describe_missing(out: &mut String, ordinal: usize, row: &Indicator) {
    let text = if row.value.text.is_empty() {
        "(blank)"
    } else {
        &row.value.text
    };
    out.push_str("成本指标 row ");
    push_int(out, ordinal as u64);
    out.push_str(" (");
    out.push_str(&row.name);
    if let Some(span) = row.lines {
        out.push_str(", line ");
        push_int(out, u64::from(span.start));
    }
    out.push_str(") has no money value: ");
    out.push_str(text);
}

/// Goals are numbered 1, 2, 3 … in order. Skipped when no goal has a number; fails when
/// some lack one. Detail: `numbered 1, 2, 3` or `numbered 3, 4, 3; expected 1, 2, 3`.
pub fn goal_numbering(numbers: &[Option<u32>]) -> Check {
    if numbers.is_empty() {
        return skip("no goals");
    }
    if numbers.iter().all(Option::is_none) {
        return skip("goals are not numbered");
    }
    if let Some(text) = numbered_in_order(numbers) {
        return pass(text);
    }
    let mut detail = String::with_capacity(16 + 4 * numbers.len());
    detail.push_str("numbered ");
    for (k, n) in numbers.iter().enumerate() {
        if k > 0 {
            detail.push_str(", ");
        }
        match n {
            Some(n) => push_int(&mut detail, u64::from(*n)),
            None => detail.push_str("none"),
        }
    }
    let in_order = numbers
        .iter()
        .zip(1u32..)
        .all(|(n, expected)| *n == Some(expected));
    if in_order {
        pass(detail)
    } else {
        detail.push_str("; expected ");
        for n in 1..=numbers.len() {
            if n > 1 {
                detail.push_str(", ");
            }
            push_int(&mut detail, n as u64);
        }
        fail(detail)
    }
}

/// The numbering `numbered 1, 2, …, n` of up to nine goals numbered in order, as a
/// prefix of one constant (`n` numbers of one digit take `3n + 7` bytes with the word
/// before them): no string is built for the common passing case. A test compares it with
/// the built one.
fn numbered_in_order(numbers: &[Option<u32>]) -> Option<&'static str> {
    const ALL: &str = "numbered 1, 2, 3, 4, 5, 6, 7, 8, 9";
    let in_order = numbers
        .iter()
        .zip(1u32..)
        .all(|(n, expected)| *n == Some(expected));
    if !in_order || numbers.is_empty() {
        return None;
    }
    ALL.get(..(3 * numbers.len()).checked_add(7)?)
}

/// `{n} required 二级指标, all have rows` for `n` from 1 to 16, the passing detail of
/// [`required_of`], borrowed rather than built (a test compares each with the built one).
const ALL_HAVE_ROWS: [&str; 16] = [
    "1 required 二级指标, all have rows",
    "2 required 二级指标, all have rows",
    "3 required 二级指标, all have rows",
    "4 required 二级指标, all have rows",
    "5 required 二级指标, all have rows",
    "6 required 二级指标, all have rows",
    "7 required 二级指标, all have rows",
    "8 required 二级指标, all have rows",
    "9 required 二级指标, all have rows",
    "10 required 二级指标, all have rows",
    "11 required 二级指标, all have rows",
    "12 required 二级指标, all have rows",
    "13 required 二级指标, all have rows",
    "14 required 二级指标, all have rows",
    "15 required 二级指标, all have rows",
    "16 required 二级指标, all have rows",
];

/// Every 二级指标 the form marks 必填 has at least one row (matched on 一级指标 and
/// 二级指标). Skipped when no label is marked 必填. Detail:
/// `7 required 二级指标, all have rows` or
/// `1 of 7 required 二级指标 without rows: 产出指标/成本指标 (line 107)`.
pub fn required_indicators(labels: &[Level2Label], indicators: &[Indicator]) -> Check {
    required_of(
        labels.iter().map(|l| LabelSeen {
            level1: &l.level1,
            level2: &l.level2,
            required: l.note.as_deref().is_some_and(|n| n.contains("必填")),
            line: l.line,
        }),
        indicators,
    )
}

/// A [`Level2Label`] as the checks read it, borrowed: the table parser keeps its labels
/// in this form rather than allocate three strings per label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LabelSeen<'a> {
    pub level1: &'a str,
    pub level2: &'a str,
    /// Whether the note contains `必填`.
    pub required: bool,
    pub line: Option<u32>,
}

/// [`required_indicators`] over borrowed labels.
pub(crate) fn required_of<'a>(
    labels: impl Iterator<Item = LabelSeen<'a>>,
    indicators: &[Indicator],
) -> Check {
    // Each (一级, 二级) once, first label kept. A table prints a handful: they are
    // compared one by one; a set takes over past `FEW` (hostile input stays linear).
    const FEW: usize = 16;
    let mut seen = BTreeSet::new();
    let mut required: Vec<LabelSeen<'a>> = Vec::with_capacity(16);
    // `prints[k]` is `print` of `required[k]` for the first `FEW`: a pair is compared
    // byte by byte only with the labels of its print.
    let mut prints = [0u64; FEW];
    for l in labels.filter(|l| l.required) {
        let key = (l.level1, l.level2);
        let first = if required.len() < FEW {
            let p = print(key);
            let first = !prints
                .iter()
                .zip(&required)
                .any(|(&q, r)| q == p && same_pair((r.level1, r.level2), key));
            if first {
                prints[required.len()] = p;
            }
            first
        } else {
            if seen.is_empty() {
                seen.extend(required.iter().map(|r| (r.level1, r.level2)));
            }
            seen.insert(key)
        };
        if first {
            required.push(l);
        }
    }
    if required.is_empty() {
        return skip("no 二级指标 is marked 必填");
    }
    // Which required labels have a row: each run of rows under the same levels is looked
    // up once among the labels (the rows of a table come in such runs), and marks the one
    // label it matches (the labels are distinct pairs). Bit `k` of `has_row` stands for
    // label `k` up to 64 (a table prints a handful), `more` for the others; nothing is
    // allocated for the usual table.
    let mut has_row = 0u64;
    let mut more = vec![false; required.len().saturating_sub(64)];
    let mut last = None;
    for r in indicators {
        let pair = (&*r.level1, &*r.level2);
        if last.is_some_and(|last| same_pair(last, pair)) {
            continue;
        }
        last = Some(pair);
        let found = if required.len() <= FEW {
            let p = print(pair);
            prints
                .iter()
                .zip(&required)
                .position(|(&q, l)| q == p && same_pair((l.level1, l.level2), pair))
        } else {
            required
                .iter()
                .position(|l| same_pair((l.level1, l.level2), pair))
        };
        if let Some(k) = found {
            match k.checked_sub(64) {
                None => has_row |= 1 << k,
                Some(j) => more[j] = true,
            }
        }
    }
    let mut missing = String::new();
    let mut count = 0u64;
    for (k, l) in required.iter().enumerate() {
        let found = match k.checked_sub(64) {
            None => has_row & (1 << k) != 0,
            Some(j) => more[j],
        };
        if found {
            continue;
        }
        if count > 0 {
            missing.push_str(", ");
        }
        count += 1;
        missing.push_str(l.level1);
        missing.push('/');
        missing.push_str(l.level2);
        if let Some(n) = l.line {
            missing.push_str(" (line ");
            push_int(&mut missing, u64::from(n));
            missing.push(')');
        }
    }
    if count == 0 {
        if let Some(text) = required
            .len()
            .checked_sub(1)
            .and_then(|k| ALL_HAVE_ROWS.get(k))
        {
            return pass(*text);
        }
    }
    let mut detail = String::with_capacity(64 + missing.len());
    if count == 0 {
        push_int(&mut detail, required.len() as u64);
        detail.push_str(" required 二级指标, all have rows");
        pass(detail)
    } else {
        push_int(&mut detail, count);
        detail.push_str(" of ");
        push_int(&mut detail, required.len() as u64);
        detail.push_str(" required 二级指标 without rows: ");
        detail.push_str(&missing);
        fail(detail)
    }
}

/// `a == b` for two (一级, 二级) pairs, without a call of `memcmp` for the names of 8
/// to 16 bytes that the levels nearly all are (`产出指标` is 12): two words, overlapping
/// when shorter than 16 bytes, hold every byte of each (a test compares with `==`).
fn same_pair(a: (&str, &str), b: (&str, &str)) -> bool {
    same(a.0, b.0) && same(a.1, b.1)
}

/// A summary of a (一级, 二级) pair for [`required_of`]: a function of the pair's bytes,
/// so equal pairs have equal prints, and pairs of different prints are different pairs
/// (only those of the same print need comparing byte by byte). The last 8 bytes of each
/// name (all of them when shorter) and the lengths: the names of a table's labels
/// differ there nearly always.
fn print(pair: (&str, &str)) -> u64 {
    fn tail(s: &[u8]) -> u64 {
        match s.len().checked_sub(8) {
            Some(at) => s
                .get(at..)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                .map_or(0, u64::from_le_bytes),
            None => s.iter().fold(0, |acc, &b| acc << 8 | u64::from(b)),
        }
    }
    let (a, b) = (pair.0.as_bytes(), pair.1.as_bytes());
    tail(b) ^ tail(a).rotate_left(31) ^ ((a.len() as u64) << 40) ^ ((b.len() as u64) << 13)
}

/// `a == b`, see [`same_pair`]. The same address and length are the same bytes (the
/// levels are mostly the vocabulary's static strings, shared by labels and rows): no
/// load of them then.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if std::ptr::eq(a.as_ptr(), b.as_ptr()) {
        return true;
    }
    if !(8..=16).contains(&n) {
        return a == b;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_ne_bytes)
    };
    word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
}

/// A decimal without trailing zeros: `3193`, not `3193.00`.
#[cfg(test)]
fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// [`show`], appended to `out`.
///
/// A decimal whose mantissa fits an `i64` (what amounts almost always are) is normalized
/// by hand: its trailing zeros are divided off while it has a scale, which is what
/// `normalize` does (a zero mantissa ends with scale 0 and no sign, as `normalize` turns
/// `-0` into `0`). `Display` of a normalized decimal is then its digits with the point
/// `scale` digits from the right, `0.` and zeros in front when it has no more digits
/// than that, minus sign first: for a scale up to 18, the whole part `a / 10^scale`,
/// then the point and the `scale` digits of `a % 10^scale` with their leading zeros
/// (the digits of `10^scale + a % 10^scale` after its `1`). Larger mantissas and scales
/// go through [`place_point`], after `normalize` for the mantissas (a proptest compares
/// all with `Display`).
fn show_into(out: &mut String, d: Decimal) {
    if let Ok(mut m) = i64::try_from(d.mantissa()) {
        let mut scale = d.scale();
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        if m < 0 {
            out.push('-');
        }
        let a = m.unsigned_abs();
        if scale == 0 {
            push_int(out, a);
            return;
        }
        if let Some(&power) = POW10.get(scale as usize) {
            push_int(out, a / power);
            out.push('.');
            let mut digits = [0u8; 20];
            let at = digits_of(&mut digits, power + a % power);
            push_ascii(out, digits.get(at + 1..).unwrap_or_default());
            return;
        }
        let mut digits = [0u8; 20];
        let at = digits_of(&mut digits, a);
        place_point(out, &digits[at..], scale as usize);
        return;
    }
    let d = d.normalize();
    if d.is_sign_negative() {
        out.push('-');
    }
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    let mut n = d.mantissa().unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    place_point(out, &digits[at..], d.scale() as usize);
}

/// Powers of ten up to 10^18 (the largest below 2^63).
const POW10: [u64; 19] = {
    let mut p = [1u64; 19];
    let mut k = 1;
    while k < p.len() {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// The ASCII digits `ds` with the point `scale` digits from the right, as `Display`
/// writes a normalized decimal: `0.` and zeros in front when there are no more digits
/// than `scale`.
fn place_point(out: &mut String, ds: &[u8], scale: usize) {
    if scale == 0 {
        push_ascii(out, ds);
    } else if ds.len() > scale {
        let (int, frac) = ds.split_at(ds.len() - scale);
        push_ascii(out, int);
        out.push('.');
        push_ascii(out, frac);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - ds.len()));
        push_ascii(out, ds);
    }
}

/// Appends ASCII bytes (digits) to `out`, reserved once.
fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.reserve(ascii.len());
    for &d in ascii {
        // ASCII; the mask says so to the compiler, which then pushes one byte.
        out.push(char::from(d & 0x7F));
    }
}

/// `"00" "01" … "99"`: two digits per division.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Writes the decimal digits of `n` at the end of `buf`; returns where they start.
fn digits_of(buf: &mut [u8; 20], mut n: u64) -> usize {
    let mut at = buf.len();
    while n >= 100 {
        // Below 100, so a valid pair index.
        #[allow(clippy::cast_possible_truncation)]
        let pair = 2 * (n % 100) as usize;
        n /= 100;
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    #[allow(clippy::cast_possible_truncation)] // below 100
    let last = n as usize;
    if last >= 10 {
        at -= 2;
        buf[at..at + 2].copy_from_slice(&PAIRS[2 * last..2 * last + 2]);
    } else {
        at -= 1;
        // `last` is below 10.
        #[allow(clippy::cast_possible_truncation)]
        let d = last as u8;
        buf[at] = b'0' + d;
    }
    at
}

/// `n` in decimal digits, as `n.to_string()` writes it: the digits above the last two,
/// then those two as one slice of [`PAIRS_TEXT`] (a push of two bytes, not two pushes
/// of a character, and no buffer to fill first).
///
/// Below 10^6 (nearly every amount, count and line) without a call: the leading one or
/// two digits, then the pairs after them; from 10^6 on, the digits above the last four
/// first (a call), then those four.
pub(crate) fn push_int(out: &mut String, n: u64) {
    if n < 100 {
        leading_pair(out, n);
    } else if n < 10_000 {
        leading_pair(out, n / 100);
        push_pair(out, n % 100);
    } else {
        if n < 1_000_000 {
            leading_pair(out, n / 10_000);
        } else {
            push_int(out, n / 10_000);
        }
        push_pair(out, n / 100 % 100);
        push_pair(out, n % 100);
    }
}

/// The digits of `n` (below 100) without a leading zero.
fn leading_pair(out: &mut String, n: u64) {
    if n >= 10 {
        push_pair(out, n);
    } else {
        // Below 10: one digit.
        #[allow(clippy::cast_possible_truncation)]
        out.push(char::from(b'0' + n as u8));
    }
}

/// [`PAIRS`] as text.
const PAIRS_TEXT: &str = match std::str::from_utf8(PAIRS) {
    Ok(text) => text,
    Err(_) => panic!("ASCII digits"),
};

/// The two digits of `p` (below 100), `0` in front when below 10.
fn push_pair(out: &mut String, p: u64) {
    // Below 100, so `at + 2` is within the 200 bytes.
    #[allow(clippy::cast_possible_truncation)]
    let at = 2 * p as usize;
    out.push_str(&PAIRS_TEXT[at..at + 2]);
}

fn pass(detail: impl Into<Cow<'static, str>>) -> Check {
    Check {
        status: CheckStatus::Pass,
        detail: detail.into(),
    }
}

fn fail(detail: impl Into<Cow<'static, str>>) -> Check {
    Check {
        status: CheckStatus::Fail,
        detail: detail.into(),
    }
}

fn skip(detail: impl Into<Cow<'static, str>>) -> Check {
    Check {
        status: CheckStatus::Skip,
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::value::parse_value;
    use crate::{Number, Span};

    fn n(s: &str) -> Number {
        Number(Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}")))
    }

    fn funds(unit: Option<&str>, total: Option<&str>, fiscal: Option<&str>) -> Funds<'static> {
        Funds {
            unit: unit.map(|u| u.to_owned().into()),
            total: total.map(n),
            fiscal: fiscal.map(n),
            other: None,
        }
    }

    fn row(level1: &str, level2: &str, name: &str, value: &str) -> Indicator<'static> {
        Indicator {
            level1: level1.to_owned().into(),
            level2: level2.to_owned().into(),
            level2_note: Some("必填".into()),
            name: name.to_owned().into(),
            value: parse_value(value).value.into_owned(),
            lines: None,
            pages: None,
        }
    }

    fn cost(name: &str, value: &str) -> Indicator<'static> {
        row("产出指标", "成本指标", name, value)
    }

    fn label(level1: &str, level2: &str, note: Option<&str>, line: Option<u32>) -> Level2Label {
        Level2Label {
            level1: level1.to_owned(),
            level2: level2.to_owned(),
            note: note.map(str::to_owned),
            line,
        }
    }

    fn check(status: CheckStatus, detail: &str) -> Check {
        Check {
            status,
            detail: detail.to_owned().into(),
        }
    }

    use CheckStatus::{Fail, Pass, Skip};

    fn shown(d: Decimal) -> String {
        let mut out = String::from("x");
        show_into(&mut out, d);
        out.split_off(1)
    }

    #[test]
    fn show_into_writes_what_display_writes() {
        for s in [
            "0",
            "-0",
            "0.000",
            "1",
            "-1",
            "10",
            "3193.00",
            "25.00",
            "12.5",
            "-7.50",
            "0.001",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "1000000000000000000000",
            "1e3",
        ] {
            let Ok(d) = Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)) else {
                continue;
            };
            assert_eq!(shown(d), show(d), "{s}");
        }
    }

    /// `cost_sum` as it was before it found its counts in one walk: a walk per question.
    fn cost_sum_walks(funds: &Funds, indicators: &[Indicator]) -> Check {
        let rows = || indicators.iter().filter(|r| is_cost(r));
        if rows().next().is_none() {
            return skip("no 成本指标 rows");
        }
        let Some(total) = funds.total else {
            return skip("年度资金总额 is blank");
        };
        let (unit, note) = match funds.unit.as_deref() {
            Some(unit) => (unit, ""),
            None => ("万元", " (funds unit not printed; 万元 assumed)"),
        };
        let Some(factor) = yuan_factor(unit) else {
            return skip(format!("funds unit {unit} is not 元, 万元 or 亿元"));
        };

        if rows().any(|row| row.value.yuan.is_none()) {
            return missing_amounts(rows());
        }
        let sum = rows()
            .filter_map(|row| row.value.yuan)
            .try_fold(Decimal::ZERO, |acc, yuan| acc.checked_add(yuan.0));
        let shared = shared_unit(rows());
        added_up(&rows(), sum, shared, total.0, unit, factor, note)
    }

    const LEVEL1S: [&str; 3] = ["产出指标", "成本指标", "效益指标"];
    const LEVEL2S: [&str; 3] = ["成本指标", "数量指标", "经济成本指标"];
    const VALUES: [&str; 12] = [
        "320万元",
        "820万元",
        "150000元",
        "30",
        "",
        "≤5万元",
        "9万元",
        "0.5亿元",
        "12人",
        "79228162514264337593543950335亿元",
        "79228162514264337593543950335元",
        "2053万元",
    ];
    const UNITS: [Option<&str>; 4] = [None, Some("万元"), Some("元"), Some("人")];
    const TOTALS: [Option<&str>; 5] = [
        None,
        Some("3193"),
        Some("0"),
        Some("9"),
        Some("79228162514264337593543950335"),
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]
        #[test]
        fn cost_sum_agrees_with_one_walk_per_question(
            unit in 0..UNITS.len(),
            total in 0..TOTALS.len(),
            rows in proptest::collection::vec((0..LEVEL1S.len(), 0..LEVEL2S.len(), 0..VALUES.len()), 0..6),
        ) {
            let f = funds(UNITS[unit], TOTALS[total], None);
            let rows: Vec<Indicator> = rows
                .into_iter()
                .enumerate()
                .map(|(k, (l1, l2, v))| row(LEVEL1S[l1], LEVEL2S[l2], &format!("row {k}"), VALUES[v]))
                .collect();
            proptest::prop_assert_eq!(cost_sum(&f, &rows), cost_sum_walks(&f, &rows));
        }

        #[test]
        fn div_by_prints_as_checked_div(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, f in 0usize..3) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            let factor = [Decimal::ONE, Decimal::from(10_000), Decimal::from(100_000_000)][f];
            let fast = div_by(d, factor).map(shown);
            proptest::prop_assert_eq!(fast, d.checked_div(factor).map(shown));
        }

        #[test]
        fn div_by_prints_as_checked_div_on_small_numbers(n: i64, scale in 0u32..=6, f in 0usize..3) {
            let d = Decimal::new(n, scale);
            let factor = [Decimal::ONE, Decimal::from(10_000), Decimal::from(100_000_000)][f];
            proptest::prop_assert_eq!(div_by(d, factor).map(shown), d.checked_div(factor).map(shown));
        }

        #[test]
        fn push_int_is_to_string(n: u64) {
            let mut out = String::from("x");
            push_int(&mut out, n);
            proptest::prop_assert_eq!(out, format!("x{n}"));
        }

        #[test]
        fn show_into_agrees_with_display(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            proptest::prop_assert_eq!(shown(d), show(d));
        }

        #[test]
        fn show_into_agrees_with_display_on_small_numbers(n: i64, scale in 0u32..=6) {
            let d = Decimal::new(n, scale);
            proptest::prop_assert_eq!(shown(d), show(d));
        }
    }

    /// [`required_of`] the plain way: labels deduplicated and rows looked up with `==`.
    fn required_naive(labels: &[LabelSeen<'_>], indicators: &[Indicator]) -> Check {
        let mut required: Vec<LabelSeen<'_>> = Vec::new();
        for l in labels.iter().filter(|l| l.required) {
            if !required
                .iter()
                .any(|r| (r.level1, r.level2) == (l.level1, l.level2))
            {
                required.push(*l);
            }
        }
        if required.is_empty() {
            return skip("no 二级指标 is marked 必填");
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|l| {
                !indicators
                    .iter()
                    .any(|r| (&*r.level1, &*r.level2) == (l.level1, l.level2))
            })
            .map(|l| match l.line {
                Some(n) => format!("{}/{} (line {n})", l.level1, l.level2),
                None => format!("{}/{}", l.level1, l.level2),
            })
            .collect();
        if missing.is_empty() {
            pass(format!(
                "{} required 二级指标, all have rows",
                required.len()
            ))
        } else {
            fail(format!(
                "{} of {} required 二级指标 without rows: {}",
                missing.len(),
                required.len(),
                missing.join(", ")
            ))
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]
        /// Names of 1 to 20 bytes, some differing only in their first bytes (the print
        /// reads the last 8), as owned copies (other addresses) and as the same strings.
        #[test]
        fn required_of_agrees_with_eq(
            labels in proptest::collection::vec((0usize..8, 0usize..8, proptest::bool::ANY, proptest::bool::ANY), 0..24),
            rows in proptest::collection::vec((0usize..8, 0usize..8, proptest::bool::ANY), 0..24),
        ) {
            const NAMES: [&str; 8] = [
                "产出指标", "效益指标", "数量指标", "质量指标",
                "a", "ab效益指标", "b", "xx效益指标",
            ];
            let copies: Vec<String> = NAMES.iter().map(|s| (*s).to_owned()).collect();
            let name = |k: usize, copy: bool| if copy { copies[k].as_str() } else { NAMES[k] };
            let labels: Vec<LabelSeen<'_>> = labels
                .iter()
                .enumerate()
                .map(|(k, &(a, b, required, copy))| LabelSeen {
                    level1: name(a, copy),
                    level2: name(b, !copy),
                    required,
                    line: u32::try_from(k).ok(),
                })
                .collect();
            let rows: Vec<Indicator> = rows
                .iter()
                .map(|&(a, b, copy)| {
                    let mut r = row(NAMES[a], NAMES[b], "x", "1");
                    if !copy {
                        r.level1 = Cow::Borrowed(NAMES[a]);
                        r.level2 = Cow::Borrowed(NAMES[b]);
                    }
                    r
                })
                .collect();
            proptest::prop_assert_eq!(
                required_of(labels.iter().copied(), &rows),
                required_naive(&labels, &rows)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn same_is_eq(a in "[产出指标ab]{0,6}", b in "[产出指标ab]{0,6}") {
            proptest::prop_assert_eq!(same(&a, &b), a == b);
            proptest::prop_assert!(same(&a, &a.clone()));
        }
    }

    /// Every width of [`push_int`]'s paths: each number below 2·10^6, and the numbers
    /// around every power of ten.
    #[test]
    fn push_int_is_to_string_at_every_width() {
        let mut out = String::new();
        let around = (1..20).flat_map(|k| {
            let p = 10u64.pow(k);
            [p - 1, p, p + 1]
        });
        for n in (0..2_000_000).chain(around).chain([u64::MAX]) {
            out.clear();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn borrowed_details_are_the_built_ones() {
        for n in 1..=16 {
            let built = format!("{n} required 二级指标, all have rows");
            assert_eq!(ALL_HAVE_ROWS[n - 1], built);
        }
        for n in 0..=12u32 {
            let numbers: Vec<Option<u32>> = (1..=n).map(Some).collect();
            let built = (1..=n)
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let expected = (1..=9).contains(&n).then(|| format!("numbered {built}"));
            assert_eq!(
                numbered_in_order(&numbers).map(str::to_owned),
                expected,
                "{n}"
            );
        }
        assert_eq!(numbered_in_order(&[Some(2)]), None);
        assert_eq!(numbered_in_order(&[Some(1), None]), None);
    }

    #[test]
    fn funds_sum_statuses() {
        #[rustfmt::skip]
        let cases = [
            (funds(Some("万元"), Some("3193"), Some("3193")), check(Pass, "3193 = 3193 + 0")),
            (funds(Some("万元"), Some("5744"), Some("5000")), check(Fail, "5744 ≠ 5000 + 0")),
            (funds(Some("万元"), Some("25.00"), Some("25")), check(Pass, "25 = 25 + 0")),
            (funds(Some("万元"), Some("3612"), None), check(Fail, "3612 ≠ 0 + 0")),
            (funds(Some("万元"), None, Some("25")), check(Skip, "年度资金总额 is blank")),
        ];
        for (funds, expected) in cases {
            assert_eq!(funds_sum(&funds), expected, "{funds:?}");
        }
        let with_other = Funds {
            other: Some(n("12.5")),
            ..funds(Some("万元"), Some("100"), Some("87.5"))
        };
        assert_eq!(funds_sum(&with_other), check(Pass, "100 = 87.5 + 12.5"));
    }

    #[test]
    fn cost_sum_passes_in_funds_unit() {
        // 城乡居民养老保险县配资金 (2024): the schema's worked example.
        let rows = [
            cost("城乡居民基础养老金县级补贴", "2053万元"),
            cost("城乡居民丧葬费补助金", "320万元"),
            cost("城乡居民养老保险参保缴费补贴", "820万元"),
            row("效益指标", "社会效益指标", "保障民生", "有效解决"),
        ];
        let f = funds(Some("万元"), Some("3193"), Some("3193"));
        assert_eq!(cost_sum(&f, &rows), check(Pass, "2053+320+820 = 3193 万元"));
    }

    #[test]
    fn cost_sum_fails_heating_table() {
        // 企业退休人员冬季取暖费 (2024): the rows add up to more than the total.
        let rows = [
            cost("冬季取暖费（2021年12月以前）", "9670万元"),
            cost("冬季取暖费（2022新退休、2023年新退）", "695万元"),
            cost("冬季取暖费（2024新退休）", "548万元"),
        ];
        let f = funds(Some("万元"), Some("5744"), Some("5744"));
        assert_eq!(
            cost_sum(&f, &rows),
            check(Fail, "9670+695+548 = 10913 万元 ≠ 5744 万元")
        );
    }

    #[test]
    fn cost_sum_fails_work_funds_table_in_yuan() {
        // 社保经办机构管理服务能力提升工作经费 (2024): rows in 元, total in 万元.
        let rows = [
            cost("大厅设备购置及维护", "150000元"),
            cost("经办人员培训", "60000元"),
            cost("电子签章费", "50000元"),
        ];
        let f = funds(Some("万元"), Some("25"), Some("25"));
        assert_eq!(
            cost_sum(&f, &rows),
            check(Fail, "150000+60000+50000 元 = 26 万元 ≠ 25 万元")
        );
    }

    #[test]
    fn cost_sum_passes_rows_in_yuan() {
        // 社保卡 table (2024): 40000+100000+40000 元 = 18 万元.
        let rows = [
            cost("制卡机维修、维护等", "40000元"),
            cost("下乡推广社保卡运行及核查", "100000元"),
            cost("制卡人员劳务费", "40000元"),
        ];
        let f = funds(Some("万元"), Some("18"), Some("18"));
        assert_eq!(
            cost_sum(&f, &rows),
            check(Pass, "40000+100000+40000 元 = 18 万元")
        );
    }

    #[test]
    fn cost_sum_mixed_units_shown_in_funds_unit() {
        let rows = [cost("养老金支出", "3.43亿元"), cost("补贴", "100万元")];
        let f = funds(Some("万元"), Some("34400"), None);
        assert_eq!(cost_sum(&f, &rows), check(Pass, "34300+100 = 34400 万元"));
        let f = funds(Some("万元"), Some("34000"), None);
        assert_eq!(
            cost_sum(&f, &rows),
            check(Fail, "34300+100 = 34400 万元 ≠ 34000 万元")
        );
    }

    #[test]
    fn cost_sum_level1_cost_rows_and_assumed_unit() {
        let rows = [
            row("成本指标", "经济成本指标", "设备购置", "12.5万元"),
            row("成本指标", "经济成本指标", "劳务费", "7.50万元"),
        ];
        let f = funds(None, Some("20"), None);
        assert_eq!(
            cost_sum(&f, &rows),
            check(
                Pass,
                "12.5+7.5 = 20 万元 (funds unit not printed; 万元 assumed)"
            )
        );
    }

    #[test]
    fn cost_sum_fails_on_row_without_money() {
        let mut rate = cost("亩均补贴", "≤1500元/亩");
        rate.lines = Some(Span {
            start: 107,
            end: 107,
        });
        let rows = [cost("设备购置", "20万元"), rate, cost("维护", "")];
        let f = funds(Some("万元"), Some("20"), None);
        assert_eq!(
            cost_sum(&f, &rows),
            check(
                Fail,
                "成本指标 row 2 (亩均补贴, line 107) has no money value: ≤1500元/亩; \
                 成本指标 row 3 (维护) has no money value: (blank)"
            )
        );
    }

    #[test]
    fn cost_sum_skips() {
        let rows = [cost("设备购置", "20万元")];
        let none: [Indicator; 0] = [];
        #[rustfmt::skip]
        let cases = [
            (funds(Some("万元"), Some("20"), None), &none[..], check(Skip, "no 成本指标 rows")),
            (funds(Some("万元"), None, None), &rows[..], check(Skip, "年度资金总额 is blank")),
            (funds(Some("美元"), Some("20"), None), &rows[..],
             check(Skip, "funds unit 美元 is not 元, 万元 or 亿元")),
        ];
        for (funds, rows, expected) in cases {
            assert_eq!(cost_sum(&funds, rows), expected, "{funds:?}");
        }
    }

    #[test]
    fn cost_sum_in_yuan_funds() {
        let rows = [cost("设备", "1.5万元"), cost("劳务", "5000元")];
        let f = funds(Some("元"), Some("20000"), None);
        assert_eq!(cost_sum(&f, &rows), check(Pass, "15000+5000 = 20000 元"));
    }

    #[test]
    fn goal_numbering_statuses() {
        #[rustfmt::skip]
        let cases: [(&[Option<u32>], Check); 6] = [
            (&[Some(1), Some(2), Some(3)], check(Pass, "numbered 1, 2, 3")),
            (&[Some(1)], check(Pass, "numbered 1")),
            // 机关事业单位养老保险制度改革 (2023): numbered 3, 4, 3.
            (&[Some(3), Some(4), Some(3)], check(Fail, "numbered 3, 4, 3; expected 1, 2, 3")),
            (&[Some(1), None, Some(3)], check(Fail, "numbered 1, none, 3; expected 1, 2, 3")),
            (&[None, None], check(Skip, "goals are not numbered")),
            (&[], check(Skip, "no goals")),
        ];
        for (numbers, expected) in cases {
            assert_eq!(goal_numbering(numbers), expected, "{numbers:?}");
        }
    }

    fn sample_labels() -> Vec<Level2Label> {
        vec![
            label("产出指标", "数量指标", Some("必填硬性指标"), Some(103)),
            label("产出指标", "质量指标", Some("必填"), Some(105)),
            label("产出指标", "时效指标", Some("必填"), Some(106)),
            label("产出指标", "成本指标", Some("必填硬性指标"), Some(107)),
            label("效益指标", "社会效益指标", Some("必填"), Some(108)),
            label("效益指标", "可持续影响指标", Some("必填"), Some(110)),
            label("满意度指标", "服务对象满意度指标", Some("必填"), Some(111)),
            label("效益指标", "经济效益指标", None, Some(109)),
        ]
    }

    fn sample_rows() -> Vec<Indicator<'static>> {
        vec![
            row("产出指标", "数量指标", "参保人数", "241人"),
            row("产出指标", "质量指标", "补助率", "100%"),
            row("产出指标", "时效指标", "及时补贴到位", "1月—12月"),
            cost("个人缴纳部分补助", "216万元"),
            row("效益指标", "社会效益指标", "积极性明显提高", "有效提高"),
            row("效益指标", "可持续影响指标", "提升幸福感", "提升"),
            row("满意度指标", "服务对象满意度指标", "满意度", "≥95%"),
        ]
    }

    #[test]
    fn required_indicators_statuses() {
        let labels = sample_labels();
        let rows = sample_rows();
        assert_eq!(
            required_indicators(&labels, &rows),
            check(Pass, "7 required 二级指标, all have rows")
        );

        // The 成本指标 row was lost, and a label printed twice counts once.
        let mut labels_twice = labels.clone();
        labels_twice.push(label("产出指标", "数量指标", Some("必填"), Some(104)));
        let without_cost: Vec<Indicator> = rows.iter().filter(|r| !is_cost(r)).cloned().collect();
        assert_eq!(
            required_indicators(&labels_twice, &without_cost),
            check(
                Fail,
                "1 of 7 required 二级指标 without rows: 产出指标/成本指标 (line 107)"
            )
        );

        let only_satisfaction = &rows[6..];
        let detail = required_indicators(&labels, only_satisfaction).detail;
        assert!(
            detail.starts_with(
                "6 of 7 required 二级指标 without rows: 产出指标/数量指标 (line 103), "
            ),
            "{detail}"
        );

        let unmarked = [label("产出指标", "数量指标", None, None)];
        assert_eq!(
            required_indicators(&unmarked, &rows),
            check(Skip, "no 二级指标 is marked 必填")
        );
        assert_eq!(
            required_indicators(&[label("产出指标", "质量指标", Some("必填"), None)], &[]),
            check(
                Fail,
                "1 of 1 required 二级指标 without rows: 产出指标/质量指标"
            )
        );
    }

    #[test]
    fn required_labels_counted_once_past_the_linear_search() {
        let names: Vec<String> = (0..40).map(|k| format!("指标{k}")).collect();
        let mut labels = Vec::new();
        for round in 0..2 {
            for n in &names {
                labels.push(label("产出指标", n, Some("必填"), Some(round)));
            }
        }
        let detail = required_indicators(&labels, &[]).detail;
        assert!(detail.starts_with("40 of 40 required"), "{detail}");
        assert!(detail.contains("产出指标/指标39 (line 0)"), "{detail}");
        assert!(!detail.contains("(line 1)"), "{detail}");
    }

    #[test]
    fn rows_found_for_labels_past_the_first_64() {
        let labels: Vec<Level2Label> = (0..80)
            .map(|k| label("产出指标", &format!("指标{k}号"), Some("必填"), None))
            .collect();
        let rows = [
            row("产出指标", "指标3号", "a", "1人"),
            row("产出指标", "指标70号", "b", "1人"),
            row("产出指标", "指标70号", "c", "1人"),
            row("产出指标", "指标79号", "d", "1人"),
        ];
        let detail = required_indicators(&labels, &rows).detail;
        assert!(detail.starts_with("77 of 80 required"), "{detail}");
        for k in [3, 70, 79] {
            assert!(!detail.contains(&format!("/指标{k}号")), "{k}: {detail}");
        }
        for k in [0, 63, 64, 69, 71, 78] {
            assert!(detail.contains(&format!("/指标{k}号")), "{k}: {detail}");
        }
        let all: Vec<Indicator> = (0..80)
            .map(|k| row("产出指标", &format!("指标{k}号"), "x", "1人"))
            .collect();
        assert_eq!(
            required_indicators(&labels, &all),
            check(Pass, "80 required 二级指标, all have rows")
        );
    }

    #[test]
    fn keyed_puts_each_check_under_its_id() {
        let map = keyed(pass("funds"), fail("cost"), skip("goals"), pass("required"));
        let got: Vec<(&str, &str)> = map.iter().map(|(k, c)| (&**k, &*c.detail)).collect();
        assert_eq!(
            got,
            [
                (COST_SUM, "cost"),
                (FUNDS_SUM, "funds"),
                (GOAL_NUMBERING, "goals"),
                (REQUIRED_INDICATORS, "required"),
            ]
        );
        assert_eq!(map[COST_SUM].status, CheckStatus::Fail);
        assert_eq!(map[GOAL_NUMBERING].status, CheckStatus::Skip);
    }

    #[test]
    fn run_returns_all_four_keys() {
        let f = funds(Some("万元"), Some("216"), Some("216"));
        let rows = sample_rows();
        let labels = sample_labels();
        let input = CheckInput {
            funds: &f,
            indicators: &rows,
            goal_numbers: &[Some(1), Some(2), Some(3)],
            labels: &labels,
        };
        let checks = run(&input);
        let keys: Vec<&str> = checks.keys().map(|k| &**k).collect();
        assert_eq!(
            keys,
            [COST_SUM, FUNDS_SUM, GOAL_NUMBERING, REQUIRED_INDICATORS]
        );
        assert!(checks.values().all(|c| c.status == Pass), "{checks:?}");
        assert_eq!(checks[COST_SUM].detail, "216 = 216 万元");
    }
}
