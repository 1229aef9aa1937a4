//! The serve upstream: the real providers over HTTPS, with each provider's auth.
//! Redirects are not followed; a timeout is `504`; an unreadable reply or one over
//! `limits.upstream_reply_bytes` is `502`; what the provider's status means is
//! [`crate::answer`]'s. Every failure says whether the provider may have acted on the
//! request, which decides whether its `Idempotency-Key` may run again (see
//! [`crate::idempotency`]).

use std::collections::HashMap;
use std::time::Duration;

use booking_core::{calcom, gohighlevel, iclosed, meetergo, Code, FieldError};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

use crate::config::{Config, Secrets};
use crate::error::RelayError;
use crate::ops::{Operation, Provider};

/// Sends operations to the providers.
#[derive(Debug, Clone)]
pub struct HttpUpstream {
    client: Client,
    base_urls: HashMap<Provider, String>,
    secrets: Secrets,
    reply_bytes: usize,
}

/// A request that got no success, and whether the provider may have acted on it.
#[derive(Debug)]
pub struct Failed {
    /// What the visitor is told.
    pub error: RelayError,
    /// `false` only when the provider certainly did nothing: not reached, or it answered
    /// `3xx`, `4xx` or `503` (nothing done, by the meaning of those statuses).
    pub may_have_acted: bool,
}

/// One outgoing request, before the client builds it (tests read it as it is).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Headers besides `Content-Type`.
    pub headers: Vec<(&'static str, String)>,
    /// JSON body (`None` for a `GET`).
    pub body: Option<Value>,
}

impl HttpUpstream {
    /// An upstream for `config`'s providers with `secrets`, giving up after `timeout`
    /// (the hard deadline: how long a visitor waits is the pipeline's business).
    pub fn new(config: &Config, secrets: Secrets, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .build()?;
        let base_urls = Provider::ALL.into_iter().map(|p| (p, config.base_url(p))).collect();
        Ok(Self {
            client,
            base_urls,
            secrets,
            reply_bytes: config.limits.upstream_reply_bytes,
        })
    }

    /// The request `operation` becomes: URL, method, auth headers and body; refused when
    /// a path parameter would not stay one segment of the provider's path.
    pub fn outgoing(&self, operation: &Operation) -> Result<Outgoing, RelayError> {
        let provider = operation.route().provider();
        let base = &self.base_urls[&provider];
        let key = self.secrets.keys.get(&provider).cloned().unwrap_or_default();
        let bearer = || ("authorization", format!("Bearer {key}"));
        let json = |value: &dyn erased::Json| Some(value.to_json());
        let (method, path, query, body): (Method, String, Option<String>, Option<Value>) = match operation {
            Operation::IclosedCreateCall(r) => (Method::POST, iclosed::CREATE_CALL_PATH.into(), None, json(r)),
            Operation::IclosedRescheduleCall(r) => (Method::PUT, iclosed::RESCHEDULE_CALL_PATH.into(), None, json(r)),
            Operation::IclosedEventDates(r) => (Method::POST, iclosed::EVENT_DATES_PATH.into(), None, json(r)),
            Operation::GohighlevelUpsertContact(r) => {
                (Method::POST, gohighlevel::UPSERT_CONTACT_PATH.into(), None, json(r))
            }
            Operation::GohighlevelCreateAppointment(r) => {
                (Method::POST, gohighlevel::CREATE_APPOINTMENT_PATH.into(), None, json(r))
            }
            Operation::GohighlevelUpdateAppointment { event_id, body } => (
                Method::PUT,
                gohighlevel::update_appointment_path(&segment("eventId", event_id)?),
                None,
                json(body),
            ),
            Operation::GohighlevelFreeSlots { calendar_id, query } => (
                Method::GET,
                gohighlevel::free_slots_path(&segment("calendarId", calendar_id)?),
                query_string(query),
                None,
            ),
            Operation::MeetergoCreateBooking(r) => (Method::POST, meetergo::CREATE_BOOKING_PATH.into(), None, json(r)),
            Operation::MeetergoRescheduleAppointment { id, body } => (
                Method::POST,
                meetergo::reschedule_appointment_path(&segment("id", id)?),
                None,
                json(body),
            ),
            Operation::MeetergoBookingAvailability(query) => (
                Method::GET,
                meetergo::BOOKING_AVAILABILITY_PATH.into(),
                query_string(query),
                None,
            ),
            Operation::CalcomCreateBooking(r) => (Method::POST, calcom::CREATE_BOOKING_PATH.into(), None, json(r)),
            Operation::CalcomRescheduleBooking { uid, body } => (
                Method::POST,
                calcom::reschedule_booking_path(&segment("uid", uid)?),
                None,
                json(body),
            ),
            Operation::CalcomSlots(query) => (Method::GET, calcom::SLOTS_PATH.into(), query_string(query), None),
            Operation::CalcomReserveSlot(r) => (Method::POST, calcom::SLOT_RESERVATIONS_PATH.into(), None, json(r)),
            Operation::CalcomReleaseSlot { uid } => (
                Method::DELETE,
                calcom::slot_reservation_path(&segment("uid", uid)?),
                None,
                None,
            ),
            Operation::CalcomCreatePhoneCall {
                team_id,
                event_type_id,
                body,
            } => {
                let mut body = json(body);
                if let Some(Value::Object(fields)) = &mut body {
                    fields.insert("calApiKey".into(), Value::String(key.clone()));
                }
                (
                    Method::POST,
                    calcom::create_phone_call_path(
                        &segment("teamId", team_id)?,
                        &segment("eventTypeId", event_type_id)?,
                    ),
                    None,
                    body,
                )
            }
        };
        let headers = match operation {
            Operation::GohighlevelUpsertContact(_) => {
                vec![bearer(), ("version", gohighlevel::CONTACTS_API_VERSION.into())]
            }
            _ if provider == Provider::Gohighlevel => {
                vec![bearer(), ("version", gohighlevel::CALENDARS_API_VERSION.into())]
            }
            Operation::CalcomCreatePhoneCall { .. } => {
                vec![
                    bearer(),
                    (calcom::API_VERSION_HEADER, calcom::EVENT_TYPES_API_VERSION.into()),
                ]
            }
            // A hold needs no key either; with one, Cal.com would let the hold's length
            // be chosen, which is the operator's business.
            Operation::CalcomSlots(_) | Operation::CalcomReserveSlot(_) | Operation::CalcomReleaseSlot { .. } => {
                vec![(calcom::API_VERSION_HEADER, calcom::SLOTS_API_VERSION.into())]
            }
            // Bookings of public event types need no key: sending one would book as the owner.
            _ if provider == Provider::Calcom => {
                vec![(calcom::API_VERSION_HEADER, calcom::BOOKINGS_API_VERSION.into())]
            }
            _ => vec![bearer()],
        };
        let url = match query {
            Some(query) if !query.is_empty() => format!("{base}{path}?{query}"),
            _ => format!("{base}{path}"),
        };
        Ok(Outgoing {
            method,
            url,
            headers,
            body,
        })
    }

