//! `booking-relay serve` against a fake provider on 127.0.0.1.
//!
//! The fake records every request it receives (method, path, query, headers, body) and
//! answers per scenario: a canned reply in the provider's documented shape, a delay, a
//! 5xx, a malformed or cut-short body, a 4xx with field errors, a redirect, or a
//! connection dropped without an answer. Every relay response any test sees is checked
//! for the operator's secrets, and so is every log line the relay writes.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use booking_core::meetergo::Channel;
use booking_relay::config::{Config, GohighlevelPolicy, Limits, MeetergoPolicy};
use booking_relay::ops::{Provider, Route};
use booking_relay::{ConfigError, Secrets};
use common::fake::{read_request, Fake, Recorded, Reply};
use common::send as send_unchecked;
use common::{
    calcom_policy, env, iclosed_policy, relay, roomy_limits, Answer, Logs, Relay, ALLOWED_ORIGIN, CALCOM_KEY,
    GOHIGHLEVEL_TOKEN, ICLOSED_KEY, MEETERGO_KEY, TOKEN_KEY,
};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// A provider reply built from the case it answers.
type ReplyFor = Box<dyn Fn(&Case) -> Reply>;

// ---------------------------------------------------------------------------------------
// Secrets and the visitor
// ---------------------------------------------------------------------------------------

/// Every secret, and the distinctive part of each (a secret cut or re-encoded still
/// carries it).
const SECRET_NEEDLES: &[&str] = &[
    ICLOSED_KEY,
    GOHIGHLEVEL_TOKEN,
    MEETERGO_KEY,
    CALCOM_KEY,
    TOKEN_KEY,
    "SECRETKEY123456",
    "1234abcd-secret",
    "SECRETMEETERGO",
    "SECRETCALCOM",
    "0123456789abcdefghijklmnop",
];

const VISITOR_EMAIL: &str = "ada.lovelace@example.com";
const VISITOR_PHONE: &str = "+442079460958";
fn secrets_in(text: &str) -> Vec<&'static str> {
    SECRET_NEEDLES
        .iter()
        .copied()
        .filter(|needle| text.contains(needle))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Log capture
// ---------------------------------------------------------------------------------------

impl Logs {
    /// No secret, and not the visitor's full email or phone, in any line.
    fn assert_clean(&self) {
        let text = self.text();
        let mut problems = Vec::new();
        for line in text.lines() {
            let secrets = secrets_in(line);
            if !secrets.is_empty() {
                problems.push(format!("secret {secrets:?} in log line: {line}"));
            }
            for contact in [VISITOR_EMAIL, "ada.lovelace", VISITOR_PHONE, "2079460958"] {
                if line.contains(contact) {
                    problems.push(format!("visitor's {contact:?} unmasked in log line: {line}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------
// The fake provider
// ---------------------------------------------------------------------------------------

/// Path the fake redirects to; it answers there with a valid reply for every route, so
/// following a redirect would look like a success.
const REDIRECT_TARGET: &str = "/redirect-target";

/// What a raw TCP "provider" does with each connection.
#[derive(Debug, Clone, Copy)]
enum Raw {
    /// Reads the request, then resets the connection (RST, `SO_LINGER` 0).
    Reset,
    /// Closes the connection as soon as it is accepted, without reading or answering.
    CloseAtOnce,
    /// Reads the request, sends a 200 whose body is shorter than its `Content-Length`,
    /// then closes.
    CutShort,
}

/// A provider that accepts TCP connections and misbehaves; returns its URL and how many
/// connections it accepted.
async fn raw_upstream(behaviour: Raw) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                match behaviour {
                    Raw::CloseAtOnce => drop(stream),
                    Raw::Reset => {
                        read_request(&mut stream).await;
                        let _ = stream.set_zero_linger();
                        drop(stream);
                    }
                    Raw::CutShort => {
                        read_request(&mut stream).await;
                        let _ = stream
                            .write_all(
                                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"data\":{\"eventCall\":{\"data\":{\"id\":42",
                            )
                            .await;
                        let _ = stream.flush().await;
                        drop(stream);
                    }
                }
            });
        }
    });
    (url, accepted)
}

// ---------------------------------------------------------------------------------------
// The relay
// ---------------------------------------------------------------------------------------

fn limits(upstream_timeout_ms: u64) -> Limits {
    Limits {
        body_bytes: 64 * 1024,
        upstream_timeout_ms,
        idempotency_retention_hours: 24,
        // Some tests place the same phone call many times (audit_connections.rs tests the limits).
        calls_per_number_per_day: 100_000,
        calls_per_origin_per_day: 100_000,
        // A keyed write goes on after its 504 for this long.
        upstream_deadline_ms: upstream_timeout_ms * 5,
        // The tests call without a socket, so every request is one client ("local").
        ..roomy_limits()
    }
}

/// All four providers at `base`, with a policy that fixes something on every route
/// that has something to fix.
fn config(base: &str) -> Config {
    Config {
        allowed_origins: vec![ALLOWED_ORIGIN.to_owned()],
        limits: limits(5_000),
        iclosed: Some(iclosed_policy(base)),
        gohighlevel: Some(GohighlevelPolicy {
            base_url: Some(base.to_owned()),
            calendar_id: Some("cal-FIXED".into()),
            location_id: Some("loc-FIXED".into()),
        }),
        meetergo: Some(MeetergoPolicy {
            base_url: Some(base.to_owned()),
            meeting_type_id: Some("mt-FIXED".into()),
            host_ids: Some(vec!["host-FIXED".into()]),
            queue_id: None,
            channel: Some(Channel::Zoom),
        }),
        calcom: Some(calcom_policy(base)),
        ..Config::default()
    }
}

impl Answer {
    /// Secrets found anywhere in the answer.
    fn secrets(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (name, value) in &self.headers {
            let header = format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
            found.extend(
                secrets_in(&header)
                    .into_iter()
                    .map(|s| format!("{s} in header {header}")),
            );
        }
        found.extend(secrets_in(&self.text).into_iter().map(|s| format!("{s} in body")));
        found
    }

    /// The contract's error shape: `{"errors":[{"field","code","message"}, …]}`, non-empty.
    fn assert_error_shape(&self, context: &str) {
        let errors = self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: no errors[] in {}", self.text));
        assert!(!errors.is_empty(), "{context}: empty errors[]");
        for error in errors {
            for key in ["field", "code", "message"] {
                assert!(
                    error[key].as_str().is_some_and(|text| !text.is_empty()),
                    "{context}: error without {key}: {error}"
                );
            }
        }
        assert_eq!(
            self.body.as_object().map(|o| o.len()),
            Some(1),
            "{context}: the error body has only errors[]: {}",
            self.text
        );
    }

    fn first_code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or_default()
    }
}

/// Sends a request to the relay; the answer must carry no secret.
async fn send(app: &Router, request: Request<Body>) -> Answer {
    let answer = send_unchecked(app, request).await;
    let secrets = answer.secrets();
    assert!(
        secrets.is_empty(),
        "the relay's answer carries a secret: {secrets:?}\n{answer:?}"
    );
    answer
}

// ---------------------------------------------------------------------------------------
// The thirteen routes
// ---------------------------------------------------------------------------------------

/// One route: what a visitor sends, what the provider must receive, what it answers,
/// and what the visitor must get back.
#[derive(Debug, Clone)]
struct Case {
    name: &'static str,
    provider: Provider,
    method: Method,
    /// Path and query on the relay.
    relay_uri: &'static str,
    visitor_body: Option<Value>,
    /// The booking a reschedule moves (a valid token for it is sent).
    moves: Option<&'static str>,
    upstream_method: &'static str,
    upstream_path: &'static str,
    upstream_query: Option<&'static str>,
    /// Every header the provider must get beyond `host`, `accept`, `content-type`,
    /// `content-length`, with its exact value.
    upstream_headers: Vec<(&'static str, String)>,
    upstream_body: Option<Value>,
    /// The provider's success reply.
    canned: Value,
    /// What the visitor gets back from it.
    allowed: Value,
    /// The booking the answer's `Reschedule-Token` must be for.
    token_for: Option<&'static str>,
}

impl Case {
    fn request(&self, relay: &Relay) -> Request<Body> {
        self.request_with(relay, &[])
    }

