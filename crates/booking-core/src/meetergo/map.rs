//! The neutral form to meetergo's wire, and meetergo's replies to outcomes.

use super::wire::{
    Attendee, BookingAvailabilityQuery, BookingType, Channel, CreateBookingRequest, CreateBookingResponse,
    RescheduleAppointmentRequest, RescheduleAppointmentResponse,
};
use crate::form::{filled, normalize_phone, BookingState, FormField, Outcome, VisitorForm};
use crate::json::{Object, Value};
use crate::time::Timestamp;

/// The embed's meetergo settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `data-meeting-type-id`.
    pub meeting_type_id: String,
    /// `data-host-ids` (one-on-one), or empty with a queue.
    pub host_ids: Vec<String>,
    /// `data-queue-id` (round-robin).
    pub queue_id: Option<String>,
    /// `data-channel`.
    pub channel: Option<Channel>,
    /// `data-duration`, minutes.
    pub duration: Option<u32>,
}

/// The booking body for `form`, starting at `start`. The visitor's notes and the
/// page's UTM parameters go into `attendee.notes`, meetergo's place for form answers.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn create_booking_request(form: &VisitorForm, settings: &Settings, start: &Timestamp) -> CreateBookingRequest {
    let mut notes = Object::new();
    if let Some(text) = filled(&form.notes) {
        notes.insert("notes".to_owned(), Value::String(text));
    }
    if let Some(company) = filled(&form.company) {
        notes.insert("company".to_owned(), Value::String(company));
    }
    for (key, value) in &form.utm {
        notes.insert(key.clone(), Value::String(value.clone()));
    }
    let host_ids: Vec<String> = settings.host_ids.iter().filter_map(|id| filled(id)).collect();
    CreateBookingRequest {
        attendee: Some(Attendee {
            email: filled(&form.email),
            receive_reminders: Some(true),
            notes: Some(notes),
            firstname: filled(&form.first_name),
            lastname: filled(&form.last_name),
            fullname: form.full_name(),
            bringalong_emails: form.guest_list(),
            phone: normalize_phone(&form.phone),
            timezone: filled(&form.time_zone),
            // Spelled out rather than `..Default::default()`, here and below: the
            // widget's wasm then knows them `None` (see `wire_errors`).
            language: None,
            data_policy_accepted: None,
        }),
        meeting_type_id: filled(&settings.meeting_type_id),
        start: Some(start.to_rfc3339_offset()),
        host_ids: (!host_ids.is_empty()).then_some(host_ids),
        queue_id: settings.queue_id.as_deref().and_then(filled),
        channel: settings.channel.clone(),
        duration: settings.duration.map(Into::into),
        appointment_id: None,
        location: None,
        routing_form_id: None,
        ignore_availability: None,
        attendee_pending_id: None,
        payment_id: None,
        resource_channel_ids: None,
        one_time_link_id: None,
        skip_notifications: None,
        ics_title: None,
        ics_description: None,
    }
}

/// Moving an appointment to `start`.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn reschedule_appointment_request(start: &Timestamp) -> RescheduleAppointmentRequest {
    RescheduleAppointmentRequest {
        start: Some(start.to_rfc3339_offset()),
        ignore_availability: None,
    }
}

/// Bookable times from `first_day` to `last_day` (`YYYY-MM-DD`), written in `zone`.
pub fn booking_availability_query(
    settings: &Settings,
    first_day: &str,
    last_day: &str,
    zone: &str,
) -> BookingAvailabilityQuery {
    BookingAvailabilityQuery {
        meeting_type_id: filled(&settings.meeting_type_id),
        start: filled(first_day),
        end: filled(last_day),
        timezone: filled(zone),
        existing_appointment_id: None,
    }
}

/// What a booking reply means to the visitor: booked, or waiting for the visitor's
/// email confirmation (double opt-in), or for the host.
pub fn create_booking_outcome(response: &CreateBookingResponse) -> Outcome {
    Outcome {
        booking_id: response
            .appointment_id
            .clone()
            .or_else(|| response.provisional_booking_id.clone()),
        start: None,
        link: response.redirect_url.clone(),
        state: match response.booking_type {
            Some(BookingType::DoubleOptIn) => BookingState::AwaitingVisitorConfirmation,
            Some(BookingType::RequireHostConfirmation) => BookingState::AwaitingHostConfirmation,
            Some(BookingType::Unlisted(_)) | None => BookingState::Confirmed,
        },
    }
}

/// What a moved appointment means to the visitor.
pub fn reschedule_appointment_outcome(response: &RescheduleAppointmentResponse) -> Outcome {
    let appointment = response.appointment.clone().unwrap_or_default();
    Outcome {
        booking_id: appointment.id,
        start: appointment.start,
        link: None,
        state: BookingState::Confirmed,
    }
}

/// The input a wire field's error belongs next to.
pub fn form_field(wire_field: &str) -> Option<FormField> {
    if wire_field.starts_with("attendee.bringalongEmails") {
        return Some(FormField::Guests);
    }
    Some(match wire_field {
        "attendee.email" => FormField::Email,
        "attendee.phone" => FormField::Phone,
        "attendee.firstname" | "attendee.fullname" => FormField::FirstName,
        "attendee.lastname" => FormField::LastName,
        "attendee.notes" => FormField::Notes,
        "attendee.timezone" => FormField::TimeZone,
        "start" => FormField::Time,
        _ => return None,
    })
}
