//! iClosed's published rules.

use super::wire::{CreateCallRequest, EventDatesRequest, RescheduleCallRequest};
use crate::rules::{is_phone_number, Code, FieldError, Report, EMAIL_MESSAGE};
use crate::time::{parse_date, ZoneOffsets};

/// Maximum length of `email` (`maxLength: 255`).
pub const EMAIL_MAX_CHARS: usize = 255;

const DATE_TIME_MESSAGE: &str = "Choose a date and time.";
const PHONE_MESSAGE: &str = "Enter a phone number, like +1 212 555 0100.";

/// Every broken rule of a `POST /v1/eventCalls` body.
pub fn validate_create_call(request: &CreateCallRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    date_time(&mut report, request.date_time.as_deref());
    report.required_text("timeZone", request.time_zone.as_deref(), "Choose a time zone.");

    let email = request.email.as_deref();
    let phone = request.phone_number.as_deref();
    if request.contact_id.is_none() && email.is_none() && phone.is_none() {
        report.push("email", Code::Required, "Enter your email or phone number.");
    }
    if let Some(email) = email {
        report.max_chars("email", Some(email), EMAIL_MAX_CHARS);
        if !matches_email_pattern(email) {
            report.push("email", Code::Format, EMAIL_MESSAGE);
        }
    }
    if phone.is_some_and(|phone| !is_phone_number(phone)) {
        report.push("phoneNumber", Code::Format, PHONE_MESSAGE);
    }

    if request.event_id.is_none() && request.link_prefix.is_none() {
        report.push(
            "eventId",
            Code::Required,
            "This form has no event to book. Please tell the site owner.",
        );
    }
    report.non_empty(
        "linkPrefix",
        request.link_prefix.as_deref(),
        "This form's event link is empty. Please tell the site owner.",
    );
    report.finish()
}

/// Every broken rule of a `PUT /v1/eventCalls/reschedule` body.
///
/// The page publishes no constraints here; a move needs the call and the new time, and
/// the time is held to the create page's pattern (UTC with `Z`), which is what we send.
pub fn validate_reschedule_call(request: &RescheduleCallRequest) -> Vec<FieldError> {
    let mut report = Report::default();
    report.required(
        "id",
        request.id.as_ref(),
        "This link does not say which call to move. Open the link from your confirmation again.",
    );
    date_time(&mut report, request.date_time.as_deref());
    report.non_empty("timeZone", request.time_zone.as_deref(), "Choose a time zone.");
    report.finish()
}

/// Every broken rule of a `POST /v1/events/eventDates` body. `zones` decides which
/// `timeZone` names exist: the answer is written in that zone, so a name iClosed does
/// not know would give times the visitor reads wrongly, or none.
pub fn validate_event_dates(request: &EventDatesRequest, zones: &impl ZoneOffsets) -> Vec<FieldError> {
    let mut report = Report::default();
    const SITE_OWNER: &str = "This form has no event to show times for. Please tell the site owner.";
    if report.required_text("linkPrefix", request.link_prefix.as_deref(), SITE_OWNER)
        && !matches_link_prefix(request.link_prefix.as_deref().unwrap_or_default())
    {
        report.push(
            "linkPrefix",
            Code::Format,
            "This form's event link is not like username/event-name. Please tell the site owner.",
        );
    }
    if report.non_empty("timeZone", request.time_zone.as_deref(), "Choose a time zone.")
        && request.time_zone.as_deref().is_some_and(|zone| !zones.is_known(zone))
    {
        report.push("timeZone", Code::UnknownTimeZone, "Choose a time zone from the list.");
    }
    if request
        .current_date
        .as_deref()
        .is_some_and(|date| parse_date(date).is_none())
    {
        report.push("currentDate", Code::Format, "Enter a date like 2026-03-08.");
    }
    report.finish()
}

/// `username/event-name`: segments that are not empty, with no space, `?` or `#` (the
/// prefix is a path on iClosed's booking site, so those would name another page).
pub fn matches_link_prefix(text: &str) -> bool {
    text.contains('/')
        && text.split('/').all(|segment| {
            !segment.is_empty() && !segment.contains(|c: char| c.is_whitespace() || c == '?' || c == '#')
        })
}

fn date_time(report: &mut Report, value: Option<&str>) {
    if report.required_text("dateTime", value, DATE_TIME_MESSAGE)
        && !matches_date_time_pattern(value.unwrap_or_default())
    {
        report.push("dateTime", Code::Format, DATE_TIME_MESSAGE);
    }
}

/// iClosed's published `dateTime` pattern, with its exact semantics:
/// `YYYY-MM-DDTHH:MM[:SS[.fraction]]Z`, any four-digit year, days that exist in the
/// Gregorian calendar (February 29 in leap years by the century rule), hours 00–23,
/// minutes and seconds 00–59, a fraction only after seconds, and `Z` as the only zone.
///
/// ```text
/// ^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z))$
/// ```
pub fn matches_date_time_pattern(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    if parse_date(date).is_none() {
        return false;
    }
    let Some(time) = time.strip_suffix('Z') else {
        return false;
    };
    let b = time.as_bytes();
    let digit_pair = |pair: &[u8], max_tens: u8| matches!(pair, [t, u] if t.is_ascii_digit() && u.is_ascii_digit() && *t - b'0' <= max_tens);
    let hour_ok = |pair: &[u8]| match pair {
        [b'2', u] => (b'0'..=b'3').contains(u),
        _ => digit_pair(pair, 1),
    };
    match b {
        [h1, h2, b':', m1, m2] => hour_ok(&[*h1, *h2]) && digit_pair(&[*m1, *m2], 5),
        [h1, h2, b':', m1, m2, b':', s1, s2, fraction @ ..] => {
            hour_ok(&[*h1, *h2])
                && digit_pair(&[*m1, *m2], 5)
                && digit_pair(&[*s1, *s2], 5)
                && match fraction {
                    [] => true,
                    [b'.', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
                    _ => false,
                }
        }
        _ => false,
    }
}

/// iClosed's published `email` pattern, look-aheads included:
/// no leading dot, no `..` anywhere, a local part of `A-Za-z0-9_'+-.` that ends in
/// `A-Za-z0-9_+-`, one `@`, dot-terminated labels that start with a letter or digit and
/// continue with letters, digits or hyphens, and a top-level domain of two or more
/// letters. (The 255-character limit is a separate rule.)
///
/// ```text
/// ^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
/// ```
pub fn matches_email_pattern(text: &str) -> bool {
    if text.starts_with('.') || text.contains("..") {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_'+-.".contains(&b))
        && local
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
    let Some((labels, top_level)) = domain.rsplit_once('.') else {
        return false;
    };
    let label_ok = |label: &str| {
        let mut bytes = label.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphanumeric()) && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    local_ok
        && top_level.len() >= 2
        && top_level.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.split('.').all(label_ok)
}