    /// The visitor's request, with headers a provider must never see from a visitor
    /// (their own `Authorization`, a cookie, API version headers of their choosing).
    fn request_with(&self, relay: &Relay, extra: &[(&str, &str)]) -> Request<Body> {
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(self.relay_uri)
            .header("authorization", "Bearer visitor-supplied-token")
            .header("cookie", "session=visitor-cookie")
            .header("cal-api-version", "1999-01-01")
            .header("version", "1999-01-01")
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(booking) = self.moves {
            builder = builder.header("reschedule-token", relay.state.tokens().issue(self.provider, booking));
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        match &self.visitor_body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        }
    }
}

fn bearer(key: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {key}"))
}

fn iclosed_create() -> Case {
    Case {
        name: "iclosed create call",
        provider: Provider::Iclosed,
        method: Method::POST,
        relay_uri: "/iclosed/v1/eventCalls",
        visitor_body: Some(json!({
            "dateTime": "2026-03-09T14:30:00Z",
            "timeZone": "Europe/Berlin",
            "email": VISITOR_EMAIL,
            "phoneNumber": VISITOR_PHONE,
            "firstName": "Ada",
            "lastName": "Lovelace",
            "eventId": 1,
            "linkPrefix": "visitor/chosen",
        })),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/v1/eventCalls",
        upstream_query: None,
        upstream_headers: vec![bearer(ICLOSED_KEY)],
        upstream_body: Some(json!({
            "dateTime": "2026-03-09T14:30:00Z",
            "timeZone": "Europe/Berlin",
            "email": VISITOR_EMAIL,
            "phoneNumber": VISITOR_PHONE,
            "firstName": "Ada",
            "lastName": "Lovelace",
            "eventId": 4711,
        })),
        canned: json!({
            "data": { "eventCall": {
                "message": "Call booked",
                "status": 201,
                "data": {
                    "startTime": "2026-03-09T14:30:00.000Z",
                    "endTime": "2026-03-09T15:00:00.000Z",
                    "id": 4242,
                    "closerId": 9,
                    "timeZone": "Europe/Berlin",
                    "guestEmail": VISITOR_EMAIL,
                    "token": "ic-token",
                    "closerName": "Grace",
                    "previewId": "pv-1",
                    "closerEmail": "grace@acme.example",
                    "confirmationLink": "https://app.iclosed.io/c/4242",
                    "redirectUrl": "https://acme.example/thanks",
                    "leadScore": 99
                },
                "internalNotes": "vip"
            } },
            "meta": { "requestId": "r-1" }
        }),
        allowed: json!({
            "data": { "eventCall": {
                "message": "Call booked",
                "status": 201,
                "data": {
                    "startTime": "2026-03-09T14:30:00.000Z",
                    "endTime": "2026-03-09T15:00:00.000Z",
                    "id": 4242,
                    "closerId": 9,
                    "timeZone": "Europe/Berlin",
                    "guestEmail": VISITOR_EMAIL,
                    "token": "ic-token",
                    "closerName": "Grace",
                    "previewId": "pv-1",
                    "closerEmail": "grace@acme.example",
                    "confirmationLink": "https://app.iclosed.io/c/4242",
                    "redirectUrl": "https://acme.example/thanks"
                }
            } }
        }),
        token_for: Some("4242"),
    }
}

fn iclosed_reschedule() -> Case {
    let body = json!({
        "id": 4242,
        "dateTime": "2026-03-10T09:00:00Z",
        "timeZone": "Europe/Berlin",
        "rescheduleReason": "Clash",
        "notes": "Sorry",
    });
    Case {
        name: "iclosed reschedule call",
        provider: Provider::Iclosed,
        method: Method::PUT,
        relay_uri: "/iclosed/v1/eventCalls/reschedule",
        visitor_body: Some(body.clone()),
        moves: Some("4242"),
        upstream_method: "PUT",
        upstream_path: "/v1/eventCalls/reschedule",
        upstream_query: None,
        upstream_headers: vec![bearer(ICLOSED_KEY)],
        upstream_body: Some(body),
        canned: json!({ "data": { "eventCall": {
            "id": 4242,
            "eventId": 4711,
            "dateTime": "2026-03-10T10:00:00+01:00",
            "dateTimeUTC": "2026-03-10T09:00:00Z",
            "eventType": "UPCOMING",
            "name": "Intro",
            "duration": 30,
            "durationUnit": "MINUTES",
            "inviteTimeZone": "Europe/Berlin",
            "locationLinkInvitee": "https://meet.example/x",
            "rescheduleReason": "Clash",
            "email": "someone-else@acme.example",
            "phoneNumber": "+15550000000",
            "notes": "closer's private notes",
            "userId": 7,
            "deals": [{ "id": 1, "value": 5000 }]
        } } }),
        allowed: json!({ "data": { "eventCall": {
            "id": 4242,
            "eventId": 4711,
            "dateTime": "2026-03-10T10:00:00+01:00",
            "dateTimeUTC": "2026-03-10T09:00:00Z",
            "eventType": "UPCOMING",
            "name": "Intro",
            "duration": 30,
            "durationUnit": "MINUTES",
            "inviteTimeZone": "Europe/Berlin",
            "locationLinkInvitee": "https://meet.example/x",
            "rescheduleReason": "Clash"
        } } }),
        token_for: Some("4242"),
    }
}

fn gohighlevel_upsert() -> Case {
    Case {
        name: "gohighlevel upsert contact",
        provider: Provider::Gohighlevel,
        method: Method::POST,
        relay_uri: "/gohighlevel/contacts/upsert",
        visitor_body: Some(json!({
            "locationId": "visitor-loc",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": VISITOR_EMAIL,
            "phone": VISITOR_PHONE,
            "timezone": "Europe/Berlin",
            "source": "booking widget",
        })),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/contacts/upsert",
        upstream_query: None,
        upstream_headers: vec![bearer(GOHIGHLEVEL_TOKEN), ("version", "2021-07-28".into())],
        upstream_body: Some(json!({
            "locationId": "loc-FIXED",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": VISITOR_EMAIL,
            "phone": VISITOR_PHONE,
            "timezone": "Europe/Berlin",
            "source": "booking widget",
        })),
        canned: json!({
            "new": false,
            "contact": {
                "id": "c-ada",
                "locationId": "loc-FIXED",
                "email": "existing.person@example.com",
                "phone": "+15551234567",
                "firstName": "Existing",
                "lastName": "Person",
                "tags": ["vip"],
                "customFields": [{ "id": "cf-1", "value": "private" }]
            },
            "traceId": "t-1"
        }),
        allowed: json!({ "new": false, "contact": { "id": "c-ada" } }),
        token_for: None,
    }
}

fn gohighlevel_create() -> Case {
    let visitor = json!({
        "calendarId": "visitor-cal",
        "locationId": "visitor-loc",
        "contactId": "c-ada",
        "startTime": "2026-03-09T15:30:00+01:00",
        "endTime": "2026-03-09T16:00:00+01:00",
        "title": "Intro call",
        "meetingLocationType": "zoom",
        "description": "Engines",
    });
    let mut upstream = visitor.clone();
    upstream["calendarId"] = json!("cal-FIXED");
    upstream["locationId"] = json!("loc-FIXED");
    let mut allowed = json!({
        "id": "appt-1",
        "calendarId": "cal-FIXED",
        "locationId": "loc-FIXED",
        "contactId": "c-ada",
        "startTime": "2026-03-09T15:30:00+01:00",
        "endTime": "2026-03-09T16:00:00+01:00",
        "title": "Intro call",
        "meetingLocationType": "zoom",
        "appointmentStatus": "confirmed",
        "assignedUserId": "u-1",
        "address": "https://zoom.us/j/1",
        "isRecurring": false,
    });
    let mut canned = allowed.clone();
    canned["notes"] = json!("private");
    canned["traceId"] = json!("t-2");
    canned["contact"] = json!({ "email": "existing.person@example.com" });
    allowed["isRecurring"] = json!(false);
    Case {
        name: "gohighlevel create appointment",
        provider: Provider::Gohighlevel,
        method: Method::POST,
        relay_uri: "/gohighlevel/calendars/events/appointments",
        visitor_body: Some(visitor),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/calendars/events/appointments",
        upstream_query: None,
        upstream_headers: vec![bearer(GOHIGHLEVEL_TOKEN), ("version", "2021-04-15".into())],
        upstream_body: Some(upstream),
        canned,
        allowed,
        token_for: Some("appt-1"),
    }
}

fn gohighlevel_update() -> Case {
    Case {
        name: "gohighlevel update appointment",
        provider: Provider::Gohighlevel,
        method: Method::PUT,
        relay_uri: "/gohighlevel/calendars/events/appointments/appt-1",
        visitor_body: Some(json!({
            "calendarId": "visitor-cal",
            "startTime": "2026-03-10T10:00:00+01:00",
            "endTime": "2026-03-10T10:30:00+01:00",
        })),
        moves: Some("appt-1"),
        upstream_method: "PUT",
        upstream_path: "/calendars/events/appointments/appt-1",
        upstream_query: None,
        upstream_headers: vec![bearer(GOHIGHLEVEL_TOKEN), ("version", "2021-04-15".into())],
        upstream_body: Some(json!({
            "calendarId": "cal-FIXED",
            "startTime": "2026-03-10T10:00:00+01:00",
            "endTime": "2026-03-10T10:30:00+01:00",
        })),
        canned: json!({
            "id": "appt-1",
            "calendarId": "cal-FIXED",
            "contactId": "c-ada",
            "startTime": "2026-03-10T10:00:00+01:00",
            "endTime": "2026-03-10T10:30:00+01:00",
            "appointmentStatus": "confirmed",
            "notes": "private",
            "traceId": "t-3"
        }),
        allowed: json!({
            "id": "appt-1",
            "calendarId": "cal-FIXED",
            "contactId": "c-ada",
            "startTime": "2026-03-10T10:00:00+01:00",
            "endTime": "2026-03-10T10:30:00+01:00",
            "appointmentStatus": "confirmed"
        }),
        token_for: Some("appt-1"),
    }
}

fn gohighlevel_free_slots() -> Case {
    Case {
        name: "gohighlevel free slots",
        provider: Provider::Gohighlevel,
        method: Method::GET,
        relay_uri: "/gohighlevel/calendars/visitor-cal/free-slots?startDate=1773014400000&endDate=1773619200000&timezone=Europe%2FBerlin",
        visitor_body: None,
        moves: None,
        upstream_method: "GET",
        upstream_path: "/calendars/cal-FIXED/free-slots",
        upstream_query: Some("startDate=1773014400000&endDate=1773619200000&timezone=Europe%2FBerlin"),
        upstream_headers: vec![bearer(GOHIGHLEVEL_TOKEN), ("version", "2021-04-15".into())],
        upstream_body: None,
        canned: json!({
            "2026-03-09": { "slots": ["2026-03-09T09:00:00+01:00", "2026-03-09T09:30:00+01:00"] },
            "2026-03-10": { "slots": [] },
            "traceId": "t-4"
        }),
        allowed: json!({
            "2026-03-09": { "slots": ["2026-03-09T09:00:00+01:00", "2026-03-09T09:30:00+01:00"] },
            "2026-03-10": { "slots": [] }
        }),
        token_for: None,
    }
}

fn meetergo_create() -> Case {
    let attendee = json!({
        "email": VISITOR_EMAIL,
        "receiveReminders": true,
        "notes": { "utm_source": "newsletter" },
        "firstname": "Ada",
        "lastname": "Lovelace",
        "phone": VISITOR_PHONE,
        "timezone": "Europe/Berlin",
    });
    Case {
        name: "meetergo create booking",
        provider: Provider::Meetergo,
        method: Method::POST,
        relay_uri: "/meetergo/v4/booking",
        visitor_body: Some(json!({
            "attendee": attendee,
            "meetingTypeId": "visitor-mt",
            "start": "2026-03-09T15:30:00+01:00",
            "queueId": "visitor-queue",
            "channel": "phone",
            "duration": 30,
        })),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/v4/booking",
        upstream_query: None,
        upstream_headers: vec![bearer(MEETERGO_KEY)],
        upstream_body: Some(json!({
            "attendee": attendee,
            "meetingTypeId": "mt-FIXED",
            "start": "2026-03-09T15:30:00+01:00",
            "hostIds": ["host-FIXED"],
            "channel": "zoom",
            "duration": 30,
        })),
        canned: json!({
            "appointmentId": "mg-appt-1",
            "secret": "attendee-secret-1",
            "attendeeEmail": VISITOR_EMAIL,
            "redirectUrl": "https://acme.example/thanks",
            "hostEmail": "host@acme.example",
            "companyId": "co-1"
        }),
        allowed: json!({
            "appointmentId": "mg-appt-1",
            "secret": "attendee-secret-1",
            "attendeeEmail": VISITOR_EMAIL,
            "redirectUrl": "https://acme.example/thanks"
        }),
        token_for: Some("mg-appt-1"),
    }
}

fn meetergo_reschedule() -> Case {
    Case {
        name: "meetergo reschedule appointment",
        provider: Provider::Meetergo,
        method: Method::POST,
        relay_uri: "/meetergo/v4/appointment/mg-appt-1/reschedule",
        visitor_body: Some(json!({ "start": "2026-03-10T10:00:00+01:00" })),
        moves: Some("mg-appt-1"),
        upstream_method: "POST",
        upstream_path: "/v4/appointment/mg-appt-1/reschedule",
        upstream_query: None,
        upstream_headers: vec![bearer(MEETERGO_KEY)],
        upstream_body: Some(json!({ "start": "2026-03-10T10:00:00+01:00" })),
        canned: json!({ "appointment": {
            "id": "mg-appt-1",
            "start": "2026-03-10T09:00:00.000Z",
            "end": "2026-03-10T09:30:00.000Z",
            "meetingTypeId": "mt-FIXED",
            "hostEmail": "host@acme.example"
        } }),
        allowed: json!({ "appointment": {
            "id": "mg-appt-1",
            "start": "2026-03-10T09:00:00.000Z",
            "end": "2026-03-10T09:30:00.000Z"
        } }),
        token_for: Some("mg-appt-1"),
    }
}

fn meetergo_availability() -> Case {
    Case {
        name: "meetergo booking availability",
        provider: Provider::Meetergo,
        method: Method::GET,
        relay_uri: "/meetergo/v4/booking-availability?meetingTypeId=visitor-mt&start=2026-03-09&end=2026-03-13&timezone=Europe%2FBerlin",
        visitor_body: None,
        moves: None,
        upstream_method: "GET",
        upstream_path: "/v4/booking-availability",
        upstream_query: Some("meetingTypeId=mt-FIXED&start=2026-03-09&end=2026-03-13&timezone=Europe%2FBerlin"),
        upstream_headers: vec![bearer(MEETERGO_KEY)],
        upstream_body: None,
        canned: json!({
            "timezone": "Europe/Berlin",
            "timeframes": [{ "start": "2026-03-09T08:00:00.000Z", "end": "2026-03-09T16:00:00.000Z" }],
            "dates": [
                { "date": "2026-03-09", "spots": [
                    { "startTime": "2026-03-09T09:00:00+01:00", "unavailabilityEvents": [] },
                    { "startTime": "2026-03-09T09:30:00+01:00", "unavailabilityEvents": [] }
                ] },
                { "date": "2026-03-10", "spots": [] }
            ],
            "earliestAvailableDate": "2026-03-09"
        }),
        allowed: json!({
            "timezone": "Europe/Berlin",
            "dates": [
                { "date": "2026-03-09", "spots": [
                    { "startTime": "2026-03-09T09:00:00+01:00" },
                    { "startTime": "2026-03-09T09:30:00+01:00" }
                ] },
                { "date": "2026-03-10", "spots": [] }
            ]
        }),
        token_for: None,
    }
}

fn calcom_create() -> Case {
    let body = json!({
        "start": "2026-03-09T14:30:00Z",
        "eventTypeId": 7,
        "attendee": {
            "name": "Ada Lovelace",
            "email": VISITOR_EMAIL,
            "timeZone": "Europe/Berlin",
            "phoneNumber": VISITOR_PHONE,
            "language": "en"
        },
        "guests": ["charles@example.com"],
        "metadata": { "utm_source": "newsletter" },
        "bookingFieldsResponses": { "notes": "Engines" },
        "lengthInMinutes": 30,
    });
    Case {
        name: "calcom create booking",
        provider: Provider::Calcom,
        method: Method::POST,
        relay_uri: "/calcom/v2/bookings",
        visitor_body: Some(body.clone()),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/v2/bookings",
        upstream_query: None,
        upstream_headers: vec![("cal-api-version", "2024-08-13".into())],
        upstream_body: Some(body),
        canned: json!({
            "status": "success",
            "data": {
                "id": 123,
                "uid": "booking_uid_123",
                "title": "Intro between Ada Lovelace and Charles Babbage",
                "description": "",
                "hosts": [{ "id": 1, "name": "Charles Babbage", "email": "charles@acme.example" }],
                "status": "accepted",
                "start": "2026-03-09T14:30:00.000Z",
                "end": "2026-03-09T15:00:00.000Z",
                "duration": 30,
                "eventTypeId": 7,
                "location": "https://cal.com/video/booking_uid_123",
                "absentHost": false,
                "attendees": [{
                    "name": "Ada Lovelace",
                    "email": VISITOR_EMAIL,
                    "displayEmail": VISITOR_EMAIL,
                    "timeZone": "Europe/Berlin",
                    "language": "en",
                    "absent": false
                }],
                "metadata": { "utm_source": "newsletter" }
            }
        }),
        allowed: json!({
            "status": "success",
            "data": {
                "id": 123,
                "uid": "booking_uid_123",
                "title": "Intro between Ada Lovelace and Charles Babbage",
                "status": "accepted",
                "start": "2026-03-09T14:30:00.000Z",
                "end": "2026-03-09T15:00:00.000Z",
                "duration": 30,
                "eventTypeId": 7,
                "location": "https://cal.com/video/booking_uid_123",
                "attendees": [{ "name": "Ada Lovelace", "email": VISITOR_EMAIL, "timeZone": "Europe/Berlin" }]
            }
        }),
        token_for: Some("booking_uid_123"),
    }
}

fn calcom_reschedule() -> Case {
    let body = json!({
        "start": "2026-03-10T09:00:00Z",
        "rescheduledBy": VISITOR_EMAIL,
        "reschedulingReason": "Clash",
    });
    Case {
        name: "calcom reschedule booking",
        provider: Provider::Calcom,
        method: Method::POST,
        relay_uri: "/calcom/v2/bookings/booking_uid_123/reschedule",
        visitor_body: Some(body.clone()),
        moves: Some("booking_uid_123"),
        upstream_method: "POST",
        upstream_path: "/v2/bookings/booking_uid_123/reschedule",
        upstream_query: None,
        upstream_headers: vec![("cal-api-version", "2024-08-13".into())],
        upstream_body: Some(body),
        canned: json!({
            "status": "success",
            "data": {
                "id": 124,
                "uid": "booking_uid_124",
                "status": "accepted",
                "start": "2026-03-10T09:00:00.000Z",
                "end": "2026-03-10T09:30:00.000Z",
                "rescheduledFromUid": "booking_uid_123",
                "hosts": [{ "id": 1, "email": "charles@acme.example" }]
            }
        }),
        allowed: json!({
            "status": "success",
            "data": {
                "id": 124,
                "uid": "booking_uid_124",
                "status": "accepted",
                "start": "2026-03-10T09:00:00.000Z",
                "end": "2026-03-10T09:30:00.000Z",
                "rescheduledFromUid": "booking_uid_123"
            }
        }),
        // Cal.com's reschedule makes a new booking: the token is for that one.
        token_for: Some("booking_uid_124"),
    }
}

fn calcom_slots() -> Case {
    let slots = json!({
        "status": "success",
        "data": {
            "2026-03-09": [{ "start": "2026-03-09T09:00:00.000+01:00" }, { "start": "2026-03-09T09:30:00.000+01:00" }],
            "2026-03-10": [{ "start": "2026-03-10T09:00:00.000+01:00", "end": "2026-03-10T09:30:00.000+01:00" }]
        }
    });
    Case {
        name: "calcom slots",
        provider: Provider::Calcom,
        method: Method::GET,
        relay_uri: "/calcom/v2/slots?start=2026-03-09&end=2026-03-13&eventTypeId=7&timeZone=Europe%2FBerlin",
        visitor_body: None,
        moves: None,
        upstream_method: "GET",
        upstream_path: "/v2/slots",
        upstream_query: Some("start=2026-03-09&end=2026-03-13&eventTypeId=7&timeZone=Europe%2FBerlin"),
        upstream_headers: vec![("cal-api-version", "2024-09-04".into())],
        upstream_body: None,
        canned: slots.clone(),
        allowed: slots,
        token_for: None,
    }
}

fn calcom_phone_call() -> Case {
    Case {
        name: "calcom create phone call",
        provider: Provider::Calcom,
        method: Method::POST,
        relay_uri: "/calcom/v2/teams/12/event-types/34/create-phone-call",
        visitor_body: Some(json!({
            "numberToCall": VISITOR_PHONE,
            "guestName": "Ada Lovelace",
            "guestEmail": VISITOR_EMAIL,
            "guestCompany": "Analytical Engines",
            "schedulerName": "Visitor's choice",
        })),
        moves: None,
        upstream_method: "POST",
        upstream_path: "/v2/teams/12/event-types/34/create-phone-call",
        upstream_query: None,
        upstream_headers: vec![bearer(CALCOM_KEY), ("cal-api-version", "2024-06-14".into())],
        upstream_body: Some(json!({
            "yourPhoneNumber": "+12125550100",
            "numberToCall": VISITOR_PHONE,
            "calApiKey": CALCOM_KEY,
            "templateType": "CUSTOM_TEMPLATE",
            "schedulerName": "Acme Scheduler",
            "guestName": "Ada Lovelace",
            "guestEmail": VISITOR_EMAIL,
            "guestCompany": "Analytical Engines",
            "beginMessage": "Operator hello",
            "generalPrompt": "Operator prompt",
        })),
        // A reply that carries the key must not pass it on.
        canned: json!({
            "status": "success",
            "data": { "callId": "call-1", "agentId": "agent-1", "calApiKey": CALCOM_KEY },
            "request": { "calApiKey": CALCOM_KEY, "authorization": format!("Bearer {CALCOM_KEY}") }
        }),
        allowed: json!({ "status": "success", "data": { "callId": "call-1", "agentId": "agent-1" } }),
        token_for: None,
    }
}

fn all_cases() -> Vec<Case> {
    vec![
        iclosed_create(),
        iclosed_reschedule(),
        gohighlevel_upsert(),
        gohighlevel_create(),
        gohighlevel_update(),
        gohighlevel_free_slots(),
        meetergo_create(),
        meetergo_reschedule(),
        meetergo_availability(),
        calcom_create(),
        calcom_reschedule(),
        calcom_slots(),
        calcom_phone_call(),
    ]
}

/// The provider gets exactly the documented request; the visitor gets exactly the
/// allow-listed reply and, for a booking, a token for it.
async fn forwards_exactly(case: Case) {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    fake.on(case.upstream_path, Reply::Json(200, case.canned.clone()));

    let answer = send(&relay.app, case.request(&relay)).await;
    let name = case.name;
    assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.text);

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{name}: one upstream call, got {requests:#?}");
    let sent = &requests[0];
    assert_eq!(sent.method, case.upstream_method, "{name}: method");
    assert_eq!(sent.path, case.upstream_path, "{name}: path");
    assert_eq!(sent.query.as_deref(), case.upstream_query, "{name}: query");

    for (header, value) in &case.upstream_headers {
        assert_eq!(sent.header(header), Some(value.as_str()), "{name}: header {header}");
    }
    let expected_names: BTreeSet<&str> = case
        .upstream_headers
        .iter()
        .map(|(header, _)| *header)
        .chain(["host", "accept", "content-type", "content-length"])
        .collect();
    let unexpected: Vec<&(String, String)> = sent
        .headers
        .iter()
        .filter(|(header, _)| !expected_names.contains(header.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{name}: headers the provider must not get: {unexpected:?}"
    );
    for header in ["authorization", "version", "cal-api-version"] {
        assert!(
            sent.headers.iter().filter(|(n, _)| n == header).count() <= 1,
            "{name}: {header} sent twice: {:?}",
            sent.headers
        );
    }

    match &case.upstream_body {
        Some(body) => {
            assert_eq!(
                sent.header("content-type"),
                Some("application/json"),
                "{name}: content-type"
            );
            assert_eq!(&sent.json(), body, "{name}: body");
        }
        None => {
            assert!(sent.body.is_empty(), "{name}: a GET has no body: {:?}", sent.body);
            assert_eq!(sent.header("content-type"), None, "{name}: a GET has no content-type");
        }
    }

    assert_eq!(
        answer.body, case.allowed,
        "{name}: the visitor's reply is the allow-listed one"
    );
    match case.token_for {
        Some(booking) => {
            let token = answer.token().unwrap_or_else(|| panic!("{name}: no reschedule-token"));
            assert!(
                relay.state.tokens().verify(case.provider, booking, token),
                "{name}: the token is for {booking}"
            );
            assert!(!relay.state.tokens().verify(case.provider, "someone-else", token));
        }
        None => assert_eq!(answer.token(), None, "{name}: no token on this route"),
    }

    // A reschedule without a token, or with another booking's, never reaches the provider.
    if let Some(booking) = case.moves {
        for token in [None, Some(relay.state.tokens().issue(case.provider, "another-booking"))] {
            fake.clear();
            let mut request = case.request(&relay);
            match &token {
                Some(token) => {
                    request.headers_mut().insert("reschedule-token", token.parse().unwrap());
                }
                None => {
                    request.headers_mut().remove("reschedule-token");
                }
            }
            let refused = send(&relay.app, request).await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{name}: {booking} without its token"
            );
            refused.assert_error_shape(name);
            assert!(
                fake.requests().is_empty(),
                "{name}: a refused reschedule calls no provider"
            );
        }
    }

    logs.assert_clean();
}

#[tokio::test]
async fn iclosed_create_call_is_forwarded_exactly() {
    forwards_exactly(iclosed_create()).await;
}

#[tokio::test]
async fn iclosed_reschedule_call_is_forwarded_exactly() {
    forwards_exactly(iclosed_reschedule()).await;
}

#[tokio::test]
async fn gohighlevel_upsert_contact_is_forwarded_exactly() {
    forwards_exactly(gohighlevel_upsert()).await;
}

#[tokio::test]
async fn gohighlevel_create_appointment_is_forwarded_exactly() {
    forwards_exactly(gohighlevel_create()).await;
}

#[tokio::test]
async fn gohighlevel_update_appointment_is_forwarded_exactly() {
    forwards_exactly(gohighlevel_update()).await;
}

#[tokio::test]
async fn gohighlevel_free_slots_is_forwarded_exactly() {
    forwards_exactly(gohighlevel_free_slots()).await;
}

#[tokio::test]
async fn meetergo_create_booking_is_forwarded_exactly() {
    forwards_exactly(meetergo_create()).await;
}

#[tokio::test]
async fn meetergo_reschedule_appointment_is_forwarded_exactly() {
    forwards_exactly(meetergo_reschedule()).await;
}

#[tokio::test]
async fn meetergo_booking_availability_is_forwarded_exactly() {
    forwards_exactly(meetergo_availability()).await;
}

#[tokio::test]
async fn calcom_create_booking_is_forwarded_exactly() {
    forwards_exactly(calcom_create()).await;
}

#[tokio::test]
async fn calcom_reschedule_booking_is_forwarded_exactly() {
    forwards_exactly(calcom_reschedule()).await;
}

#[tokio::test]
async fn calcom_slots_is_forwarded_exactly() {
    forwards_exactly(calcom_slots()).await;
}

#[tokio::test]
async fn calcom_create_phone_call_is_forwarded_exactly() {
    forwards_exactly(calcom_phone_call()).await;
}

#[tokio::test]
async fn a_booking_s_token_lets_its_visitor_reschedule_it() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let create = iclosed_create();
    let reschedule = iclosed_reschedule();
    fake.on(create.upstream_path, Reply::Json(200, create.canned.clone()));
    fake.on(reschedule.upstream_path, Reply::Json(200, reschedule.canned.clone()));

