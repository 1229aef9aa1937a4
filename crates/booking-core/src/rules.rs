//! Validation results as data, and the rules that more than one provider uses.
//!
//! A broken rule names its wire field (dotted for nesting: `attendee.email`), a stable
//! [`Code`] a program can branch on, and a message written for the visitor. Every
//! validator returns all broken rules at once, never only the first.

use serde::{Deserialize, Serialize};

use crate::time::{parse_timestamp, Timestamp};

/// What kind of rule a value broke. Serialized in `snake_case` (`"too_long"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required field is missing.
    Required,
    /// A string that must have at least one character is empty.
    Empty,
    /// Longer than the published maximum.
    TooLong,
    /// Does not have the published shape (pattern, date-time, phone, email, RRULE).
    Format,
    /// Not one of the published values of an enum.
    NotAllowed,
    /// Fields that depend on each other are set in a combination the API refuses.
    Conflict,
    /// A number that must be positive is zero or negative.
    NotPositive,
    /// An end before its start (or equal to it, where an empty range means nothing).
    Order,
    /// More entries than allowed.
    TooMany,
    /// A time zone name that is not in the time zone database.
    UnknownTimeZone,
    /// A wall-clock time that the chosen zone skips (daylight-saving gap).
    NonexistentTime,
    /// A JSON value of the wrong type (a string where a number belongs).
    Type,
    /// A field that a visitor may not set.
    Forbidden,
    /// The body is not JSON at all.
    Malformed,
    /// The time asked for is not free: taken meanwhile, outside the host's hours, or
    /// past. The request is right; another time will do.
    SlotUnavailable,
}

/// One broken rule. This is the element of the relay's `422` body (`{"errors":[…]}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The wire name of the field, dotted for nesting (`attendee.email`, `guests.1`).
    pub field: String,
    /// What kind of rule it broke.
    pub code: Code,
    /// What the visitor should do, in plain English.
    pub message: String,
}

