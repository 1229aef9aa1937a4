//! The sandbox upstream: all four providers in memory, as strict as the real ones.
//!
//! Its host keeps working hours in the host's own zone ([`SandboxSettings`], by default
//! Monday to Friday 09:00–17:00 `Europe/Berlin`). Availability is those hours, converted
//! to the zone a query names, from now on, minus what is booked. A booking or a move to
//! a time in the past, outside those hours or on a taken time is refused with the
//! provider's own status and message (which the pipeline turns into the contract's
//! `slot_unavailable`, see [`crate::answer`]). Ids have each provider's shape, replies
//! each provider's documented shape, and a reschedule moves the stored booking.
//!
//! Availability of a reschedule (Cal.com `bookingUidToReschedule`, meetergo
//! `existingAppointmentId`) counts the moved booking's own time as free. iClosed's
//! `eventDates` answers [`EVENT_DATES_DAYS`] days from `currentDate` (today in the
//! asked zone when left off) as local `HH:MM` in the asked `timeZone` (UTC when left off).
//!
//! Cal.com slot holds last [`HOLD_SECONDS`] by the sandbox's clock. A held slot is not
//! offered by the slots answer and cannot be held again (`422`, as Cal.com); a booking
//! on it is taken, as Cal.com takes it ("a reservation has lower priority than the
//! actual booking": its booking input has no reservation uid, so the holder cannot be
//! told from anyone else), and ends the hold.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use booking_core::time::{parse_timestamp, Timestamp};
use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use rand::distributions::{Alphanumeric, DistString};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::ops::{Operation, Provider};

/// Length of a booking when the request does not say, in minutes.
const DEFAULT_MINUTES: i64 = 30;
/// The longest booking the sandbox takes, in minutes: a visitor's number is clamped
/// to it before any arithmetic, so no length overflows (`lengthInMinutes: i64::MAX`).
const MAX_MINUTES: i64 = 24 * 60;
/// Longest range one availability answer covers, in days.
const MAX_DAYS: i64 = 62;
/// Days one iClosed `eventDates` answer covers, from its `currentDate` (iClosed does
/// not document its own span; integrators ask again with a later date).
pub const EVENT_DATES_DAYS: u64 = 30;
/// How long a Cal.com slot hold lasts without a key, in seconds (Cal.com: 5 minutes).
pub const HOLD_SECONDS: i64 = 5 * 60;
const DAY_SECONDS: i64 = 86_400;
/// The instants a four-digit year can name, 0000-01-01 to 9999-12-31 (UTC): a visitor's
/// range is cut to them, so no date arithmetic leaves what chrono can write.
const INSTANTS: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;

/// Reads the current time, in Unix seconds (tests fix it).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system's clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp())
}

/// `[sandbox]` in the config: when the sandbox's host takes bookings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxSettings {
    /// The host's IANA time zone, in which [`Self::days`] and [`Self::hours`] are read.
    pub time_zone: String,
    /// The days the host works.
    pub days: Vec<Day>,
    /// Opening and closing time, `"09:00-17:00"` (`"00:00-24:00"` for the whole day).
    pub hours: Hours,
    /// Length of the slots availability offers, in minutes.
    pub slot_minutes: u16,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        Self {
            time_zone: "Europe/Berlin".into(),
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
            hours: Hours {
                opens: 9 * 60,
                closes: 17 * 60,
            },
            slot_minutes: 30,
        }
    }
}

/// A day of the week, as the config writes it (`"mon"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn weekday(self) -> Weekday {
        match self {
            Self::Mon => Weekday::Mon,
            Self::Tue => Weekday::Tue,
            Self::Wed => Weekday::Wed,
            Self::Thu => Weekday::Thu,
            Self::Fri => Weekday::Fri,
            Self::Sat => Weekday::Sat,
            Self::Sun => Weekday::Sun,
        }
    }
}

/// Working hours as minutes after local midnight, `opens < closes <= 24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Hours {
    opens: u32,
    closes: u32,
}

impl TryFrom<String> for Hours {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let minutes = |clock: &str| -> Option<u32> {
            let (hours, minutes) = clock.trim().split_once(':')?;
            let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
            (minutes < 60 && hours * 60 + minutes <= 24 * 60).then_some(hours * 60 + minutes)
        };
        text.split_once('-')
            .and_then(|(opens, closes)| Some((minutes(opens)?, minutes(closes)?)))
            .filter(|(opens, closes)| opens < closes)
            .map(|(opens, closes)| Self { opens, closes })
            .ok_or_else(|| {
                format!("\"{text}\" is not working hours: write \"HH:MM-HH:MM\", opening before closing, like \"09:00-17:00\"")
            })
    }
}

/// One request the sandbox accepted, as received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Received {
    /// `GET`, `POST`, `PUT`.
    pub method: String,
    /// The path, provider prefix included.
    pub path: String,
    /// The query string, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The headers a provider cares about (`cal-api-version`, `Idempotency-Key`, …).
    pub headers: HashMap<String, String>,
    /// The JSON body as sent (`null` for a `GET`).
    pub body: Value,
}

#[derive(Debug, Clone, Default)]
struct Booking {
    start: i64,
    minutes: i64,
    zone: String,
    email: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    /// When it was made, in Unix seconds.
    created: i64,
    /// Fields of the create reply that the reply to a move repeats (the ids a
    /// provider's spec requires in both).
    kept: serde_json::Map<String, Value>,
}

