#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use annex_grammar::{
    Attribute, Check, CheckStatus, Document, Funds, Indicator, Number, Project, Range, Record,
    SCHEMA_ID, Source, Span, Value,
};
use annex_normalize::{Warning, WarningCode};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::testing::validate;
use crate::{
    EmitError, SCHEMA_URL, record_schema, record_schema_json, to_canonical, to_canonical_value,
    to_pretty, to_pretty_value,
};

// ---------------------------------------------------------------------------------------
// Builders: the worked example of SCHEMA.md, and a record that is null wherever it can be.

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn num(s: &str) -> Number {
    Number(dec(s))
}

fn text(s: &str) -> Value<'_> {
    Value {
        text: s.into(),
        ..Value::default()
    }
}

fn quantity(
    printed: &str,
    comparator: Option<&'static str>,
    number: &str,
    unit: &'static str,
) -> Value<'static> {
    Value {
        text: printed.to_owned().into(),
        comparator: comparator.map(Into::into),
        number: Some(num(number)),
        unit: Some(unit.into()),
        yuan: None,
        range: None,
    }
}

fn row(
    level1: &'static str,
    level2: &'static str,
    note: &'static str,
    name: &str,
    value: Value<'static>,
    line: u32,
) -> Indicator<'static> {
    Indicator {
        level1: level1.into(),
        level2: level2.into(),
        level2_note: Some(note.into()),
        name: name.to_owned().into(),
        value,
        lines: Some(Span {
            start: line,
            end: line,
        }),
        pages: None,
    }
}

fn check(status: CheckStatus, detail: &'static str) -> Check {
    Check {
        status,
        detail: detail.into(),
    }
}

/// The worked example of SCHEMA.md (城乡居民参加养老保险县配资金), with the parts the
/// example leaves out filled in.
fn pension_record() -> Record<'static> {
    let mut cost = quantity("820万元", None, "820", "万元");
    // 820万元 in 元, computed in decimal as the grammar does.
    cost.yuan = Some(Number(dec("820") * dec("10000")));
    let months = Value {
        range: Some(Box::new(Range {
            from: num("1"),
            to: num("12"),
            unit: Some("月".into()),
        })),
        ..text("1月—12月")
    };
    Record {
        schema: SCHEMA_ID.into(),
        source: Source {
            path: "samples/pingluo-2024.txt".into(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            table: 3,
            lines: Some(Span { start: 41, end: 63 }),
            pages: None,
        },
        document: Document {
            annex: Some("附件2".into()),
            title: Some("平罗县社会保险事业管理中心项目支出预算绩效目标表".into()),
        },
        form: "部门项目支出预算绩效目标表".into(),
        fiscal_year: Some(2024),
        project: Project {
            name: Some("城乡居民参加养老保险县配资金".into()),
            department: Some("平罗县人力资源和社会保障局".into()),
            department_code: None,
            implementing_unit: Some("平罗县社会保险事业管理中心".into()),
            attribute: Some(Attribute { code: Some("0101".into()), name: "一年期项目".into() }),
            period: Some("1年".into()),
        },
        funds: Funds {
            unit: Some("万元".into()),
            total: Some(num("3193")),
            fiscal: Some(num("3193")),
            other: None,
        },
        goals: vec![
            "年内为全县符合条件城乡居民缴纳养老保险。".into(),
            "城乡居民及村干部实现应保尽保，逐步提升社会公众幸福指数，广大群众对全县社保工作满意度逐年提升。".into(),
        ],
        indicators: vec![
            row(
                "产出指标",
                "数量指标",
                "必填硬性指标",
                "全县本年度领取待遇城乡居民人数",
                quantity("29000人", None, "29000", "人"),
                50,
            ),
            row("产出指标", "时效指标", "必填", "及时足额支付城乡居民养老金等", months, 52),
            row("产出指标", "成本指标", "必填硬性指标", "城乡居民养老保险参保缴费补贴", cost, 55),
            row(
                "效益指标",
                "社会效益指标",
                "必填",
                "有效地解决了城乡居民养老保险县配补贴部分，确保各项补贴政策落实到位，保障民生。",
                text("有效解决"),
                58,
            ),
            row(
                "满意度指标",
                "服务对象满意度指标",
                "必填",
                "参保人员对社保政策总体满意度评价持续提高，调查满意率",
                quantity("≥96%", Some("≥"), "96", "%"),
                61,
            ),
        ],
        checks: BTreeMap::from([
            ("cost_sum".into(), check(CheckStatus::Pass, "2053+320+820 = 3193 万元")),
            ("funds_sum".into(), check(CheckStatus::Pass, "3193 = 3193 + 0")),
            ("goal_numbering".into(), check(CheckStatus::Pass, "1, 2")),
            ("required_indicators".into(), check(CheckStatus::Skip, "no 必填 marks")),
        ]),
        warnings: vec![Warning::at(
            WarningCode::UnreadableMark,
            61,
            "unreadable mark `)` before `95%` left out",
        )],
    }
}

