//! The sandbox upstream: all four providers in memory. Ids have each provider's shape,
//! replies each provider's documented shape, a reschedule moves the stored booking, and
//! availability is working hours in the asked zone minus what is booked.

use std::collections::HashMap;
use std::sync::Mutex;

use booking_core::time::{parse_timestamp, LocalDateTime, Timestamp};
use chrono::{Datelike, NaiveDate, Weekday};
use rand::distributions::{Alphanumeric, DistString};
use serde_json::{json, Value};

use crate::error::RelayError;
use crate::ops::{Operation, Provider};
use crate::zones::ChronoTz;

/// Length of a booking when the request does not say.
const DEFAULT_MINUTES: i64 = 30;
/// Working hours every sandbox host keeps, in the asked zone, Monday to Friday.
const WORKING_HOURS: std::ops::Range<u8> = 9..17;
/// Length of the slots availability offers.
const SLOT_MINUTES: i64 = 30;
/// Longest range one availability answer covers, in days.
const MAX_DAYS: i64 = 62;

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

#[derive(Debug, Clone)]
struct Booking {
    start: i64,
    minutes: i64,
    zone: String,
    email: Option<String>,
    name: Option<String>,
    phone: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    bookings: HashMap<(Provider, String), Booking>,
    contacts: HashMap<String, String>,
    next_number: i64,
}

/// The in-memory provider.
#[derive(Debug, Default)]
pub struct Sandbox {
    state: Mutex<State>,
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

/// `unix_seconds` written on the wall clock of `zone` (UTC when unknown).
fn in_zone(unix_seconds: i64, zone: &str) -> String {
    use booking_core::ZoneOffsets;
    with_offset(unix_seconds, ChronoTz.offset_seconds(zone, unix_seconds).unwrap_or(0))
}

fn start_of(text: Option<&str>) -> i64 {
    // Validation ran before the sandbox sees a request, so the start parses.
    text.and_then(parse_timestamp).map_or(0, |t| t.unix_seconds)
}

impl Sandbox {
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

