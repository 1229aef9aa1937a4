//! The slot picker's requests (contract: `DESIGN.md` §6): where a widget can ask for
//! free times, the query it sends, and what the answer means, as [`super::submit`] does
//! for bookings.
//!
//! Everything here falls back the same way: when no source can be asked, or its
//! answer cannot be read, the widget keeps its typed date and time inputs and tells
//! the marketer why on the console ([`NoSource`]'s `Display`). It never turns a failure
//! into "no free times".

use std::fmt;

use super::config::{Config, Flow, Provider, Settings, CALCOM_API, MAX_DAYS};
use super::submit::{Failure, Method, Request, Step};
use crate::availability::{self, Day, Unreadable};
use crate::json::{to_json, FromJson, Json};
use crate::time::{
    civil_from_seconds, days_from_civil, parse_date, parse_timestamp, LocalDateTime, TimeError, Timestamp, ZoneOffsets,
};
use crate::{calcom, gohighlevel, iclosed, meetergo};

/// Where a widget's free times come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The provider asked.
    pub provider: Provider,
    /// Asked at the provider itself (Cal.com without `data-endpoint`), not a relay:
    /// the fetch layer then sends nothing the provider's CORS would refuse.
    pub direct: bool,
}

impl Source {
    /// The most days one request may cover; the widget asks again for later days.
    /// GoHighLevel allows 31 days of milliseconds, and a day with a daylight-saving
    /// hour more must still fit: 30 calendar days do.
    pub fn days_per_request(self) -> u32 {
        match self.provider {
            Provider::Gohighlevel => 30,
            _ => MAX_DAYS,
        }
    }
}

/// Why the widget shows typed date and time inputs instead of free times. `Display`
/// is for the marketer, on the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoSource {
    /// `data-availability="off"`.
    Off,
    /// Cal.com's call flow: the visitor is called now, no time is picked.
    CallFlow,
    /// iClosed set up with `data-event-id` only: its free times are listed by link
    /// prefix.
    IclosedEventIdOnly,
    /// GoHighLevel without `data-calendar-id` (a reschedule form may leave it out).
    GohighlevelNoCalendar,
    /// The days asked are not `YYYY-MM-DD`, or the last comes before the first.
    Days {
        /// The first day asked.
        first: String,
        /// The last day asked.
        last: String,
    },
    /// The zone is not one the offsets know, so its midnights cannot be placed.
    UnknownZone(String),
    /// The provider answered in a shape this widget does not know.
    Unreadable {
        /// Who answered.
        provider: Provider,
        /// Where the answer went wrong.
        error: Unreadable,
    },
}

impl fmt::Display for NoSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const TYPED: &str = "visitors type a date and time instead of picking a free one";
        match self {
            Self::Off => write!(f, "data-availability is off: {TYPED}."),
            Self::CallFlow => f.write_str("the call flow calls the visitor now: there is no time to pick."),
            Self::IclosedEventIdOnly => write!(
                f,
                "iClosed lists free times by link prefix: with data-event-id alone, {TYPED}. \
                 Set data-link-prefix (username/event-name) to show free times."
            ),
            Self::GohighlevelNoCalendar => write!(
                f,
                "GoHighLevel lists free times by calendar: without data-calendar-id, {TYPED}. \
                 Set data-calendar-id to show free times."
            ),
            Self::Days { first, last } => write!(
                f,
                "free times were asked from \"{first}\" to \"{last}\", which are not two dates in order: {TYPED}."
            ),
            Self::UnknownZone(zone) => write!(f, "the time zone \"{zone}\" is unknown here: {TYPED}."),
            Self::Unreadable { provider, error } => write!(
                f,
                "{} answered the free-times request in a shape this widget does not know ({error}): {TYPED}.",
                provider.name()
            ),
        }
    }
}

/// Why an availability answer gave no days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvailabilityError {
    /// Nothing to show: typed inputs, and the reason on the console.
    NoSource(NoSource),
    /// The request failed (the status's meaning, as for a booking); asking again may
    /// help. Offline and timeout come from the fetch layer.
    Failed(Failure),
}

