//! The typed record of one project table: the output contract of `SCHEMA.md`, as Rust.
//!
//! Field order here is irrelevant to the output (canonical JSON sorts keys); field *names*
//! are the contract. Every money or quantity is a [`Number`] (a decimal), never a float
//! computed by multiplication.
//!
//! Texts that come from a small fixed vocabulary (the 一级/二级 labels, comparators, the
//! common notes and units, check ids) are `Cow<'static, str>`: borrowed from the
//! vocabulary when they are one of its words, so that a record of hundreds of rows does
//! not allocate (and free) a copy of `产出指标` per row. They stay `'static` when the
//! texts read from the input borrow for less (below): `annex-emit` remembers facts about
//! a borrowed vocabulary string by its address, which only a `&'static str` keeps for the
//! whole run. Serde writes a `Cow<str>` exactly as a `String`, and schemars describes it
//! as one.
//!
//! Texts read from the input (a 三级指标, a 指标值) are `Cow<'a, str>`, `'a` being the
//! lifetime of the normalized lines the record was parsed from: borrowed when the text is
//! a slice of one line's cell (the common case), owned when the grammar built it (joined
//! cells or lines, a repair). Borrowed are: `Indicator::name` when the 三级指标 is one
//! cell; `Value::text` when it is the cell without a cut mark; `Record::form` when the
//! title line is one cell; the 项目名称, 实施单位 and 项目期 when each is one cell (or the
//! rest of its label's cell); the 主管部门 and its code when they are slices of their
//! label's cell (the name when it is canonical as it stands); the 项目属性's code and
//! name (slices of its cell); `Funds::unit` from its label; the `Document` from its
//! heading line when that is one cell (so that the tables below it share it without a
//! copy each); the goals when 年度总体目标 is one cell. `Source::path` and `sha256` borrow
//! from the `InputInfo` given to the parse, which lives as long. (Field doc comments are
//! the JSON Schema's descriptions, so this is said here rather than on the fields.) A
//! caller that outlives the lines takes [`Record::into_owned`], a `Record<'static>`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use annex_normalize::Warning;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Serialize, Serializer};

/// The schema id every record carries.
pub const SCHEMA_ID: &str = "annex/perf-target-table/v1";

/// One 部门项目支出预算绩效目标表.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(title = "annex/perf-target-table/v1")]
pub struct Record<'a> {
    /// Always `annex/perf-target-table/v1`.
    pub schema: Cow<'static, str>,
    /// Where the record came from.
    pub source: Source<'a>,
    /// The annex heading above the tables, if any.
    pub document: Document<'a>,
    /// The form's title as printed, e.g. `部门项目支出预算绩效目标表`.
    pub form: Cow<'a, str>,
    /// From `（2024年度）`.
    pub fiscal_year: Option<i32>,
    /// Header fields of the project.
    pub project: Project<'a>,
    /// 项目资金.
    pub funds: Funds<'a>,
    /// 年度总体目标, one item per numbered goal, numbering removed.
    pub goals: Vec<Cow<'a, str>>,
    /// One per 三级指标 row, in source order.
    pub indicators: Vec<Indicator<'a>>,
    /// Consistency checks keyed by id (`funds_sum`, `cost_sum`, `goal_numbering`,
    /// `required_indicators`).
    pub checks: BTreeMap<Cow<'static, str>, Check>,
    /// What was odd or repaired, in source order.
    pub warnings: Vec<Warning>,
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Source<'a> {
    /// The input path as given by the user (`-` for stdin).
    pub path: Cow<'a, str>,
    /// Lowercase hex SHA-256 of the input file's bytes.
    pub sha256: Cow<'a, str>,
    /// 1-based ordinal of this table in the input.
    #[schemars(range(min = 1))]
    pub table: u32,
    /// Source line span, for text inputs.
    pub lines: Option<Span>,
    /// Page span, for PDF inputs.
    pub pages: Option<Span>,
}

/// A 1-based inclusive span of lines or pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// First line or page.
    #[schemars(range(min = 1))]
    pub start: u32,
    /// Last line or page (inclusive).
    #[schemars(range(min = 1))]
    pub end: u32,
}

/// The annex heading (`附件 2：…`) above the tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Document<'a> {
    /// E.g. `附件2`.
    pub annex: Option<Cow<'a, str>>,
    /// The heading's title, e.g. `平罗县社会保险事业管理中心项目支出预算绩效目标表`.
    pub title: Option<Cow<'a, str>>,
}

/// Header fields of a project table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Project<'a> {
    /// 项目名称.
    pub name: Option<Cow<'a, str>>,
    /// 主管部门.
    pub department: Option<Cow<'a, str>>,
    /// The code after 主管部门及代码, null when none is printed.
    pub department_code: Option<Cow<'a, str>>,
    /// 实施单位.
    pub implementing_unit: Option<Cow<'a, str>>,
    /// 项目属性, e.g. `0101-一年期项目`.
    pub attribute: Option<Attribute<'a>>,
    /// 项目期, e.g. `1年`.
    pub period: Option<Cow<'a, str>>,
}

/// 项目属性 split into code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Attribute<'a> {
    /// E.g. `0101`; null when the cell has no code.
    pub code: Option<Cow<'a, str>>,
    /// E.g. `一年期项目`.
    pub name: Cow<'a, str>,
}