    /// Answers `operation` as its provider would: status and JSON body.
    pub fn send(&self, operation: &Operation) -> Result<(u16, Value), RelayError> {
        let mut state = self.lock();
        state.next_number += 1;
        let number = 1_000 + state.next_number;
        Ok(match operation {
            Operation::IclosedCreateCall(request) => {
                let booking = Booking {
                    start: start_of(request.date_time.as_deref()),
                    minutes: DEFAULT_MINUTES,
                    zone: request.time_zone.clone().unwrap_or_default(),
                    email: request.email.clone(),
                    name: request.first_name.clone(),
                    phone: request.phone_number.clone(),
                };
                let reply = json!({ "data": { "eventCall": {
                    "message": "Event call created",
                    "status": 201,
                    "data": {
                        "startTime": utc(booking.start),
                        "endTime": utc(booking.start + booking.minutes * 60),
                        "id": number,
                        "closerId": 1,
                        "timeZone": booking.zone,
                        "guestEmail": booking.email,
                        "token": random_id(24),
                        "closerName": "Sandbox Closer",
                        "previewId": random_id(12),
                        "closerEmail": "closer@sandbox.invalid",
                    }
                }}});
                state.bookings.insert((Provider::Iclosed, number.to_string()), booking);
                (201, reply)
            }
            Operation::IclosedRescheduleCall(request) => {
                let id = request.id.unwrap_or_default();
                let booking = state
                    .bookings
                    .get_mut(&(Provider::Iclosed, id.to_string()))
                    .ok_or(RelayError::NotFound)?;
                booking.start = start_of(request.date_time.as_deref());
                if let Some(zone) = &request.time_zone {
                    booking.zone.clone_from(zone);
                }
                let start = utc(booking.start);
                (
                    200,
                    json!({ "data": { "eventCall": {
                        "id": id,
                        "eventId": 1,
                        "dateTime": start,
                        "dateTimeUTC": start,
                        "eventType": "UPCOMING",
                        "isSlotFree": true,
                        "duration": booking.minutes,
                        "durationUnit": "minutes",
                        "inviteTimeZone": booking.zone,
                        "inviteeEmail": booking.email,
                        "rescheduleReason": request.reschedule_reason,
                    }}}),
                )
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
                (
                    200,
                    json!({
                        "new": existing.is_none(),
                        "contact": {
                            "id": id,
                            "locationId": request.location_id,
                            "email": request.email,
                            "phone": request.phone,
                            "firstName": request.first_name,
                            "lastName": request.last_name,
                        },
                        "traceId": uuid(),
                    }),
                )
            }
            Operation::GohighlevelCreateAppointment(request) => {
                let details = request;
                let id = random_id(20);
                let start = parse_timestamp(details.start_time.as_deref().unwrap_or_default());
                let end = details.end_time.as_deref().and_then(parse_timestamp);
                let offset = start.map_or(0, |t| t.offset_seconds);
                let start = start.map_or(0, |t| t.unix_seconds);
                let minutes = end.map_or(DEFAULT_MINUTES, |end| (end.unix_seconds - start) / 60);
                let write = |unix_seconds| with_offset(unix_seconds, offset);
                let reply = json!({
                    "calendarId": request.calendar_id,
                    "locationId": request.location_id,
                    "contactId": request.contact_id,
                    "id": id,
                    "startTime": write(start),
                    "endTime": write(start + minutes * 60),
                    "title": details.title.clone().unwrap_or_else(|| "Sandbox appointment".into()),
                    "meetingLocationType": "custom",
                    "appointmentStatus": "confirmed",
                    "address": details.address,
                    "isRecurring": false,
                });
                let booking = Booking {
                    start,
                    minutes,
                    zone: String::new(),
                    email: None,
                    name: None,
                    phone: None,
                };
                state.bookings.insert((Provider::Gohighlevel, id), booking);
                (201, reply)
            }
            Operation::GohighlevelUpdateAppointment { event_id, body } => {
                let key = (Provider::Gohighlevel, event_id.clone());
                let booking = state.bookings.get_mut(&key).ok_or(RelayError::NotFound)?;
                let start = parse_timestamp(body.start_time.as_deref().unwrap_or_default());
                let offset = start.map_or(0, |t| t.offset_seconds);
                booking.start = start.map_or(booking.start, |t| t.unix_seconds);
                if let Some(end) = body.end_time.as_deref().and_then(parse_timestamp) {
                    booking.minutes = (end.unix_seconds - booking.start) / 60;
                }
                let write = |unix_seconds| with_offset(unix_seconds, offset);
                (
                    200,
                    json!({
                        "id": event_id,
                        "calendarId": body.calendar_id,
                        "startTime": write(booking.start),
                        "endTime": write(booking.start + booking.minutes * 60),
                        "appointmentStatus": "confirmed",
                        "isRecurring": false,
                    }),
                )
            }
            Operation::GohighlevelFreeSlots { query, .. } => {
                let zone = query.timezone.clone().unwrap_or_else(|| "UTC".into());
                let from = query.start_date.unwrap_or_default() / 1_000;
                let to = query.end_date.unwrap_or_default() / 1_000;
                let booked = state.booked(Provider::Gohighlevel);
                let mut reply = serde_json::Map::new();
                for (date, starts) in working_slots(&zone, day_in(from, &zone), day_in(to, &zone), &booked) {
                    let slots: Vec<String> = starts
                        .into_iter()
                        .filter(|start| (from..=to).contains(start))
                        .map(|start| in_zone(start, &zone))
                        .collect();
                    reply.insert(date, json!({ "slots": slots }));
                }
                reply.insert("traceId".into(), json!(uuid()));
                (200, Value::Object(reply))
            }
            Operation::MeetergoCreateBooking(request) => {
                let id = uuid();
                let attendee = request.attendee.clone().unwrap_or_default();
                let minutes = request
                    .duration
                    .as_ref()
                    .and_then(|d| d.as_f64())
                    .map_or(DEFAULT_MINUTES, |d| d as i64);
                let booking = Booking {
                    start: start_of(request.start.as_deref()),
                    minutes,
                    zone: attendee.timezone.clone().unwrap_or_default(),
                    email: attendee.email.clone(),
                    name: attendee.fullname.clone(),
                    phone: attendee.phone.clone(),
                };
                state.bookings.insert((Provider::Meetergo, id.clone()), booking);
                (
                    201,
                    json!({ "appointmentId": id, "secret": hex::encode(rand::random::<[u8; 16]>()), "attendeeEmail": attendee.email }),
                )
            }
            Operation::MeetergoRescheduleAppointment { id, body } => {
                let booking = state
                    .bookings
                    .get_mut(&(Provider::Meetergo, id.clone()))
                    .ok_or(RelayError::NotFound)?;
                booking.start = start_of(body.start.as_deref());
                (
                    200,
                    json!({ "appointment": {
                        "id": id,
                        "start": utc(booking.start),
                        "end": utc(booking.start + booking.minutes * 60),
                    }}),
                )
            }
            Operation::MeetergoBookingAvailability(query) => {
                let zone = query.timezone.clone().unwrap_or_else(|| "UTC".into());
                let booked = state.booked(Provider::Meetergo);
                let dates: Vec<Value> =
                    working_slots(&zone, day(query.start.as_deref()), day(query.end.as_deref()), &booked)
                        .into_iter()
                        .map(|(date, starts)| {
                            let spots: Vec<Value> = starts
                                .into_iter()
                                .map(|start| json!({ "startTime": in_zone(start, &zone) }))
                                .collect();
                            json!({ "date": date, "spots": spots })
                        })
                        .collect();
                (200, json!({ "timezone": zone, "dates": dates }))
            }
            Operation::CalcomCreateBooking(request) => {
                let attendee = request.attendee.clone().unwrap_or_default();
                let booking = Booking {
                    start: start_of(request.start.as_deref()),
                    minutes: request.length_in_minutes.unwrap_or(DEFAULT_MINUTES),
                    zone: attendee.time_zone.clone().unwrap_or_default(),
                    email: attendee.email.clone(),
                    name: attendee.name.clone(),
                    phone: attendee.phone_number.clone(),
                };
                let uid = random_id(22);
                let reply = calcom_booking(number, &uid, &booking, request.event_type_id, None);
                state.bookings.insert((Provider::Calcom, uid), booking);
                (201, reply)
            }
            Operation::CalcomRescheduleBooking { uid, body } => {
                // Cal.com moves a booking by replacing it: a new uid, the old one cancelled.
                let mut booking = state
                    .bookings
                    .remove(&(Provider::Calcom, uid.clone()))
                    .ok_or(RelayError::NotFound)?;
                booking.start = start_of(body.start.as_deref());
                let new_uid = random_id(22);
                let reply = calcom_booking(number, &new_uid, &booking, None, Some(uid));
                state.bookings.insert((Provider::Calcom, new_uid), booking);
                (201, reply)
            }
            Operation::CalcomSlots(query) => {
                let zone = query.time_zone.clone().unwrap_or_else(|| "UTC".into());
                let booked = state.booked(Provider::Calcom);
                // A bound is a day (the whole day) or an instant (UTC).
                let day_of =
                    |text: Option<&str>| text.and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok());
                let instant = |text: Option<&str>| text.and_then(parse_timestamp).map(|t| t.unix_seconds);
                let from = instant(query.start.as_deref()).unwrap_or(i64::MIN);
                let to = instant(query.end.as_deref()).unwrap_or(i64::MAX);
                let mut data = serde_json::Map::new();
                for (date, starts) in working_slots(
                    &zone,
                    day_of(query.start.as_deref()),
                    day_of(query.end.as_deref()),
                    &booked,
                ) {
                    let slots: Vec<Value> = starts
                        .into_iter()
                        .filter(|start| (from..=to).contains(start))
                        .map(|start| json!({ "start": in_zone(start, &zone) }))
                        .collect();
                    data.insert(date, Value::Array(slots));
                }
                (200, json!({ "status": "success", "data": data }))
            }
            Operation::CalcomCreatePhoneCall { .. } => (
                201,
                json!({ "status": "success", "data": { "callId": format!("call_{}", random_id(16)), "agentId": "agent_sandbox" } }),
            ),
        })
    }
}

