//! Table tests that mutate a typed request: start from a valid one, change one thing
//! per row, expect no error or exactly one `(field, code)`; every message must read
//! as plain English.
//!
//! Included with `#[path = "common/cases.rs"] mod cases;` by the rule tests that use it;
//! each uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fmt::Debug;

use booking_core::{Code, FieldError};

/// `None`: the row must pass. `Some((field, code))`: exactly that one error.
pub type Expected = Option<(String, Code)>;

pub fn pass() -> Expected {
    None
}

pub fn fail(field: impl Into<String>, code: Code) -> Expected {
    Some((field.into(), code))
}

/// One row: a name for the failure report, a change to the valid request, the outcome.
pub struct Case<R> {
    pub name: String,
    pub mutate: Box<dyn Fn(&mut R)>,
    pub expected: Expected,
}

pub fn case<R: 'static>(name: impl Into<String>, mutate: impl Fn(&mut R) + 'static, expected: Expected) -> Case<R> {
    Case {
        name: name.into(),
        mutate: Box::new(mutate),
        expected,
    }
}

/// Words a visitor should never read in an error message.
pub const JARGON: &[&str] = &[
    "regex",
    "serde",
    "pattern",
    "deserializ",
    "struct",
    "enum",
    "utf-16",
    "maxlength",
    "minlength",
    "option<",
    "some(",
    "unwrap",
    "{",
    "}",
];

/// Problems with the messages of `errors`, if any.
pub fn message_problems(errors: &[FieldError]) -> Vec<String> {
    let mut problems = Vec::new();
    for error in errors {
        if error.message.trim().is_empty() {
            problems.push(format!("{} has an empty message", error.field));
        }
        let lower = error.message.to_lowercase();
        for word in JARGON {
            if lower.contains(word) {
                problems.push(format!("{} message {:?} contains {word:?}", error.field, error.message));
            }
        }
    }
    problems
}

pub fn pairs(errors: &[FieldError]) -> Vec<(String, Code)> {
    errors.iter().map(|e| (e.field.clone(), e.code)).collect()
}

/// What is wrong with `errors` given `expected`, or `None`.
pub fn judge(errors: &[FieldError], expected: &Expected) -> Option<String> {
    let got = pairs(errors);
    let want: Vec<(String, Code)> = expected.iter().cloned().collect();
    let mut problems = message_problems(errors);
    if got != want {
        problems.insert(0, format!("expected {want:?}, got {got:?}"));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Checks that `base` passes, then every row; reports every wrong row at once.
pub fn check<R: Clone + Debug>(table: &str, base: &R, cases: Vec<Case<R>>, validate: impl Fn(&R) -> Vec<FieldError>) {
    let base_errors = validate(base);
    assert!(
        base_errors.is_empty(),
        "{table}: the valid request must pass, got {:?}",
        pairs(&base_errors)
    );
    assert!(!cases.is_empty(), "{table}: empty table");
    let mut wrong = Vec::new();
    for case in &cases {
        let mut request = base.clone();
        (case.mutate)(&mut request);
        if let Some(problem) = judge(&validate(&request), &case.expected) {
            wrong.push(format!("  {}: {problem}\n    request: {request:?}", case.name));
        }
    }
    assert!(
        wrong.is_empty(),
        "{table}: {} row(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
