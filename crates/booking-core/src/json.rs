//! Bytes to wire types, with errors that say which field is wrong.
//!
//! Requests: JSON that is not JSON is [`Rejection::Malformed`] (the relay's `400`); JSON
//! with a value of the wrong type is [`Rejection::Invalid`] naming the field (`422`).
//! Wire structs make every field optional, so a missing field reaches the validator
//! and is reported together with every other broken rule.
//!
//! Responses: anything but the documented shape is a [`ResponseError`], never a panic.
//!
//! The widget reads and writes JSON without serde_json's parser and serializer (about
//! 7 KB of its wasm, brotli): [`Json`] and [`FromJson`] read, [`to_json`] writes.

mod read;
mod value;
mod write;

pub use read::Json;
pub use value::{Object, Value};
pub(crate) use write::push_decimal;
pub use write::to_json;

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

/// Reads a request body into its wire type. The body must be a JSON object: serde's
/// derive also reads a struct from an array, by position, which no provider accepts
/// and which would carry fields past any check that looks for them by name.
pub fn parse_request<T: DeserializeOwned>(body: &[u8]) -> Result<T, Rejection> {
    let malformed = || {
        Rejection::Malformed(FieldError::new(
            "body",
            Code::Malformed,
            "The request could not be read. Please try again.",
        ))
    };
    let first = body.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if first.is_some_and(|b| *b != b'{') {
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => Rejection::Invalid(FieldError::new(
                "body",
                Code::Type,
                "The request must be a JSON object, like {\"email\": \"…\"}.",
            )),
            Err(_) => malformed(),
        });
    }
    deserialize(body).map_err(|(field, error)| match error.classify() {
        Category::Data => Rejection::Invalid(FieldError::new(
            if field.is_empty() { "body".to_owned() } else { field },
            Code::Type,
            "This value has the wrong type.",
        )),
        Category::Syntax | Category::Eof | Category::Io => malformed(),
    })
}

/// A nested struct of a request (an `attendee`), read from a JSON object only, for the
/// reason [`parse_request`] gives; `null` is `None`. For `#[serde(default,
/// deserialize_with = "…")]` on an `Option` field.
pub(crate) fn object_only<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::de::{value::MapAccessDeserializer, MapAccess, Visitor};

    struct ObjectOnly<T>(std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
        type Value = Option<T>;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a JSON object")
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }
    }

    deserializer.deserialize_any(ObjectOnly(std::marker::PhantomData))
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

/// A reply type read by hand from a parsed [`Json`]: what the widget uses instead of
/// the types' `Deserialize` (the derives of the thirteen reply shapes cost the wasm
/// about 20 KB brotli; one small parser and these walks cost a fraction).
///
/// Each impl accepts exactly what the type's `Deserialize` accepts from a JSON object
/// (`tests/reply_walk.rs` compares the two on every example reply and thousands of
/// mutations of it): a missing or `null` `Option` is `None`, a missing required field
/// or a value of the wrong type is `None` for the whole reply.
pub trait FromJson: Sized {
    /// `value` as `Self`, or `None` when it does not have the shape.
    fn from_json(value: &Json) -> Option<Self>;
}

/// Reads `body` as JSON, then as `T` (trailing bytes refused, as by `serde_json`): a
/// provider's reply, or the widget's own draft.
pub fn read_json<T: FromJson>(body: &[u8]) -> Option<T> {
    T::from_json(&Json::parse(body)?)
}

impl FromJson for String {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl FromJson for i64 {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_i64()
    }
}

impl FromJson for bool {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_bool()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_array()?.iter().map(T::from_json).collect()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: &Json) -> Option<Self> {
        T::from_json(value).map(Box::new)
    }
}

impl<V: FromJson> FromJson for std::collections::BTreeMap<String, V> {
    fn from_json(value: &Json) -> Option<Self> {
        // A loop, not `collect`: collecting into a map sorts first (a few KB of wasm).
        // From the end, so that only the last of a repeated key is read, as serde_json
        // keeps it.
        let mut map = Self::new();
        for (key, value) in value.as_object()?.iter().rev() {
            if !map.contains_key(key) {
                map.insert(key.clone(), V::from_json(value)?);
            }
        }
        Some(map)
    }
}

/// The members of a JSON object, read the way `serde` reads a struct's fields.
pub struct Fields<'a>(&'a [(String, Json)]);

impl<'a> Fields<'a> {
    /// `value`'s members, if it is an object.
    pub fn of(value: &'a Json) -> Option<Self> {
        value.as_object().map(Self)
    }

    /// The last member named `key` (serde_json keeps the last of a repeated key).
    fn member(&self, key: &str) -> Option<&'a Json> {
        self.0
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// A required field: present and of type `T`.
    pub fn get<T: FromJson>(&self, key: &str) -> Option<T> {
        T::from_json(self.member(key)?)
    }

    /// An `Option` field: `Some(None)` when missing or `null`, `None` when of another type.
    pub fn opt<T: FromJson>(&self, key: &str) -> Option<Option<T>> {
        match self.member(key) {
            None | Some(Json::Null) => Some(None),
            Some(value) => T::from_json(value).map(Some),
        }
    }

    /// A `#[serde(default)]` field: `T::default()` when missing.
    pub fn or_default<T: FromJson + Default>(&self, key: &str) -> Option<T> {
        match self.member(key) {
            None => Some(T::default()),
            Some(value) => T::from_json(value),
        }
    }
}
