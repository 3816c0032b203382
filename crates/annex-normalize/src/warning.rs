//! Diagnostics shared by every stage: what was odd or repaired, and where.

use schemars::JsonSchema;
use serde::Serialize;

/// What kind of oddity or repair a [`Warning`] reports.
///
/// The serialized name (`snake_case`) is part of the output contract: downstream tools
/// count warnings by code, so codes are only ever added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Bytes that do not decode in the detected encoding (replaced by U+FFFD).
    UndecodableBytes,
    /// NUL or other control characters removed from the text.
    ControlChars,
    /// Markup left unclosed or nested beyond the depth limit; kept as text.
    UnclosedMarkup,
    /// A page number or running header printed by the page layout: dropped.
    PageFurniture,
    /// A form title (and 年度 line) printed again with no body between: dropped.
    DuplicateHeader,
    /// A 一级/二级 label split over two lines, joined back together.
    JoinedLabel,
    /// A 三级指标 name continued on the next line, joined.
    ContinuedName,
    /// A 指标值 found alone on the line after its row.
    ValueFromNextLine,
    /// A 三级指标 name and its value printed in one cell, split apart.
    SplitCell,
    /// A row that lost its leading cells: its levels were inherited from the rows above.
    ShiftedRow,
    /// A mark that cannot be read (e.g. the `)` in `) 95%`): left out, never guessed.
    UnreadableMark,
    /// Goals not numbered 1, 2, 3 … in order.
    GoalNumbering,
    /// A header field the form requires was not found.
    MissingField,
    /// An indicator row without a value.
    MissingValue,
    /// A number that could not be read where one was expected.
    BadNumber,
    /// A non-blank line inside a table that no rule consumed; its text is in the message.
    UnparsedLine,
}

impl WarningCode {
    /// The code as it appears in JSON and on stderr.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UndecodableBytes => "undecodable_bytes",
            Self::ControlChars => "control_chars",
            Self::UnclosedMarkup => "unclosed_markup",
            Self::PageFurniture => "page_furniture",
            Self::DuplicateHeader => "duplicate_header",
            Self::JoinedLabel => "joined_label",
            Self::ContinuedName => "continued_name",
            Self::ValueFromNextLine => "value_from_next_line",
            Self::SplitCell => "split_cell",
            Self::ShiftedRow => "shifted_row",
            Self::UnreadableMark => "unreadable_mark",
            Self::GoalNumbering => "goal_numbering",
            Self::MissingField => "missing_field",
            Self::MissingValue => "missing_value",
            Self::BadNumber => "bad_number",
            Self::UnparsedLine => "unparsed_line",
        }
    }
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One oddity or repair, pointing at the *source* line (never at normalized text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Warning {
    /// What kind of warning this is.
    pub code: WarningCode,
    /// A sentence a person can act on: lowercase, no trailing period.
    pub message: String,
    /// 1-based source line, when known.
    pub line: Option<u32>,
    /// 1-based page, for PDF inputs (and text inputs with form feeds), when known.
    pub page: Option<u32>,
}

impl Warning {
    /// A warning at a source line.
    pub fn at(code: WarningCode, line: u32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            line: Some(line),
            page: None,
        }
    }
}