/// Where `config`'s free times come from, or why there is no such place.
pub fn source(config: &Config) -> Result<Source, NoSource> {
    if !config.picker.availability {
        return Err(NoSource::Off);
    }
    if config.flow == Flow::Call {
        return Err(NoSource::CallFlow);
    }
    match &config.settings {
        Settings::Iclosed(settings) if settings.link_prefix.is_none() => return Err(NoSource::IclosedEventIdOnly),
        // The calendar is a segment of the free-slots path: a reschedule form set up
        // without it has no address to ask.
        Settings::Gohighlevel(settings) if settings.calendar_id.trim().is_empty() => {
            return Err(NoSource::GohighlevelNoCalendar)
        }
        _ => {}
    }
    Ok(Source {
        provider: config.provider,
        direct: config.provider == Provider::Calcom && config.endpoint.eq_ignore_ascii_case(CALCOM_API),
    })
}

/// The request for the free times of `first_day` to `last_day` (`YYYY-MM-DD`, both
/// included, as the visitor's calendar in `zone` shows them), written in `zone`.
/// A reschedule asks with the booking being moved, whose own time then counts as free.
///
/// GoHighLevel's range is cut at 31 days, its limit: ask at most
/// [`Source::days_per_request`] days at a time. Its bounds are milliseconds, from the
/// first day's start in `zone` to the last millisecond of the last day (a midnight the
/// zone skips starts its day at the jump).
///
/// `step` is [`Step::Booking`]: this is no step of a submission, and the fetch layer
/// sends a `GET` without a body or an `Idempotency-Key`.
pub fn availability_request(
    config: &Config,
    first_day: &str,
    last_day: &str,
    zone: &str,
    zones: &impl ZoneOffsets,
) -> Result<Request, NoSource> {
    source(config)?;
    let (Some(first), Some(last)) = (parse_date(first_day), parse_date(last_day)) else {
        return Err(days_error(first_day, last_day));
    };
    if last < first {
        return Err(days_error(first_day, last_day));
    }
    let moving = match (&config.booking, config.flow) {
        (Some(booking), Flow::Reschedule) => Some(booking.id.clone()),
        _ => None,
    };
    let mut query = Query::default();
    let (path, header) = match &config.settings {
        Settings::Calcom(settings) => {
            query.calcom(&calcom::SlotsQuery {
                booking_uid_to_reschedule: moving,
                ..calcom::slots_query(settings, first_day, last_day, zone)
            });
            (
                calcom::SLOTS_PATH.to_owned(),
                Some((calcom::API_VERSION_HEADER, calcom::SLOTS_API_VERSION)),
            )
        }
        Settings::Gohighlevel(settings) => {
            let unknown = || NoSource::UnknownZone(zone.to_owned());
            let from = day_start(first, zone, zones).ok_or_else(unknown)?;
            let (y, m, d, ..) = civil_from_seconds((days_from_civil(last.0, last.1, last.2) + 1) * 86_400);
            let next = day_start((y as i32, m, d), zone, zones).ok_or_else(unknown)?;
            let longest = from + gohighlevel::FREE_SLOTS_MAX_DAYS * 86_400;
            // The last millisecond of the last day.
            let to = if next > longest {
                instant(longest, 0)
            } else {
                instant(next - 1, 999_000_000)
            };
            query.gohighlevel(&gohighlevel::free_slots_query(&instant(from, 0), &to, zone));
            (
                gohighlevel::free_slots_path(&encoded(&settings.calendar_id)),
                Some(("version", gohighlevel::CALENDARS_API_VERSION)),
            )
        }
        Settings::Meetergo(settings) => {
            query.meetergo(&meetergo::BookingAvailabilityQuery {
                existing_appointment_id: moving,
                ..meetergo::booking_availability_query(settings, first_day, last_day, zone)
            });
            (meetergo::BOOKING_AVAILABILITY_PATH.to_owned(), None)
        }
        // A POST, though it reads: `eventDates` takes its question as a body, from
        // `currentDate` on (iClosed does not document how far; the picker asks again
        // for each month).
        Settings::Iclosed(settings) => {
            let request =
                iclosed::event_dates_request(settings, first_day, zone).ok_or(NoSource::IclosedEventIdOnly)?;
            return Ok(Request {
                step: Step::Booking,
                method: Method::Post,
                url: format!("{}{}", config.endpoint, iclosed::EVENT_DATES_PATH),
                headers: Vec::new(),
                body: to_json(&request).unwrap_or_default(),
            });
        }
    };
    Ok(Request {
        step: Step::Booking,
        method: Method::Get,
        url: format!("{}{path}{}", config.endpoint, query.0),
        headers: header
            .map(|(name, value)| (name, value.to_owned()))
            .into_iter()
            .collect(),
        body: String::new(),
    })
}