impl Booking {
    fn end(&self) -> i64 {
        self.start + self.minutes * 60
    }
}

/// A Cal.com slot hold.
#[derive(Debug, Clone)]
struct Hold {
    event_type_id: i64,
    start: i64,
    minutes: i64,
    /// When it ends, in Unix seconds.
    until: i64,
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    bookings: HashMap<(Provider, String), Booking>,
    /// Cal.com holds by reservation uid (expired ones linger until the next hold).
    holds: HashMap<String, Hold>,
    contacts: HashMap<String, String>,
    next_number: i64,
}

/// The in-memory provider.
pub struct Sandbox {
    state: Mutex<State>,
    host: Host,
    clock: Clock,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// Why the host cannot take a booking at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unavailable {
    Past,
    OutsideHours,
    Taken,
}

/// A provider's answer: status and JSON body.
type Answer = (u16, Value);

impl Sandbox {
    /// A sandbox whose host keeps `settings`, reading the time from `clock`. An unknown
    /// zone (the config check refuses one first) falls back to UTC.
    pub fn new(settings: &SandboxSettings, clock: Clock) -> Self {
        Self {
            state: Mutex::default(),
            host: Host::new(settings),
            clock,
        }
    }

    /// Keeps a request it accepted.
    pub fn record(&self, received: Received) {
        self.lock().received.push(received);
    }

