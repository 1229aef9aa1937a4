//! Free times: each provider's availability answer read into one neutral shape, the
//! days the slot picker shows (contract: `DESIGN.md` §6).
//!
//! The parsers read the crate's own [`Json`] (the widget carries no serde_json parser
//! for replies, see [`crate::json`]), and the relay may call them too.
//!
//! What they decide, the same way for all four providers:
//! - An answer with no free times (`"data": {}`, `"dates": []`) is `Ok` with no days:
//!   the host is booked out. Anything that is not the documented shape (not JSON, a
//!   value of the wrong type, a key that is not a date where only dates may stand, a
//!   start time that does not parse) is [`Unreadable`]: the widget then keeps its typed
//!   date and time inputs, and never tells a visitor "no free times" it did not read.
//! - One unreadable start time makes the whole answer unreadable, rather than being
//!   skipped: a provider writes all its times one way, so one that does not parse
//!   means the format changed, and skipping would silently drop every time of it and
//!   show a free host as booked out. The typed inputs still book (the provider checks
//!   the time), so failing loudly costs the visitor less.
//! - Days keep the date the provider grouped them under (its `YYYY-MM-DD`, in the zone
//!   asked), even when a start falls on another date in UTC; a day listed with no times
//!   is kept (the picker shows it as full). Starts are Unix seconds (a fraction of a
//!   second is dropped), sorted, each once.
//! - A repeated key of an object keeps its last value, as serde_json does.

use thiserror::Error;

use crate::json::Json;
use crate::time::{parse_date, parse_timestamp, LocalDateTime, TimeError, ZoneOffsets};

/// One date of free times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// `YYYY-MM-DD`, as the provider grouped it (in the zone asked).
    pub date: String,
    /// Start instants, Unix seconds, ascending, no repeats.
    pub slots: Vec<i64>,
}

/// An availability answer that is not in the provider's documented shape.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the availability answer cannot be read at `{at}`: {why}")]
pub struct Unreadable {
    /// Dotted path to the value that did not fit (`data.2026-03-09.0.start`; empty for
    /// the whole body), for the console.
    pub at: String,
    /// What was wrong.
    pub why: &'static str,
}

fn unreadable(at: &str, why: &'static str) -> Unreadable {
    Unreadable { at: at.to_owned(), why }
}

/// `at.key`, or `key` at the top.
fn path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        let mut out = String::with_capacity(at.len() + key.len() + 1);
        out.push_str(at);
        out.push('.');
        out.push_str(key);
        out
    }
}

fn object<'a>(value: &'a Json, at: &str) -> Result<&'a [(String, Json)], Unreadable> {
    value.as_object().ok_or_else(|| unreadable(at, "expected an object"))
}

fn array<'a>(value: &'a Json, at: &str) -> Result<&'a [Json], Unreadable> {
    value.as_array().ok_or_else(|| unreadable(at, "expected an array"))
}

fn string<'a>(value: &'a Json, at: &str) -> Result<&'a str, Unreadable> {
    value.as_str().ok_or_else(|| unreadable(at, "expected a string"))
}

/// The last member named `key` (serde_json keeps the last of a repeated key).
fn member<'a>(members: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    members
        .iter()
        .rev()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value)
}

fn required<'a>(members: &'a [(String, Json)], key: &str, at: &str) -> Result<&'a Json, Unreadable> {
    member(members, key).ok_or_else(|| unreadable(&path(at, key), "missing"))
}

fn date<'a>(text: &'a str, at: &str) -> Result<&'a str, Unreadable> {
    parse_date(text)
        .map(|_| text)
        .ok_or_else(|| unreadable(at, "expected a date like 2026-03-09"))
}

fn instant(text: &str, at: &str) -> Result<i64, Unreadable> {
    parse_timestamp(text)
        .map(|start| start.unix_seconds)
        .ok_or_else(|| unreadable(at, "expected a date-time with an offset"))
}

/// Days by date, built by sorted insertion: the answers come nearly in order, and a
/// sort would cost the wasm a few KB.
#[derive(Default)]
struct Days(Vec<Day>);

impl Days {
    fn at(&self, date: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|day| day.date.as_str().cmp(date))
    }

    fn has(&self, date: &str) -> bool {
        self.at(date).is_ok()
    }

    /// The day of `date`, added without times if new.
    fn day(&mut self, date: &str) -> &mut Vec<i64> {
        let index = match self.at(date) {
            Ok(index) => index,
            Err(index) => {
                self.0.insert(
                    index,
                    Day {
                        date: date.to_owned(),
                        slots: Vec::new(),
                    },
                );
                index
            }
        };
        &mut self.0[index].slots
    }
}

/// Adds `start` in order, once.
fn add(slots: &mut Vec<i64>, start: i64) {
    if let Err(index) = slots.binary_search(&start) {
        slots.insert(index, start);
    }
}

/// Cal.com `GET /v2/slots` (`cal-api-version: 2024-09-04`):
/// `{"status":"success","data":{"2050-09-05":[{"start":"2050-09-05T09:00:00.000+02:00"}]}}`.
///
/// A slot is an object with `start` (`end`, `seatsRemaining`… are ignored), or the
/// start itself as a string: Cal.com's OpenAPI describes the default format so, though
/// its examples show objects. `data` holds dates only.
pub fn calcom_days(body: &Json) -> Result<Vec<Day>, Unreadable> {
    let top = object(body, "")?;
    string(required(top, "status", "")?, "status")?;
    let data = object(required(top, "data", "")?, "data")?;
    let mut days = Days::default();
    for (key, slots) in data.iter().rev() {
        if days.has(key) {
            continue;
        }
        let at = path("data", key);
        let key = date(key, &at)?;
        let mut starts = Vec::new();
        for (index, slot) in array(slots, &at)?.iter().enumerate() {
            let at = path(&at, &index.to_string());
            let text = match slot {
                Json::String(text) => text.as_str(),
                Json::Object(fields) => {
                    let at = path(&at, "start");
                    string(member(fields, "start").ok_or_else(|| unreadable(&at, "missing"))?, &at)?
                }
                _ => return Err(unreadable(&at, "expected a slot object")),
            };
            add(&mut starts, instant(text, &at)?);
        }
        *days.day(key) = starts;
    }
    Ok(days.0)
}