/// The days of an answer with `status` and `body` to [`availability_request`]; `zone`
/// is the zone it asked in (iClosed answers wall-clock times in it).
pub fn read_availability(
    config: &Config,
    status: u16,
    body: &[u8],
    zone: &str,
    zones: &impl ZoneOffsets,
) -> Result<Vec<Day>, AvailabilityError> {
    let source = source(config).map_err(AvailabilityError::NoSource)?;
    if !(200..300).contains(&status) {
        return Err(AvailabilityError::Failed(failure(status)));
    }
    let unreadable = |error| {
        AvailabilityError::NoSource(NoSource::Unreadable {
            provider: source.provider,
            error,
        })
    };
    let body = Json::parse(body).ok_or_else(|| {
        unreadable(Unreadable {
            at: String::new(),
            why: "not JSON",
        })
    })?;
    // By the settings, not `source.provider`: a build without a provider then has no
    // arm for it (see `Built`), and its reader stays out of the wasm.
    match &config.settings {
        Settings::Calcom(_) => availability::calcom_days(&body),
        Settings::Gohighlevel(_) => availability::gohighlevel_days(&body),
        Settings::Meetergo(_) => availability::meetergo_days(&body),
        Settings::Iclosed(_) => availability::iclosed_days(&body, zone, zones),
    }
    .map_err(unreadable)
}

/// What a failed status means; as a booking's, but no field can be fixed by the
/// visitor and no reschedule token is involved.
/// A Cal.com hold on the chosen time: other visitors are not offered it until it is
/// released or runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// What releasing it names.
    pub uid: String,
    /// When it runs out (unix seconds).
    pub until: i64,
}

/// Why a time could not be held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldRefused {
    /// Another visitor holds or booked it: it is not free after all.
    Taken,
    /// Anything else (the provider down, a reply not in its documented shape): the
    /// visitor books without a hold, as they would have before holds.
    Failed,
}

/// The request holding `start` for the visitor: Cal.com only (no key needed), and
/// only for an event type named by id, which its route takes.
pub fn hold_request(config: &Config, start: &Timestamp) -> Option<Request> {
    let Settings::Calcom(settings) = &config.settings else {
        return None;
    };
    let body = calcom::reserve_slot_request(settings, start)?;
    Some(slots_request(
        config,
        Method::Post,
        calcom::SLOT_RESERVATIONS_PATH.to_owned(),
        to_json(&body).unwrap_or_default(),
    ))
}

/// The request releasing hold `uid`.
pub fn release_request(config: &Config, uid: &str) -> Request {
    let mut path = calcom::SLOT_RESERVATIONS_PATH.to_owned();
    path.push('/');
    path.push_str(&encoded(uid));
    slots_request(config, Method::Delete, path, String::new())
}

fn slots_request(config: &Config, method: Method, path: String, body: String) -> Request {
    Request {
        step: Step::Booking,
        method,
        url: format!("{}{path}", config.endpoint),
        headers: vec![(calcom::API_VERSION_HEADER, calcom::SLOTS_API_VERSION.to_owned())],
        body,
    }
}

