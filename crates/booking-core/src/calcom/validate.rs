//! Cal.com's published rules.

use super::wire::{
    CreateBookingRequest, CreatePhoneCallRequest, RescheduleBookingRequest, ReserveSlotRequest, SlotsQuery,
};
use crate::json::Value;
use crate::rules::{Code, FieldError, Report};
use crate::time::{days_from_civil, parse_date, parse_timestamp, ZoneOffsets};

/// Most `metadata` keys.
pub const METADATA_MAX_KEYS: usize = 50;
/// Longest `metadata` key, in UTF-16 code units (JavaScript's `length`).
pub const METADATA_KEY_MAX_LENGTH: usize = 40;
/// Longest `metadata` string value, in UTF-16 code units.
pub const METADATA_VALUE_MAX_LENGTH: usize = 500;

const SITE_OWNER: &str = "This form is not set up completely. Please tell the site owner.";
const UTC_MESSAGE: &str = "Choose a date and time.";

/// Every broken rule of a `POST /v2/bookings` body. `zones` decides which
/// `attendee.timeZone` names exist (Cal.com asks its own `Intl` the same question).
pub fn validate_create_booking(request: &CreateBookingRequest, zones: &impl ZoneOffsets) -> Vec<FieldError> {
    let mut report = Report::default();
    utc_start(&mut report, request.start.as_deref());
    event_type(
        &mut report,
        EventTypeRef {
            id: request.event_type_id,
            slug: request.event_type_slug.as_deref(),
            username: request.username.as_deref(),
            team_slug: request.team_slug.as_deref(),
            organization_slug: request.organization_slug.as_deref(),
        },
    );

    match &request.attendee {
        None => report.push("attendee", Code::Required, "Enter your details."),
        Some(attendee) => {
            report.required("attendee.name", attendee.name.as_deref(), "Enter your name.");
            if report.required(
                "attendee.timeZone",
                attendee.time_zone.as_deref(),
                "Choose a time zone.",
            ) {
                time_zone(&mut report, "attendee.timeZone", attendee.time_zone.as_deref(), zones);
            }
            // Cal.com tests `!!email || !!phoneNumber`: an empty string counts as absent.
            let email = attendee.email.as_deref().filter(|e| !e.is_empty());
            let phone = attendee.phone_number.as_deref().filter(|p| !p.is_empty());
            if email.is_none() && phone.is_none() {
                report.push("attendee.email", Code::Required, "Enter your email or phone number.");
            }
            report.email("attendee.email", email);
            report.e164("attendee.phoneNumber", phone);
            report.listed("attendee.language", attendee.language.as_ref());
        }
    }

    for (index, guest) in request.guests.iter().flatten().enumerate() {
        report.email(&format!("guests.{index}"), Some(guest));
    }
    if let Some(metadata) = &request.metadata {
        if metadata.len() > METADATA_MAX_KEYS {
            report.push(
                "metadata",
                Code::TooMany,
                format!("Send at most {METADATA_MAX_KEYS} metadata entries."),
            );
        }
        for (key, value) in metadata.iter() {
            let field = format!("metadata.{key}");
            if js_length(key) > METADATA_KEY_MAX_LENGTH {
                report.push(
                    &field,
                    Code::TooLong,
                    format!("Metadata names may have at most {METADATA_KEY_MAX_LENGTH} characters."),
                );
            }
            match value {
                Value::String(text) if js_length(text) > METADATA_VALUE_MAX_LENGTH => report.push(
                    &field,
                    Code::TooLong,
                    format!("Use at most {METADATA_VALUE_MAX_LENGTH} characters."),
                ),
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
                Value::Null | Value::Array(_) | Value::Object(_) => report.push(
                    &field,
                    Code::Type,
                    "Metadata values must be text, numbers or true/false.",
                ),
            }
        }
    }
    if request.length_in_minutes.is_some_and(|minutes| minutes < 1) {
        report.push(
            "lengthInMinutes",
            Code::NotPositive,
            "The meeting length must be at least one minute.",
        );
    }
    report.finish()
}