/// A record from a table where almost nothing could be read: every nullable is null and
/// every list is empty.
fn null_record() -> Record<'static> {
    Record {
        schema: SCHEMA_ID.into(),
        source: Source {
            path: "-".into(),
            sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            table: 1,
            lines: None,
            pages: None,
        },
        document: Document::default(),
        form: "部门项目支出预算绩效目标表".into(),
        fiscal_year: None,
        project: Project::default(),
        funds: Funds::default(),
        goals: vec![],
        indicators: vec![Indicator {
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            level2_note: None,
            name: "受益人数".into(),
            value: Value::default(),
            lines: None,
            pages: None,
        }],
        checks: BTreeMap::new(),
        warnings: vec![Warning {
            code: WarningCode::MissingValue,
            message: "indicator `受益人数` has no value".into(),
            line: None,
            page: None,
        }],
    }
}

fn canonical_json(json: &Json) -> String {
    to_canonical_value(json).unwrap()
}

// ---------------------------------------------------------------------------------------
// RFC 8785

/// RFC 8785 §3.2.3: keys sort by UTF-16 code units, so U+1F600 (a surrogate pair,
/// D83D DE00) comes before U+FB33 although its code point is larger.
#[test]
fn rfc8785_sorts_keys_by_utf16_code_units() {
    let input = r#"{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let value: Json = serde_json::from_str(input).unwrap();
    let want = concat!(
        r#"{"\r":"Carriage Return","1":"One","#,
        "\"\u{80}\":\"Control\",",
        "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",",
        "\"\u{20ac}\":\"Euro Sign\",",
        "\"\u{1f600}\":\"Emoji: Grinning Face\",",
        "\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
    );
    assert_eq!(canonical_json(&value), want);

    // The pretty form uses the same order.
    let pretty = to_pretty_value(&value).unwrap();
    let order: Vec<&str> = pretty
        .lines()
        .skip(1)
        .filter_map(|l| l.split('"').nth(3))
        .collect();
    assert_eq!(
        order,
        [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ]
    );
}

