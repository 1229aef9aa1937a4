//! The widget's JSON reader ([`Json::parse`]) against `serde_json::from_slice::<Value>`,
//! which the relay uses and the widget used before: both accept the same texts, and
//! read the same value from them (as far as [`FromJson`] can tell: numbers only as the
//! `i64` serde_json would give, and an object's repeated key by its last value).
//!
//! Texts: edge cases of RFC 8259 and of serde_json's own limits, generated JSON with
//! random whitespace and bytes changed, numbers and strings built piece by piece, and
//! the providers' example replies with bytes changed.
//!
//! [`FromJson`]: booking_core::json::FromJson

use booking_core::json::Json;
use proptest::prelude::*;
use serde_json::Value;

/// `value` as [`Json::parse`] should read it: members sorted by key, as serde_json's map
/// keeps them, numbers by their `i64`.
fn expected(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Number(number) => Json::Number(number.as_i64()),
        Value::String(text) => Json::String(text.clone()),
        Value::Array(items) => Json::Array(items.iter().map(expected).collect()),
        Value::Object(members) => Json::Object(
            members
                .iter()
                .map(|(key, member)| (key.clone(), expected(member)))
                .collect(),
        ),
    }
}

/// `json` with each object's members as serde_json keeps them: the last of a repeated
/// key, sorted by key.
fn normalized(json: Json) -> Json {
    match json {
        Json::Array(items) => Json::Array(items.into_iter().map(normalized).collect()),
        Json::Object(members) => {
            let mut kept: std::collections::BTreeMap<String, Json> = std::collections::BTreeMap::new();
            for (key, member) in members {
                kept.insert(key, normalized(member));
            }
            Json::Object(kept.into_iter().collect())
        }
        other => other,
    }
}

/// Both readers accept `text` and read the same value, or both refuse it. Returns
/// whether it was accepted.
fn agree(text: &[u8]) -> bool {
    let ours = Json::parse(text).map(normalized);
    let theirs = serde_json::from_slice::<Value>(text).ok().map(|value| expected(&value));
    assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(text));
    ours.is_some()
}

fn accepted(texts: &[&str]) {
    for text in texts {
        assert!(agree(text.as_bytes()), "should be read: {text:?}");
    }
}

fn refused(texts: &[&str]) {
    for text in texts {
        assert!(!agree(text.as_bytes()), "should be refused: {text:?}");
    }
}

#[test]
fn literals_and_whitespace() {
    accepted(&[
        "null",
        "true",
        "false",
        " \t\r\n null \t\r\n",
        "[]",
        "{}",
        "[ ]",
        "{ }",
        "\"\"",
        "[null,true,false]",
        "{\"a\":{\"b\":[{}]}}",
        " [ 1 , \"x\" , { \"k\" : [ ] } ] ",
    ]);
    refused(&[
        "",
        " ",
        "nul",
        "nulll",
        "True",
        "NULL",
        "tru",
        "f",
        "\u{feff}null",
        "null\u{a0}",
        "\x0cnull",
        "null x",
        "[] []",
        "{}}",
        "[]]",
        "'x'",
        "undefined",
        "NaN",
        "Infinity",
        "-Infinity",
    ]);
}

#[test]
fn commas_colons_and_keys() {
    accepted(&["[1,2]", "{\"a\":1,\"b\":2}", "{\"\":0}"]);
    refused(&[
        "[1,]",
        "[,1]",
        "[,]",
        "[1,,2]",
        "[1 2]",
        "{\"a\":1,}",
        "{,\"a\":1}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{\"a\"}",
        "{a:1}",
        "{1:1}",
        "{null:1}",
        "{'a':1}",
        "{\"a\":1 \"b\":2}",
        "{\"a\"::1}",
        "[1:2]",
        "{\"a\",1}",
        "[",
        "{",
        "[1",
        "{\"a\":1",
        "{\"a\"",
        "]",
        "}",
    ]);
}

#[test]
fn comments_are_not_json() {
    refused(&[
        "// c\nnull",
        "/* c */ null",
        "null // c",
        "[1 /* c */]",
        "# c\nnull",
        "null /",
    ]);
}