    let booked = send(&relay.app, create.request(&relay)).await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.text);
    let token = booked.token().expect("a booking carries a reschedule-token").to_owned();

    let mut request = reschedule.request(&relay);
    request.headers_mut().insert("reschedule-token", token.parse().unwrap());
    let moved = send(&relay.app, request).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body, reschedule.allowed);
    assert_eq!(fake.requests().len(), 2);
    logs.assert_clean();
}

#[tokio::test]
async fn fields_a_visitor_must_never_set_are_refused_before_the_provider() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    for case in all_cases() {
        fake.on(case.upstream_path, Reply::Json(200, case.canned.clone()));
    }
    let with = |mut case: Case, fields: &[(&str, Value)]| {
        for (field, value) in fields {
            case.visitor_body.as_mut().unwrap()[*field] = value.clone();
        }
        case
    };
    for (case, fields) in [
        (
            with(
                calcom_phone_call(),
                &[
                    ("calApiKey", json!("visitor-key")),
                    ("yourPhoneNumber", json!("+19005550100")),
                ],
            ),
            vec!["calApiKey", "yourPhoneNumber"],
        ),
        (
            with(
                gohighlevel_create(),
                &[
                    ("ignoreFreeSlotValidation", json!(true)),
                    ("ignoreDateRange", json!(true)),
                ],
            ),
            vec!["ignoreFreeSlotValidation", "ignoreDateRange"],
        ),
        (
            with(meetergo_create(), &[("ignoreAvailability", json!(true))]),
            vec!["ignoreAvailability"],
        ),
        (
            with(meetergo_reschedule(), &[("ignoreAvailability", json!(true))]),
            vec!["ignoreAvailability"],
        ),
        (with(iclosed_create(), &[("contactId", json!(1))]), vec!["contactId"]),
    ] {
        fake.clear();
        let answer = send(&relay.app, case.request(&relay)).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            case.name,
            answer.text
        );
        answer.assert_error_shape(case.name);
        let got = answer.error_fields();
        for field in fields {
            assert!(
                got.iter().any(|f| f == field),
                "{}: {field} not refused in {got:?}",
                case.name
            );
        }
        assert!(
            fake.requests().is_empty(),
            "{}: nothing reaches the provider",
            case.name
        );
    }
    logs.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn logs_mask_the_visitor_and_hold_no_secret() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    for case in all_cases() {
        fake.on(case.upstream_path, Reply::Json(200, case.canned.clone()));
    }
    for case in all_cases() {
        let answer = send(&relay.app, case.request(&relay)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}: {}", case.name, answer.text);
    }
    fake.always(Reply::EchoError(400));
    for case in all_cases() {
        send_unchecked(&relay.app, case.request(&relay)).await;
    }

    let text = logs.text();
    // The capture works, and the relay logs each request with the visitor masked.
    assert!(
        text.lines()
            .filter(|line| line.contains("booking_relay") && line.contains("request") && line.contains("status="))
            .count()
            >= 26,
        "one log line per request expected, got:\n{text}"
    );
    assert!(text.contains("a***@example.com"), "masked email expected in:\n{text}");
    assert!(text.contains("+44********58"), "masked phone expected in:\n{text}");
    logs.assert_clean();
}