    /// Sends `operation`; the provider's 2xx status and reply bytes, or why not.
    pub async fn send(&self, operation: &Operation) -> Result<(u16, Vec<u8>), Failed> {
        // A path that cannot be built went nowhere.
        let outgoing = self.outgoing(operation).map_err(|error| Failed {
            error,
            may_have_acted: false,
        })?;
        let mut request = self.client.request(outgoing.method, &outgoing.url);
        for (name, value) in &outgoing.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &outgoing.body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|error| Failed {
            // Past connecting, the request may have been read even with no answer back.
            may_have_acted: !error.is_connect(),
            error: if error.is_timeout() {
                RelayError::UpstreamTimeout
            } else {
                RelayError::Upstream("the provider could not be reached".into())
            },
        })?;
        let status = response.status();
        let may_have_acted =
            !(status.is_redirection() || status.is_client_error() || status == StatusCode::SERVICE_UNAVAILABLE);
        let bytes = read_capped(response, self.reply_bytes)
            .await
            .map_err(|error| Failed { error, may_have_acted })?;
        crate::answer::interpret(operation, status.as_u16(), bytes).map_err(|error| Failed { error, may_have_acted })
    }
}

/// The reply's body, refused once it is over `cap` bytes: a declared length over it is
/// not read at all, and a body without one (or longer than it said) stops being read
/// at the cap.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, RelayError> {
    let too_large = || RelayError::Upstream("the provider's reply is over limits.upstream_reply_bytes".into());
    let declared = response.content_length().unwrap_or(0);
    if declared > cap as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > cap {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(error) if error.is_timeout() => return Err(RelayError::UpstreamTimeout),
            Err(_) => return Err(RelayError::Upstream("the provider's reply was cut short".into())),
        }
    }
}

/// A provider's 4xx as the visitor's `422`: the fields it names that the route has,
/// each with our own message. The provider's own words are never passed on, not even
/// as a field name: they may quote what the relay added (keys, prompts), so only names
/// from [`crate::ops::Route::fields`] go out.
pub(crate) fn refusal(operation: &Operation, body: &[u8]) -> RelayError {
    let route = operation.route();
    let mut fields: Vec<&'static str> = Vec::new();
    for field in field_names(body).iter().filter_map(|named| route.known_field(named)) {
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    if fields.is_empty() {
        return RelayError::invalid(
            "body",
            Code::Format,
            "The booking service refused this request. Please check your details and try again.",
        );
    }
    RelayError::Invalid(
        fields
            .into_iter()
            .map(|field| {
                FieldError::new(
                    field,
                    Code::Format,
                    "The booking service did not accept this value. Please check it.",
                )
            })
            .collect(),
    )
}

/// The fields a provider's 4xx body names: NestJS-style `message: ["email must be an
/// email", …]`, `errors: [{field|property|path, message}]`.
pub fn field_names(body: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    if let Some(list) = value.get("errors").and_then(Value::as_array) {
        fields.extend(list.iter().filter_map(|item| {
            let field = item
                .get("field")
                .or_else(|| item.get("property"))
                .or_else(|| item.get("path"))?;
            field.as_str().map(str::to_owned)
        }));
    }
    let messages: Vec<&str> = match value
        .get("message")
        .or_else(|| value.get("error").and_then(|e| e.get("message")))
    {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(message)) => vec![message],
        _ => Vec::new(),
    };
    for message in messages {
        // class-validator starts each message with the property's (dotted) name.
        if let Some((field, _)) = message.split_once(' ') {
            let looks_like_field = field.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
            if looks_like_field {
                fields.push(field.to_owned());
            }
        }
    }
    fields
}

/// A path parameter (the wire name `field`), percent-encoded so that it stays one
/// segment. `.` and `..` are refused, not encoded: a URL parser resolves `%2e%2e` as
/// `..` too, so no spelling of them stays a segment. (The validators refuse them
/// first; this holds whatever reaches the upstream.)
fn segment(field: &str, text: &str) -> Result<String, RelayError> {
    if matches!(text, "." | "..") {
        return Err(RelayError::invalid(
            field,
            Code::Format,
            "This value cannot be part of the booking service's address.",
        ));
    }
    Ok(form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20"))
}

fn query_string(query: &impl serde::Serialize) -> Option<String> {
    serde_urlencoded::to_string(query).ok()
}

/// Any wire request as JSON, so that one closure can take them all.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}
