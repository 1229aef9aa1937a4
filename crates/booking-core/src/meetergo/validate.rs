//! meetergo's published rules.

use super::wire::{BookingAvailabilityQuery, CreateBookingRequest, RescheduleAppointmentRequest};
use crate::rules::{Code, FieldError, Report};
use crate::time::parse_date;

/// Longest `icsTitle`.
pub const ICS_TITLE_MAX_CHARS: usize = 200;
/// Longest `icsDescription`.
pub const ICS_DESCRIPTION_MAX_CHARS: usize = 2000;

const SITE_OWNER: &str = "This form is not set up completely. Please tell the site owner.";

/// Every broken rule of a `POST /v4/booking` body.
pub fn validate_create_booking(request: &CreateBookingRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    match &request.attendee {
        None => report.push("attendee", Code::Required, "Enter your details."),
        Some(attendee) => {
            report.required("attendee.email", attendee.email.as_deref(), "Enter your email.");
            report.email("attendee.email", attendee.email.as_deref());
            report.required(
                "attendee.receiveReminders",
                attendee.receive_reminders.as_ref(),
                SITE_OWNER,
            );
            report.required("attendee.notes", attendee.notes.as_ref(), SITE_OWNER);
            for (index, guest) in attendee.bringalong_emails.iter().flatten().enumerate() {
                report.email(&format!("attendee.bringalongEmails.{index}"), Some(guest));
            }
        }
    }
    report.required_text("meetingTypeId", request.meeting_type_id.as_deref(), SITE_OWNER);
    report.required("start", request.start.as_deref(), "Choose a date and time.");
    report.timestamp("start", request.start.as_deref());

    // hostIds for one-on-one meetings, queueId for round-robin: the page says a queue
    // must be undefined when a specific host is chosen, so exactly one of them.
    let has_hosts = request.host_ids.as_ref().is_some_and(|hosts| !hosts.is_empty());
    report.non_empty("queueId", request.queue_id.as_deref(), SITE_OWNER);
    match (has_hosts, request.queue_id.is_some()) {
        (false, false) => report.push("hostIds", Code::Required, SITE_OWNER),
        (true, true) => report.push("queueId", Code::Conflict, SITE_OWNER),
        _ => {}
    }

    report.listed("channel", request.channel.as_ref());
    report.positive(
        "duration",
        request.duration.as_ref().and_then(serde_json::Number::as_f64),
        "The meeting length must be more than zero minutes.",
    );
    report.max_chars("icsTitle", request.ics_title.as_deref(), ICS_TITLE_MAX_CHARS);
    report.max_chars(
        "icsDescription",
        request.ics_description.as_deref(),
        ICS_DESCRIPTION_MAX_CHARS,
    );
    report.finish()
}

/// Every broken rule of a `POST /v4/appointment/{id}/reschedule` body.
pub fn validate_reschedule_appointment(id: &str, request: &RescheduleAppointmentRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.path_id(
        "id",
        id,
        "This link does not say which appointment to move. Open the link from your confirmation again.",
    );
    report.required("start", request.start.as_deref(), "Choose a date and time.");
    report.timestamp("start", request.start.as_deref());
    report.finish()
}

/// Every broken rule of a `GET /v4/booking-availability` query.
pub fn validate_booking_availability(query: &BookingAvailabilityQuery) -> Vec<FieldError> {
    let mut report = Report::default();
    report.required_text("meetingTypeId", query.meeting_type_id.as_deref(), SITE_OWNER);
    let mut day = |field: &str, value: Option<&str>, message: &str| {
        report.required(field, value, message);
        let parsed = value.and_then(parse_date);
        if value.is_some() && parsed.is_none() {
            report.push(field, Code::Format, "Enter a date like 2026-03-08.");
        }
        parsed
    };
    let start = day("start", query.start.as_deref(), "Choose the first day to show.");
    let end = day("end", query.end.as_deref(), "Choose the last day to show.");
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            report.push("end", Code::Order, "The last day must not come before the first day.");
        }
    }
    report.non_empty("timezone", query.timezone.as_deref(), "Choose a time zone.");
    report.non_empty(
        "existingAppointmentId",
        query.existing_appointment_id.as_deref(),
        "This link does not say which appointment to move. Open the link from your confirmation again.",
    );
    report.finish()
}