/// An upstream that echoes what it received (the `Authorization` header, the Cal.com
/// body's `calApiKey`) in its error text or in extra reply fields must not get the
/// operator's secrets to the browser.
#[tokio::test]
async fn secrets_echoed_by_a_provider_never_reach_the_visitor() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let mut leaks = Vec::new();
    let scenarios: Vec<(&str, ReplyFor)> = vec![
        (
            "200 with the request echoed in extra fields",
            Box::new(|case: &Case| Reply::EchoSuccess(case.canned.clone())),
        ),
        ("400 echoing the request", Box::new(|_: &Case| Reply::EchoError(400))),
        ("422 echoing the request", Box::new(|_: &Case| Reply::EchoError(422))),
        ("401 echoing the request", Box::new(|_: &Case| Reply::EchoError(401))),
        ("404 echoing the request", Box::new(|_: &Case| Reply::EchoError(404))),
        ("500 echoing the request", Box::new(|_: &Case| Reply::EchoError(500))),
    ];
    for (scenario, reply) in &scenarios {
        for case in all_cases() {
            fake.always(reply(&case));
            let answer = send_unchecked(&relay.app, case.request(&relay)).await;
            let found = answer.secrets();
            if !found.is_empty() {
                let mut body = answer.text.clone();
                body.truncate(240);
                leaks.push(format!(
                    "{} / {scenario}: relay answered {} carrying {} secret hit(s), e.g. {:?}; body starts {body}",
                    case.name,
                    answer.status,
                    found.len(),
                    found[0],
                ));
            }
        }
    }
    // Guard against a fake that does not echo: the keyed routes did carry the secrets.
    let seen: String = fake.requests().iter().map(Recorded::as_text).collect();
    for secret in [ICLOSED_KEY, GOHIGHLEVEL_TOKEN, MEETERGO_KEY, CALCOM_KEY] {
        assert!(seen.contains(secret), "the fake should have seen {secret}");
    }
    assert!(
        leaks.is_empty(),
        "BUG: a provider's 4xx error text is passed to the visitor verbatim, so a provider that echoes \
         the request hands the operator's secret to the browser ({} leaks):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    logs.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Error mapping
// ---------------------------------------------------------------------------------------

/// Sends every route against `reply` and checks the status and the error code.
async fn every_route_maps(relay: &Relay, fake: &Fake, reply: Reply, status: StatusCode, code: &str) {
    for case in all_cases() {
        fake.clear();
        fake.always(reply.clone());
        let answer = send(&relay.app, case.request(relay)).await;
        let context = format!("{} with upstream {reply:?}", case.name);
        assert_eq!(answer.status, status, "{context}: {}", answer.text);
        answer.assert_error_shape(&context);
        assert_eq!(answer.first_code(), code, "{context}: {}", answer.text);
        assert_eq!(answer.token(), None, "{context}: no token on a failure");
        assert_eq!(fake.requests().len(), 1, "{context}: the provider was called once");
    }
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_is_504() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let mut config = config(&fake.url());
    config.limits = limits(200);
    let relay = relay(&config);
    for case in all_cases() {
        fake.clear();
        fake.always(Reply::Delayed(
            Duration::from_secs(1),
            Box::new(Reply::Json(200, case.canned.clone())),
        ));
        let started = Instant::now();
        let answer = send(&relay.app, case.request(&relay)).await;
        let elapsed = started.elapsed();
        assert_eq!(
            answer.status,
            StatusCode::GATEWAY_TIMEOUT,
            "{}: {}",
            case.name,
            answer.text
        );
        answer.assert_error_shape(case.name);
        assert_eq!(answer.first_code(), "upstream_timeout");
        assert!(
            elapsed >= Duration::from_millis(190) && elapsed < Duration::from_secs(1),
            "{}: gave up after {elapsed:?}, the timeout is 200 ms",
            case.name
        );
        assert_eq!(fake.requests().len(), 1, "{}", case.name);
    }
    // Within the timeout, the same delay is fine.
    let case = iclosed_create();
    fake.always(Reply::Delayed(
        Duration::from_millis(50),
        Box::new(Reply::Json(200, case.canned.clone())),
    ));
    let answer = send(&relay.app, case.request(&relay)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    logs.assert_clean();
}

#[tokio::test]
async fn provider_500_and_503_are_502() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    for status in [500, 502, 503] {
        let reply = Reply::Json(
            status,
            json!({ "message": "Internal server error", "statusCode": status }),
        );
        every_route_maps(&relay, &fake, reply, StatusCode::BAD_GATEWAY, "upstream_error").await;
    }
    logs.assert_clean();
}

#[tokio::test]
async fn a_connection_reset_or_closed_without_an_answer_is_502() {
    let logs = Logs::capture();
    for behaviour in [Raw::Reset, Raw::CloseAtOnce] {
        let (url, accepted) = raw_upstream(behaviour).await;
        let relay = relay(&config(&url));
        for case in all_cases() {
            let before = accepted.load(Ordering::SeqCst);
            let answer = send(&relay.app, case.request(&relay)).await;
            let context = format!("{} with {behaviour:?}", case.name);
            assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{context}: {}", answer.text);
            answer.assert_error_shape(&context);
            assert_eq!(answer.first_code(), "upstream_error", "{context}");
            assert!(
                accepted.load(Ordering::SeqCst) > before,
                "{context}: the relay did connect"
            );
        }
    }
    logs.assert_clean();
}

#[tokio::test]
async fn a_reply_cut_short_is_502() {
    let logs = Logs::capture();
    let (url, accepted) = raw_upstream(Raw::CutShort).await;
    let relay = relay(&config(&url));
    for case in all_cases() {
        let answer = send(&relay.app, case.request(&relay)).await;
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{}: {}", case.name, answer.text);
        answer.assert_error_shape(case.name);
        assert_eq!(answer.first_code(), "upstream_error", "{}", case.name);
    }
    assert!(accepted.load(Ordering::SeqCst) >= all_cases().len());
    logs.assert_clean();
}

#[tokio::test]
async fn a_malformed_or_truncated_reply_is_502_without_a_panic() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let bodies: [&'static [u8]; 8] = [
        b"<html><body>Bad gateway</body></html>",
        b"{\"data\":{\"eventCall\":{\"data\":{\"id\":4242",
        b"{\"status\":\"success\",\"data\":",
        b"",
        b"null",
        b"[]",
        b"{\"data\":\"oops\",\"status\":5,\"contact\":7,\"id\":5,\"appointmentId\":5,\"appointment\":\"x\",\"dates\":\"x\",\"2026-03-09\":\"x\"}",
        b"{\"status\":\"success\",\"data\":{}} trailing",
    ];
    for body in bodies {
        every_route_maps(
            &relay,
            &fake,
            Reply::Raw(200, body),
            StatusCode::BAD_GATEWAY,
            "upstream_error",
        )
        .await;
    }
    logs.assert_clean();
}