    /// Every accepted request, in order.
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// Forgets every request and booking.
    pub fn reset(&self) {
        *self.lock() = State::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Answers `operation` as its provider would: status and JSON body, a refusal
    /// included.
    pub fn send(&self, operation: &Operation) -> Answer {
        let now = (self.clock)();
        let mut state = self.lock();
        state.next_number += 1;
        let number = 1_000 + state.next_number;
        let provider = operation.route().provider();
        let refuse = |state: &State, start: i64, minutes: i64, moving: Option<&str>| {
            self.unavailable(state, provider, start, minutes, moving, now)
                .map(|why| refusal(provider, why))
        };
        match operation {
            Operation::IclosedCreateCall(request) => {
                let booking = Booking {
                    start: start_of(request.date_time.as_deref()),
                    minutes: DEFAULT_MINUTES,
                    zone: request.time_zone.clone().unwrap_or_default(),
                    email: request.email.clone(),
                    name: request.first_name.clone(),
                    phone: request.phone_number.clone(),
                    ..Booking::default()
                };
                if let Some(refused) = refuse(&state, booking.start, booking.minutes, None) {
                    return refused;
                }
                let mut call = json!({
                    "startTime": utc(booking.start),
                    "endTime": utc(booking.end()),
                    "id": number,
                    "closerId": 1,
                    "timeZone": booking.zone,
                    "token": random_id(24),
                    "closerName": "Sandbox Closer",
                    "previewId": random_id(12),
                    "closerEmail": "closer@sandbox.invalid",
                });
                insert_some(&mut call, "guestEmail", booking.email.as_deref());
                state.bookings.insert((Provider::Iclosed, number.to_string()), booking);
                (
                    201,
                    json!({ "data": { "eventCall": {
                        "message": "Event call created",
                        "status": 201,
                        "data": call,
                    }}}),
                )
            }
            Operation::IclosedRescheduleCall(request) => {
                let id = request.id.unwrap_or_default().to_string();
                let start = start_of(request.date_time.as_deref());
                let Some(minutes) = state.minutes_of(Provider::Iclosed, &id) else {
                    return not_found(provider);
                };
                if let Some(refused) = refuse(&state, start, minutes, Some(&id)) {
                    return refused;
                }
                let booking = state.move_to(Provider::Iclosed, &id, start);
                if let Some(zone) = &request.time_zone {
                    booking.zone.clone_from(zone);
                }
                let start = utc(booking.start);
                let mut call = json!({
                    "id": request.id.unwrap_or_default(),
                    "eventId": 1,
                    "dateTime": start,
                    "dateTimeUTC": start,
                    "eventType": "UPCOMING",
                    "isSlotFree": true,
                    "duration": booking.minutes,
                    "durationUnit": "minutes",
                    "inviteTimeZone": booking.zone,
                });
                insert_some(&mut call, "inviteeEmail", booking.email.as_deref());
                insert_some(&mut call, "rescheduleReason", request.reschedule_reason.as_deref());
                (200, json!({ "data": { "eventCall": call } }))
            }
            Operation::GohighlevelUpsertContact(request) => {
                let key = request
                    .email
                    .as_deref()
                    .map(str::to_lowercase)
                    .or_else(|| request.phone.clone())
                    .unwrap_or_default();
                let existing = state.contacts.get(&key).cloned();
                let id = existing.clone().unwrap_or_else(|| random_id(20));
                state.contacts.insert(key, id.clone());
                let mut contact = json!({ "id": id, "locationId": request.location_id.clone().unwrap_or_default() });
                insert_some(&mut contact, "email", request.email.as_deref());
                insert_some(&mut contact, "phone", request.phone.as_deref());
                insert_some(&mut contact, "firstName", request.first_name.as_deref());
                insert_some(&mut contact, "lastName", request.last_name.as_deref());
                (
                    200,
                    json!({ "new": existing.is_none(), "contact": contact, "traceId": uuid() }),
                )
            }
            Operation::GohighlevelCreateAppointment(request) => {
                let start = parse_timestamp(request.start_time.as_deref().unwrap_or_default());
                let end = request.end_time.as_deref().and_then(parse_timestamp);
                let offset = start.map_or(0, |t| t.offset_seconds);
                let start = start.map_or(0, |t| t.unix_seconds);
                let minutes = end.map_or(DEFAULT_MINUTES, |end| clamp_minutes((end.unix_seconds - start) / 60));
                if let Some(refused) = refuse(&state, start, minutes, None) {
                    return refused;
                }
                let id = random_id(20);
                let write = |unix_seconds| with_offset(unix_seconds, offset);
                // The spec requires these three in the reply to a move too.
                let kept = json!({
                    "calendarId": request.calendar_id.clone().unwrap_or_default(),
                    "locationId": request.location_id.clone().unwrap_or_default(),
                    "contactId": request.contact_id.clone().unwrap_or_default(),
                });
                let mut reply = json!({
                    "id": id,
                    "startTime": write(start),
                    "endTime": write(start + minutes * 60),
                    "title": request.title.clone().unwrap_or_else(|| "Sandbox appointment".into()),
                    "meetingLocationType": "custom",
                    "appointmentStatus": "confirmed",
                    "isRecurring": false,
                });
                insert_some(&mut reply, "address", request.address.as_deref());
                let kept = kept.as_object().cloned().unwrap_or_default();
                extend(&mut reply, &kept);
                let booking = Booking {
                    start,
                    minutes,
                    kept,
                    ..Booking::default()
                };
                state.bookings.insert((Provider::Gohighlevel, id), booking);
                // HighLevel's spec documents 200 for a created appointment.
                (200, reply)
            }
            Operation::GohighlevelUpdateAppointment { event_id, body } => {
                let Some(minutes) = state.minutes_of(Provider::Gohighlevel, event_id) else {
                    return not_found(provider);
                };
                let start = parse_timestamp(body.start_time.as_deref().unwrap_or_default());
                let offset = start.map_or(0, |t| t.offset_seconds);
                let current = state.bookings[&(Provider::Gohighlevel, event_id.clone())].start;
                let start = start.map_or(current, |t| t.unix_seconds);
                let minutes = body
                    .end_time
                    .as_deref()
                    .and_then(parse_timestamp)
                    .map_or(minutes, |end| clamp_minutes((end.unix_seconds - start) / 60));
                if let Some(refused) = refuse(&state, start, minutes, Some(event_id)) {
                    return refused;
                }
                let booking = state.move_to(Provider::Gohighlevel, event_id, start);
                booking.minutes = minutes;
                if let Some(calendar_id) = &body.calendar_id {
                    booking.kept.insert("calendarId".into(), json!(calendar_id));
                }
                let write = |unix_seconds| with_offset(unix_seconds, offset);
                let mut reply = json!({
                    "id": event_id,
                    "startTime": write(booking.start),
                    "endTime": write(booking.end()),
                    "appointmentStatus": "confirmed",
                    "isRecurring": false,
                });
                extend(&mut reply, &booking.kept);
                (200, reply)
            }
            Operation::GohighlevelFreeSlots { query, .. } => {
                let zone = zone_or_utc(query.timezone.as_deref());
                let from = query.start_date.unwrap_or_default().div_euclid(1_000);
                let to = query.end_date.unwrap_or_default().div_euclid(1_000);
                let mut reply = serde_json::Map::new();
                for (date, starts) in self.free(&state, provider, zone, (from, to.saturating_add(1)), now, None) {
                    let slots: Vec<String> = starts.into_iter().map(|start| in_zone(start, zone)).collect();
                    reply.insert(date, json!({ "slots": slots }));
                }
                // HighLevel's spec allows only date keys here (no `traceId`).
                (200, Value::Object(reply))
            }
            Operation::MeetergoCreateBooking(request) => {
                let attendee = request.attendee.clone().unwrap_or_default();
                let minutes = request
                    .duration
                    .as_ref()
                    .and_then(|d| d.as_f64())
                    .map_or(DEFAULT_MINUTES, |d| clamp_minutes(d as i64));
                let booking = Booking {
                    start: start_of(request.start.as_deref()),
                    minutes,
                    zone: attendee.timezone.clone().unwrap_or_default(),
                    email: attendee.email.clone(),
                    name: attendee.fullname.clone(),
                    phone: attendee.phone.clone(),
                    ..Booking::default()
                };
                if let Some(refused) = refuse(&state, booking.start, booking.minutes, None) {
                    return refused;
                }
                let id = uuid();
                let mut reply = json!({ "appointmentId": id, "secret": hex::encode(rand::random::<[u8; 16]>()) });
                insert_some(&mut reply, "attendeeEmail", booking.email.as_deref());
                state.bookings.insert((Provider::Meetergo, id), booking);
                (201, reply)
            }
            Operation::MeetergoRescheduleAppointment { id, body } => {
                let Some(minutes) = state.minutes_of(Provider::Meetergo, id) else {
                    return not_found(provider);
                };
                let start = start_of(body.start.as_deref());
                if let Some(refused) = refuse(&state, start, minutes, Some(id)) {
                    return refused;
                }
                let booking = state.move_to(Provider::Meetergo, id, start);
                (
                    200,
                    json!({ "appointment": { "id": id, "start": utc(booking.start), "end": utc(booking.end()) } }),
                )
            }
            Operation::MeetergoBookingAvailability(query) => {
                let zone = zone_or_utc(query.timezone.as_deref());
                let (from, to) = date_range(zone, day(query.start.as_deref()), day(query.end.as_deref()));
                let moving = query.existing_appointment_id.as_deref();
                let dates: Vec<Value> = self
                    .free(&state, provider, zone, (from, to), now, moving)
                    .into_iter()
                    .map(|(date, starts)| {
                        let spots: Vec<Value> = starts
                            .into_iter()
                            .map(|start| json!({ "startTime": in_zone(start, zone) }))
                            .collect();
                        json!({ "date": date, "spots": spots })
                    })
                    .collect();
                (200, json!({ "timezone": zone.name(), "dates": dates }))
            }
            Operation::CalcomCreateBooking(request) => {
                let attendee = request.attendee.clone().unwrap_or_default();
                let booking = Booking {
                    start: start_of(request.start.as_deref()),
                    minutes: request.length_in_minutes.map_or(DEFAULT_MINUTES, clamp_minutes),
                    zone: attendee.time_zone.clone().unwrap_or_default(),
                    email: attendee.email.clone(),
                    name: attendee.name.clone(),
                    phone: attendee.phone_number.clone(),
                    created: now,
                    kept: calcom_kept(request),
                };
                if let Some(refused) = refuse(&state, booking.start, booking.minutes, None) {
                    return refused;
                }
                let uid = random_id(22);
                let reply = calcom_booking(number, &uid, &booking, None, now);
                state.end_holds(booking.start, booking.end());
                state.bookings.insert((Provider::Calcom, uid), booking);
                (201, reply)
            }
            Operation::CalcomRescheduleBooking { uid, body } => {
                let Some(minutes) = state.minutes_of(Provider::Calcom, uid) else {
                    return not_found(provider);
                };
                let start = start_of(body.start.as_deref());
                if let Some(refused) = refuse(&state, start, minutes, Some(uid)) {
                    return refused;
                }
                // Cal.com moves a booking by replacing it: a new uid, the old one cancelled.
                let mut booking = state
                    .bookings
                    .remove(&(Provider::Calcom, uid.clone()))
                    .expect("minutes_of found it under the same lock");
                booking.start = start;
                let new_uid = random_id(22);
                let mut reply = calcom_booking(number, &new_uid, &booking, Some(uid), now);
                insert_some(
                    &mut reply["data"],
                    "reschedulingReason",
                    body.rescheduling_reason.as_deref(),
                );
                insert_some(&mut reply["data"], "rescheduledByEmail", body.rescheduled_by.as_deref());
                state.end_holds(booking.start, booking.end());
                state.bookings.insert((Provider::Calcom, new_uid), booking);
                (201, reply)
            }
            Operation::CalcomSlots(query) => {
                let zone = zone_or_utc(query.time_zone.as_deref());
                let from = slots_bound(query.start.as_deref(), zone, false).unwrap_or(now);
                let to = slots_bound(query.end.as_deref(), zone, true).unwrap_or(from);
                let mut data = serde_json::Map::new();
                let moving = query.booking_uid_to_reschedule.as_deref();
                for (date, starts) in self.free(&state, provider, zone, (from, to), now, moving) {
                    let slots: Vec<Value> = starts
                        .into_iter()
                        .map(|start| json!({ "start": in_zone(start, zone) }))
                        .collect();
                    data.insert(date, Value::Array(slots));
                }
                (200, json!({ "status": "success", "data": data }))
            }
            Operation::IclosedEventDates(request) => {
                let zone = zone_or_utc(request.time_zone.as_deref());
                let first = day(request.current_date.as_deref()).or_else(|| local_date(now, zone));
                let last = first.and_then(|first| first.checked_add_days(chrono::Days::new(EVENT_DATES_DAYS - 1)));
                let (from, to) = date_range(zone, first, last);
                let mut availabilities = serde_json::Map::new();
                for (date, starts) in self.free(&state, provider, zone, (from, to), now, None) {
                    let times: Vec<Value> = starts
                        .into_iter()
                        .map(|start| Value::String(clock_in(start, zone)))
                        .collect();
                    availabilities.insert(date, Value::Array(times));
                }
                (
                    200,
                    json!({ "data": { "availabilities": availabilities, "appliedHostIds": [1] } }),
                )
            }
            Operation::CalcomReserveSlot(request) => {
                let start = start_of(request.slot_start.as_deref());
                let minutes = request.slot_duration.map_or(DEFAULT_MINUTES, clamp_minutes);
                let end = start + minutes * 60;
                let why = self
                    .unavailable(&state, provider, start, minutes, None, now)
                    .or_else(|| state.held(start, end, now).then_some(Unavailable::Taken));
                if let Some(why) = why {
                    return reservation_refusal(why);
                }
                state.holds.retain(|_, hold| hold.until > now);
                let hold = Hold {
                    event_type_id: request.event_type_id.unwrap_or(1),
                    start,
                    minutes,
                    until: now + HOLD_SECONDS,
                };
                let uid = uuid();
                let reply = json!({ "status": "success", "data": {
                    "eventTypeId": hold.event_type_id,
                    "slotStart": utc(hold.start),
                    "slotEnd": utc(hold.start + hold.minutes * 60),
                    "slotDuration": hold.minutes,
                    "reservationUid": uid,
                    "reservationDuration": HOLD_SECONDS / 60,
                    "reservationUntil": utc(hold.until),
                }});
                state.holds.insert(uid, hold);
                (201, reply)
            }
            Operation::CalcomReleaseSlot { uid } => match state.holds.remove(uid) {
                Some(hold) if hold.until > now => (200, json!({ "status": "success" })),
                _ => (
                    404,
                    json!({ "status": "error", "error": { "code": "NotFoundException", "message": format!("Reserved slot with uid={uid} not found") } }),
                ),
            },
            Operation::CalcomCreatePhoneCall { .. } => (
                201,
                json!({ "status": "success", "data": { "callId": format!("call_{}", random_id(16)), "agentId": "agent_sandbox" } }),
            ),
        }
    }

    /// Why `provider`'s host cannot take `minutes` from `start` (the booking being
    /// moved, if any, does not count as taking its own time).
    fn unavailable(
        &self,
        state: &State,
        provider: Provider,
        start: i64,
        minutes: i64,
        moving: Option<&str>,
        now: i64,
    ) -> Option<Unavailable> {
        let end = start + minutes * 60;
        if start < now {
            Some(Unavailable::Past)
        } else if !self.host.is_open(start, end) {
            Some(Unavailable::OutsideHours)
        } else if state.overlaps(provider, start, end, moving) {
            Some(Unavailable::Taken)
        } else {
            None
        }
    }

    /// Free slot starts in `[from, to)` (at most [`MAX_DAYS`] of it), not before `now`,
    /// by date in `zone`, days without a free slot left out (as the providers do). The
    /// booking being moved (`moving`) does not take its own time; a Cal.com hold does.
    fn free(
        &self,
        state: &State,
        provider: Provider,
        zone: Tz,
        (from, to): (i64, i64),
        now: i64,
        moving: Option<&str>,
    ) -> BTreeMap<String, Vec<i64>> {
        let from = from.clamp(*INSTANTS.start(), *INSTANTS.end());
        let to = to.clamp(from, from.saturating_add(MAX_DAYS * DAY_SECONDS).min(*INSTANTS.end()));
        let slot = self.host.slot_seconds;
        let mut days: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for start in self.host.slot_starts(from.max(now), to) {
            let held = provider == Provider::Calcom && state.held(start, start + slot, now);
            if !held && !state.overlaps(provider, start, start + slot, moving) {
                days.entry(date_in(start, zone)).or_default().push(start);
            }
        }
        days
    }
}

/// The sandbox's host: when it works, as instants.
#[derive(Debug)]
struct Host {
    zone: Tz,
    days: Vec<Weekday>,
    hours: Hours,
    slot_seconds: i64,
}

impl Host {
    fn new(settings: &SandboxSettings) -> Self {
        Self {
            zone: zone_or_utc(Some(&settings.time_zone)),
            days: settings.days.iter().map(|day| day.weekday()).collect(),
            hours: settings.hours,
            slot_seconds: i64::from(settings.slot_minutes.max(1)) * 60,
        }
    }