/// GoHighLevel `GET /calendars/{calendarId}/free-slots`:
/// `{"2024-10-28":{"slots":["2024-10-28T10:00:00-05:00",…]},"traceId":…}`.
///
/// Only keys that are dates are read (as [`crate::gohighlevel::FreeSlotsResponse`]
/// does): HighLevel puts `traceId` and the like beside them.
pub fn gohighlevel_days(body: &Json) -> Result<Vec<Day>, Unreadable> {
    let top = object(body, "")?;
    let mut days = Days::default();
    for (key, value) in top.iter().rev() {
        if parse_date(key).is_none() || days.has(key) {
            continue;
        }
        let at = path(key, "slots");
        let mut starts = Vec::new();
        for (index, slot) in array(required(object(value, key)?, "slots", key)?, &at)?
            .iter()
            .enumerate()
        {
            let at = path(&at, &index.to_string());
            add(&mut starts, instant(string(slot, &at)?, &at)?);
        }
        *days.day(key) = starts;
    }
    Ok(days.0)
}

/// meetergo `GET /v4/booking-availability`:
/// `{"timezone":…,"dates":[{"date":"2026-03-09","spots":[{"startTime":"2026-03-09T09:00:00+01:00"}]}],…}`,
/// or the older `{"slots":[{"date":"2026-03-09","times":["2026-03-09T09:00:00+01:00"]}]}`.
///
/// No sample of the older shape is published; it is read as the same data under its
/// older names: `slots[]` of `{date, times[]}`, each time a date-time with an offset
/// like `startTime`. `dates` wins when both are present. A date listed twice in the
/// array gets the times of both. Other members of a spot (`unavailabilityEvents`) and
/// of the answer (`timeframes`, `earliestAvailableDate`) are ignored.
pub fn meetergo_days(body: &Json) -> Result<Vec<Day>, Unreadable> {
    let top = object(body, "")?;
    let (list, slots, starts_key) = match (member(top, "dates"), member(top, "slots")) {
        (Some(dates), _) if *dates != Json::Null => (dates, "dates", "spots"),
        (_, Some(slots)) if *slots != Json::Null => (slots, "slots", "times"),
        _ => return Err(unreadable("dates", "missing")),
    };
    let mut days = Days::default();
    for (index, entry) in array(list, slots)?.iter().enumerate() {
        let entry_at = path(slots, &index.to_string());
        let fields = object(entry, &entry_at)?;
        let date_at = path(&entry_at, "date");
        let key = date(string(required(fields, "date", &entry_at)?, &date_at)?, &date_at)?;
        let at = path(&entry_at, starts_key);
        let mut starts = Vec::new();
        for (index, spot) in array(required(fields, starts_key, &entry_at)?, &at)?.iter().enumerate() {
            let at = path(&at, &index.to_string());
            let text = if starts_key == "spots" {
                let at = path(&at, "startTime");
                string(
                    member(object(spot, &at)?, "startTime").ok_or_else(|| unreadable(&at, "missing"))?,
                    &at,
                )?
            } else {
                string(spot, &at)?
            };
            starts.push(instant(text, &at)?);
        }
        let day = days.day(key);
        for start in starts {
            add(day, start);
        }
    }
    Ok(days.0)
}

/// iClosed `POST /v1/events/eventDates`:
/// `{"data":{"availabilities":{"2027-03-29":["09:00","09:30"]},"appliedHostIds":…}}`,
/// wall-clock times in `zone`, the `timeZone` the request asked for.
///
/// A time the zone skips that day (the spring-forward gap: `02:30` in Europe/Berlin on
/// 2027-03-28) is dropped: it names no instant, and the booking form would refuse it.
/// A time the zone shows twice (fall back) is its earlier instant, as the booking form
/// resolves a typed one (`DESIGN.md` §4), so the time shown is the time booked; `HH:MM`
/// cannot name the second one. A zone `zones` does not know makes the answer
/// unreadable: no time of it could be placed.
pub fn iclosed_days(body: &Json, zone: &str, zones: &impl ZoneOffsets) -> Result<Vec<Day>, Unreadable> {
    let data = object(required(object(body, "")?, "data", "")?, "data")?;
    let availabilities = object(required(data, "availabilities", "data")?, "data.availabilities")?;
    let mut days = Days::default();
    for (key, times) in availabilities.iter().rev() {
        if days.has(key) {
            continue;
        }
        let at = path("data.availabilities", key);
        let key = date(key, &at)?;
        let mut starts = Vec::new();
        for (index, time) in array(times, &at)?.iter().enumerate() {
            let at = path(&at, &index.to_string());
            let wall = LocalDateTime::parse(key, string(time, &at)?)
                .map_err(|_| unreadable(&at, "expected a time like 09:30"))?;
            match wall.in_zone(zone, zones) {
                Ok(start) => add(&mut starts, start.unix_seconds),
                Err(TimeError::Nonexistent { .. }) => {}
                Err(_) => return Err(unreadable("", "the time zone asked for is unknown")),
            }
        }
        *days.day(key) = starts;
    }
    Ok(days.0)
}