/// Every broken rule of a `POST /v2/bookings/{uid}/reschedule` body.
pub fn validate_reschedule_booking(uid: &str, request: &RescheduleBookingRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.path_id(
        "uid",
        uid,
        "This link does not say which booking to move. Open the link from your confirmation again.",
    );
    utc_start(&mut report, request.start.as_deref());
    report.email(
        "rescheduledBy",
        request.rescheduled_by.as_deref().filter(|e| !e.is_empty()),
    );
    report.finish()
}

/// Every broken rule of a `GET /v2/slots` query.
pub fn validate_slots(query: &SlotsQuery, zones: &impl ZoneOffsets) -> Vec<FieldError> {
    let mut report = Report::default();
    let start = slot_bound(&mut report, "start", query.start.as_deref(), false);
    let end = slot_bound(&mut report, "end", query.end.as_deref(), true);
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            report.push("end", Code::Order, "The last day must not come before the first day.");
        }
    }
    event_type(
        &mut report,
        EventTypeRef {
            id: query.event_type_id,
            slug: query.event_type_slug.as_deref(),
            username: query.username.as_deref(),
            team_slug: query.team_slug.as_deref(),
            organization_slug: query.organization_slug.as_deref(),
        },
    );
    time_zone(&mut report, "timeZone", query.time_zone.as_deref(), zones);
    if query.duration.is_some_and(|minutes| minutes < 1) {
        report.push(
            "duration",
            Code::NotPositive,
            "The meeting length must be at least one minute.",
        );
    }
    report.listed("format", query.format.as_ref());
    report.finish()
}

/// Every broken rule of a `POST /v2/slots/reservations` body. The event type is named
/// by id only (the spec's one way here); a hold of the past or outside the host's
/// hours is Cal.com's to refuse, as for a booking.
pub fn validate_reserve_slot(request: &ReserveSlotRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    // Cal.com tests `!!eventTypeId`: 0 counts as absent.
    match request.event_type_id {
        None | Some(0) => report.push("eventTypeId", Code::Required, SITE_OWNER),
        Some(id) if id < 0 => report.push("eventTypeId", Code::NotPositive, SITE_OWNER),
        Some(_) => {}
    }
    report.required("slotStart", request.slot_start.as_deref(), UTC_MESSAGE);
    if let Some(text) = request.slot_start.as_deref() {
        if parse_timestamp(text).is_none_or(|t| t.offset_seconds != 0) {
            report.push("slotStart", Code::Format, UTC_MESSAGE);
        }
    }
    if request.slot_duration.is_some_and(|minutes| minutes < 1) {
        report.push(
            "slotDuration",
            Code::NotPositive,
            "The meeting length must be at least one minute.",
        );
    }
    if request.reservation_duration.is_some_and(|minutes| minutes < 1) {
        report.push(
            "reservationDuration",
            Code::NotPositive,
            "A hold must last at least one minute.",
        );
    }
    report.finish()
}

/// Every broken rule of a `DELETE /v2/slots/reservations/{uid}`: the uid must stay one
/// segment of Cal.com's path.
pub fn validate_release_slot(uid: &str) -> Vec<FieldError> {
    let mut report = Report::default();
    report.path_id("uid", uid, "This hold is not known. Choose the time again.");
    report.finish()
}

