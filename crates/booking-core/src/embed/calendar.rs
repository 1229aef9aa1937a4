//! The "Add to calendar" file: one iCalendar event (RFC 5545), which every calendar
//! program imports.

use crate::time::Timestamp;

/// An `.ics` file for a meeting of `minutes` from `start`, titled `summary`, with
/// `uid` unique to the booking and `now` as its stamp.
pub fn calendar_file(uid: &str, start: &Timestamp, minutes: u32, summary: &str, now: &Timestamp) -> String {
    let end = Timestamp {
        unix_seconds: start.unix_seconds + i64::from(minutes) * 60,
        ..*start
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//booking-widget//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@booking-widget", escape(uid)),
        format!("DTSTAMP:{}", basic_utc(now)),
        format!("DTSTART:{}", basic_utc(start)),
        format!("DTEND:{}", basic_utc(&end)),
        format!("SUMMARY:{}", escape(summary)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|line| fold(line)).collect()
}

/// `20260308T073000Z`: the form DTSTART takes for UTC.
fn basic_utc(instant: &Timestamp) -> String {
    // `retain` rather than `replace(['-', ':'], "")`: no pattern searcher in the wasm.
    let mut text = instant.to_utc_z();
    text.retain(|c| c != '-' && c != ':');
    text
}

/// TEXT escaping (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets (never inside a character) and ended by CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}
