//! The synthetic corpus: many tables in the reference form, with the OCR damage of
//! `samples/pingluo-2024-annex2.txt`, and what each table must parse into.
//!
//! Every table is first drawn as *expected* values in canonical text form (what the
//! record must hold), then *printed* the way OCR prints the reference annex: cells split
//! by `\t` with stray empty cells, half-width punctuation and spaces next to CJK text,
//! full-width digits, HTML and LaTeX markup, and the row damage listed in [`Damage`].
//! The printing never changes what a careful reader would read, so a grammar that
//! repairs what the sample shows must give back exactly the expected values.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed of the whole corpus: the same config always gives the same bytes.
    pub seed: u64,
    /// Number of tables.
    pub tables: usize,
    /// Chance, in percent, that an eligible indicator row is printed damaged.
    pub damage_percent: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 2024,
            tables: 200,
            damage_percent: 30,
        }
    }
}

/// A kind of OCR damage, each one seen in the reference sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Damage {
    /// A row lost its leading cells: the name sits in the 名称 or 一级 column
    /// (`电子签章费\t50000元`, `\t城乡居民养老保险参保缴费补贴\t\t820 万元`).
    ShiftedRow,
    /// A 一级 label wrapped inside its cell (`效益指` … next line `标`), the 三级指标 name
    /// continued on the line of the tail.
    SplitLabel,
    /// The 指标值 alone on the line after its row (`\t\t\t\t≥95%`).
    ValueOnNextLine,
    /// Name and value in one cell, the value in LaTeX (`…调查达到 $\geq 98\%$`).
    NameValueOneCell,
    /// An unreadable comparator (`…时效性达) 95%`).
    UnreadableMark,
    /// A name ending in `,` continued alone on the next line.
    ContinuedName,
    /// A name spread over two cells.
    SplitCell,
    /// The form title wrapped in HTML and printed twice at the top of a table.
    HtmlDuplicateTitle,
    /// A page break inside the indicator section: page number, form title and 年度 line
    /// (and sometimes the column headers) printed again.
    PageBreak,
}

/// A generated corpus: the text and what it must parse into.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The OCR-like text, UTF-8.
    pub text: String,
    /// The tables in source order.
    pub tables: Vec<Table>,
}

impl Corpus {
    /// Number of indicator rows over all tables.
    pub fn indicator_count(&self) -> usize {
        self.tables.iter().map(|t| t.indicators.len()).sum()
    }

