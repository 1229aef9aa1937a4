//! GoHighLevel's published rules.

use super::wire::{
    AppointmentStatus, CreateAppointmentRequest, FreeSlotsQuery, MeetingLocationType, UpdateAppointmentRequest,
    UpsertContactRequest,
};
use crate::rules::{is_phone_number, Code, FieldError, Report};

/// Longest range of one free-slots query, in days.
pub const FREE_SLOTS_MAX_DAYS: i64 = 31;

const SITE_OWNER: &str = "This form is not set up completely. Please tell the site owner.";

/// Every broken rule of a `POST /contacts/upsert` body.
///
/// HighLevel requires only `locationId`. A booking also needs the contact to be
/// reachable and findable again, which is what `email` or `phone` are for: this is the
/// one rule here that is ours rather than HighLevel's.
pub fn validate_upsert_contact(request: &UpsertContactRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.required_text("locationId", request.location_id.as_deref(), SITE_OWNER);
    if request.email.is_none() && request.phone.is_none() {
        report.push("email", Code::Required, "Enter your email or phone number.");
    }
    report.email("email", request.email.as_deref());
    if request.phone.as_deref().is_some_and(|phone| !is_phone_number(phone)) {
        report.push("phone", Code::Format, "Enter a phone number, like +1 212 555 0100.");
    }
    report.finish()
}

/// Every broken rule of a `POST /calendars/events/appointments` body.
// Inlined, as are `validate_update_appointment` and `appointment`: see
// `embed::submit`'s `Submission::wire_errors`.
#[inline(always)]
pub fn validate_create_appointment(request: &CreateAppointmentRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.required_text("calendarId", request.calendar_id.as_deref(), SITE_OWNER);
    report.required_text("locationId", request.location_id.as_deref(), SITE_OWNER);
    report.required_text(
        "contactId",
        request.contact_id.as_deref(),
        "We could not save your contact details. Please try again.",
    );
    appointment(
        &mut report,
        Appointment {
            start_time: request.start_time.as_deref(),
            end_time: request.end_time.as_deref(),
            meeting_location_type: request.meeting_location_type.as_ref(),
            appointment_status: request.appointment_status.as_ref(),
            rrule: request.rrule.as_deref(),
            ignore_free_slot_validation: request.ignore_free_slot_validation,
        },
    );
    report.finish()
}

/// Every broken rule of a `PUT /calendars/events/appointments/{eventId}` body.
///
/// HighLevel's edit schema requires nothing; this route is how a booking is moved, so
/// `startTime` is required here.
// Inlined: see `validate_create_appointment`.
#[inline(always)]
pub fn validate_update_appointment(event_id: &str, request: &UpdateAppointmentRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.path_id(
        "eventId",
        event_id,
        "This link does not say which appointment to move. Open the link from your confirmation again.",
    );
    report.non_empty("calendarId", request.calendar_id.as_deref(), SITE_OWNER);
    appointment(
        &mut report,
        Appointment {
            start_time: request.start_time.as_deref(),
            end_time: request.end_time.as_deref(),
            meeting_location_type: request.meeting_location_type.as_ref(),
            appointment_status: request.appointment_status.as_ref(),
            rrule: request.rrule.as_deref(),
            ignore_free_slot_validation: request.ignore_free_slot_validation,
        },
    );
    report.finish()
}

/// Every broken rule of a `GET /calendars/{calendarId}/free-slots` query.
pub fn validate_free_slots(calendar_id: &str, query: &FreeSlotsQuery) -> Vec<FieldError> {
    let mut report = Report::default();
    report.path_id("calendarId", calendar_id, SITE_OWNER);
    let start = query.start_date;
    let end = query.end_date;
    report.required("startDate", start.as_ref(), "Choose the first day to show.");
    report.required("endDate", end.as_ref(), "Choose the last day to show.");
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            report.push("endDate", Code::Order, "The last day must come after the first day.");
        } else if i128::from(end) - i128::from(start) > i128::from(FREE_SLOTS_MAX_DAYS) * 86_400_000 {
            // i128: any two epoch-millisecond values a client sends, without overflow.
            report.push(
                "endDate",
                Code::TooLong,
                format!("Show at most {FREE_SLOTS_MAX_DAYS} days at a time."),
            );
        }
    }
    report.non_empty("timezone", query.timezone.as_deref(), "Choose a time zone.");
    report.finish()
}

/// The fields create and update share.
struct Appointment<'a> {
    start_time: Option<&'a str>,
    end_time: Option<&'a str>,
    meeting_location_type: Option<&'a MeetingLocationType>,
    appointment_status: Option<&'a AppointmentStatus>,
    rrule: Option<&'a str>,
    ignore_free_slot_validation: Option<bool>,
}

// Inlined: see `validate_create_appointment`.
#[inline(always)]
fn appointment(report: &mut Report, fields: Appointment<'_>) {
    report.required("startTime", fields.start_time, "Choose a date and time.");
    let start = report.timestamp("startTime", fields.start_time);
    let end = report.timestamp("endTime", fields.end_time);
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            report.push("endTime", Code::Order, "The end must come after the start.");
        }
    }
    report.listed("meetingLocationType", fields.meeting_location_type);
    report.listed("appointmentStatus", fields.appointment_status);
    if let Some(rrule) = fields.rrule {
        if !is_rrule(rrule) {
            report.push(
                "rrule",
                Code::Format,
                "The repeat rule is not a valid RFC 5545 RRULE (like RRULE:FREQ=WEEKLY;COUNT=4).",
            );
        }
        if fields.ignore_free_slot_validation != Some(true) {
            report.push(
                "rrule",
                Code::Conflict,
                "A repeat rule applies only with ignoreFreeSlotValidation set to true.",
            );
        }
    }
}