impl FieldError {
    /// A broken rule on `field`.
    pub fn new(field: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Collects broken rules while a validator walks a request.
#[derive(Debug, Default)]
pub(crate) struct Report {
    errors: Vec<FieldError>,
}

impl Report {
    pub(crate) fn push(&mut self, field: impl Into<String>, code: Code, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub(crate) fn finish(self) -> Vec<FieldError> {
        self.errors
    }

    /// `value` must be present; an empty string counts as present (the APIs publish
    /// `minLength: 1` separately, see [`Report::non_empty`]).
    pub(crate) fn required<T: ?Sized>(&mut self, field: &str, value: Option<&T>, message: &str) -> bool {
        if value.is_none() {
            self.push(field, Code::Required, message);
        }
        value.is_some()
    }

    /// `value`, when present, must have at least one character (`minLength: 1`).
    pub(crate) fn non_empty(&mut self, field: &str, value: Option<&str>, message: &str) -> bool {
        match value {
            Some("") => {
                self.push(field, Code::Empty, message);
                false
            }
            _ => true,
        }
    }

    /// `value` must be present and have at least one character.
    pub(crate) fn required_text(&mut self, field: &str, value: Option<&str>, message: &str) -> bool {
        self.required(field, value, message) && self.non_empty(field, value, message)
    }

    /// `value` must be present and usable as one segment of the provider's path (see
    /// [`is_path_segment`]): an id that is `..` would otherwise climb out of the path.
    pub(crate) fn path_id(&mut self, field: &str, value: &str, message: &str) {
        if self.required_text(field, Some(value), message) && !is_path_segment(value) {
            self.push(field, Code::Format, message);
        }
    }

    /// `value`, when present, may have at most `max` characters (Unicode scalar values,
    /// as JSON Schema's `maxLength` and class-validator's `MaxLength` count them).
    pub(crate) fn max_chars(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(text) = value {
            if text.chars().count() > max {
                self.push(field, Code::TooLong, format!("Use at most {max} characters."));
            }
        }
    }

    /// `value`, when present, must be an email address (see [`is_email_address`]).
    pub(crate) fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(text) = value {
            if !is_email_address(text) {
                self.push(field, Code::Format, EMAIL_MESSAGE);
            }
        }
    }

    /// `value`, when present, must be an international phone number (see [`is_e164`]).
    pub(crate) fn e164(&mut self, field: &str, value: Option<&str>) {
        if let Some(text) = value {
            if !is_e164(text) {
                self.push(field, Code::Format, E164_MESSAGE);
            }
        }
    }

    /// `value` must be present and an ISO 8601 date-time with an offset (`Z` or
    /// `±hh:mm`); returns it parsed.
    pub(crate) fn timestamp(&mut self, field: &str, value: Option<&str>) -> Option<Timestamp> {
        let text = value?;
        let parsed = parse_timestamp(text);
        if parsed.is_none() {
            self.push(field, Code::Format, TIMESTAMP_MESSAGE);
        }
        parsed
    }

    /// A number that must be greater than zero.
    pub(crate) fn positive(&mut self, field: &str, value: Option<f64>, message: &str) {
        if let Some(number) = value {
            // NaN cannot arrive through JSON; `partial_cmp` would refuse it anyway.
            if number.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                self.push(field, Code::NotPositive, message);
            }
        }
    }

    /// An enum value that arrived as an unlisted string.
    pub(crate) fn listed<E: Listed>(&mut self, field: &str, value: Option<&E>) {
        if let Some(unlisted) = value.and_then(Listed::unlisted) {
            self.push(
                field,
                Code::NotAllowed,
                format!(
                    "\"{unlisted}\" is not an option here. Use one of: {}.",
                    E::PUBLISHED.join(", ")
                ),
            );
        }
    }
}

/// Letters, digits and `-._~`, and not `.` or `..`: safe as one segment of a path. A URL
/// parser resolves `.` and `..` (also written `%2e`) as dot segments, so an id like that
/// would send the request to another path of the provider's API.
pub fn is_path_segment(id: &str) -> bool {
    !matches!(id, "." | "..")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Message for a value that is not an email address.
pub const EMAIL_MESSAGE: &str = "Enter an email like name@example.com.";
/// Message for a value that is not an international phone number.
pub const E164_MESSAGE: &str = "Enter the phone number with + and the country code, like +1 212 555 0100.";
/// Message for a date-time without a usable offset.
pub const TIMESTAMP_MESSAGE: &str = "Enter a date and time with its UTC offset, like 2026-03-08T09:30:00-05:00.";

/// An enum of published values that also keeps an unlisted string, so that a request
/// with a wrong value still reaches validation (and the visitor hears about every
/// broken rule, not only a deserialization failure).
pub trait Listed {
    /// The published values, as on the wire.
    const PUBLISHED: &'static [&'static str];
    /// The string that was sent when it is not one of [`Listed::PUBLISHED`].
    fn unlisted(&self) -> Option<&str>;
}

/// Declares a wire enum with exactly the published values plus an `Unlisted(String)`
/// catch-all that validation refuses.
macro_rules! listed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
            /// A value the API does not publish; validation refuses it.
            #[serde(untagged)]
            Unlisted(String),
        }

        impl $name {
            /// The variant written `text` on the wire ([`Self::Unlisted`] when unpublished).
            pub fn from_wire(text: &str) -> Self {
                match text {
                    $($wire => Self::$variant,)+
                    other => Self::Unlisted(other.to_owned()),
                }
            }
        }

        impl $crate::json::FromJson for $name {
            fn from_json(value: &$crate::json::Json) -> Option<Self> {
                value.as_str().map(Self::from_wire)
            }
        }

        impl $crate::rules::Listed for $name {
            const PUBLISHED: &'static [&'static str] = &[$($wire),+];
            fn unlisted(&self) -> Option<&str> {
                match self {
                    Self::Unlisted(value) => Some(value),
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use listed_enum;

/// An email address as browsers define `<input type=email>` (the WHATWG "valid email
/// address"), with a dot in the domain as the NestJS-based APIs (`IsEmail`) require.
///
/// Used where a provider publishes no pattern of its own (meetergo, Cal.com,
/// GoHighLevel); iClosed's published pattern is [`crate::iclosed::matches_email_pattern`].
pub fn is_email_address(text: &str) -> bool {
    const LOCAL_PUNCTUATION: &[u8] = b".!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || LOCAL_PUNCTUATION.contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
    };
    local_ok && labels.len() >= 2 && labels.iter().all(label_ok)
}

/// An E.164 international number: `+`, a country code that does not start with 0, and
/// 7 to 15 digits in all, with no spaces or punctuation (what goes on the wire; the
/// mapping strips the visitor's spaces first, see [`crate::form::normalize_phone`]).
pub fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// A phone number as a visitor may write it: an optional leading `+`, 7 to 15 digits,
/// and spaces, dots, hyphens or parentheses between them.
///
/// For providers that require a "valid" phone number without publishing a format
/// (iClosed), this refuses what cannot be a phone number and nothing more.
pub fn is_phone_number(text: &str) -> bool {
    let rest = text.strip_prefix('+').unwrap_or(text);
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits)
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'.' | b'-' | b'(' | b')'))
        && rest.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'(')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_address_table() {
        for ok in [
            "name@example.com",
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'brien@example.ie",
            "x!#$%&'*+/=?^_`{|}~-@example.com",
            "..@example.com", // WHATWG allows dots anywhere in the local part
            "user@123.example",
            "user@xn--bcher-kva.example",
        ] {
            assert!(is_email_address(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "name",
            "name@",
            "@example.com",
            "name@example",           // no dot in the domain
            "name@-example.com",      // label starts with a hyphen
            "name@example-.com",      // label ends with a hyphen
            "name@exa mple.com",      // space
            "na me@example.com",      // space
            "name@@example.com",      // two @
            "name@example..com",      // empty label
            "name@example.com.",      // trailing dot
            "nämé@example.com",       // not ASCII
            "name@exämple.com",       // not ASCII (punycode is the wire form)
            "name@example.com\n",     // trailing newline
            "\"quoted\"@example.com", // quotes are not in the WHATWG set
        ] {
            assert!(!is_email_address(bad), "{bad:?} should be refused");
        }
        let long_label = format!("a@{}.com", "b".repeat(63));
        assert!(is_email_address(&long_label));
        let too_long_label = format!("a@{}.com", "b".repeat(64));
        assert!(!is_email_address(&too_long_label));
    }

    #[test]
    fn e164_table() {
        for ok in ["+12125550100", "+4930123456", "+6834002", "+123456789012345"] {
            assert!(is_e164(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "12125550100",       // no +
            "+0125550100",       // country code starting with 0
            "+1 212 555 0100",   // spaces are stripped before the wire
            "+123456",           // 6 digits
            "+1234567890123456", // 16 digits
            "+1212555010a",
            "++12125550100",
        ] {
            assert!(!is_e164(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn phone_number_table() {
        for ok in [
            "+1 212 555 0100",
            "(212) 555-0100",
            "030 1234567",
            "+49.30.1234567",
            "1234567",
        ] {
            assert!(is_phone_number(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "123456",             // 6 digits
            "1234567890123456",   // 16 digits
            "+1 212 555 0100 x2", // letters
            "call me",
            "+-1234567",
            " 1234567",
        ] {
            assert!(!is_phone_number(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn code_serializes_snake_case() {
        let error = FieldError::new("attendee.email", Code::TooLong, "m");
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"field":"attendee.email","code":"too_long","message":"m"}"#
        );
    }
}
