//! iClosed: create a call, reschedule it, and list an event's free times.
//!
//! Pages: `iclosed-create-call.txt`, `iclosed-reschedule-call.txt`; the free times
//! (`eventDates`) from `shared/api/README.md`, which has them from iClosed's OpenAPI on
//! its docs site, not from a page here. Every route needs the API key, so the widget
//! always goes through the relay.

mod map;
mod validate;
mod wire;

pub use map::*;
pub use validate::*;
pub use wire::*;

/// `POST`: create a call.
pub const CREATE_CALL_PATH: &str = "/v1/eventCalls";
/// `PUT`: move a call.
pub const RESCHEDULE_CALL_PATH: &str = "/v1/eventCalls/reschedule";
/// `POST`: an event's free times (by `linkPrefix` only).
pub const EVENT_DATES_PATH: &str = "/v1/events/eventDates";