#[tokio::test]
async fn provider_field_errors_are_422_listing_those_fields() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let nest = json!({
        "message": ["email must be an email", "phoneNumber must be a valid phone number"],
        "error": "Bad Request",
        "statusCode": 400
    });
    let listed = json!({
        "errors": [
            { "field": "email", "message": "The email is not deliverable." },
            { "field": "attendee.timeZone", "message": "Unknown time zone." }
        ]
    });
    for (reply, fields) in [
        (Reply::Json(400, nest), vec!["email", "phoneNumber"]),
        (Reply::Json(400, listed.clone()), vec!["email", "attendee.timeZone"]),
        (Reply::Json(422, listed), vec!["email", "attendee.timeZone"]),
    ] {
        // Only the names a route has pass (issue 14, finding 11); none left is `body`.
        for (case, route) in all_cases().into_iter().zip(Route::ALL) {
            fake.clear();
            fake.always(reply.clone());
            let answer = send(&relay.app, case.request(&relay)).await;
            let context = format!("{} with upstream {reply:?}", case.name);
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{context}: {}",
                answer.text
            );
            answer.assert_error_shape(&context);
            let mut expected: Vec<&str> = fields.iter().filter_map(|f| route.known_field(f)).collect();
            if expected.is_empty() {
                expected.push("body");
            }
            assert_eq!(answer.error_fields(), expected, "{context}: {}", answer.text);
            assert_eq!(fake.requests().len(), 1, "{context}");
        }
    }
    logs.assert_clean();
}

