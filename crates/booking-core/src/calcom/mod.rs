//! Cal.com API v2: book an event type, move a booking, list slots, hold a slot while
//! the visitor fills in the form, and have the team's phone agent call the visitor.
//!
//! Pages: `calcom-v2-bookings-and-phone-call.txt` and `shared/api/README.md`. Bookings
//! of public event types need no key (the widget may call Cal.com directly); the phone
//! call needs the team's key, so it goes through the relay.

mod map;
mod validate;
mod wire;

pub use map::*;
pub use validate::*;
pub use wire::*;

/// `POST`: book.
pub const CREATE_BOOKING_PATH: &str = "/v2/bookings";
/// `GET`: free slots.
pub const SLOTS_PATH: &str = "/v2/slots";

/// `POST`: hold a slot for 5 minutes (no key needed); `cal-api-version`
/// [`SLOTS_API_VERSION`], as every slots route.
pub const SLOT_RESERVATIONS_PATH: &str = "/v2/slots/reservations";

/// `DELETE`: release hold `uid` (`cal-api-version` [`SLOTS_API_VERSION`]).
pub fn slot_reservation_path(uid: &str) -> String {
    format!("/v2/slots/reservations/{uid}")
}

/// `POST`: move booking `uid`.
pub fn reschedule_booking_path(uid: &str) -> String {
    format!("/v2/bookings/{uid}/reschedule")
}

/// `POST`: the team's phone agent calls.
pub fn create_phone_call_path(team_id: &str, event_type_id: &str) -> String {
    format!("/v2/teams/{team_id}/event-types/{event_type_id}/create-phone-call")
}

/// Name of the header that picks the API version; without it Cal.com silently answers
/// as version 2024-04-15.
pub const API_VERSION_HEADER: &str = "cal-api-version";
/// `cal-api-version` of the booking routes.
pub const BOOKINGS_API_VERSION: &str = "2024-08-13";
/// `cal-api-version` of the slots routes: the slots query and the reservations.
pub const SLOTS_API_VERSION: &str = "2024-09-04";
/// `cal-api-version` of the team event-type routes (the phone call).
pub const EVENT_TYPES_API_VERSION: &str = "2024-06-14";