#[test]
fn a_repeated_key_keeps_its_last_value() {
    assert!(agree(b"{\"a\":1,\"b\":2,\"a\":\"x\"}"));
    assert!(agree(b"{\"a\":{\"x\":1},\"a\":[],\"a\":{\"y\":2,\"y\":null}}"));
}

#[test]
fn strings_and_escapes() {
    accepted(&[
        r#""plain""#,
        r#""\"\\\/\b\f\n\r\t""#,
        r#""\u0000\u001f\u0020\u007f\u0080\u00e9\u20ac\uFFFF\uffff""#,
        r#""\ud83d\ude00""#,
        r#""\uD83D\uDE00 and \uDBFF\uDFFF and \uD800\uDC00""#,
        "\"é😀\u{2028}\u{7f}\"",
        r#""a\u0022b""#,
        r#""\u005c""#,
    ]);
    refused(&[
        "\"unterminated",
        "\"\\\"",
        r#""\x41""#,
        r#""\a""#,
        r#""\U0041""#,
        r#""\u041""#,
        r#""\u00G0""#,
        r#""\u""#,
        r#""\'""#,
        "\"\\\n\"",
        // Lone or misordered surrogates.
        r#""\ud800""#,
        r#""\ud800x""#,
        r#""\ud800\n""#,
        r#""\ud800\u0041""#,
        r#""\ud800\ud800""#,
        r#""\udc00""#,
        r#""\udfff\ud800""#,
        r#""\ude00\ud83d""#,
        r#""\ud83d\""#,
        r#""\ud83d\u""#,
        r#""\ud83d\ude0""#,
    ]);
}

#[test]
fn control_characters_are_refused_in_strings_only_as_escapes_are_kept() {
    for byte in 0u8..0x20 {
        let raw = [b'"', byte, b'"'];
        assert!(!agree(&raw), "raw control character {byte:#04x}");
        assert!(agree(format!("\"\\u{byte:04x}\"").as_bytes()));
    }
    assert!(agree(b"\"\x7f\""));
}

#[test]
fn invalid_utf8_is_refused_anywhere() {
    for text in [
        &b"\"\xff\""[..],
        b"\"\xc3\"",
        b"\"\xc3\xa9\xa9\"",
        b"\"\xed\xa0\x80\"",
        b"\"\xf4\x90\x80\x80\"",
        b"\"\xc0\xaf\"",
        b"[\"a\",\xff]",
        b"\xff",
        b"null\xff",
        b"{\"\xfe\":1}",
        b"\"\\u00e9\xa9\"",
    ] {
        assert!(!agree(text), "{text:?}");
    }
    assert!(agree("\"\u{10ffff}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\"".as_bytes()));
}

#[test]
fn numbers_as_serde_json_reads_them() {
    accepted(&[
        "0",
        "-0",
        "1",
        "-1",
        "0.0",
        "-0.0",
        "0e0",
        "0E+0",
        "0e-0",
        "1.5",
        "-1.5e3",
        "0e400",
        "0.0e999999999999",
        "1e-400",
        "1e-99999999999999999",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551615",
        "-18446744073709551616",
        "123456789012345678901234567890",
        "1.7976931348623157e308",
        "1e308",
        "100",
        "[1e2,-0,0.5]",
    ]);
    refused(&[
        "01",
        "-01",
        "00",
        "00.5",
        "+1",
        "- 1",
        "-",
        ".5",
        "1.",
        "1.e5",
        "1e",
        "1e+",
        "1e-",
        "1E+-1",
        "0x10",
        "1_000",
        "1,5",
        "1.5.5",
        "1e5.5",
        "1ee5",
        "--1",
        "1e400",
        "-1e400",
        "1e309",
        "18446744073709551615e290",
        "1e2147483648",
        "1E400000000000",
        "1e99999999999999999",
        &format!("1{}", "0".repeat(330)),
    ]);
    // At the edge of `f64`, where serde_json's own arithmetic decides: only agreement
    // is claimed.
    for text in [
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "17976931348623157e292",
        "17976931348623158e292",
        "1797693134862315700000e287",
        "1797693134862315900000e287",
        "18446744073709551615e289",
        "9007199254740993e292",
        "0.00000000000000000000000000000000000000001e330",
        "18446744073709551619.9e289",
        "1844674407370955161.9e289",
        "1844674407370955161.5e289",
        &format!("1{}", "0".repeat(305)),
        &format!("1{}", "0".repeat(308)),
        &format!("1{}.5", "0".repeat(308)),
    ] {
        agree(text.as_bytes());
    }
}