#[tokio::test]
async fn provider_404_is_404() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let reply = Reply::Json(404, json!({ "message": "Booking not found", "statusCode": 404 }));
    every_route_maps(&relay, &fake, reply, StatusCode::NOT_FOUND, "not_found").await;
    logs.assert_clean();
}

#[tokio::test]
async fn provider_401_and_403_are_502_the_operator_s_problem() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    for status in [401, 403] {
        // A body that names a field must not turn the operator's key problem into the visitor's.
        let reply = Reply::Json(
            status,
            json!({ "message": ["apiKey is invalid", "email must be an email"], "statusCode": status }),
        );
        every_route_maps(&relay, &fake, reply, StatusCode::BAD_GATEWAY, "upstream_error").await;
    }
    logs.assert_clean();
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_is_502() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    for status in [301, 302, 303, 307, 308] {
        for case in all_cases() {
            fake.clear();
            fake.always(Reply::Redirect(status, REDIRECT_TARGET));
            // Following it would look like a success.
            fake.on(REDIRECT_TARGET, Reply::Json(200, case.canned.clone()));
            let answer = send(&relay.app, case.request(&relay)).await;
            let context = format!("{} with upstream {status}", case.name);
            assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{context}: {}", answer.text);
            answer.assert_error_shape(&context);
            assert_eq!(answer.first_code(), "upstream_error", "{context}");
            let requests = fake.requests();
            assert_eq!(requests.len(), 1, "{context}: {requests:#?}");
            assert!(
                requests.iter().all(|r| r.path != REDIRECT_TARGET),
                "{context}: the redirect was followed"
            );
        }
    }
    logs.assert_clean();
}

