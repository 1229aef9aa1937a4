//! The neutral form to GoHighLevel's wire, and GoHighLevel's replies to outcomes.

use super::wire::{
    AppointmentResponse, AppointmentStatusReply, CreateAppointmentRequest, FreeSlotsQuery, UpdateAppointmentRequest,
    UpsertContactRequest,
};
use crate::form::{filled, normalize_phone, BookingState, FormField, Outcome, VisitorForm};
use crate::time::Timestamp;

/// The embed's GoHighLevel settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `data-calendar-id`.
    pub calendar_id: String,
    /// `data-location-id` (the sub-account).
    pub location_id: String,
}

/// Step one of a booking: the visitor as a contact.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn upsert_contact_request(form: &VisitorForm, settings: &Settings) -> UpsertContactRequest {
    UpsertContactRequest {
        location_id: filled(&settings.location_id),
        first_name: filled(&form.first_name),
        last_name: filled(&form.last_name),
        name: None,
        email: filled(&form.email),
        phone: normalize_phone(&form.phone),
        timezone: filled(&form.time_zone),
        company_name: filled(&form.company),
        source: None,
    }
}

/// Step two: the appointment for contact `contact_id` (from the upsert's reply). With
/// no `end`, HighLevel uses the calendar's slot length.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn create_appointment_request(
    form: &VisitorForm,
    settings: &Settings,
    contact_id: &str,
    start: &Timestamp,
    end: Option<&Timestamp>,
) -> CreateAppointmentRequest {
    CreateAppointmentRequest {
        calendar_id: filled(&settings.calendar_id),
        location_id: filled(&settings.location_id),
        contact_id: filled(contact_id),
        start_time: Some(start.to_rfc3339_offset()),
        end_time: end.map(Timestamp::to_rfc3339_offset),
        description: filled(&form.notes),
        // Spelled out rather than `..Default::default()`, here and below: the widget's
        // wasm then knows them `None` where the request is checked (see `wire_errors`).
        title: None,
        meeting_location_type: None,
        meeting_location_id: None,
        override_location_config: None,
        appointment_status: None,
        assigned_user_id: None,
        address: None,
        ignore_date_range: None,
        to_notify: None,
        ignore_free_slot_validation: None,
        rrule: None,
    }
}

/// Moving an appointment to `start` (and `end`).
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn update_appointment_request(start: &Timestamp, end: Option<&Timestamp>) -> UpdateAppointmentRequest {
    UpdateAppointmentRequest {
        start_time: Some(start.to_rfc3339_offset()),
        end_time: end.map(Timestamp::to_rfc3339_offset),
        calendar_id: None,
        description: None,
        title: None,
        meeting_location_type: None,
        meeting_location_id: None,
        override_location_config: None,
        appointment_status: None,
        assigned_user_id: None,
        address: None,
        ignore_date_range: None,
        to_notify: None,
        ignore_free_slot_validation: None,
        rrule: None,
    }
}

/// Free slots from `from` to `to`, written in `zone`.
pub fn free_slots_query(from: &Timestamp, to: &Timestamp, zone: &str) -> FreeSlotsQuery {
    FreeSlotsQuery {
        start_date: Some(from.unix_millis()),
        end_date: Some(to.unix_millis()),
        timezone: filled(zone),
        user_id: None,
    }
}

/// What a created or moved appointment means to the visitor. An appointment left
/// `new` waits for the calendar's owner to confirm it.
pub fn appointment_outcome(response: &AppointmentResponse) -> Outcome {
    Outcome {
        booking_id: Some(response.id.clone()),
        start: response.start_time.clone(),
        link: None,
        state: match response.appointment_status {
            Some(AppointmentStatusReply::New) => BookingState::AwaitingHostConfirmation,
            _ => BookingState::Confirmed,
        },
    }
}

/// The input a wire field's error belongs next to.
pub fn form_field(wire_field: &str) -> Option<FormField> {
    Some(match wire_field {
        "email" | "contactId" => FormField::Email,
        "phone" => FormField::Phone,
        "firstName" | "name" => FormField::FirstName,
        "lastName" => FormField::LastName,
        "companyName" => FormField::Company,
        "description" => FormField::Notes,
        "startTime" | "endTime" => FormField::Time,
        "timezone" => FormField::TimeZone,
        _ => return None,
    })
}