#[test]
fn whole_numbers_keep_their_i64() {
    let read = |text: &str| Json::parse(text.as_bytes()).unwrap().as_i64();
    assert_eq!(read("0"), Some(0));
    assert_eq!(read("-0"), None);
    assert_eq!(read("42"), Some(42));
    assert_eq!(read("-42"), Some(-42));
    assert_eq!(read("9223372036854775807"), Some(i64::MAX));
    assert_eq!(read("9223372036854775808"), None);
    assert_eq!(read("-9223372036854775808"), Some(i64::MIN));
    assert_eq!(read("-9223372036854775809"), None);
    assert_eq!(read("1.0"), None);
    assert_eq!(read("1e0"), None);
}

/// serde_json refuses the 128th nested array or object.
#[test]
fn nesting_stops_where_serde_jsons_does() {
    for depth in [1, 2, 126, 127, 128, 129, 400] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}null{}", "{\"k\":".repeat(depth), "}".repeat(depth));
        for text in [arrays, objects] {
            assert_eq!(agree(text.as_bytes()), depth <= 127, "depth {depth}");
        }
    }
    for pairs in [63, 64] {
        let mixed = format!("{}1{}", "[{\"k\":".repeat(pairs), "}]".repeat(pairs));
        assert_eq!(agree(mixed.as_bytes()), 2 * pairs <= 127, "{pairs} pairs");
    }
    // Depth counts nesting, not containers: many siblings are fine.
    assert!(agree(format!("[{}[]]", "[],".repeat(1000)).as_bytes()));
}

// ---------------------------------------------------------------------------------------
// Generated texts
// ---------------------------------------------------------------------------------------

/// Bytes that matter to a JSON reader, for edits.
const EDIT_BYTES: &[u8] = b"{}[]:,\"\\/ \t\n\r0123456789-+.eEtrufalsn\x00\x01\x1f\x7f\x80\xbf\xc3\xa9\xed\xf0\xff";