/// A provider's rate limit (iClosed allows 20 requests a second) is nothing the visitor
/// typed wrong, and must not be kept as the answer to a retry with the same key.
#[tokio::test]
async fn provider_429_is_not_blamed_on_the_visitor_nor_kept_for_replay() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let case = iclosed_create();
    fake.always(Reply::Json(
        429,
        json!({ "message": "Too Many Requests", "statusCode": 429 }),
    ));
    let first = send(
        &relay.app,
        case.request_with(&relay, &[("idempotency-key", "key-429-0000000001")]),
    )
    .await;
    first.assert_error_shape("429");
    fake.always(Reply::Json(200, case.canned.clone()));
    let retry = send(
        &relay.app,
        case.request_with(&relay, &[("idempotency-key", "key-429-0000000001")]),
    )
    .await;
    let upstream_calls = fake.requests().len();
    let mut problems = Vec::new();
    if !(first.status.is_server_error() || first.status == StatusCode::TOO_MANY_REQUESTS) {
        problems.push(format!(
            "upstream 429 answered {} (a status that blames the visitor's input): {}",
            first.status, first.text
        ));
    }
    if (retry.status, upstream_calls) != (StatusCode::OK, 2) {
        problems.push(format!(
            "the retry with the same Idempotency-Key got {} after {upstream_calls} upstream call(s) \
             (expected 200 after 2: the 429 must not be kept): {}",
            retry.status, retry.text
        ));
    }
    assert!(problems.is_empty(), "BUG:\n{}", problems.join("\n"));
    logs.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Configuration refusals
// ---------------------------------------------------------------------------------------

fn one_provider(provider: Provider) -> Config {
    let full = config("http://127.0.0.1:9");
    Config {
        iclosed: full.iclosed.filter(|_| provider == Provider::Iclosed),
        gohighlevel: full.gohighlevel.filter(|_| provider == Provider::Gohighlevel),
        meetergo: full.meetergo.filter(|_| provider == Provider::Meetergo),
        calcom: full.calcom.filter(|_| provider == Provider::Calcom),
        ..full
    }
}

#[test]
fn a_configured_provider_without_its_secret_is_refused_naming_the_variable() {
    for (provider, variable) in [
        (Provider::Iclosed, "ICLOSED_API_KEY"),
        (Provider::Gohighlevel, "GOHIGHLEVEL_API_TOKEN"),
        (Provider::Meetergo, "MEETERGO_API_KEY"),
        (Provider::Calcom, "CALCOM_API_KEY"),
    ] {
        let single = one_provider(provider);
        let mut env = env();
        assert!(
            Secrets::from_env(&single, |name| env.get(name).cloned()).is_ok(),
            "{variable} set: accepted"
        );
        for value in [None, Some(""), Some("   ")] {
            match value {
                None => env.remove(variable),
                Some(value) => env.insert(variable.to_owned(), value.to_owned()),
            };
            let error = Secrets::from_env(&single, |name| env.get(name).cloned()).unwrap_err();
            assert!(
                matches!(error, ConfigError::MissingSecret { variable: v, .. } if v == variable),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(variable), "{message}");
            assert!(message.contains(provider.key()), "{message}");
        }
        // Another provider's secret does not stand in.
        let mut all_but_this = self::env();
        all_but_this.remove(variable);
        let error = Secrets::from_env(&config("http://127.0.0.1:9"), |name| all_but_this.get(name).cloned())
            .unwrap_err()
            .to_string();
        assert!(error.contains(variable), "{error}");
    }
}

#[test]
fn serve_without_a_provider_is_refused() {
    let env = env();
    let config = Config {
        allowed_origins: vec![ALLOWED_ORIGIN.into()],
        ..Config::default()
    };
    let error = Secrets::from_env(&config, |name| env.get(name).cloned()).unwrap_err();
    assert!(matches!(error, ConfigError::NoProvider), "{error:?}");
    assert!(error.to_string().contains("[iclosed]"), "{error}");
}

#[test]
fn a_missing_or_short_token_key_is_refused_naming_relay_token_key() {
    let config = config("http://127.0.0.1:9");
    let thirty_one = "k".repeat(31);
    for key in [None, Some(""), Some("short"), Some(thirty_one.as_str())] {
        let mut env = env();
        match key {
            None => env.remove("RELAY_TOKEN_KEY"),
            Some(key) => env.insert("RELAY_TOKEN_KEY".into(), key.to_owned()),
        };
        let error = Secrets::from_env(&config, |name| env.get(name).cloned()).unwrap_err();
        assert!(matches!(error, ConfigError::MissingTokenKey), "{key:?}: {error:?}");
        assert!(error.to_string().contains("RELAY_TOKEN_KEY"), "{error}");
    }
    let mut env = env();
    env.insert("RELAY_TOKEN_KEY".into(), "k".repeat(32));
    let secrets = Secrets::from_env(&config, |name| env.get(name).cloned()).expect("32 characters are enough");
    // Debug output (panics, logs) never shows a secret.
    let debug = format!("{secrets:?}");
    assert!(
        secrets_in(&debug).is_empty() && !debug.contains(&"k".repeat(32)),
        "{debug}"
    );
}

#[test]
fn config_check_refuses_bad_settings_naming_them() {
    let good = config("http://127.0.0.1:9");
    good.check().expect("the base config is valid");

    for origin in [
        "https://www.acme.example/",
        "https://www.acme.example/path",
        "www.acme.example",
        "ftp://acme.example",
        "https://user@acme.example",
        "*",
        "",
    ] {
        let bad = Config {
            allowed_origins: vec![ALLOWED_ORIGIN.into(), origin.into()],
            ..good.clone()
        };
        let message = bad.check().expect_err(origin).to_string();
        assert!(message.contains("allowed_origins"), "{origin}: {message}");
    }
    for origin in ["https://www.acme.example", "http://localhost:8080", "http://[::1]:3000"] {
        let fine = Config {
            allowed_origins: vec![origin.into()],
            ..good.clone()
        };
        assert!(fine.check().is_ok(), "{origin} is an origin");
    }

    for (setting, url) in [
        ("iclosed.base_url", "https://api.example.com/"),
        ("gohighlevel.base_url", "http://127.0.0.1:9/"),
        ("meetergo.base_url", "https://api.example.com/v4/"),
        ("calcom.base_url", "api.cal.com"),
    ] {
        let mut bad = good.clone();
        match setting.split('.').next().unwrap() {
            "iclosed" => bad.iclosed.as_mut().unwrap().base_url = Some(url.into()),
            "gohighlevel" => bad.gohighlevel.as_mut().unwrap().base_url = Some(url.into()),
            "meetergo" => bad.meetergo.as_mut().unwrap().base_url = Some(url.into()),
            _ => bad.calcom.as_mut().unwrap().base_url = Some(url.into()),
        }
        let message = bad.check().expect_err(url).to_string();
        assert!(message.contains(setting), "{url}: {message}");
    }

    for number in [
        "0044 20 7946 0958",
        "+44 20 7946 0958",
        "12125550100",
        "+0123456",
        "+1",
        "",
    ] {
        let mut bad = good.clone();
        bad.calcom.as_mut().unwrap().your_phone_number = Some(number.into());
        let message = bad.check().expect_err(number).to_string();
        assert!(message.contains("calcom.your_phone_number"), "{number}: {message}");
    }
}