/// What the answer to [`hold_request`] means. Cal.com answers `422` when another
/// visitor holds or booked the time (the relay passes that on as `slot_unavailable`).
pub fn read_hold(status: u16, body: &[u8]) -> Result<Hold, HoldRefused> {
    if status == 422 || status == 409 {
        return Err(HoldRefused::Taken);
    }
    if !(200..300).contains(&status) {
        return Err(HoldRefused::Failed);
    }
    let reply = Json::parse(body).and_then(|body| calcom::ReserveSlotResponse::from_json(&body));
    let held = reply.and_then(|reply| {
        let until = parse_timestamp(&reply.data.reservation_until)?;
        Some(Hold {
            uid: reply.data.reservation_uid,
            until: until.unix_seconds,
        })
    });
    held.ok_or(HoldRefused::Failed)
}

fn failure(status: u16) -> Failure {
    match status {
        404 => Failure::NotFound,
        408 => Failure::Timeout,
        429 => Failure::RateLimited,
        500..=599 => Failure::Unavailable(status),
        _ => Failure::Refused(status),
    }
}

fn days_error(first: &str, last: &str) -> NoSource {
    NoSource::Days {
        first: first.to_owned(),
        last: last.to_owned(),
    }
}

/// An instant to hand a wire builder (only its milliseconds are read).
fn instant(unix_seconds: i64, nanos: u32) -> Timestamp {
    Timestamp {
        unix_seconds,
        nanos,
        offset_seconds: 0,
    }
}

/// The first instant of `date` in `zone`: its midnight, or where the clocks land when
/// they skip midnight (a gap ends the instant the old offset's midnight passes).
fn day_start((year, month, day): (i32, u8, u8), zone: &str, zones: &impl ZoneOffsets) -> Option<i64> {
    let midnight = LocalDateTime {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
    };
    match midnight.in_zone(zone, zones) {
        Ok(start) => Some(start.unix_seconds),
        Err(TimeError::Nonexistent { .. }) => {
            let local = days_from_civil(year, month, day) * 86_400;
            Some(local - i64::from(zones.offset_seconds(zone, local - 86_400)?))
        }
        Err(_) => None,
    }
}

/// A query string, `?` and all, in the wire type's field order.
#[derive(Default)]
struct Query(String);

impl Query {
    fn push(&mut self, name: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
        self.0.push_str(name);
        self.0.push('=');
        self.0.push_str(&encoded(value));
    }

    fn number(&mut self, name: &str, value: Option<i64>) {
        self.push(name, value.map(|number| number.to_string()).as_deref());
    }

    fn calcom(&mut self, query: &calcom::SlotsQuery) {
        self.push("start", query.start.as_deref());
        self.push("end", query.end.as_deref());
        self.number("eventTypeId", query.event_type_id);
        self.push("eventTypeSlug", query.event_type_slug.as_deref());
        self.push("username", query.username.as_deref());
        self.push("teamSlug", query.team_slug.as_deref());
        self.push("organizationSlug", query.organization_slug.as_deref());
        self.push("timeZone", query.time_zone.as_deref());
        self.number("duration", query.duration);
        self.push(
            "format",
            query.format.as_ref().map(|format| match format {
                calcom::SlotFormat::Range => "range",
                calcom::SlotFormat::Time => "time",
                calcom::SlotFormat::Unlisted(text) => text,
            }),
        );
        self.push("bookingUidToReschedule", query.booking_uid_to_reschedule.as_deref());
    }

    fn gohighlevel(&mut self, query: &gohighlevel::FreeSlotsQuery) {
        self.number("startDate", query.start_date);
        self.number("endDate", query.end_date);
        self.push("timezone", query.timezone.as_deref());
        self.push("userId", query.user_id.as_deref());
    }

    fn meetergo(&mut self, query: &meetergo::BookingAvailabilityQuery) {
        self.push("meetingTypeId", query.meeting_type_id.as_deref());
        self.push("start", query.start.as_deref());
        self.push("end", query.end.as_deref());
        self.push("timezone", query.timezone.as_deref());
        self.push("hostIds", query.host_ids.as_deref());
        self.push("queueId", query.queue_id.as_deref());
        self.push("existingAppointmentId", query.existing_appointment_id.as_deref());
    }
}

/// `text` percent-encoded but for RFC 3986's unreserved characters: safe in a query
/// value and a path segment alike (`/` and `+` of zone names included: a `+` left
/// bare reads as a space).
fn encoded(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
    out
}