/// An RFC 5545 recurrence rule (§3.3.10), with or without the `RRULE:` property name:
/// `FREQ` exactly once, each rule part at most once, not both `UNTIL` and `COUNT`, every
/// value in its range, and the parts §3.3.10 forbids for a frequency left out
/// (`BYMONTHDAY` with `WEEKLY`; `BYYEARDAY` with `DAILY`, `WEEKLY`, `MONTHLY`; `BYWEEKNO`
/// outside `YEARLY`; a numbered `BYDAY` outside `MONTHLY`/`YEARLY` or with `BYWEEKNO`;
/// `BYSETPOS` without another `BY…` part). Names and values are case-insensitive, as
/// RFC 5545's ABNF strings are.
pub fn is_rrule(text: &str) -> bool {
    if !text.is_ascii() {
        return false;
    }
    let upper = text.to_ascii_uppercase();
    let rule = upper.strip_prefix("RRULE:").unwrap_or(&upper);
    let mut parts: Vec<(&str, &str)> = Vec::new();
    for part in rule.split(';') {
        let Some((name, value)) = part.split_once('=') else {
            return false;
        };
        if parts.iter().any(|(seen, _)| *seen == name) || !rule_part_ok(name, value) {
            return false;
        }
        parts.push((name, value));
    }
    let value = |name: &str| parts.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let has = |name: &str| value(name).is_some();
    let Some(freq) = value("FREQ") else {
        return false;
    };
    let numbered_byday = value("BYDAY").is_some_and(|days| days.split(',').any(|day| day.len() > 2));
    let other_by_part = parts
        .iter()
        .any(|(name, _)| name.starts_with("BY") && *name != "BYSETPOS");
    let forbidden = [
        has("UNTIL") && has("COUNT"),
        freq == "WEEKLY" && has("BYMONTHDAY"),
        matches!(freq, "DAILY" | "WEEKLY" | "MONTHLY") && has("BYYEARDAY"),
        freq != "YEARLY" && has("BYWEEKNO"),
        numbered_byday && (!matches!(freq, "MONTHLY" | "YEARLY") || has("BYWEEKNO")),
        has("BYSETPOS") && !other_by_part,
    ];
    !forbidden.contains(&true)
}

const WEEKDAYS: [&str; 7] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

fn rule_part_ok(name: &str, value: &str) -> bool {
    match name {
        "FREQ" => matches!(
            value,
            "SECONDLY" | "MINUTELY" | "HOURLY" | "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY"
        ),
        "UNTIL" => is_until(value),
        "COUNT" | "INTERVAL" => number(value, usize::MAX).is_some_and(|n| n >= 1),
        "BYSECOND" => list(value, |v| number(v, 2).is_some_and(|n| n <= 60)),
        "BYMINUTE" => list(value, |v| number(v, 2).is_some_and(|n| n <= 59)),
        "BYHOUR" => list(value, |v| number(v, 2).is_some_and(|n| n <= 23)),
        "BYDAY" => list(value, |v| {
            let (ordinal, day) = v.split_at(v.len().saturating_sub(2));
            WEEKDAYS.contains(&day) && (ordinal.is_empty() || signed(ordinal, 2, 53))
        }),
        "BYMONTHDAY" => list(value, |v| signed(v, 2, 31)),
        "BYYEARDAY" | "BYSETPOS" => list(value, |v| signed(v, 3, 366)),
        "BYWEEKNO" => list(value, |v| signed(v, 2, 53)),
        "BYMONTH" => list(value, |v| number(v, 2).is_some_and(|n| (1..=12).contains(&n))),
        "WKST" => WEEKDAYS.contains(&value),
        _ => false,
    }
}

/// A comma-separated list of one or more items.
fn list(value: &str, item: impl Fn(&str) -> bool) -> bool {
    value.split(',').all(item)
}

/// One to `max_digits` ASCII digits.
fn number(value: &str, max_digits: usize) -> Option<usize> {
    let digits_ok = (1..=max_digits).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
    digits_ok.then(|| value.parse().ok()).flatten()
}

/// `[+|-]` then 1 to `max` (never zero), in at most `max_digits` digits.
fn signed(value: &str, max_digits: usize, max: usize) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    number(unsigned, max_digits).is_some_and(|n| (1..=max).contains(&n))
}

/// `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]`, a real date and time.
fn is_until(value: &str) -> bool {
    let (date, time) = value.split_once('T').unwrap_or((value, ""));
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let iso_date = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
    if crate::time::parse_date(&iso_date).is_none() {
        return false;
    }
    if !value.contains('T') {
        return true;
    }
    let time = time.strip_suffix('Z').unwrap_or(time);
    let b = time.as_bytes();
    b.len() == 6
        && b.iter().all(u8::is_ascii_digit)
        && number(&time[..2], 2).is_some_and(|h| h <= 23)
        && number(&time[2..4], 2).is_some_and(|m| m <= 59)
        && number(&time[4..], 2).is_some_and(|s| s <= 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `endDate - startDate` overflowed i64 and panicked on extreme epochs
    /// (found by the arbitrary-JSON property test).
    #[test]
    fn free_slots_range_of_extreme_epochs_does_not_overflow() {
        let query = FreeSlotsQuery {
            start_date: Some(i64::MIN),
            end_date: Some(i64::MAX),
            ..Default::default()
        };
        let errors = validate_free_slots("calendar", &query);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].field.as_str(), errors[0].code), ("endDate", Code::TooLong));
    }
}