impl State {
    /// The times `provider`'s bookings take, as `[start, end)` in Unix seconds.
    fn booked(&self, provider: Provider) -> Vec<(i64, i64)> {
        self.bookings
            .iter()
            .filter(|((owner, _), _)| *owner == provider)
            .map(|(_, booking)| (booking.start, booking.start + booking.minutes * 60))
            .collect()
    }
}

fn calcom_booking(number: i64, uid: &str, booking: &Booking, event_type_id: Option<i64>, from: Option<&str>) -> Value {
    json!({
        "status": "success",
        "data": {
            "id": number,
            "uid": uid,
            "title": format!("Sandbox call with {}", booking.name.as_deref().unwrap_or("a visitor")),
            "status": "accepted",
            "start": utc(booking.start),
            "end": utc(booking.start + booking.minutes * 60),
            "duration": booking.minutes,
            "eventTypeId": event_type_id,
            "location": "https://sandbox.invalid/video",
            "rescheduledFromUid": from,
            "attendees": [{
                "name": booking.name.clone().unwrap_or_default(),
                "email": booking.email,
                "timeZone": booking.zone,
                "phoneNumber": booking.phone,
            }],
        }
    })
}

fn day(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?, "%Y-%m-%d").ok()
}

fn day_in(unix_seconds: i64, zone: &str) -> Option<NaiveDate> {
    day(in_zone(unix_seconds, zone).get(..10))
}

/// Start instants of 30-minute slots in working hours, by date in `zone`, from `first`
/// to `last` (inclusive, at most [`MAX_DAYS`]), without those that overlap `booked`.
fn working_slots(
    zone: &str,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    booked: &[(i64, i64)],
) -> Vec<(String, Vec<i64>)> {
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|date| *date <= last)
        .take(MAX_DAYS as usize)
        .filter(|date| !matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
        .map(|date| {
            let starts = WORKING_HOURS
                .flat_map(|hour| [0, SLOT_MINUTES as u8].map(|minute| (hour, minute)))
                .filter_map(|(hour, minute)| {
                    let local = LocalDateTime {
                        year: date.year(),
                        month: date.month() as u8,
                        day: date.day() as u8,
                        hour,
                        minute,
                    };
                    local.in_zone(zone, &ChronoTz).ok().map(|t| t.unix_seconds)
                })
                .filter(|start| {
                    let end = start + SLOT_MINUTES * 60;
                    !booked.iter().any(|&(from, to)| *start < to && from < end)
                })
                .collect();
            (date.format("%Y-%m-%d").to_string(), starts)
        })
        .collect()
}
