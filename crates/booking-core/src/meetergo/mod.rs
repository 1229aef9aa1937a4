//! meetergo: book a meeting type, move an appointment, list bookable times.
//!
//! Page: `meetergo-create-booking.txt`; reschedule and availability from
//! `shared/api/README.md`. meetergo's guides require an API key, so the widget goes
//! through the relay.

mod map;
mod validate;
mod wire;

pub use map::*;
pub use validate::*;
pub use wire::*;

/// `POST`: book.
pub const CREATE_BOOKING_PATH: &str = "/v4/booking";
/// `GET`: bookable times of a meeting type.
pub const BOOKING_AVAILABILITY_PATH: &str = "/v4/booking-availability";

/// `POST`: move appointment `id` (duration unchanged).
pub fn reschedule_appointment_path(id: &str) -> String {
    format!("/v4/appointment/{id}/reschedule")
}
