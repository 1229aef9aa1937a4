//! GoHighLevel (LeadConnector API): upsert the visitor as a contact, then create an
//! appointment for that contact; move it; list free slots.
//!
//! Page: `gohighlevel-create-appointment.txt`; the other routes from HighLevel's
//! published OpenAPI (`shared/api/README.md`). Every route needs a token, so the widget
//! always goes through the relay.

mod map;
mod validate;
mod wire;

pub use map::*;
pub use validate::*;
pub use wire::*;

/// `POST`: create or update a contact by email or phone (header `Version: 2021-07-28`).
pub const UPSERT_CONTACT_PATH: &str = "/contacts/upsert";
/// `POST`: create an appointment (header `Version: 2021-04-15`).
pub const CREATE_APPOINTMENT_PATH: &str = "/calendars/events/appointments";

/// `PUT`: move appointment `event_id`.
pub fn update_appointment_path(event_id: &str) -> String {
    format!("/calendars/events/appointments/{event_id}")
}

/// `GET`: free slots of `calendar_id`.
pub fn free_slots_path(calendar_id: &str) -> String {
    format!("/calendars/{calendar_id}/free-slots")
}

/// `Version` header of the calendar routes.
pub const CALENDARS_API_VERSION: &str = "2021-04-15";
/// `Version` header of the contact routes.
pub const CONTACTS_API_VERSION: &str = "2021-07-28";