    /// How often each kind of damage was printed.
    pub fn damage_counts(&self) -> BTreeMap<Damage, usize> {
        let mut counts = BTreeMap::new();
        for t in &self.tables {
            for d in t
                .damage
                .iter()
                .chain(t.indicators.iter().filter_map(|i| i.damage.as_ref()))
            {
                *counts.entry(*d).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// What one table must parse into (strings in canonical text form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// From the 年度 line.
    pub fiscal_year: i32,
    /// 项目名称.
    pub name: String,
    /// 主管部门.
    pub department: String,
    /// The department code, when one is printed.
    pub department_code: Option<String>,
    /// 实施单位.
    pub implementing_unit: String,
    /// 年度资金总额, as `Number` displays it.
    pub total: String,
    /// 财政拨款.
    pub fiscal: String,
    /// 其他资金 (printed blank when `None`).
    pub other: Option<String>,
    /// 年度总体目标, numbering removed.
    pub goals: Vec<String>,
    /// 三级指标 rows.
    pub indicators: Vec<Indicator>,
    /// Table-level damage printed (HTML title, page breaks).
    pub damage: Vec<Damage>,
    /// Indices of the indicator rows printed after a page break.
    pub page_breaks: Vec<usize>,
}

/// One expected 三级指标 row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// 一级指标.
    pub level1: &'static str,
    /// 二级指标.
    pub level2: &'static str,
    /// The bracketed note of the 二级指标.
    pub note: Option<&'static str>,
    /// 三级指标.
    pub name: String,
    /// 指标值.
    pub value: Value,
    /// How the row was damaged when printed, if it was.
    pub damage: Option<Damage>,
}

/// One expected 指标值.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// `value.text` of the record.
    pub text: String,
    /// `value.comparator`.
    pub comparator: Option<&'static str>,
    /// `value.number`, as `Number` displays it.
    pub number: Option<String>,
    /// `value.unit`.
    pub unit: Option<&'static str>,
}

/// Generate a corpus of `config.tables` tables.
pub fn generate(config: &Config) -> Corpus {
    let mut rng = Rng::new(config.seed);
    let mut out = String::with_capacity(config.tables * 1800);
    let county = *rng.pick(COUNTIES);
    let _ = writeln!(
        out,
        "\n\n附件2：{county}{}项目支出预算绩效目标表\n",
        rng.pick(UNITS)
    );
    let mut tables = Vec::with_capacity(config.tables);
    for _ in 0..config.tables {
        let table = draw_table(&mut rng, county, config.damage_percent);
        print_table(&mut rng, &table, &mut out);
        tables.push(table);
    }
    Corpus { text: out, tables }
}

/// `files` inputs of `tables_per_file` tables each, seeded `seed`, `seed + 1`, …: the
/// shape of a batch run over many small annexes.
pub fn generate_inputs(seed: u64, files: usize, tables_per_file: usize) -> Vec<Corpus> {
    (0..files as u64)
        .map(|k| {
            generate(&Config {
                seed: seed.wrapping_add(k),
                tables: tables_per_file,
                ..Config::default()
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Vocabulary. Nothing here may be a taxonomy label or contain 绩效目标: such text is the
// form's, not a table's. Names that start with a header label (`财政拨款到位率`) are in on
// purpose: inside the indicator section they are names.

const COUNTIES: &[&str] = &[
    "平罗县",
    "惠农区",
    "大武口区",
    "贺兰县",
    "永宁县",
    "灵武市",
    "盐池县",
    "同心县",
    "青铜峡市",
    "中宁县",
];

const DEPARTMENTS: &[&str] = &[
    "人力资源和社会保障局",
    "教育体育局",
    "卫生健康局",
    "民政局",
    "农业农村局",
    "住房和城乡建设局",
    "交通运输局",
    "自然资源局",
    "文化旅游广电局",
    "医疗保障局",
];

const UNITS: &[&str] = &[
    "社会保险事业管理中心",
    "就业创业服务中心",
    "第一中学",
    "人民医院",
    "社会福利院",
    "农业技术推广服务中心",
    "公路养护中心",
    "不动产登记中心",
    "图书馆",
    "医疗保障服务中心",
];

const PROJECT_SUBJECTS: &[&str] = &[
    "社保卡制卡",
    "城乡居民养老保险",
    "机关事业单位职业年金",
    "被征地农民养老保险",
    "村干部养老保险",
    "义务教育营养改善计划",
    "高龄老人津贴",
    "农村公路养护",
    "公共文化服务",
    "基层医疗机构运行",
    "残疾人两项补贴",
    "高标准农田建设",
];

const PROJECT_KINDS: &[&str] = &[
    "工作经费",
    "专项资金",
    "补助资金",
    "运行维护经费",
    "建设资金",
    "设备购置经费",
];

const SUBJECTS: &[&str] = &[
    "全县机关事业单位退休人员",
    "城乡居民",
    "被征地农民",
    "村干部",
    "企业职工",
    "困难群众",
    "残疾人",
    "在校学生",
    "高龄老人",
    "参保单位",
    "脱贫人口",
    "重点优抚对象",
];

const COUNTED: &[(&str, &str)] = &[
    ("社保卡制卡数量", "张"),
    ("印制宣传海报", "张"),
    ("发放宣传资料", "份"),
    ("签订服务协议", "份"),
    ("受益人数", "人"),
    ("参保人数", "人"),
    ("培训人次", "人"),
];

const RATES: &[&str] = &[
    // Starting with a header label (财政拨款, 项目资金): an indicator all the same.
    "财政拨款到位率",
    "项目资金使用率",
    "补贴发放准确率",
    "资金拨付及时率",
    "参保率",
    "验收合格率",
    "政策知晓率",
    "信息录入准确率",
];

const TIMES: &[&str] = &[
    "补贴资金发放时间",
    "资金拨付完成时间",
    "工作完成时限",
    "养老金按时足额发放",
];

const COSTS: &[&str] = &[
    "补助资金",
    "运行维护费",
    "设备购置费",
    "劳务费",
    "宣传印刷费",
    "养老金支出差额",
];

/// Sentences of 效益 rows: `(before the comma, after it)`; `{}` is a subject.
const EFFECTS: &[(&str, &str)] = &[
    ("有效地解决了{}养老金支付缺口部分", "保障民生。"),
    ("{}补贴及时到位", "参保积极性提高。"),
    ("{}生活水平明显改善", "幸福感、获得感不断提升"),
    ("促进全民参保工作发展", "维护社会和谐稳定。"),
    ("{}参保积极性明显提高", "社会保障体系持续健全"),
    ("不断提升{}对全县社保工作的满意度", "提升运行效能。"),
];

const EFFECT_WORDS: &[&str] = &[
    "有效解决",
    "显著提升",
    "有效提高",
    "不断提升",
    "明显改善",
    "持续改善",
    "长期",
    "提高",
];

const SERVICES: &[&str] = &["社保服务", "补贴发放工作", "项目实施效果", "经办服务"];

const GOALS: &[&str] = &[
    "保证{}待遇支付工作平稳运行。",
    "全力推进社会维稳工作，保障民生。",
    "社会公众对全县社保工作满意度逐年提升。",
    "确保{}补贴足额及时发放到位。",
    "{}实现应保尽保，提升参保人员对社会公共服务满意度。",
    "完善服务体系，提高经办效率。",
];

/// One 二级指标 of the form: level1, level2, note, and the kind of rows it holds.
#[derive(Clone, Copy)]
struct Group {
    level1: &'static str,
    level2: &'static str,
    note: Option<&'static str>,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Rate,
    Time,
    Cost,
    Effect,
    Satisfaction,
}

const fn group(
    level1: &'static str,
    level2: &'static str,
    note: Option<&'static str>,
    kind: Kind,
) -> Group {
    Group {
        level1,
        level2,
        note,
        kind,
    }
}

const HARD: Option<&str> = Some("必填硬性指标");
const REQUIRED: Option<&str> = Some("必填");

// ---------------------------------------------------------------------------------------
// Drawing the expected table.

fn draw_table(rng: &mut Rng, county: &str, damage_percent: u64) -> Table {
    let year = 2022 + i32::try_from(rng.range(0, 3)).unwrap_or(0);
    let subject = *rng.pick(PROJECT_SUBJECTS);
    let name = if rng.chance(50) {
        format!("{year}年{subject}{}", rng.pick(PROJECT_KINDS))
    } else {
        format!("{subject}{}", rng.pick(PROJECT_KINDS))
    };
    let department = format!("{county}{}", rng.pick(DEPARTMENTS));
    let department_code = rng
        .chance(30)
        .then(|| rng.range(100_001, 999_999).to_string());
    let implementing_unit = format!("{county}{}", rng.pick(UNITS));
    let (total_tenths, other_tenths) = {
        let total = rng.range(10, 200_000);
        let other = if rng.chance(25) {
            rng.range(0, total / 2)
        } else {
            0
        };
        (total, other)
    };
    let tenths = |t: u64| {
        if t % 10 == 0 {
            (t / 10).to_string()
        } else {
            format!("{}.{}", t / 10, t % 10)
        }
    };
    let mut goals = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let template = *rng.pick(GOALS);
        goals.push(template.replace("{}", rng.pick(SUBJECTS).as_ref()));
    }

    let mut groups = vec![
        group("产出指标", "数量指标", HARD, Kind::Count),
        group("产出指标", "质量指标", REQUIRED, Kind::Rate),
        group("产出指标", "时效指标", REQUIRED, Kind::Time),
    ];
    if rng.chance(25) {
        // Newer templates: 成本指标 is a 一级指标 of its own.
        groups.push(group("成本指标", "经济成本指标", None, Kind::Cost));
        if rng.chance(30) {
            groups.push(group("成本指标", "社会成本指标", None, Kind::Cost));
        }
    } else {
        groups.push(group("产出指标", "成本指标", HARD, Kind::Cost));
    }
    groups.push(group("效益指标", "社会效益指标", REQUIRED, Kind::Effect));
    if rng.chance(20) {
        groups.push(group("效益指标", "经济效益指标", None, Kind::Effect));
    }
    if rng.chance(15) {
        groups.push(group("效益指标", "生态效益指标", None, Kind::Effect));
    }
    groups.push(group("效益指标", "可持续影响指标", REQUIRED, Kind::Effect));
    groups.push(group(
        "满意度指标",
        "服务对象满意度指标",
        REQUIRED,
        Kind::Satisfaction,
    ));

    let mut indicators = Vec::new();
    let mut previous_damaged = true; // the first row is never damaged
    let mut level1 = "";
    for g in groups {
        let rows = if matches!(g.kind, Kind::Effect | Kind::Satisfaction) {
            rng.range(1, 2)
        } else {
            rng.range(1, 4)
        };
        for k in 0..rows {
            let starts_level1 = g.level1 != level1;
            level1 = g.level1;
            let damage = if previous_damaged || !rng.chance(damage_percent) {
                None
            } else {
                Some(pick_damage(rng, g, k == 0, starts_level1))
            };
            previous_damaged = damage.is_some();
            indicators.push(draw_indicator(rng, g, damage));
        }
    }

    let mut damage = Vec::new();
    if rng.chance(10) {
        damage.push(Damage::HtmlDuplicateTitle);
    }
    let page_breaks: Vec<usize> = (1..indicators.len())
        .filter(|&k| indicators[k].damage.is_none() && rng.chance(4))
        .collect();
    damage.extend(page_breaks.iter().map(|_| Damage::PageBreak));
    Table {
        fiscal_year: year,
        name,
        department,
        department_code,
        implementing_unit,
        total: tenths(total_tenths),
        fiscal: tenths(total_tenths - other_tenths),
        other: (other_tenths > 0).then(|| tenths(other_tenths)),
        goals,
        indicators,
        damage,
        page_breaks,
    }
}

/// A damage kind that fits this row: row damage that drops labels only on rows that
/// print none, the split 一级 label only where one is printed.
fn pick_damage(rng: &mut Rng, g: Group, first_of_group: bool, starts_level1: bool) -> Damage {
    let mut fits = vec![Damage::ValueOnNextLine, Damage::SplitCell];
    if !first_of_group {
        fits.push(Damage::ShiftedRow);
    }
    if starts_level1 && matches!(g.level1, "效益指标" | "满意度指标") {
        fits.push(Damage::SplitLabel);
    }
    if g.kind == Kind::Effect {
        fits.push(Damage::ContinuedName);
    }
    if matches!(g.kind, Kind::Rate | Kind::Satisfaction) {
        fits.push(Damage::NameValueOneCell);
        fits.push(Damage::UnreadableMark);
    }
    *rng.pick(&fits)
}

fn percent(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    rng.range(lo, hi)
}

fn draw_indicator(rng: &mut Rng, g: Group, damage: Option<Damage>) -> Indicator {
    let subject = *rng.pick(SUBJECTS);
    let (name, value) = match g.kind {
        Kind::Count => {
            let (item, unit) = *rng.pick(COUNTED);
            let n = rng.range(1, 60_000).to_string();
            let value = match rng.range(0, 3) {
                0 => quantity(format!("≥{n}{unit}"), Some("≥"), &n, unit),
                1 => quantity(format!("不少于{n}{unit}"), Some("≥"), &n, unit),
                2 => quantity(format!("{n}{unit}以上"), Some("≥"), &n, unit),
                _ => quantity(format!("{n}{unit}"), None, &n, unit),
            };
            (format!("{subject}{item}"), value)
        }
        Kind::Rate => {
            let name = format!("{subject}{}", rng.pick(RATES));
            (name, rate(rng))
        }
        Kind::Time => {
            let name = format!("{subject}{}", rng.pick(TIMES));
            let year = rng.range(2022, 2025);
            let text = match rng.range(0, 4) {
                0 => "1月—12月".to_owned(),
                1 => format!("{}月—12月", rng.range(2, 11)),
                2 => format!("{year}年底"),
                3 => format!("{year}年12月31日前"),
                _ => format!("{}个工作日内", rng.range(5, 30)),
            };
            (name, words(text))
        }
        Kind::Cost => {
            let name = format!("{subject}{}", rng.pick(COSTS));
            let value = match rng.range(0, 3) {
                0 => {
                    let n = rng.range(1, 20_000).to_string();
                    quantity(format!("{n}万元"), None, &n, "万元")
                }
                1 => {
                    let n = rng.range(100, 900_000).to_string();
                    quantity(format!("{n}元"), None, &n, "元")
                }
                2 => {
                    // Two decimals, the last one non-zero: `Number` prints it as drawn.
                    let n = format!("{}.{}{}", rng.range(1, 9), rng.range(0, 9), rng.range(1, 9));
                    quantity(format!("{n}亿元"), None, &n, "亿元")
                }
                _ => {
                    let n = rng.range(1, 5_000).to_string();
                    quantity(format!("≤{n}万元"), Some("≤"), &n, "万元")
                }
            };
            (name, value)
        }
        Kind::Effect => {
            let (head, tail) = *rng.pick(EFFECTS);
            let head = head.replace("{}", subject);
            let name = if damage == Some(Damage::ContinuedName)
                || damage == Some(Damage::SplitLabel)
                || rng.chance(50)
            {
                format!("{head}，{tail}")
            } else {
                head
            };
            let value = if rng.chance(80) {
                words((*rng.pick(EFFECT_WORDS)).to_owned())
            } else {
                rate(rng)
            };
            (name, value)
        }
        Kind::Satisfaction => {
            let name = if damage == Some(Damage::SplitLabel) {
                format!(
                    "{subject}对{}总体满意度评价持续提高，调查满意率",
                    rng.pick(SERVICES)
                )
            } else {
                format!("{subject}对{}的满意度", rng.pick(SERVICES))
            };
            (name, satisfaction(rng))
        }
    };
    let (name, value) = match damage {
        // The sample's wording: the comparator is printed in the name cell's tail.
        Some(Damage::NameValueOneCell) => {
            let n = percent(rng, 90, 99).to_string();
            let cmp = if rng.chance(70) { "≥" } else { "≤" };
            (
                format!("{name}，调查达到"),
                quantity(format!("{cmp}{n}%"), Some(cmp), &n, "%"),
            )
        }
        Some(Damage::UnreadableMark) => {
            let n = percent(rng, 90, 99).to_string();
            (
                format!("{name}达"),
                quantity(format!("{n}%"), None, &n, "%"),
            )
        }
        _ => (name, value),
    };
    Indicator {
        level1: g.level1,
        level2: g.level2,
        note: g.note,
        name,
        value,
        damage,
    }
}

fn quantity(text: String, comparator: Option<&'static str>, n: &str, unit: &'static str) -> Value {
    Value {
        text,
        comparator,
        number: Some(n.to_owned()),
        unit: Some(unit),
    }
}

fn words(text: String) -> Value {
    Value {
        text,
        comparator: None,
        number: None,
        unit: None,
    }
}

fn rate(rng: &mut Rng) -> Value {
    let n = percent(rng, 80, 99).to_string();
    match rng.range(0, 4) {
        0 => quantity("100%".to_owned(), None, "100", "%"),
        1 => quantity(format!("≥{n}%"), Some("≥"), &n, "%"),
        2 => quantity(format!("不低于{n}%"), Some("≥"), &n, "%"),
        3 => quantity(format!("{n}%以上"), Some("≥"), &n, "%"),
        _ => {
            let low = rng.range(1, 5).to_string();
            quantity(format!("≤{low}%"), Some("≤"), &low, "%")
        }
    }
}

fn satisfaction(rng: &mut Rng) -> Value {
    let n = percent(rng, 85, 99).to_string();
    match rng.range(0, 3) {
        0 => quantity(format!("≥{n}%"), Some("≥"), &n, "%"),
        1 => quantity(format!("{n}%以上"), Some("≥"), &n, "%"),
        2 => quantity(format!("不低于{n}%"), Some("≥"), &n, "%"),
        _ => quantity(format!("{n}%"), None, &n, "%"),
    }
}

// ---------------------------------------------------------------------------------------
// Printing, the way OCR prints the reference annex.

/// Half-width punctuation and spaces where the canonical form has full-width and none:
/// `，` → `, `, `：` → `: `, a space between two CJK characters now and then.
fn ocr_text(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev_cjk = false;
    for c in s.chars() {
        match c {
            '，' if rng.chance(50) => out.push_str(if rng.chance(50) { ", " } else { "," }),
            '：' if rng.chance(50) => out.push_str(": "),
            _ => {
                let cjk = is_cjk(c);
                if cjk && prev_cjk && rng.chance(3) {
                    out.push(' ');
                }
                prev_cjk = cjk;
                out.push(c);
            }
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A value as OCR prints it: a space before a CJK unit, full-width digits now and then.
fn ocr_value(rng: &mut Rng, s: &str) -> String {
    let full_width = rng.chance(5);
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_digit = false;
    for c in s.chars() {
        if prev_digit && is_cjk(c) && rng.chance(40) {
            out.push(' ');
        }
        prev_digit = c.is_ascii_digit();
        match c {
            '0'..='9' if full_width => {
                out.push(char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap_or(c));
            }
            '%' if full_width => out.push('％'),
            _ => out.push(c),
        }
    }
    out
}

fn note_label(rng: &mut Rng, level2: &str, note: Option<&str>) -> String {
    match note {
        None => level2.to_owned(),
        Some(n) => match rng.range(0, 2) {
            0 => format!("{level2} ({n})"),
            1 => format!("{level2}({n})"),
            _ => format!("{level2}（{n}）"),
        },
    }
}

fn trailing_tabs(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.range(0, 3) {
        out.push('\t');
    }
}

fn line(rng: &mut Rng, out: &mut String, cells: &[&str]) {
    out.push_str(&cells.join("\t"));
    trailing_tabs(rng, out);
    out.push('\n');
}

fn year_line(rng: &mut Rng, year: i32) -> String {
    match rng.range(0, 2) {
        0 => format!("（{year}年度）"),
        1 => format!("({year} 年度)"),
        _ => format!("（{year} 年度）"),
    }
}

const TITLE: &str = "部门项目支出预算绩效目标表";
const COLUMNS: &str = "名称\t一级指标\t二级指标\t三级指标\t指标值";

fn print_table(rng: &mut Rng, t: &Table, out: &mut String) {
    let r = rng;
    if t.damage.contains(&Damage::HtmlDuplicateTitle) {
        let _ = write!(out, "{TITLE}\n\n{}\n\n", year_line(r, t.fiscal_year));
        let _ = writeln!(out, "<h2 style=\"margin: 0;\">{TITLE}</h2>\t\t\t\t");
        let _ = writeln!(out, "<p>({} 年度)</p>\t\t\t\t", t.fiscal_year);
    } else {
        line(r, out, &[TITLE]);
        let y = year_line(r, t.fiscal_year);
        line(r, out, &[&y]);
    }
    let name = ocr_text(r, &t.name);
    if r.chance(50) {
        line(r, out, &["项目名称", &name]);
    } else {
        line(r, out, &["项目名称", "", &name]);
    }
    let dept = match &t.department_code {
        Some(code) if r.chance(50) => format!("{code}\t{}", t.department),
        Some(code) => format!("{}[{code}]", t.department),
        None => t.department.clone(),
    };
    line(
        r,
        out,
        &["主管部门及代码", &dept, "实施单位", &t.implementing_unit],
    );
    let period = if r.chance(50) { "1 年" } else { "1年" };
    line(r, out, &["项目属性", "0101-一年期项目", "项目期", period]);
    let funds = if r.chance(50) {
        "项目资金 (万元)"
    } else {
        "项目资金（万元）"
    };
    let total_label = if r.chance(50) {
        "年度资金总额:"
    } else {
        "年度资金总额："
    };
    line(r, out, &[funds, total_label, &t.total]);
    let fiscal_label = if r.chance(50) {
        "其中: 财政拨款"
    } else {
        "其中：财政拨款"
    };
    line(r, out, &["", fiscal_label, &t.fiscal]);
    line(r, out, &["", "其他资金", t.other.as_deref().unwrap_or("")]);
    if r.chance(30) {
        out.push('\n');
    }
    let goals = if r.chance(15) {
        let parts: Vec<String> = t
            .goals
            .iter()
            .enumerate()
            .map(|(k, g)| format!("<p>{}. {}</p>", k + 1, ocr_text(r, g)))
            .collect();
        parts.join(" ")
    } else {
        let parts: Vec<String> = t
            .goals
            .iter()
            .enumerate()
            .map(|(k, g)| format!("{}. {}", k + 1, ocr_text(r, g)))
            .collect();
        parts.join(" ")
    };
    line(r, out, &["年度总体目标", &goals]);
    line(r, out, &[COLUMNS]);

    let mut level1 = "";
    let mut level2 = "";
    let mut page = r.range(1, 50);
    for (k, ind) in t.indicators.iter().enumerate() {
        let new_l1 = ind.level1 != level1;
        let new_l2 = ind.level2 != level2 || new_l1;
        // A page break, only where the row prints a label (else the title would look
        // like the start of a new table) or with the column headers printed again.
        if t.page_breaks.contains(&k) {
            page += 1;
            let _ = write!(
                out,
                "\n— {page} —\n\n{TITLE}\n{}\n",
                year_line(r, t.fiscal_year)
            );
            if !new_l2 || r.chance(50) {
                line(r, out, &[COLUMNS]);
            }
        }
        level1 = ind.level1;
        level2 = ind.level2;
        let l2 = if new_l2 {
            note_label(r, ind.level2, ind.note)
        } else {
            String::new()
        };
        let l1 = if new_l1 { ind.level1 } else { "" };
        let section = if k == 0 { "绩效指标" } else { "" };
        let value = ocr_value(r, &ind.value.text);
        let name = ocr_text(r, &ind.name);
        match ind.damage {
            None => line(r, out, &[section, l1, &l2, &name, &value]),
            Some(Damage::ShiftedRow) => {
                if r.chance(50) {
                    line(r, out, &[&name, &value]);
                } else {
                    line(r, out, &["", &name, "", &value]);
                }
            }
            Some(Damage::SplitLabel) => {
                let (head, tail) = ind.name.split_once('，').unwrap_or((&ind.name, ""));
                let frag = &l1[..l1.len() - "标".len()];
                line(r, out, &[frag, &l2, &format!("{head},"), &value]);
                if r.chance(50) {
                    out.push('\n');
                }
                line(r, out, &["", "标", "", tail]);
            }
            Some(Damage::ValueOnNextLine) => {
                line(r, out, &[section, l1, &l2, &name]);
                line(r, out, &["", "", "", "", &value]);
            }
            Some(Damage::NameValueOneCell) => {
                let n = ind.value.number.as_deref().unwrap_or("");
                let latex = if ind.value.comparator == Some("≤") {
                    format!("$\\leq {n}\\%$")
                } else {
                    format!("$\\geq {n}\\%$")
                };
                let cell = format!("{name} {latex}");
                line(r, out, &[section, l1, &l2, &cell]);
            }
            Some(Damage::UnreadableMark) => {
                let cell = format!("{name}) {}", ind.value.text);
                line(r, out, &[section, l1, &l2, &cell]);
            }
            Some(Damage::ContinuedName) => {
                let (head, tail) = ind.name.split_once('，').unwrap_or((&ind.name, ""));
                line(r, out, &[section, l1, &l2, &format!("{head},"), &value]);
                line(r, out, &["", "", "", tail]);
            }
            Some(Damage::SplitCell) => {
                let chars: Vec<char> = ind.name.chars().collect();
                let cut = chars.len() / 2;
                let a: String = chars[..cut].iter().collect();
                let b: String = chars[cut..].iter().collect();
                line(r, out, &[section, l1, &l2, &a, &b, &value]);
            }
            Some(Damage::HtmlDuplicateTitle | Damage::PageBreak) => {
                line(r, out, &[section, l1, &l2, &name, &value]);
            }
        }
    }
    out.push('\n');
    if r.chance(30) {
        out.push('\n');
    }
}
