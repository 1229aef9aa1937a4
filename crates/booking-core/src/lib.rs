//! Everything about the four scheduling providers that can be decided without a browser
//! or a network: their wire formats, the rules their APIs enforce, time zones, and the
//! mapping from one neutral visitor form to each provider's request and back.
//!
//! The widget (compiled to wasm) and the relay (native) both validate with this crate,
//! so a visitor sees exactly the refusals the provider would give. It has no web or
//! async dependencies and carries no time zone data: offsets come through
//! [`time::ZoneOffsets`].
//!
//! Each provider module has the same shape: `wire` types with the API's field names,
//! one `validate_*` function per operation returning every broken rule, and `map`
//! functions from [`form::VisitorForm`] to requests and from responses to
//! [`form::Outcome`].

pub mod availability;
pub mod embed;
pub mod form;
pub mod json;
pub mod rules;
pub mod time;

pub mod calcom;
pub mod gohighlevel;
pub mod iclosed;
pub mod meetergo;

pub use form::{BookingState, FormField, Outcome, Utm, VisitorForm};
pub use json::{parse_request, parse_response, Rejection, ResponseError};
pub use rules::{Code, FieldError};
pub use time::{LocalDateTime, TimeError, Timestamp, ZoneOffsets};
