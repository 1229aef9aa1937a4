//! Table tests for validators: start from a valid request, apply one edit per row
//! (through JSON, as a browser's body arrives), expect no error or exactly one.
//!
//! Included with `#[path = "common/table.rs"] mod table;` by the rule tests that use it;
//! each uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use booking_core::{parse_request, Code, FieldError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// No error, or exactly this one.
pub type Expect = Option<(&'static str, Code)>;

/// A dotted JSON path and the value to put there (`None` removes the key).
pub type Edit = (&'static str, Option<Value>);

pub struct Row {
    pub description: String,
    pub edits: Vec<Edit>,
    pub expect: Expect,
}

pub fn row(description: impl Into<String>, edits: impl IntoIterator<Item = Edit>, expect: Expect) -> Row {
    Row {
        description: description.into(),
        edits: edits.into_iter().collect(),
        expect,
    }
}

pub fn set(path: &'static str, value: impl Into<Value>) -> Edit {
    (path, Some(value.into()))
}

pub fn unset(path: &'static str) -> Edit {
    (path, None)
}

pub fn apply(node: &mut Value, path: &[&str], value: Option<Value>) {
    let object = node.as_object_mut().expect("edits go into JSON objects");
    match path {
        [key] => match value {
            Some(value) => {
                object.insert((*key).to_owned(), value);
            }
            None => {
                object.remove(*key);
            }
        },
        [key, rest @ ..] => apply(
            object.entry((*key).to_owned()).or_insert_with(|| json!({})),
            rest,
            value,
        ),
        [] => unreachable!("empty path"),
    }
}

/// `base` with `edits` applied, read back as a browser's body would be.
pub fn with<T: Serialize + DeserializeOwned>(base: &T, edits: &[Edit]) -> T {
    let mut value = serde_json::to_value(base).expect("wire types serialize");
    for (path, edit) in edits {
        apply(&mut value, &path.split('.').collect::<Vec<_>>(), edit.clone());
    }
    let body = serde_json::to_vec(&value).expect("JSON serializes");
    parse_request(&body).unwrap_or_else(|rejection| panic!("{value} was rejected before validation: {rejection:?}"))
}

pub fn pairs(errors: &[FieldError]) -> Vec<(String, Code)> {
    errors.iter().map(|e| (e.field.clone(), e.code)).collect()
}

pub fn sorted(mut list: Vec<(String, Code)>) -> Vec<(String, Code)> {
    list.sort_by_key(|(field, code)| (field.clone(), format!("{code:?}")));
    list
}

pub const JARGON: &[&str] = &[
    "regex",
    "serde",
    "deseriali",
    "unwrap",
    "panic",
    "null",
    "None",
    "Some(",
    "Option",
    "Unlisted",
    "struct",
    "enum",
    "{",
    "}",
];

/// Every message is something a visitor can read.
pub fn assert_readable(errors: &[FieldError], context: &str) {
    for error in errors {
        let message = error.message.trim();
        assert!(!message.is_empty(), "{context}: empty message for {error:?}");
        for word in JARGON {
            assert!(
                !message.contains(word),
                "{context}: message {message:?} contains {word:?}"
            );
        }
    }
}

/// Runs every row and reports all the rows that disagree at once.
pub fn run<T: Serialize + DeserializeOwned>(base: &T, rows: Vec<Row>, validate: impl Fn(&T) -> Vec<FieldError>) {
    assert!(!rows.is_empty());
    let mut failures = Vec::new();
    for row in rows {
        let request = with(base, &row.edits);
        let errors = validate(&request);
        assert_readable(&errors, &row.description);
        let got = pairs(&errors);
        let want: Vec<(String, Code)> = row.expect.iter().map(|(f, c)| ((*f).to_owned(), *c)).collect();
        if got != want {
            failures.push(format!("{}: expected {want:?}, got {got:?}", row.description));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `errors` are exactly `expected`, in any order (duplicates count).
pub fn assert_all(errors: &[FieldError], expected: &[(&str, Code)], context: &str) {
    assert_readable(errors, context);
    let want = sorted(expected.iter().map(|(f, c)| ((*f).to_owned(), *c)).collect());
    assert_eq!(errors.len(), expected.len(), "{context}: {:?}", pairs(errors));
    assert_eq!(sorted(pairs(errors)), want, "{context}");
}