    /// The open stretches that touch `[from, to)`, as `[open, close)` instants, with
    /// stretches that meet (a day closing at 24:00, the next opening at 00:00) joined.
    fn open_between(&self, from: i64, to: i64) -> Vec<(i64, i64)> {
        let (Some(first), Some(last)) = (local_date(from, self.zone), local_date(to, self.zone)) else {
            return Vec::new();
        };
        let mut stretches: Vec<(i64, i64)> = Vec::new();
        for date in first
            .pred_opt()
            .unwrap_or(first)
            .iter_days()
            .take_while(|date| *date <= last)
        {
            if !self.days.contains(&date.weekday()) {
                continue;
            }
            let (Some(open), Some(close)) = (
                local_instant(self.zone, date, self.hours.opens),
                local_instant(self.zone, date, self.hours.closes),
            ) else {
                continue;
            };
            match stretches.last_mut() {
                Some((_, previous_close)) if *previous_close == open => *previous_close = close,
                _ => stretches.push((open, close)),
            }
        }
        stretches
    }

    fn is_open(&self, start: i64, end: i64) -> bool {
        self.open_between(start, end)
            .iter()
            .any(|&(open, close)| open <= start && end <= close)
    }

    /// Slot starts in `[from, to)`: each open stretch cut into slots from its opening.
    fn slot_starts(&self, from: i64, to: i64) -> Vec<i64> {
        if from >= to {
            return Vec::new();
        }
        let slot = self.slot_seconds;
        self.open_between(from, to)
            .into_iter()
            .flat_map(|(open, close)| {
                (0..)
                    .map(move |n| open + n * slot)
                    .take_while(move |start| start + slot <= close)
            })
            .filter(|start| (from..to).contains(start))
            .collect()
    }
}

impl State {
    fn minutes_of(&self, provider: Provider, id: &str) -> Option<i64> {
        self.bookings
            .get(&(provider, id.to_owned()))
            .map(|booking| booking.minutes)
    }

