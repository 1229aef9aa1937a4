//! The neutral form to Cal.com's wire, and Cal.com's replies to outcomes.

use super::wire::{
    Attendee, Booking, BookingData, BookingResponse, BookingStatus, CreateBookingRequest, CreatePhoneCallRequest,
    CreatePhoneCallResponse, RescheduleBookingRequest, ReserveSlotRequest, SlotsQuery,
};
use crate::form::{filled, normalize_phone, BookingState, FormField, Outcome, VisitorForm};
use crate::json::{Object, Value};
use crate::time::Timestamp;

/// The embed's Cal.com settings: an event type by id, or by slug with a user or team;
/// for the call flow, the team and its event type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `data-event-type-id`.
    pub event_type_id: Option<i64>,
    /// `data-event-type-slug`.
    pub event_type_slug: Option<String>,
    /// `data-username`.
    pub username: Option<String>,
    /// `data-team-slug`.
    pub team_slug: Option<String>,
    /// `data-organization-slug`.
    pub organization_slug: Option<String>,
    /// `data-team-id` (call flow).
    pub team_id: Option<i64>,
}

/// The booking body for `form`, starting at `start`. Notes go to the event type's
/// standard `notes` question; UTM parameters to `metadata`.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn create_booking_request(form: &VisitorForm, settings: &Settings, start: &Timestamp) -> CreateBookingRequest {
    // Inserted one by one rather than collected: `collect` into a map sorts first, and
    // each sort is a few KB of wasm (the keys come sorted and unique anyway).
    let mut metadata = Object::new();
    for (key, value) in &form.utm {
        metadata.insert(key.clone(), Value::String(value.clone()));
    }
    let mut responses = Object::new();
    if let Some(notes) = filled(&form.notes) {
        responses.insert("notes".to_owned(), Value::String(notes));
    }
    CreateBookingRequest {
        start: Some(start.to_utc_z()),
        event_type_id: settings.event_type_id,
        event_type_slug: settings.event_type_slug.as_deref().and_then(filled),
        username: settings.username.as_deref().and_then(filled),
        team_slug: settings.team_slug.as_deref().and_then(filled),
        organization_slug: settings.organization_slug.as_deref().and_then(filled),
        attendee: Some(Attendee {
            name: form.full_name(),
            email: filled(&form.email),
            time_zone: filled(&form.time_zone),
            phone_number: normalize_phone(&form.phone),
            language: None,
        }),
        guests: form.guest_list(),
        metadata: (!metadata.is_empty()).then_some(metadata),
        booking_fields_responses: (!responses.is_empty()).then_some(responses),
        length_in_minutes: None,
    }
}

/// Moving booking to `start`, on behalf of the visitor's email.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn reschedule_booking_request(form: &VisitorForm, start: &Timestamp) -> RescheduleBookingRequest {
    RescheduleBookingRequest {
        start: Some(start.to_utc_z()),
        rescheduled_by: filled(&form.email),
        rescheduling_reason: filled(&form.reason),
    }
}

/// Slots from `first_day` to `last_day` (`YYYY-MM-DD`), written in `zone`.
pub fn slots_query(settings: &Settings, first_day: &str, last_day: &str, zone: &str) -> SlotsQuery {
    SlotsQuery {
        start: filled(first_day),
        end: filled(last_day),
        event_type_id: settings.event_type_id,
        event_type_slug: settings.event_type_slug.as_deref().and_then(filled),
        username: settings.username.as_deref().and_then(filled),
        team_slug: settings.team_slug.as_deref().and_then(filled),
        organization_slug: settings.organization_slug.as_deref().and_then(filled),
        time_zone: filled(zone),
        ..SlotsQuery::default()
    }
}

/// A hold of the slot at `start` while the visitor fills in the form; `None` when the
/// embed names its event type by slug (the route takes an id only).
pub fn reserve_slot_request(settings: &Settings, start: &Timestamp) -> Option<ReserveSlotRequest> {
    Some(ReserveSlotRequest {
        event_type_id: Some(settings.event_type_id?),
        slot_start: Some(start.to_utc_z()),
        ..ReserveSlotRequest::default()
    })
}

/// The visitor's half of a phone call request; the relay adds the business number,
/// the key and the agent's prompts from its operator's policy.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn create_phone_call_request(form: &VisitorForm) -> CreatePhoneCallRequest {
    CreatePhoneCallRequest {
        number_to_call: normalize_phone(&form.phone),
        guest_name: form.full_name(),
        guest_email: filled(&form.email),
        guest_company: filled(&form.company),
        ..CreatePhoneCallRequest::default()
    }
}

/// What a created or moved booking means to the visitor (a recurring booking by its
/// first occurrence). `pending` waits for the host to confirm.
pub fn booking_outcome(response: &BookingResponse) -> Outcome {
    let first: Option<&Booking> = match &response.data {
        BookingData::One(booking) => Some(booking.as_ref()),
        BookingData::Many(bookings) => bookings.first(),
    };
    Outcome {
        booking_id: first.map(|booking| booking.uid.clone()),
        start: first.and_then(|booking| booking.start.clone()),
        link: None,
        state: match first.and_then(|booking| booking.status.as_ref()) {
            Some(BookingStatus::Pending) => BookingState::AwaitingHostConfirmation,
            _ => BookingState::Confirmed,
        },
    }
}

/// What a phone call request means to the visitor.
pub fn create_phone_call_outcome(response: &CreatePhoneCallResponse) -> Outcome {
    Outcome {
        booking_id: Some(response.data.call_id.clone()),
        start: None,
        link: None,
        state: BookingState::CallRequested,
    }
}

/// The input a wire field's error belongs next to.
pub fn form_field(wire_field: &str) -> Option<FormField> {
    if wire_field.starts_with("guests") {
        return Some(FormField::Guests);
    }
    Some(match wire_field {
        "attendee.name" | "guestName" => FormField::FirstName,
        "attendee.email" | "guestEmail" | "rescheduledBy" => FormField::Email,
        "attendee.phoneNumber" | "numberToCall" => FormField::Phone,
        "attendee.timeZone" => FormField::TimeZone,
        "guestCompany" => FormField::Company,
        "reschedulingReason" => FormField::Reason,
        "bookingFieldsResponses.notes" => FormField::Notes,
        // A hold refused because the slot was taken meanwhile belongs by the time.
        "start" | "slotStart" => FormField::Time,
        _ => return None,
    })
}