/// RFC 8785 §3.2.2 (the example of §3.2.4 "Canonicalization of the sample input").
#[test]
fn rfc8785_sample_input() {
    let input = r#"{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
    }"#;
    let value: Json = serde_json::from_str(input).unwrap();
    let want = concat!(
        r#"{"literals":[null,true,false],"#,
        r#""numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#,
        "\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
    );
    assert_eq!(canonical_json(&value), want);
}

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript text.
#[test]
fn rfc8785_number_table() {
    let cases: &[(u64, &str)] = &[
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"), // minus zero
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"),
        (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xc340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"),
        (0x44b5_2d02_c7e1_4af6, "1e+23"),
        (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
        (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"),
        (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
        (0x444b_1ae4_d6e2_ef50, "1e+21"),
        (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"),
        (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
        (0x41b3_de43_5555_5553, "333333333.3333332"),
        (0x41b3_de43_5555_5554, "333333333.33333325"),
        (0x41b3_de43_5555_5555, "333333333.3333333"),
        (0x41b3_de43_5555_5556, "333333333.3333334"),
        (0x41b3_de43_5555_5557, "333333333.33333343"),
        (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
        (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
    ];
    for &(bits, want) in cases {
        let got = to_canonical_value(&f64::from_bits(bits)).unwrap();
        assert_eq!(got, want, "bits {bits:016x}");
    }
    // The same text whether the number arrives as a double or parsed from JSON.
    for (json, want) in [
        ("1E30", "1e+30"),
        ("4.50", "4.5"),
        ("2e-3", "0.002"),
        ("1e-7", "1e-7"),
    ] {
        assert_eq!(
            canonical_json(&serde_json::from_str(json).unwrap()),
            want,
            "{json}"
        );
    }
}

/// RFC 8785 §3.2.2.2: only `"`, `\` and U+0000..U+001F are escaped; the five with short
/// forms use them, the rest `\u00xx` in lowercase hex; `/`, DEL and non-ASCII stay raw.
#[test]
fn rfc8785_string_escaping() {
    let cases = [
        ("\u{8}\t\n\u{c}\r", r#""\b\t\n\f\r""#),
        (
            "\u{0}\u{1}\u{f}\u{1a}\u{1f}",
            r#""\u0000\u0001\u000f\u001a\u001f""#,
        ),
        ("\"\\", r#""\"\\""#),
        ("a/b", r#""a/b""#),
        ("\u{7f}", "\"\u{7f}\""),
        ("≥96%　€😀", "\"≥96%　€😀\""),
    ];
    for (input, want) in cases {
        assert_eq!(to_canonical_value(input).unwrap(), want, "{input:?}");
    }
}

#[test]
fn nan_and_infinity_are_errors_with_lowercase_messages() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = to_canonical_value(&bad).unwrap_err();
        assert!(matches!(err, EmitError::Json(_)));
        assert_eq!(err.to_string(), "cannot write json");
        assert!(std::error::Error::source(&err).is_some());
        // serde_json::to_value would quietly make these `null`; the pretty form refuses.
        assert!(to_pretty_value(&bad).is_err());
        assert!(to_pretty_value(&json!({"a": [1, 2]})).is_ok());
    }
    let map = BTreeMap::from([((1, 2), "tuple keys")]);
    assert!(to_canonical_value(&map).is_err());
}

// ---------------------------------------------------------------------------------------
// Numbers of the model

/// A [`Number`] prints as the decimal was written: integers without `.0`, money in 元
/// computed in decimal without float noise.
#[test]
fn model_numbers_print_as_written() {
    let yuan_of_3_43_yi = Number(dec("3.43") * dec("100000000"));
    let cases = [
        (yuan_of_3_43_yi, "343000000"),
        (num("3.43"), "3.43"),
        (num("0.5"), "0.5"),
        (num("0.50"), "0.5"),
        (num("4.50"), "4.5"),
        (num("96"), "96"),
        (num("96.00"), "96"),
        (num("8200000"), "8200000"),
        (num("2053.25"), "2053.25"),
        (num("-1.5"), "-1.5"),
        (num("0.00"), "0"),
        (num("0.002"), "0.002"),
        (num("0.000001"), "0.000001"),
        (num("0.0000001"), "1e-7"),
        (Number(dec("0.000000000000000000000000001")), "1e-27"),
        (num("100000000000000000000"), "100000000000000000000"),
        (num("1000000000000000000000"), "1e+21"),
        (num("123456789012.34"), "123456789012.34"),
    ];
    for (n, want) in cases {
        assert_eq!(to_canonical_value(&n).unwrap(), want, "{n}");
    }
}

/// Every decimal a budget table can hold (up to 9 digits before and 6 after the point)
/// comes out exactly as its shortest decimal text.
#[test]
fn model_numbers_sweep_matches_decimal_text() {
    for scale in 0..=6 {
        for mantissa in (1..1_000_000_000_i64).step_by(9_973).chain([999_999_999]) {
            for sign in [1, -1] {
                let d = Decimal::new(sign * mantissa, scale);
                let want = d.normalize().to_string();
                assert_eq!(to_canonical_value(&Number(d)).unwrap(), want);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Records

#[test]
fn canonical_record_is_compact_sorted_and_exact() {
    let record = pension_record();
    let text = to_canonical(&record).unwrap();
    assert!(text.starts_with(
        r#"{"checks":{"cost_sum":{"detail":"2053+320+820 = 3193 万元","status":"pass"},"#
    ));
    assert!(text.contains(r#""funds":{"fiscal":3193,"other":null,"total":3193,"unit":"万元"}"#));
    assert!(text.contains(
        r#""value":{"comparator":null,"number":820,"range":null,"text":"820万元","unit":"万元","yuan":8200000}"#
    ));
    assert!(text.contains(r#""range":{"from":1,"to":12,"unit":"月"}"#));
    assert!(text.contains(r#""value":{"comparator":"≥","number":96,"range":null,"text":"≥96%","unit":"%","yuan":null}"#));
    assert!(text.contains(
        r#""warnings":[{"code":"unreadable_mark","line":61,"message":"unreadable mark `)` before `95%` left out","page":null}]}"#
    ));
    assert!(!text.contains('\n'));
    // Deterministic, and a fixed point: canonicalizing the parsed text changes nothing.
    assert_eq!(to_canonical(&record.clone()).unwrap(), text);
    let parsed: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(canonical_json(&parsed), text);
}

#[test]
fn pretty_record_is_the_canonical_record_indented() {
    for record in [pension_record(), null_record()] {
        let canonical = to_canonical(&record).unwrap();
        let pretty = to_pretty(&record).unwrap();
        let parsed: Json = serde_json::from_str(&pretty).unwrap();
        assert_eq!(canonical_json(&parsed), canonical);
        assert!(!pretty.ends_with('\n'));
    }
    let pretty = to_pretty(&null_record()).unwrap();
    assert!(pretty.starts_with("{\n  \"checks\": {},\n  \"document\": {\n    \"annex\": null,\n"));
    assert!(pretty.contains("\n  \"goals\": [],\n"));
    assert!(pretty.ends_with("\n    }\n  ]\n}"));
}

#[test]
fn pretty_numbers_and_strings_match_canonical() {
    let value = json!({"b": [1e30, 4.5, 343_000_000, 1e-7], "a": "tab\there \u{1f}/", "c": {}});
    let want = "{\n  \"a\": \"tab\\there \\u001f/\",\n  \"b\": [\n    1e+30,\n    4.5,\n    \
                343000000,\n    1e-7\n  ],\n  \"c\": {}\n}";
    assert_eq!(to_pretty_value(&value).unwrap(), want);
}

// ---------------------------------------------------------------------------------------
// Schema

/// The committed schema file is what the model generates. After a model change, run
/// `UPDATE_SCHEMA=1 cargo test -p annex-emit` and commit the file.
#[test]
fn committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/perf-target-table-v1.json");
    let want = record_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{} is out of date with the model: run `UPDATE_SCHEMA=1 cargo test -p annex-emit` \
         and commit the file",
        path.display()
    );
}

#[test]
fn schema_header() {
    let schema = record_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$id"], SCHEMA_URL);
    assert_eq!(schema["title"], SCHEMA_ID);
    assert_eq!(schema["properties"]["schema"]["const"], SCHEMA_ID);
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"].as_array().map(Vec::len), Some(11));
    assert!(record_schema_json().ends_with("}\n"));
    assert_eq!(record_schema_json(), record_schema_json());
}

#[test]
fn records_validate_against_the_schema() {
    for record in [pension_record(), null_record()] {
        let json: Json = serde_json::from_str(&to_canonical(&record).unwrap()).unwrap();
        assert_eq!(validate(&json), Ok(()), "{json}");
    }
    // A fractional quantity, a PDF record, every check status, every warning position.
    let mut record = pension_record();
    record.source.lines = None;
    record.source.pages = Some(Span { start: 2, end: 3 });
    record.indicators[0].value = quantity("3.43亿元", Some("≤"), "3.43", "亿元");
    record.indicators[0].value.yuan = Some(Number(dec("3.43") * dec("100000000")));
    record.indicators[0].lines = None;
    record.indicators[0].pages = Some(Span { start: 2, end: 2 });
    record.checks.insert(
        "funds_sum".into(),
        check(CheckStatus::Fail, "3193 ≠ 3000 + 0"),
    );
    record.warnings.push(Warning {
        code: WarningCode::UnparsedLine,
        message: "unparsed line `备注`".into(),
        line: None,
        page: Some(3),
    });
    let json: Json = serde_json::from_str(&to_canonical(&record).unwrap()).unwrap();
    assert_eq!(validate(&json), Ok(()), "{json}");
}

#[test]
fn schema_rejects_what_the_emitter_never_writes() {
    let good: Json = serde_json::from_str(&to_canonical(&pension_record()).unwrap()).unwrap();
    // (what, JSON pointer, new value; None removes the key)
    let broken = [
        (
            "wrong schema id",
            "/schema",
            Some(json!("annex/perf-target-table/v2")),
        ),
        ("missing key", "/project/department_code", None),
        ("extra key", "/funds/currency", Some(json!("CNY"))),
        ("number as string", "/funds/total", Some(json!("3193"))),
        (
            "unknown check status",
            "/checks/funds_sum/status",
            Some(json!("ok")),
        ),
        (
            "unknown warning code",
            "/warnings/0/code",
            Some(json!("odd")),
        ),
        ("null where a list goes", "/goals", Some(Json::Null)),
        ("negative table ordinal", "/source/table", Some(json!(-1))),
    ];
    for (what, pointer, new) in broken {
        let mut json = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = json.pointer_mut(parent).unwrap();
        match (parent, new) {
            (Json::Object(map), Some(new)) => _ = map.insert(key.into(), new),
            (Json::Object(map), None) => _ = map.remove(key).unwrap(),
            (Json::Array(items), Some(new)) => items[key.parse::<usize>().unwrap()] = new,
            _ => unreachable!("{what}"),
        }
        let errors = validate(&json).expect_err(what);
        assert!(!errors.is_empty(), "{what}");
    }
    let mut json = good;
    json["funds"]["total"] = json!("3193");
    let errors = validate(&json).unwrap_err();
    assert!(
        errors.iter().any(|e| e.starts_with("/funds/total: ")),
        "{errors:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The direct writer behind `to_canonical` gives exactly the serde path's bytes.

#[test]
fn direct_writer_matches_serde_path() {
    let mut hostile = pension_record();
    hostile.form = "tab\there \"quoted\" back\\slash \u{1}\u{8}\u{c}\n\r\u{1f}\u{7f} 😀 /".into();
    hostile
        .checks
        .insert("\u{1F600}".into(), check(CheckStatus::Skip, "astral"));
    hostile
        .checks
        .insert("\u{FB33}".into(), check(CheckStatus::Fail, "bmp"));
    hostile.fiscal_year = Some(-2024);
    hostile.funds.total = Some(num("123456789012345678"));
    hostile.funds.other = Some(num("0.000001"));
    hostile.funds.fiscal = Some(num("0.0000001"));
    hostile.indicators[0].value.number = Some(num("-3.14159"));
    hostile.warnings.push(Warning {
        code: WarningCode::UnclosedMarkup,
        message: "x".into(),
        line: Some(u32::MAX),
        page: Some(7),
    });
    // Keys up to U+FFFF only, in an order where bytes and UTF-16 agree: no re-sort.
    let mut bmp = pension_record();
    bmp.checks
        .insert("\u{FB33}".into(), check(CheckStatus::Fail, "bmp"));
    bmp.checks
        .insert("\u{E000}z".into(), check(CheckStatus::Pass, "private use"));
    bmp.checks
        .insert("é".into(), check(CheckStatus::Skip, "latin"));
    for record in [pension_record(), null_record(), hostile, bmp] {
        let serde = to_canonical_value(&record).unwrap();
        assert_eq!(to_canonical(&record).unwrap(), serde);
    }
}

/// The fields whose clean strings are remembered from one indicator to the next, with
/// one and the same string (borrowed, or the same text owned twice) clean and not,
/// repeated and alternating.
#[test]
fn repeated_indicator_strings_match_serde_path() {
    use std::borrow::Cow;
    const QUOTED: &str = "产出\"指标\"";
    const CLEAN: &str = "产出指标";
    let mut record = pension_record();
    let template = record.indicators[0].clone();
    record.indicators.clear();
    for k in 0..8 {
        let mut i = template.clone();
        let (a, b) = if k % 3 == 0 {
            (QUOTED, CLEAN)
        } else {
            (CLEAN, QUOTED)
        };
        i.level1 = Cow::Borrowed(a);
        i.level2 = if k % 2 == 0 {
            Cow::Borrowed(b)
        } else {
            Cow::Owned(b.to_owned())
        };
        i.level2_note = Some(Cow::Borrowed(if k < 4 { QUOTED } else { CLEAN }));
        i.value.comparator = Some(Cow::Borrowed(if k % 2 == 0 { "≥" } else { "\\" }));
        i.value.unit = Some(Cow::Borrowed(if k == 5 { "\t" } else { "%" }));
        record.indicators.push(i);
    }
    // Again, with what the first time taught the writer's vocabulary.
    for _ in 0..2 {
        assert_eq!(
            to_canonical(&record).unwrap(),
            to_canonical_value(&record).unwrap()
        );
    }
}

/// Static strings, some with escapes, for the levels, notes, comparators and units of
/// the proptest below (more triples than the writer has places for).
const VOCABULARY: [&str; 12] = [
    "产出指标",
    "效益指标",
    "数量指标",
    "质量指标",
    "必填",
    "必填硬性指标",
    "≥",
    "万元",
    "\"引\"",
    "back\\slash",
    "tab\t",
    "",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Records whose indicators take their vocabulary strings from a small pool, borrowed
    /// or owned, written one after the other as JSON Lines are: the writer's remembered
    /// strings and level texts give the serde path's bytes.
    #[test]
    fn vocabulary_strings_match_serde_path(
        records in proptest::collection::vec(
            proptest::collection::vec(
                (0..VOCABULARY.len(), 0..VOCABULARY.len(), 0..=VOCABULARY.len(),
                 0..=VOCABULARY.len(), 0..=VOCABULARY.len(), 0u8..8),
                0..12,
            ),
            1..6,
        )
    ) {
        use std::borrow::Cow;
        let word = |k: usize, owned: bool| -> Cow<'static, str> {
            if owned {
                Cow::Owned(VOCABULARY[k].to_owned())
            } else {
                Cow::Borrowed(VOCABULARY[k])
            }
        };
        let maybe = |k: usize, owned: bool| (k < VOCABULARY.len()).then(|| word(k, owned));
        let template = pension_record();
        let mut lines = String::new();
        let mut expected = String::new();
        for rows in records {
            let mut record = template.clone();
            let row = record.indicators[0].clone();
            record.indicators = rows
                .into_iter()
                .map(|(l1, l2, note, comparator, unit, owned)| {
                    let mut i = row.clone();
                    i.level1 = word(l1, owned & 1 != 0);
                    i.level2 = word(l2, owned & 2 != 0);
                    i.level2_note = maybe(note, owned & 4 != 0);
                    i.value.comparator = maybe(comparator, false);
                    i.value.unit = maybe(unit, owned != 0);
                    i
                })
                .collect();
            crate::write_canonical(&mut lines, &record).unwrap();
            lines.push('\n');
            expected.push_str(&to_canonical_value(&record).unwrap());
            expected.push('\n');
        }
        proptest::prop_assert_eq!(lines, expected);
    }
}

#[test]
fn write_canonical_appends_the_canonical_text() {
    let mut out = String::from("prefix\n");
    for record in [pension_record(), null_record()] {
        let before = out.clone();
        crate::write_canonical(&mut out, &record).unwrap();
        assert_eq!(out, before + &to_canonical(&record).unwrap());
    }
}

#[test]
fn direct_writer_falls_back_for_numbers_without_json_form() {
    let mut r = null_record();
    r.funds.total = Some(Number(Decimal::MAX));
    assert_eq!(
        to_canonical(&r).map_err(|e| e.to_string()),
        to_canonical_value(&r).map_err(|e| e.to_string())
    );
}

#[test]
fn direct_writer_numbers_match_serde_path() {
    let mut r = null_record();
    for n in [
        "0",
        "-0",
        "1",
        "-1",
        "2024",
        "9007199254740991",
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993",
        "123456789012345678901",
        "1e21",
        "0.5",
        "-2.5",
        "3.43",
        "100000000000000000000",
        "0.000001",
        "0.0000001",
    ] {
        let d: Decimal = n
            .parse()
            .unwrap_or_else(|_| Decimal::from_scientific(n).unwrap());
        r.funds.total = Some(Number(d));
        r.fiscal_year = Some(i32::MIN);
        r.source.table = u32::MAX;
        assert_eq!(
            to_canonical(&r).unwrap(),
            to_canonical_value(&r).unwrap(),
            "{n}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The fast paths of the direct writer against the general ones.

/// Bytes around which the word test is most likely to go wrong: both sides of every
/// boundary it tests, and the high-bit bytes of UTF-8.
const TRICKY: [u8; 14] = [
    0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xFF,
];

#[test]
fn word_escape_test_is_exact_for_every_byte_at_every_position() {
    use crate::direct::{needs_escape, word_needs_escape};
    for filler in TRICKY {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut word = [filler; 8];
                word[at] = b;
                assert_eq!(
                    word_needs_escape(u64::from_le_bytes(word)),
                    word.iter().any(|&x| needs_escape(x)),
                    "{word:02x?}"
                );
            }
        }
    }
}

#[test]
fn has_escape_sees_every_byte_of_every_length() {
    use crate::direct::{has_escape, needs_escape};
    for filler in TRICKY {
        for len in 0..41 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![filler; len];
                    bytes[at] = b;
                    assert_eq!(
                        has_escape(&bytes),
                        bytes.iter().any(|&x| needs_escape(x)),
                        "{bytes:02x?}"
                    );
                }
            }
            let bytes = vec![filler; len];
            assert_eq!(has_escape(&bytes), len > 0 && needs_escape(filler));
        }
    }
}

fn escaped(s: &str) -> String {
    let mut out = String::new();
    crate::direct::string(&mut out, s);
    out
}

fn digits_of(n: u64) -> String {
    let mut out = String::from("x");
    crate::direct::digits(&mut out, n);
    out.split_off(1)
}

#[test]
fn has_escape_finds_one_byte_anywhere() {
    use crate::direct::{has_escape, needs_escape};
    for n in 0..48 {
        for at in 0..n {
            for b in 0..=255u8 {
                let mut bytes = vec![0xE4u8; n];
                bytes[at] = b;
                assert_eq!(has_escape(&bytes), needs_escape(b), "{n} {at} {b}");
            }
        }
    }
}

#[test]
fn digits_are_to_string_at_every_width() {
    for n in (0..100_000).chain([
        99_999_999,
        100_000_000,
        100_000_001,
        1_000_000_000_000,
        u64::from(u32::MAX),
        (1 << 53) - 1,
        u64::MAX,
    ]) {
        assert_eq!(digits_of(n), n.to_string());
    }
    let mut p = 1u64;
    while let Some(next) = p.checked_mul(10) {
        for n in [p - 1, p, p + 1, next - 1] {
            assert_eq!(digits_of(n), n.to_string());
        }
        p = next;
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// The block test finds an escape exactly when some byte needs one, at every length
    /// and position.
    #[test]
    fn has_escape_is_any_byte(
        bytes in proptest::collection::vec(
            proptest::prop_oneof![
                8 => 0x20u8..=0xFF,
                1 => proptest::sample::select(vec![0u8, 0x1F, b'"', b'\\', 0x21, 0x5B, 0x5D]),
            ],
            0..80,
        )
    ) {
        use crate::direct::{has_escape, needs_escape};
        proptest::prop_assert_eq!(has_escape(&bytes), bytes.iter().any(|&b| needs_escape(b)));
    }

    #[test]
    fn digits_are_to_string(n: u64) {
        proptest::prop_assert_eq!(digits_of(n), n.to_string());
    }

    #[test]
    fn word_escape_test_matches_bytes(w in proptest::prelude::any::<u64>()) {
        use crate::direct::{needs_escape, word_needs_escape};
        let any = w.to_le_bytes().iter().any(|&x| needs_escape(x));
        proptest::prop_assert_eq!(word_needs_escape(w), any);
    }

    /// The string writer gives the canonicalizer's bytes, on strings dense in escapes,
    /// multi-byte characters and runs of every length.
    #[test]
    fn string_matches_canonicalizer(
        chars in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::prelude::any::<char>(),
                proptest::sample::select(vec![
                    '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', '\u{1}', '\u{1f}',
                    ' ', '/', 'a', '\u{7f}', '\u{80}', '表', '≥', '😀',
                ]),
            ],
            0..48,
        )
    ) {
        let s: String = chars.into_iter().collect();
        proptest::prop_assert_eq!(escaped(&s), to_canonical_value(&s).unwrap());
    }

    /// Whole decimals skip `normalize` and the double; every decimal, whatever its
    /// mantissa and scale, prints as the serde path prints it.
    #[test]
    fn numbers_match_serde_path(
        mantissa in proptest::prop_oneof![
            -1_000_000i64..1_000_000,
            proptest::prelude::any::<i64>(),
            proptest::sample::select(vec![
                0i64, 1 << 53, (1 << 53) - 1, (1 << 53) + 1, -(1 << 53), 1 - (1 << 53),
                i64::MAX, i64::MIN, 9_007_199_254_740_990_000, 10_000_000_000_000_000,
            ]),
        ],
        wide in proptest::prelude::any::<bool>(),
        scale in 0u32..=28,
    ) {
        let m = if wide { i128::from(mantissa) * 1_000_000_000_000 } else { i128::from(mantissa) };
        // Mantissas beyond 96 bits are no decimal at all.
        let Ok(d) = Decimal::try_from_i128_with_scale(m, scale) else {
            return Ok(());
        };
        let mut r = null_record();
        r.funds.total = Some(Number(d));
        proptest::prop_assert_eq!(to_canonical(&r).unwrap(), to_canonical_value(&r).unwrap());
    }
}

/// Found by the proptest above: `as_f64` is not correctly rounded for this one.
#[test]
fn tiny_fraction_prints_its_own_shortest_form() {
    let mut r = null_record();
    r.funds.total = Some(Number(Decimal::from_i128_with_scale(-97_064, 25)));
    let json = to_canonical(&r).unwrap();
    assert!(json.contains("\"total\":-9.7064e-21"), "{json}");
    assert_eq!(json, to_canonical_value(&r).unwrap());
}

#[test]
fn whole_numbers_scaled_and_negative_zero_match_serde_path() {
    let mut r = null_record();
    for (m, scale) in [
        (0i128, 0u32),
        (0, 5),
        (82_000, 2),
        (-82_000, 3),
        (9_007_199_254_740_992, 0),
        (90_071_992_547_409_920, 1),
        (90_071_992_547_409_910, 1),
        (-90_071_992_547_409_910, 1),
        (123_456_789_000_000_000, 18),
        (1_000_000_000_000_000_000, 18),
        (5, 28),
    ] {
        r.funds.total = Some(Number(Decimal::from_i128_with_scale(m, scale)));
        r.funds.other = Some(Number(-Decimal::from_i128_with_scale(m, scale)));
        assert_eq!(
            to_canonical(&r).unwrap(),
            to_canonical_value(&r).unwrap(),
            "{m}e-{scale}"
        );
    }
}

fn via(path: fn(&mut String, Number) -> Result<(), crate::direct::NoJson>, n: Number) -> String {
    let mut out = String::new();
    assert!(path(&mut out, n).is_ok(), "{n:?}");
    out
}

/// The fast paths of `number` (whole numbers, short fractions) print exactly what the
/// path through the double prints, on every small mantissa at every scale they take.
#[test]
fn number_fast_paths_match_the_double_path_on_small_mantissas() {
    use crate::direct::{number, number_via_double};
    for scale in 0..=8 {
        for m in -120_000i64..=120_000 {
            let n = Number(Decimal::new(m, scale));
            assert_eq!(via(number, n), via(number_via_double, n), "{m}e-{scale}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]

    /// … and on mantissas up to and beyond the fast paths' bounds.
    #[test]
    fn number_fast_paths_match_the_double_path(
        m in proptest::prop_oneof![
            -1_000_000_000_000i64..=1_000_000_000_000,
            -10_000_000_000_000i64..=10_000_000_000_000,
            proptest::prelude::any::<i64>(),
        ],
        scale in 0u32..=9,
    ) {
        use crate::direct::{number, number_via_double};
        let n = Number(Decimal::new(m, scale));
        proptest::prop_assert_eq!(via(number, n), via(number_via_double, n));
    }
}