    fn move_to(&mut self, provider: Provider, id: &str, start: i64) -> &mut Booking {
        let booking = self
            .bookings
            .get_mut(&(provider, id.to_owned()))
            .expect("the caller found it under the same lock");
        booking.start = start;
        booking
    }

    /// Whether an unexpired Cal.com hold takes part of `[start, end)`.
    fn held(&self, start: i64, end: i64, now: i64) -> bool {
        self.holds
            .values()
            .any(|hold| hold.until > now && start < hold.start + hold.minutes * 60 && hold.start < end)
    }

    /// Ends the holds on `[start, end)`: it is booked now.
    fn end_holds(&mut self, start: i64, end: i64) {
        self.holds
            .retain(|_, hold| !(start < hold.start + hold.minutes * 60 && hold.start < end));
    }

    /// Whether one of `provider`'s bookings other than `except` takes part of `[start, end)`.
    fn overlaps(&self, provider: Provider, start: i64, end: i64, except: Option<&str>) -> bool {
        self.bookings.iter().any(|((owner, id), booking)| {
            *owner == provider && Some(id.as_str()) != except && start < booking.end() && booking.start < end
        })
    }
}

/// The provider's refusal of an unavailable time, in its own status and words (the
/// phrases [`crate::answer`] recognises).
fn refusal(provider: Provider, why: Unavailable) -> Answer {
    match provider {
        Provider::Calcom => {
            let message = match why {
                Unavailable::Past => "Attempting to book a meeting in the past.",
                Unavailable::OutsideHours | Unavailable::Taken => "no_available_users_found_error",
            };
            (
                400,
                json!({ "status": "error", "error": { "code": "BadRequestException", "message": message } }),
            )
        }
        Provider::Gohighlevel => (
            400,
            json!({ "statusCode": 400, "message": "The slot you have selected is no longer available." }),
        ),
        Provider::Meetergo | Provider::Iclosed => {
            let message = match why {
                Unavailable::Past => "The selected time is in the past.",
                Unavailable::OutsideHours => "The selected time is not available.",
                Unavailable::Taken => "The selected time slot is no longer available.",
            };
            (
                400,
                json!({ "statusCode": 400, "message": message, "error": "Bad Request" }),
            )
        }
    }
}

/// Cal.com's refusal of a hold: `422` (shared/api/README.md), in the words of its
/// other refusals for the past, and "already reserved or booked" otherwise.
fn reservation_refusal(why: Unavailable) -> Answer {
    let message = match why {
        Unavailable::Past => "Attempting to reserve a slot in the past.",
        Unavailable::OutsideHours => "no_available_users_found_error",
        Unavailable::Taken => "This slot is already reserved or already booked.",
    };
    (
        422,
        json!({ "status": "error", "error": { "code": "UnprocessableEntityException", "message": message } }),
    )
}

fn not_found(provider: Provider) -> Answer {
    match provider {
        Provider::Calcom => (
            404,
            json!({ "status": "error", "error": { "code": "NotFoundException", "message": "Booking not found" } }),
        ),
        _ => (404, json!({ "statusCode": 404, "message": "Not Found" })),
    }
}

/// The event type and booking answers a Cal.com booking keeps through its moves. The
/// spec requires a numeric `eventTypeId` and an `eventType {id, slug}` in every reply,
/// also for a booking made by slug (the sandbox numbers those 1).
fn calcom_kept(request: &booking_core::calcom::CreateBookingRequest) -> serde_json::Map<String, Value> {
    let id = request.event_type_id.unwrap_or(1);
    let slug = request
        .event_type_slug
        .clone()
        .unwrap_or_else(|| format!("sandbox-{id}"));
    let attendee = request.attendee.clone().unwrap_or_default();
    let mut answers = serde_json::to_value(&request.booking_fields_responses).unwrap_or_default();
    if !answers.is_object() {
        answers = json!({});
    }
    insert_some(&mut answers, "name", attendee.name.as_deref());
    insert_some(&mut answers, "email", attendee.email.as_deref());
    insert_some(&mut answers, "attendeePhoneNumber", attendee.phone_number.as_deref());
    let kept = json!({
        "eventTypeId": id,
        "eventType": { "id": id, "slug": slug },
        "bookingFieldsResponses": answers,
    });
    kept.as_object().cloned().unwrap_or_default()
}

/// A Cal.com `BookingOutput` with every field its spec requires and no `null`.
fn calcom_booking(number: i64, uid: &str, booking: &Booking, from: Option<&str>, now: i64) -> Value {
    // Cal.com gives a phone-only attendee an address of its own.
    let email = booking.email.clone().unwrap_or_else(|| {
        let digits: String = booking
            .phone
            .as_deref()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        format!("{digits}@sms.cal.com")
    });
    let mut attendee = json!({
        "name": booking.name.clone().unwrap_or_default(),
        "email": email,
        "displayEmail": email,
        "timeZone": booking.zone,
        "absent": false,
    });
    insert_some(&mut attendee, "phoneNumber", booking.phone.as_deref());
    let mut data = json!({
        "id": number,
        "uid": uid,
        "title": format!("Sandbox call with {}", booking.name.as_deref().unwrap_or("a visitor")),
        "description": "",
        "hosts": [{
            "id": 1,
            "name": "Sandbox Host",
            "email": "host@sandbox.invalid",
            "displayEmail": "host@sandbox.invalid",
            "username": "sandbox-host",
            "timeZone": "Europe/Berlin",
        }],
        "status": "accepted",
        "start": utc(booking.start),
        "end": utc(booking.end()),
        "duration": booking.minutes,
        "location": "https://sandbox.invalid/video",
        "absentHost": false,
        "createdAt": utc(booking.created),
        "updatedAt": utc(now),
        "attendees": [attendee],
    });
    extend(&mut data, &booking.kept);
    insert_some(&mut data, "rescheduledFromUid", from);
    json!({ "status": "success", "data": data })
}

/// Adds every field of `fields` to the JSON object `object`.
fn extend(object: &mut Value, fields: &serde_json::Map<String, Value>) {
    if let Some(object) = object.as_object_mut() {
        object.extend(fields.clone());
    }
}

/// Adds `name: value` to a JSON object when there is a value: the providers leave out
/// what they do not know rather than writing `null` where their spec says string.
fn insert_some(object: &mut Value, name: &str, value: Option<&str>) {
    if let (Some(object), Some(value)) = (object.as_object_mut(), value) {
        object.insert(name.to_owned(), Value::String(value.to_owned()));
    }
}

/// A visitor's length in minutes, within what the sandbox takes.
fn clamp_minutes(minutes: i64) -> i64 {
    minutes.clamp(1, MAX_MINUTES)
}

fn random_id(length: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), length)
}

