//! iClosed: create a call and reschedule it.
//!
//! Pages: `iclosed-create-call.txt`, `iclosed-reschedule-call.txt`. Every route needs the
//! API key, so the widget always goes through the relay. iClosed publishes no
//! availability endpoint.

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