fn text_piece() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 ]{0,6}",
        2 => "\\PC{0,4}",
        1 => prop::sample::select(vec![
            "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9", "\\u0000", "\\u001F",
            "\\uD83D\\uDE00", "\\ud800", "\\udc00", "\\uD800\\u0041", "\\uDBFF\\uDFFF", "\\uDC00\\uD800", "\\x",
            "\\u12", "\\", "\u{7f}", "\u{2028}", "\t", "\n", "\u{1}", "😀",
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

/// A string literal built from plain text, escapes good and bad, and raw control
/// characters.
fn string_text() -> impl Strategy<Value = String> {
    prop::collection::vec(text_piece(), 0..6).prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

/// Numbers near every limit serde_json has: `u64` and `i64`, the `f64` range, the `i32`
/// exponent, leading zeros, and the grammar's corners.
fn number_text() -> impl Strategy<Value = String> {
    let digits = |range: std::ops::Range<usize>| {
        prop::collection::vec(prop::sample::select(b"0123456789".to_vec()), range)
            .prop_map(|digits| String::from_utf8(digits).unwrap())
    };
    let integer = prop_oneof![
        digits(1..4),
        digits(17..23),
        prop::sample::select(vec![
            "0",
            "00",
            "01",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "1844674407370955161",
            "17976931348623157",
            "",
        ])
        .prop_map(str::to_owned),
    ];
    let fraction = prop::option::of(prop_oneof![digits(0..3), digits(15..25)]);
    let exponent = prop::option::of((
        prop::sample::select(vec!["e", "E"]),
        prop::sample::select(vec!["", "+", "-"]),
        prop_oneof![
            digits(0..3),
            (270u32..330).prop_map(|e| e.to_string()),
            prop::sample::select(vec!["2147483647", "2147483648", "99999999999", "0000000000400"])
                .prop_map(str::to_owned),
        ],
    ));
    (prop::bool::ANY, integer, fraction, exponent).prop_map(|(negative, integer, fraction, exponent)| {
        let mut text = String::new();
        if negative {
            text.push('-');
        }
        text.push_str(&integer);
        if let Some(fraction) = fraction {
            text.push('.');
            text.push_str(&fraction);
        }
        if let Some((e, sign, digits)) = exponent {
            text.push_str(e);
            text.push_str(sign);
            text.push_str(&digits);
        }
        text
    })
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c]{0,2}", inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// JSON text of `value` with random whitespace between tokens (and sometimes a
/// repeated key or a piece of generated text in place of a value).
fn json_text() -> impl Strategy<Value = String> {
    (
        value(),
        prop::collection::vec(
            prop::sample::select(vec!["", "", "", " ", "\n", "\t", "\r", " \n "]),
            64,
        ),
        prop::collection::vec(prop_oneof![string_text(), number_text()], 4),
    )
        .prop_map(|(value, spaces, pieces)| {
            let compact = serde_json::to_string(&value).unwrap();
            let mut out = String::new();
            let mut spaces = spaces.into_iter().cycle();
            let mut in_string = false;
            let mut escaped = false;
            for c in compact.chars() {
                if !in_string && matches!(c, '{' | '}' | '[' | ']' | ',' | ':') {
                    out.push_str(spaces.next().unwrap());
                    out.push(c);
                    out.push_str(spaces.next().unwrap());
                    continue;
                }
                out.push(c);
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_string = false;
                    }
                } else if c == '"' {
                    in_string = true;
                }
            }
            // Where a value may stand, sometimes put a generated string or number.
            for piece in pieces {
                if let Some(at) = out.find("null") {
                    out.replace_range(at..at + 4, &piece);
                } else if let Some(at) = out.find('[') {
                    out.insert_str(at + 1, &format!("{piece},"));
                }
            }
            out
        })
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, u8),
    Replace(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop::sample::select(EDIT_BYTES.to_vec());
    prop::collection::vec(
        prop_oneof![
            3 => (any::<usize>(), byte.clone()).prop_map(|(at, b)| Edit::Insert(at, b)),
            3 => (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
            3 => any::<usize>().prop_map(Edit::Remove),
            1 => any::<usize>().prop_map(Edit::Truncate),
        ],
        1..4,
    )
}

fn edited(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
            Edit::Replace(at, byte) if !bytes.is_empty() => bytes[at % len] = byte,
            Edit::Remove(at) if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            Edit::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

fn examples() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/examples");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    names.sort();
    names.into_iter().map(|path| std::fs::read(path).unwrap()).collect()
}

#[test]
fn every_example_reply_is_read_alike() {
    let examples = examples();
    assert!(examples.len() >= 11);
    for example in examples {
        assert!(agree(&example));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    #[test]
    fn generated_json_is_read_alike(text in json_text()) {
        agree(text.as_bytes());
    }

    #[test]
    fn generated_json_with_bytes_changed_is_refused_alike(text in json_text(), edits in edits()) {
        agree(&edited(text.into_bytes(), &edits));
    }

    #[test]
    fn numbers_are_read_alike(text in number_text()) {
        agree(text.as_bytes());
        agree(format!("[{text}]").as_bytes());
        agree(format!("{{\"n\":{text} }}").as_bytes());
    }

    #[test]
    fn strings_are_read_alike(text in string_text()) {
        agree(text.as_bytes());
        agree(format!("{{{text}:{text}}}").as_bytes());
    }

    #[test]
    fn example_replies_with_bytes_changed_are_read_alike(index in 0usize..11, edits in edits()) {
        let examples = examples();
        agree(&edited(examples[index % examples.len()].clone(), &edits));
    }

    #[test]
    fn any_bytes_are_refused_alike(bytes in prop::collection::vec(prop::sample::select(EDIT_BYTES.to_vec()), 0..24)) {
        agree(&bytes);
    }
}

/// The generators must produce both kinds, or the properties above would test little.
#[test]
fn generated_texts_are_both_read_and_refused() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut read, mut total) = (0, 0);
    for strategy in [json_text().boxed(), number_text().boxed(), string_text().boxed()] {
        for _ in 0..300 {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            read += usize::from(agree(text.as_bytes()));
            total += 1;
        }
    }
    assert!(read > total / 5 && read < total * 19 / 20, "{read} of {total} read");
}