fn uuid() -> String {
    let hex = hex::encode(rand::random::<[u8; 16]>());
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn utc(unix_seconds: i64) -> String {
    Timestamp {
        unix_seconds,
        nanos: 0,
        offset_seconds: 0,
    }
    .to_utc_z()
}

/// `unix_seconds` written on the wall clock `offset_seconds` east of UTC.
fn with_offset(unix_seconds: i64, offset_seconds: i32) -> String {
    Timestamp {
        unix_seconds,
        nanos: 0,
        offset_seconds,
    }
    .to_rfc3339_offset()
}

/// `HH:MM` of `unix_seconds` on the wall clock of `zone` (iClosed's free times).
fn clock_in(unix_seconds: i64, zone: Tz) -> String {
    zone.timestamp_opt(unix_seconds, 0)
        .single()
        .map_or_else(String::new, |local| local.format("%H:%M").to_string())
}

/// `unix_seconds` written on the wall clock of `zone`.
fn in_zone(unix_seconds: i64, zone: Tz) -> String {
    let offset = zone
        .timestamp_opt(unix_seconds, 0)
        .single()
        .map_or(0, |local| chrono::Offset::fix(local.offset()).local_minus_utc());
    with_offset(unix_seconds, offset)
}

fn zone_or_utc(name: Option<&str>) -> Tz {
    name.and_then(|name| name.parse().ok()).unwrap_or(Tz::UTC)
}

fn local_date(unix_seconds: i64, zone: Tz) -> Option<NaiveDate> {
    if !INSTANTS.contains(&unix_seconds) {
        return None;
    }
    Some(zone.timestamp_opt(unix_seconds, 0).single()?.date_naive())
}

fn date_in(unix_seconds: i64, zone: Tz) -> String {
    local_date(unix_seconds, zone).map_or_else(String::new, |date| date.format("%Y-%m-%d").to_string())
}

/// The instant of `minutes` after midnight on `date` in `zone` (`24:00` is the next
/// midnight); in a daylight-saving gap, the first instant after it.
fn local_instant(zone: Tz, date: NaiveDate, minutes: u32) -> Option<i64> {
    let date = date.checked_add_days(chrono::Days::new(u64::from(minutes / (24 * 60))))?;
    let minutes = minutes % (24 * 60);
    let time = NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0)?;
    let local = date.and_time(time);
    // A gap is at most a few hours long: the first hour after it that exists.
    (0..=3).find_map(|hours| {
        zone.from_local_datetime(&(local + chrono::Duration::hours(hours)))
            .earliest()
            .map(|instant| instant.timestamp())
    })
}