/// Every broken rule of a `POST /v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call`
/// body.
pub fn validate_create_phone_call(
    team_id: &str,
    event_type_id: &str,
    request: &CreatePhoneCallRequest,
) -> Vec<FieldError> {
    let mut report = Report::default();
    for (field, id) in [("teamId", team_id), ("eventTypeId", event_type_id)] {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.parse::<i64>().is_err() {
            report.push(field, Code::Format, SITE_OWNER);
        }
    }
    report.required("yourPhoneNumber", request.your_phone_number.as_deref(), SITE_OWNER);
    if request
        .your_phone_number
        .as_deref()
        .is_some_and(|number| !matches_phone_call_number(number))
    {
        report.push("yourPhoneNumber", Code::Format, SITE_OWNER);
    }
    report.required(
        "numberToCall",
        request.number_to_call.as_deref(),
        "Enter the number we should call.",
    );
    if request
        .number_to_call
        .as_deref()
        .is_some_and(|number| !matches_phone_call_number(number))
    {
        report.push(
            "numberToCall",
            Code::Format,
            "Enter the number with + and the country code, like +12125550100.",
        );
    }
    report.required("calApiKey", request.cal_api_key.as_deref(), SITE_OWNER);
    report.listed("templateType", request.template_type.as_ref());
    report.email("guestEmail", request.guest_email.as_deref().filter(|e| !e.is_empty()));
    report.finish()
}

/// The phone call's published number pattern `^\+[1-9]\d{1,14}$`: `+`, a digit 1–9,
/// then 1 to 14 more digits.
pub fn matches_phone_call_number(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// JavaScript's `String.prototype.length`, which Cal.com's limits count.
fn js_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A start that is an ISO 8601 date-time in UTC (`Z` or `+00:00`).
fn utc_start(report: &mut Report, start: Option<&str>) {
    report.required("start", start, UTC_MESSAGE);
    if let Some(text) = start {
        if parse_timestamp(text).is_none_or(|t| t.offset_seconds != 0) {
            report.push("start", Code::Format, UTC_MESSAGE);
        }
    }
}

/// A slots bound: a day (`YYYY-MM-DD`, the whole day) or a UTC date-time; returns it
/// as Unix seconds and nanoseconds for the order check (a day as its first second, or
/// its last for an end, as Cal.com reads them).
fn slot_bound(report: &mut Report, field: &str, value: Option<&str>, is_end: bool) -> Option<(i64, u32)> {
    report.required(field, value, "Choose the days to show.");
    let text = value?;
    let instant = match parse_date(text) {
        Some((y, m, d)) => Some((days_from_civil(y, m, d) * 86_400 + if is_end { 86_399 } else { 0 }, 0)),
        None => parse_timestamp(text)
            .filter(|t| t.offset_seconds == 0)
            .map(|t| (t.unix_seconds, t.nanos)),
    };
    if instant.is_none() {
        report.push(field, Code::Format, "Enter a day like 2026-03-08 or a UTC time.");
    }
    instant
}

fn time_zone(report: &mut Report, field: &str, zone: Option<&str>, zones: &impl ZoneOffsets) {
    if zone.is_some_and(|zone| !zones.is_known(zone)) {
        report.push(field, Code::UnknownTimeZone, "Choose a time zone from the list.");
    }
}

/// The ways Cal.com accepts to name an event type.
struct EventTypeRef<'a> {
    id: Option<i64>,
    slug: Option<&'a str>,
    username: Option<&'a str>,
    team_slug: Option<&'a str>,
    organization_slug: Option<&'a str>,
}

/// Exactly one way: `eventTypeId`, or `eventTypeSlug` with `username`, or
/// `eventTypeSlug` with `teamSlug` (`organizationSlug` only with a slug). Cal.com tests
/// each with `!!value`, so `0` and `""` count as absent.
fn event_type(report: &mut Report, event: EventTypeRef<'_>) {
    let given = |text: Option<&str>| text.is_some_and(|t| !t.is_empty());
    let id = event.id.is_some_and(|id| id != 0);
    let slug = given(event.slug);
    let username = given(event.username);
    let team = given(event.team_slug);
    let organization = given(event.organization_slug);
    const ONE_WAY: &str = "This form names its event type in more than one way. Please tell the site owner.";
    if id && (slug || username || team || organization) {
        report.push("eventTypeId", Code::Conflict, ONE_WAY);
    } else if slug && username && team {
        report.push("teamSlug", Code::Conflict, ONE_WAY);
    } else if slug && !username && !team {
        report.push("username", Code::Required, SITE_OWNER);
    } else if !id && !slug {
        report.push("eventTypeId", Code::Required, SITE_OWNER);
    }
}
