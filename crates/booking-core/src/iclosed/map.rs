//! The neutral form to iClosed's wire, and iClosed's replies to outcomes.

use super::wire::{
    CreateCallRequest, CreateCallResponse, EventDatesRequest, RescheduleCallRequest, RescheduleCallResponse,
};
use crate::form::{filled, normalize_phone, BookingState, FormField, Outcome, VisitorForm};
use crate::time::Timestamp;

/// The embed's iClosed settings: `data-event-id` or `data-link-prefix`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `eventId`.
    pub event_id: Option<i64>,
    /// `linkPrefix`.
    pub link_prefix: Option<String>,
}

/// The create-call body for `form`, starting at `start`.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn create_call_request(form: &VisitorForm, settings: &Settings, start: &Timestamp) -> CreateCallRequest {
    CreateCallRequest {
        date_time: Some(start.to_utc_z()),
        time_zone: filled(&form.time_zone),
        contact_id: None,
        email: filled(&form.email),
        phone_number: normalize_phone(&form.phone),
        first_name: filled(&form.first_name),
        last_name: filled(&form.last_name),
        event_id: settings.event_id,
        link_prefix: settings.link_prefix.as_deref().and_then(filled),
    }
}

/// The reschedule body moving call `call_id` to `start`.
// Inlined: see `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn reschedule_call_request(form: &VisitorForm, call_id: i64, start: &Timestamp) -> RescheduleCallRequest {
    RescheduleCallRequest {
        id: Some(call_id),
        date_time: Some(start.to_utc_z()),
        time_zone: filled(&form.time_zone),
        reschedule_reason: filled(&form.reason),
        notes: filled(&form.notes),
        user_id: None,
    }
}

/// The free times of the embed's event from `first_day` (`YYYY-MM-DD`) on, written in
/// `zone`; `None` with `data-event-id` alone, since the route takes only a `linkPrefix`
/// (the widget then keeps its typed date and time).
pub fn event_dates_request(settings: &Settings, first_day: &str, zone: &str) -> Option<EventDatesRequest> {
    Some(EventDatesRequest {
        link_prefix: Some(settings.link_prefix.as_deref().and_then(filled)?),
        time_zone: filled(zone),
        current_date: filled(first_day),
        conditional_users: None,
        routing_group_ids: None,
    })
}

/// What a created call means to the visitor.
pub fn create_call_outcome(response: &CreateCallResponse) -> Outcome {
    let call = response.data.event_call.data.clone().unwrap_or_default();
    Outcome {
        booking_id: call.id.map(|id| id.to_string()),
        start: call.start_time,
        link: call.redirect_url.or(call.confirmation_link),
        state: BookingState::Confirmed,
    }
}

/// What a moved call means to the visitor.
pub fn reschedule_call_outcome(response: &RescheduleCallResponse) -> Outcome {
    let call = &response.data.event_call;
    Outcome {
        booking_id: call.id.map(|id| id.to_string()),
        start: call.date_time_utc.clone().or_else(|| call.date_time.clone()),
        link: None,
        state: BookingState::Confirmed,
    }
}

/// The input a wire field's error belongs next to.
pub fn form_field(wire_field: &str) -> Option<FormField> {
    Some(match wire_field {
        "email" | "contactId" => FormField::Email,
        "phoneNumber" => FormField::Phone,
        "firstName" => FormField::FirstName,
        "lastName" => FormField::LastName,
        "dateTime" => FormField::Time,
        "timeZone" => FormField::TimeZone,
        "rescheduleReason" => FormField::Reason,
        "notes" => FormField::Notes,
        _ => return None,
    })
}
