//! Bytes to wire types, with errors that say which field is wrong.
//!
//! Requests: JSON that is not JSON is [`Rejection::Malformed`] (the relay's `400`); JSON
//! with a value of the wrong type is [`Rejection::Invalid`] naming the field (`422`).
//! Wire structs make every field optional, so a missing field reaches the validator
//! and is reported together with every other broken rule.
//!
//! Responses: anything but the documented shape is a [`ResponseError`], never a panic.

use serde::de::DeserializeOwned;
use serde_json::error::Category;
use thiserror::Error;

use crate::rules::{Code, FieldError};

/// Why a request body cannot be validated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Rejection {
    /// Not JSON, or cut short.
    #[error("the body is not valid JSON")]
    Malformed(FieldError),
    /// JSON, but a field has the wrong type.
    #[error("a field has the wrong type")]
    Invalid(FieldError),
}

impl Rejection {
    /// The broken rule, for the error body.
    pub fn error(&self) -> &FieldError {
        match self {
            Self::Malformed(error) | Self::Invalid(error) => error,
        }
    }
}

/// A provider answered something other than its documented JSON.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the provider's reply does not have the documented shape at `{path}`: {detail}")]
pub struct ResponseError {
    /// Dotted path to where the reply went wrong (empty for the whole body).
    pub path: String,
    /// What was wrong, from the JSON parser.
    pub detail: String,
}

/// Reads a request body into its wire type.
pub fn parse_request<T: DeserializeOwned>(body: &[u8]) -> Result<T, Rejection> {
    deserialize(body).map_err(|(field, error)| match error.classify() {
        Category::Data => Rejection::Invalid(FieldError::new(
            if field.is_empty() { "body".to_owned() } else { field },
            Code::Type,
            "This value has the wrong type.",
        )),
        Category::Syntax | Category::Eof | Category::Io => Rejection::Malformed(FieldError::new(
            "body",
            Code::Malformed,
            "The request could not be read. Please try again.",
        )),
    })
}

/// Reads a provider's reply into its wire type.
pub fn parse_response<T: DeserializeOwned>(body: &[u8]) -> Result<T, ResponseError> {
    deserialize(body).map_err(|(path, error)| ResponseError {
        path,
        detail: error.to_string(),
    })
}

/// The whole body as one `T` (trailing bytes refused), or the dotted path of the
/// first value that did not fit.
fn deserialize<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (dotted(error.path()), error.into_inner()))?;
    deserializer.end().map_err(|error| (String::new(), error))?;
    Ok(value)
}

/// `attendee.email`, `guests.1`: the contract's field naming.
fn dotted(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}