/// `[start of first, start of the day after last)` in `zone`, as instants.
fn date_range(zone: Tz, first: Option<NaiveDate>, last: Option<NaiveDate>) -> (i64, i64) {
    let start = |date: Option<NaiveDate>| date.and_then(|date| local_instant(zone, date, 0));
    let from = start(first).unwrap_or(0);
    let to = start(last.and_then(|date| date.succ_opt())).unwrap_or(from);
    (from, to)
}

/// A bound of Cal.com's slots query: an instant, or a day (the whole day in `zone`);
/// an `end` bound includes what starts at it.
fn slots_bound(text: Option<&str>, zone: Tz, end: bool) -> Option<i64> {
    let text = text?;
    if let Some(instant) = parse_timestamp(text) {
        return Some(instant.unix_seconds + i64::from(end));
    }
    let date = day(Some(text))?;
    let (start, next) = date_range(zone, Some(date), Some(date));
    Some(if end { next } else { start })
}

fn day(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.get(..10)?, "%Y-%m-%d").ok()
}

fn start_of(text: Option<&str>) -> i64 {
    // Validation ran before the sandbox sees a request, so the start parses.
    text.and_then(parse_timestamp).map_or(0, |t| t.unix_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin_weekdays() -> Host {
        Host::new(&SandboxSettings::default())
    }

    fn at(text: &str) -> i64 {
        parse_timestamp(text).unwrap().unix_seconds
    }

    #[test]
    fn working_hours_are_read_in_the_host_s_zone_across_its_dst_change() {
        let host = berlin_weekdays();
        // Friday 2027-03-26 is CET (+01:00), Monday 2027-03-29 CEST (+02:00).
        assert!(host.is_open(at("2027-03-26T08:00:00Z"), at("2027-03-26T08:30:00Z")));
        assert!(!host.is_open(at("2027-03-26T07:30:00Z"), at("2027-03-26T08:00:00Z")));
        assert!(host.is_open(at("2027-03-29T07:00:00Z"), at("2027-03-29T07:30:00Z")));
        assert!(!host.is_open(at("2027-03-29T15:00:00Z"), at("2027-03-29T15:30:00Z")));
        // Saturday, and a booking that runs past closing.
        assert!(!host.is_open(at("2027-03-27T10:00:00Z"), at("2027-03-27T10:30:00Z")));
        assert!(!host.is_open(at("2027-03-29T14:45:00Z"), at("2027-03-29T15:15:00Z")));
        let slots = host.slot_starts(at("2027-03-29T00:00:00Z"), at("2027-03-30T00:00:00Z"));
        assert_eq!(slots.len(), 16);
        assert_eq!(slots[0], at("2027-03-29T07:00:00Z"));
    }

    #[test]
    fn a_whole_day_host_joins_midnight() {
        let settings = SandboxSettings {
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun],
            hours: Hours::try_from("00:00-24:00".to_owned()).unwrap(),
            ..SandboxSettings::default()
        };
        let host = Host::new(&settings);
        assert!(host.is_open(at("2027-03-27T22:45:00Z"), at("2027-03-27T23:15:00Z")));
        // The spring-forward night (02:00–03:00 does not exist) is still open around it.
        assert!(host.is_open(at("2027-03-28T00:30:00Z"), at("2027-03-28T01:30:00Z")));
    }

    #[test]
    fn hours_are_refused_unless_opening_comes_before_closing() {
        for text in ["17:00-09:00", "09:00", "9-17", "09:00-24:30", "09:60-10:00", ""] {
            assert!(Hours::try_from(text.to_owned()).is_err(), "{text}");
        }
        assert_eq!(
            Hours::try_from("08:30-24:00".to_owned()),
            Ok(Hours {
                opens: 510,
                closes: 1440
            })
        );
    }

    fn no_nulls(value: &Value, path: &str) {
        match value {
            Value::Null => panic!("null at {path}"),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| no_nulls(v, &format!("{path}.{i}"))),
            Value::Object(fields) => fields.iter().for_each(|(k, v)| no_nulls(v, &format!("{path}.{k}"))),
            _ => {}
        }
    }

    fn has_all(value: &Value, required: &[&str]) {
        for field in required {
            assert!(value.get(field).is_some(), "{field} missing from {value}");
        }
    }

    /// The sandbox's own replies (before the relay's allow-list) carry what the
    /// providers' OpenAPI files mark required, and no `null` (their schemas have none).
    #[test]
    fn replies_carry_the_spec_s_required_fields_and_no_null() {
        let sandbox = Sandbox::new(&SandboxSettings::default(), Arc::new(|| 0));
        let send = |operation: Operation| {
            let (status, body) = sandbox.send(&operation);
            assert!((200..300).contains(&status), "{body}");
            no_nulls(&body, "");
            body
        };
        // A phone-only attendee, an event type named by slug: the cases that wrote nulls.
        let calcom: booking_core::calcom::CreateBookingRequest = serde_json::from_value(json!({
            "start": "2027-03-29T08:00:00Z", "eventTypeSlug": "intro", "username": "ada",
            "attendee": { "name": "Ada", "timeZone": "Europe/Berlin", "phoneNumber": "+442079460958" },
        }))
        .unwrap();
        let booking = send(Operation::CalcomCreateBooking(calcom));
        let required = [
            "id",
            "uid",
            "title",
            "description",
            "hosts",
            "status",
            "start",
            "end",
            "duration",
            "eventTypeId",
            "eventType",
            "location",
            "absentHost",
            "createdAt",
            "updatedAt",
            "attendees",
            "bookingFieldsResponses",
        ];
        has_all(&booking["data"], &required);
        has_all(
            &booking["data"]["attendees"][0],
            &["name", "email", "displayEmail", "timeZone", "absent"],
        );
        has_all(
            &booking["data"]["hosts"][0],
            &["id", "name", "email", "displayEmail", "username", "timeZone"],
        );
        has_all(&booking["data"]["eventType"], &["id", "slug"]);
        let uid = booking["data"]["uid"].as_str().unwrap().to_owned();
        let moved = send(Operation::CalcomRescheduleBooking {
            uid,
            body: serde_json::from_value(json!({ "start": "2027-03-29T09:00:00Z" })).unwrap(),
        });
        has_all(&moved["data"], &required);
        assert_eq!(moved["data"]["eventType"], booking["data"]["eventType"]);

        let appointment = send(Operation::GohighlevelCreateAppointment(
            serde_json::from_value(json!({
                "calendarId": "c", "locationId": "l", "contactId": "p",
                "startTime": "2027-03-29T09:00:00+02:00", "endTime": "2027-03-29T09:30:00+02:00",
            }))
            .unwrap(),
        ));
        has_all(&appointment, &["calendarId", "locationId", "contactId", "id"]);
        let moved = send(Operation::GohighlevelUpdateAppointment {
            event_id: appointment["id"].as_str().unwrap().to_owned(),
            body: serde_json::from_value(json!({ "startTime": "2027-03-29T10:00:00+02:00" })).unwrap(),
        });
        has_all(&moved, &["calendarId", "locationId", "contactId", "id"]);
        send(Operation::GohighlevelUpsertContact(
            serde_json::from_value(json!({ "locationId": "l", "email": "ada@example.com" })).unwrap(),
        ));
        send(Operation::IclosedCreateCall(
            serde_json::from_value(json!({ "dateTime": "2027-03-29T11:00:00Z", "timeZone": "Europe/Berlin", "phoneNumber": "+442079460958" }))
                .unwrap(),
        ));
    }

    #[test]
    fn a_visitor_s_length_is_clamped_before_any_arithmetic() {
        assert_eq!(clamp_minutes(i64::MAX), MAX_MINUTES);
        assert_eq!(clamp_minutes(i64::MIN), 1);
    }
}