/// 项目资金.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Funds<'a> {
    /// The unit from the label, e.g. `万元`.
    pub unit: Option<Cow<'a, str>>,
    /// 年度资金总额.
    pub total: Option<Number>,
    /// 其中：财政拨款.
    pub fiscal: Option<Number>,
    /// 其他资金.
    pub other: Option<Number>,
}

/// One 三级指标 row.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Indicator<'a> {
    /// 一级指标: `产出指标`, `效益指标`, `满意度指标`, `成本指标`.
    pub level1: Cow<'static, str>,
    /// 二级指标 without its annotation, e.g. `数量指标`.
    pub level2: Cow<'static, str>,
    /// The bracketed annotation after the 二级指标, e.g. `必填硬性指标`.
    pub level2_note: Option<Cow<'static, str>>,
    /// 三级指标 text.
    pub name: Cow<'a, str>,
    /// 指标值, parsed.
    pub value: Value<'a>,
    /// Source line span of the row, for text inputs.
    pub lines: Option<Span>,
    /// Page span of the row, for PDF inputs.
    pub pages: Option<Span>,
}

/// A parsed 指标值.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Value<'a> {
    /// The value as printed, in canonical text form (an unreadable mark left out).
    pub text: Cow<'a, str>,
    /// `≥`, `≤`, `>`, `<`, `=`; null when none is printed or the mark is unreadable.
    pub comparator: Option<Cow<'static, str>>,
    /// The quantity, e.g. `3.43` for `3.43亿元`.
    pub number: Option<Number>,
    /// E.g. `人`, `%`, `万元`.
    pub unit: Option<Cow<'static, str>>,
    /// Money in 元 when `unit` is exactly 元/万元/亿元, computed in decimal.
    pub yuan: Option<Number>,
    /// For spans such as `1月—12月`.
    pub range: Option<Box<Range>>,
}

/// A span value such as `1月—12月`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Range {
    /// Start of the span.
    pub from: Number,
    /// End of the span.
    pub to: Number,
    /// Unit of both ends, e.g. `月`.
    pub unit: Option<Cow<'static, str>>,
}

/// A consistency check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Check {
    /// `pass`, `fail` or `skip`.
    pub status: CheckStatus,
    /// What was compared, readable by a person, e.g. `2053+320+820 = 3193 万元`.
    pub detail: Cow<'static, str>,
}

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The check held.
    Pass,
    /// The check failed; the detail says how.
    Fail,
    /// Not applicable (nothing to compare).
    Skip,
}

/// An exact decimal quantity, written to JSON as a plain number.
///
/// Integral values serialize as integers so that `343000000` never turns into
/// `343000000.0` or `342999999.99…`; fractional values go through `f64`, whose shortest
/// round-trip form (RFC 8785) prints the decimal as written (`3.43`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(pub Decimal);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.0.normalize();
        if d.scale() == 0 {
            if let Ok(i) = i64::try_from(d) {
                return serializer.serialize_i64(i);
            }
        }
        // Through the decimal text, not `f64::try_from`: the parse is correctly rounded,
        // so the shortest round-trip form prints exactly the decimal as written.
        match d.to_string().parse::<f64>() {
            Ok(f) => serializer.serialize_f64(f),
            Err(_) => Err(serde::ser::Error::custom(
                "decimal out of range for a JSON number",
            )),
        }
    }
}

impl JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "description": "an exact decimal quantity written as a JSON number"
        })
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl From<Decimal> for Number {
    fn from(d: Decimal) -> Self {
        Self(d)
    }
}

/// A `Cow` that borrows nothing, with the same text (for `into_owned`, and for the
/// grammar's texts cut from a string it is about to drop).
pub(crate) fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl Record<'_> {
    /// The same record holding its own copies of every text it borrowed from the input
    /// lines, for a caller that outlives them.
    pub fn into_owned(self) -> Record<'static> {
        Record {
            schema: self.schema,
            source: Source {
                path: owned(self.source.path),
                sha256: owned(self.source.sha256),
                ..self.source
            },
            document: Document {
                annex: self.document.annex.map(owned),
                title: self.document.title.map(owned),
            },
            form: owned(self.form),
            fiscal_year: self.fiscal_year,
            project: Project {
                name: self.project.name.map(owned),
                implementing_unit: self.project.implementing_unit.map(owned),
                period: self.project.period.map(owned),
                department: self.project.department.map(owned),
                department_code: self.project.department_code.map(owned),
                attribute: self.project.attribute.map(|a| Attribute {
                    code: a.code.map(owned),
                    name: owned(a.name),
                }),
            },
            funds: Funds {
                unit: self.funds.unit.map(owned),
                ..self.funds
            },
            goals: self.goals.into_iter().map(owned).collect(),
            indicators: self
                .indicators
                .into_iter()
                .map(Indicator::into_owned)
                .collect(),
            checks: self.checks,
            warnings: self.warnings,
        }
    }
}

impl Indicator<'_> {
    /// The same row holding its own copies of the texts it borrowed.
    pub fn into_owned(self) -> Indicator<'static> {
        Indicator {
            level1: self.level1,
            level2: self.level2,
            level2_note: self.level2_note,
            name: owned(self.name),
            value: self.value.into_owned(),
            lines: self.lines,
            pages: self.pages,
        }
    }
}

impl Value<'_> {
    /// The same value holding its own copy of its text.
    pub fn into_owned(self) -> Value<'static> {
        Value {
            text: owned(self.text),
            comparator: self.comparator,
            number: self.number,
            unit: self.unit,
            yuan: self.yuan,
            range: self.range,
        }
    }
}