// ---------------------------------------------------------------------------------------
// CORS
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn cors_answers_only_the_allowed_origin() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let case = iclosed_create();
    fake.on(case.upstream_path, Reply::Json(200, case.canned.clone()));

    let allowed = send(&relay.app, case.request_with(&relay, &[("origin", ALLOWED_ORIGIN)])).await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text);
    assert_eq!(
        allowed
            .headers
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some(ALLOWED_ORIGIN)
    );
    let exposed = allowed
        .headers
        .get_all("access-control-expose-headers")
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        exposed.split(',').any(|name| name.trim() == "reschedule-token"),
        "expose-headers: {exposed:?}"
    );
    assert!(allowed.token().is_some());

    for origin in ["https://evil.example", "https://www.acme.example.evil.example", "null"] {
        let refused = send(&relay.app, case.request_with(&relay, &[("origin", origin)])).await;
        assert_eq!(
            refused.headers.get("access-control-allow-origin"),
            None,
            "{origin} must get no access-control-allow-origin"
        );
        assert_eq!(refused.headers.get("access-control-allow-credentials"), None);
    }

    // Preflight: the allowed origin may send the widget's headers; another may not.
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/iclosed/v1/eventCalls/reschedule")
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header(
                "access-control-request-headers",
                "content-type,idempotency-key,reschedule-token",
            )
            .body(Body::empty())
            .unwrap()
    };
    let before = fake.requests().len();
    let ok = send(&relay.app, preflight(ALLOWED_ORIGIN)).await;
    assert!(ok.status.is_success(), "{ok:?}");
    assert_eq!(
        ok.headers
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some(ALLOWED_ORIGIN)
    );
    let allowed_headers = ok
        .headers
        .get("access-control-allow-headers")
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .unwrap_or_default();
    for header in ["content-type", "idempotency-key", "reschedule-token"] {
        assert!(allowed_headers.contains(header), "{header} not in {allowed_headers:?}");
    }
    let methods = ok
        .headers
        .get("access-control-allow-methods")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(methods.contains("PUT") && methods.contains("POST"), "{methods}");
    let evil = send(&relay.app, preflight("https://evil.example")).await;
    assert_eq!(evil.headers.get("access-control-allow-origin"), None, "{evil:?}");
    assert_eq!(fake.requests().len(), before, "a preflight calls no provider");
    logs.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn fifty_concurrent_requests_with_one_key_make_one_upstream_call() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let case = iclosed_create();
    fake.on(
        case.upstream_path,
        Reply::Delayed(
            Duration::from_millis(300),
            Box::new(Reply::Json(200, case.canned.clone())),
        ),
    );

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let app = relay.app.clone();
        let request = case.request_with(&relay, &[("idempotency-key", "one-key-for-fifty")]);
        tasks.spawn(async move { send(&app, request).await });
    }
    let answers: Vec<Answer> = tasks.join_all().await;
    assert_eq!(answers.len(), 50);
    assert_eq!(fake.requests().len(), 1, "exactly one upstream call for one key");
    let first = &answers[0];
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body, case.allowed);
    for answer in &answers {
        assert_eq!(
            (answer.status, &answer.body, answer.token()),
            (first.status, &first.body, first.token())
        );
    }
    let replayed = answers
        .iter()
        .filter(|a| a.headers.get("idempotent-replayed").is_some())
        .count();
    assert_eq!(replayed, 49, "all but the first are replays");

    // After completion: a replay, no new call.
    let again = send(
        &relay.app,
        case.request_with(&relay, &[("idempotency-key", "one-key-for-fifty")]),
    )
    .await;
    assert_eq!(
        (again.status, &again.body, again.token()),
        (first.status, &first.body, first.token())
    );
    assert_eq!(
        again.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(fake.requests().len(), 1, "a replay makes no upstream call");

    // Another key is another request.
    let other = send(
        &relay.app,
        case.request_with(&relay, &[("idempotency-key", "another-key-000001")]),
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(fake.requests().len(), 2);

    // The same key with another body is refused, without an upstream call.
    let mut changed = case.clone();
    changed.visitor_body.as_mut().unwrap()["firstName"] = json!("Augusta");
    let conflict = send(
        &relay.app,
        changed.request_with(&relay, &[("idempotency-key", "one-key-for-fifty")]),
    )
    .await;
    assert_eq!(conflict.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", conflict.text);
    conflict.assert_error_shape("key reuse");
    assert_eq!(conflict.error_fields(), ["Idempotency-Key"]);
    assert_eq!(fake.requests().len(), 2);
    logs.assert_clean();
}

/// A key runs again only when the provider certainly did nothing (a `503`, `429`,
/// `401`/`403`, a redirect, a refusal of the request). When it may have booked (a `500`,
/// a success we cannot read) the key keeps a final `outcome_unknown` answer: never a
/// second write with it. (A timeout: see tests/audit_idempotency.rs.)
#[tokio::test]
async fn a_failed_write_s_key_runs_again_only_if_the_provider_certainly_did_nothing() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    let relay = relay(&config(&fake.url()));
    let case = iclosed_create();
    let released = [
        Reply::Json(503, json!({ "message": "Service Unavailable" })),
        Reply::Json(429, json!({ "message": "Too Many Requests" })),
        Reply::Json(401, json!({ "message": "Unauthorized" })),
        Reply::Json(403, json!({ "message": "Forbidden" })),
        Reply::Json(400, json!({ "message": ["email must be an email"] })),
        Reply::Redirect(307, REDIRECT_TARGET),
    ];
    let kept = [
        Reply::Json(500, json!({ "message": "Internal Server Error" })),
        Reply::Json(502, json!({ "message": "Bad Gateway" })),
        Reply::Raw(200, b"{\"data\":{\"eventCall\":{\"data\":{\"id\":4242"),
    ];
    for (index, failure) in released.into_iter().chain(kept.clone()).enumerate() {
        let is_kept = index >= 6;
        fake.clear();
        let key = format!("retry-key-{index:08}");
        fake.always(failure.clone());
        let failed = send(&relay.app, case.request_with(&relay, &[("idempotency-key", &key)])).await;
        assert!(
            failed.status.is_client_error() || failed.status.is_server_error(),
            "{failure:?}: {}",
            failed.text
        );
        failed.assert_error_shape(&format!("{failure:?}"));
        assert_eq!(fake.requests().len(), 1);

        fake.always(Reply::Json(200, case.canned.clone()));
        let retried = send(&relay.app, case.request_with(&relay, &[("idempotency-key", &key)])).await;
        if is_kept {
            assert_eq!(
                (failed.status, failed.first_code()),
                (StatusCode::BAD_GATEWAY, "outcome_unknown"),
                "{failure:?}: {}",
                failed.text
            );
            assert_eq!(
                (retried.status, &retried.body),
                (failed.status, &failed.body),
                "{failure:?}"
            );
            assert_eq!(retried.headers.get("idempotent-replayed").unwrap(), "true");
            assert_eq!(
                fake.requests().len(),
                1,
                "{failure:?}: the provider may have booked: no second write"
            );
            continue;
        }
        assert_ne!(failed.first_code(), "outcome_unknown", "{failure:?}");
        assert_eq!(
            retried.status,
            StatusCode::OK,
            "{failure:?}: the retry ran: {}",
            retried.text
        );
        assert_eq!(retried.body, case.allowed);
        assert_eq!(retried.headers.get("idempotent-replayed"), None);
        assert_eq!(
            fake.requests().len(),
            2,
            "{failure:?}: the retry called the provider again"
        );

        // Now the success is kept.
        let replay = send(&relay.app, case.request_with(&relay, &[("idempotency-key", &key)])).await;
        assert_eq!((replay.status, &replay.body), (StatusCode::OK, &case.allowed));
        assert_eq!(fake.requests().len(), 2, "{failure:?}: the success is replayed");
    }
    logs.assert_clean();
}

#[tokio::test]
async fn reads_ignore_the_idempotency_key() {
    let logs = Logs::capture();
    let fake = Fake::start().await;
    // Without the availability cache, which would answer the second from the first.
    let mut config = config(&fake.url());
    config.limits.availability_cache_ms = 0;
    let relay = relay(&config);
    let case = calcom_slots();
    fake.on(case.upstream_path, Reply::Json(200, case.canned.clone()));
    for _ in 0..2 {
        let answer = send(
            &relay.app,
            case.request_with(&relay, &[("idempotency-key", "read-key")]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    assert_eq!(
        fake.requests().len(),
        2,
        "a read is not a write: each one asks the provider"
    );
    logs.assert_clean();
}
