//! One submission: the form checked with the provider's own rules, the requests it
//! sends (GoHighLevel: the contact, then the appointment), and what each reply means
//! to the visitor.

use std::borrow::Cow;
use std::fmt;

use super::config::{Config, Flow, Settings};
use super::controls::Control;
use crate::form::{BookingState, FormField, Outcome, VisitorForm};
use crate::json::{to_json, Fields, FromJson, Json};
use crate::rules::FieldError;
use crate::time::{parse_timestamp, Timestamp, ZoneOffsets};
use crate::{calcom, gohighlevel, iclosed, meetergo};

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: availability; no body.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`: a Cal.com hold released; no body.
    Delete,
}

impl Method {
    /// As on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// Which request of a submission a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// GoHighLevel's contact upsert, before its appointment.
    Contact,
    /// The booking, reschedule or call itself.
    Booking,
}

/// One request to send to the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which step it is.
    pub step: Step,
    /// Method.
    pub method: Method,
    /// The endpoint plus the provider's path.
    pub url: String,
    /// Headers besides `content-type` and `Idempotency-Key` (API versions, the
    /// reschedule token).
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
}

/// A broken rule placed for the visitor: next to an input, or above the form when no
/// input of this flow can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The input to change.
    pub control: Option<Control>,
    /// What to do, in plain English.
    pub message: String,
}

/// What the next move is after a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send this request (GoHighLevel's appointment after its contact).
    Send(Request),
    /// The submission succeeded.
    Done(Success),
}

/// A finished submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Success {
    /// What the provider answered.
    pub outcome: Outcome,
    /// When the booking starts (the provider's word, else what was asked); `None` for a call.
    pub start: Option<Timestamp>,
}

impl Success {
    /// The success view's heading and what happens next, for the visitor.
    pub fn message(&self, flow: Flow) -> (&'static str, &'static str) {
        match (self.outcome.state, flow) {
            (BookingState::AwaitingVisitorConfirmation, _) => (
                "Almost done: check your email",
                "We sent you an email with a confirmation link. Your booking is confirmed once you open it.",
            ),
            (BookingState::AwaitingHostConfirmation, _) => (
                "Requested: waiting for the host",
                "The host confirms each booking. You will get an email as soon as they accept it.",
            ),
            (BookingState::CallRequested, _) => {
                ("We are calling you", "Your phone will ring in a moment. Keep it close.")
            }
            (BookingState::Confirmed, Flow::Reschedule) => {
                ("Your call is moved", "You will get an email with the new time.")
            }
            (BookingState::Confirmed, _) => ("Your call is booked", "You will get an email with the details."),
        }
    }
}

/// Why a submission failed. `Display` is the visitor's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The network failed before an answer (offline, DNS, CORS).
    Offline,
    /// No answer within `data-timeout`, or the relay's `in_progress` (`409`): the same
    /// request is still being handled.
    Timeout,
    /// The provider refused fields (`400`/`422` with the error shape).
    Rejected(Vec<Problem>),
    /// The relay refused the reschedule token (`403`).
    LinkExpired,
    /// The booking or route does not exist (`404`).
    NotFound,
    /// Too many attempts (`429`).
    RateLimited,
    /// Another `4xx`.
    Refused(u16),
    /// A `5xx`.
    Unavailable(u16),
    /// A `2xx` whose body is not what the provider documents, or the relay's
    /// `outcome_unknown`: the booking may have gone through.
    BadReply,
}

impl Failure {
    /// A stable name for the `booking-widget:error` event's `detail.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Timeout => "timeout",
            Self::Rejected(_) => "invalid",
            Self::LinkExpired => "forbidden",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Refused(_) => "client_error",
            Self::Unavailable(_) => "server_error",
            Self::BadReply => "bad_reply",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Offline => f.write_str(
                "We could not reach the booking service. Check your internet connection and try again; \
                 what you typed is kept.",
            ),
            Self::Timeout => f.write_str(
                "The booking service is taking too long to answer. Try again in a moment; \
                 you will not be booked twice.",
            ),
            Self::Rejected(_) => f.write_str("Some details need a change: see the messages by the fields."),
            Self::LinkExpired => f.write_str(
                "This reschedule link is not valid. Open the link from your latest confirmation and try again.",
            ),
            Self::NotFound => f.write_str(
                "The booking service does not know this booking or form. If it keeps happening, \
                 please tell the site owner.",
            ),
            Self::RateLimited => f.write_str("Too many attempts in a short time. Wait a minute, then try again."),
            Self::Refused(status) => write!(
                f,
                "The booking service turned this request down (error {status}). Check your details and try again."
            ),
            Self::Unavailable(status) => write!(
                f,
                "The booking service has a problem right now (error {status}). Try again in a moment; \
                 you will not be booked twice."
            ),
            Self::BadReply => f.write_str(
                "The booking service answered in a way we did not understand. Your booking may have gone \
                 through: check your email before trying again.",
            ),
        }
    }
}

/// Fields the relay fills from its operator's policy: the visitor cannot fix them, and
/// the relay refuses a visitor who sends them.
const RELAY_SUPPLIED: &[&str] = &["calApiKey", "yourPhoneNumber"];

/// Stands in for a time the visitor has not chosen yet (or the call flow's none), so
/// that every other rule can still be checked.
const STAND_IN: Timestamp = Timestamp {
    unix_seconds: 0,
    nanos: 0,
    offset_seconds: 0,
};

/// Every broken rule of `form` for this widget, placed on its inputs: what the
/// visitor sees while typing.
pub fn check(config: &Config, form: &VisitorForm, zones: &impl ZoneOffsets) -> Vec<Problem> {
    match Submission::prepare(config, form, zones) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

/// A checked form, ready to send. It borrows the embed and the form while the visitor
/// types ([`check`] runs on every keystroke, and cloning both showed in its profile);
/// [`Submission::into_owned`] keeps one for the request that outlives them.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    config: Cow<'a, Config>,
    form: Cow<'a, VisitorForm>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl<'a> Submission<'a> {
    /// Checks `form` with the provider's rules for this flow: a submission to send, or
    /// every broken rule.
    pub fn prepare(config: &'a Config, form: &'a VisitorForm, zones: &impl ZoneOffsets) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let start = if config.flow == Flow::Call {
            None
        } else {
            match form.start(zones) {
                Ok(start) => Some(start),
                Err(error) => {
                    problems.push(Problem {
                        control: Some(Control::of_time_error(&error)),
                        message: error.to_string(),
                    });
                    None
                }
            }
        };
        let time_known = config.flow == Flow::Call || start.is_some();
        // The wire rules still run without a valid time, so the visitor hears about
        // every other field at once; their complaints about the time are dropped.
        let when = start.unwrap_or(STAND_IN);
        // GoHighLevel takes the calendar's slot length unless the embed names one.
        let end = match (&config.settings, config.duration_minutes) {
            (Settings::Gohighlevel(_), Some(minutes)) => when.later_in_zone(minutes, form.time_zone.trim(), zones),
            _ => None,
        };
        let submission = Self {
            config: Cow::Borrowed(config),
            form: Cow::Borrowed(form),
            start: Some(when),
            end,
        };
        let shown = Control::for_flow(config.provider, config.flow);
        for error in submission.wire_errors(zones) {
            let control = submission
                .control_of(&error.field)
                .filter(|control| shown.contains(control));
            if !time_known && matches!(control, Some(Control::Date | Control::Time | Control::TimeZone)) {
                continue;
            }
            problems.push(Problem {
                control,
                message: error.message,
            });
        }
        dedup(&mut problems);
        if problems.is_empty() {
            Ok(Self { start, ..submission })
        } else {
            Err(problems)
        }
    }

    /// The same submission, owning its embed and form.
    pub fn into_owned(self) -> Submission<'static> {
        Submission {
            config: Cow::Owned(self.config.into_owned()),
            form: Cow::Owned(self.form.into_owned()),
            start: self.start,
            end: self.end,
        }
    }

    /// The instant the visitor chose (`None` for a call).
    pub fn start(&self) -> Option<Timestamp> {
        self.start
    }

    /// The first request to send.
    pub fn first(&self) -> Request {
        match (&self.config.settings, self.config.flow) {
            (Settings::Gohighlevel(settings), Flow::Book) => self.request(
                Step::Contact,
                Method::Post,
                gohighlevel::UPSERT_CONTACT_PATH.to_owned(),
                Some(gohighlevel::CONTACTS_API_VERSION),
                json(&gohighlevel::upsert_contact_request(&self.form, settings)),
            ),
            _ => self.booking_request(None),
        }
    }

    /// What a reply with `status` and `body` to the request of `step` means: the next
    /// request, success, or the visitor's message.
    pub fn answer(&self, step: Step, status: u16, body: &[u8]) -> Result<Next, Failure> {
        if !(200..300).contains(&status) {
            return Err(self.failure(status, body));
        }
        // Parsed once for whichever reply type it must be.
        let body = Json::parse(body).ok_or(Failure::BadReply)?;
        let outcome = match (&self.config.settings, self.config.flow, step) {
            (Settings::Gohighlevel(_), Flow::Book, Step::Contact) => {
                let reply: gohighlevel::UpsertContactResponse = parsed(&body)?;
                return Ok(Next::Send(self.booking_request(Some(&reply.contact.id))));
            }
            (_, _, Step::Contact) => return Err(Failure::BadReply),
            (Settings::Iclosed(_), Flow::Book, _) => iclosed::create_call_outcome(&parsed(&body)?),
            (Settings::Iclosed(_), _, _) => iclosed::reschedule_call_outcome(&parsed(&body)?),
            (Settings::Gohighlevel(_), _, _) => gohighlevel::appointment_outcome(&parsed(&body)?),
            // meetergo always names the booking (appointment or provisional id); a reply
            // that names none did not book anything the visitor can rely on.
            (Settings::Meetergo(_), Flow::Book, _) => named(meetergo::create_booking_outcome(&parsed(&body)?))?,
            (Settings::Meetergo(_), _, _) => named(meetergo::reschedule_appointment_outcome(&parsed(&body)?))?,
            (Settings::Calcom(_), Flow::Call, _) => calcom::create_phone_call_outcome(&parsed(&body)?),
            (Settings::Calcom(_), _, _) => calcom::booking_outcome(&parsed(&body)?),
        };
        let start = outcome.start.as_deref().and_then(parse_timestamp).or(self.start);
        Ok(Next::Done(Success { outcome, start }))
    }

    /// The `detail` of the success event (contract: `DESIGN.md` §2), as JSON.
    pub fn event_detail(&self, success: &Success) -> String {
        // A struct rather than `json!`: no `Value` map in the wasm. Fields in the order
        // `json!` wrote them (sorted), so the text is the same.
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Detail<'a> {
            booking_id: Option<&'a str>,
            email: Option<String>,
            flow: &'static str,
            provider: &'static str,
            start: Option<String>,
            state: BookingState,
            time_zone: Option<String>,
        }
        json(&Detail {
            booking_id: success.outcome.booking_id.as_deref(),
            email: crate::form::filled(&self.form.email),
            flow: self.config.flow.key(),
            provider: self.config.provider.key(),
            start: success.start.map(|start| start.to_utc_z()),
            state: success.outcome.state,
            time_zone: crate::form::filled(&self.form.time_zone),
        })
    }

    /// The request that books, moves or calls; `contact_id` from GoHighLevel's upsert.
    fn booking_request(&self, contact_id: Option<&str>) -> Request {
        let form = &self.form;
        let start = self.start.unwrap_or(STAND_IN);
        let booking_id = self.booking_id();
        let (method, path, version, body) = match (&self.config.settings, self.config.flow) {
            (Settings::Iclosed(settings), Flow::Book) => (
                Method::Post,
                iclosed::CREATE_CALL_PATH.to_owned(),
                None,
                json(&iclosed::create_call_request(form, settings, &start)),
            ),
            (Settings::Iclosed(_), _) => (
                Method::Put,
                iclosed::RESCHEDULE_CALL_PATH.to_owned(),
                None,
                json(&iclosed::reschedule_call_request(
                    form,
                    booking_id.parse().unwrap_or_default(),
                    &start,
                )),
            ),
            (Settings::Gohighlevel(settings), Flow::Book) => (
                Method::Post,
                gohighlevel::CREATE_APPOINTMENT_PATH.to_owned(),
                Some(gohighlevel::CALENDARS_API_VERSION),
                json(&gohighlevel::create_appointment_request(
                    form,
                    settings,
                    contact_id.unwrap_or_default(),
                    &start,
                    self.end.as_ref(),
                )),
            ),
            (Settings::Gohighlevel(_), _) => (
                Method::Put,
                gohighlevel::update_appointment_path(booking_id),
                Some(gohighlevel::CALENDARS_API_VERSION),
                json(&gohighlevel::update_appointment_request(&start, self.end.as_ref())),
            ),
            (Settings::Meetergo(settings), Flow::Book) => (
                Method::Post,
                meetergo::CREATE_BOOKING_PATH.to_owned(),
                None,
                json(&meetergo::create_booking_request(form, settings, &start)),
            ),
            (Settings::Meetergo(_), _) => (
                Method::Post,
                meetergo::reschedule_appointment_path(booking_id),
                None,
                json(&meetergo::reschedule_appointment_request(&start)),
            ),
            (Settings::Calcom(settings), Flow::Book) => (
                Method::Post,
                calcom::CREATE_BOOKING_PATH.to_owned(),
                Some(calcom::BOOKINGS_API_VERSION),
                json(&calcom::create_booking_request(form, settings, &start)),
            ),
            (Settings::Calcom(_), Flow::Reschedule) => (
                Method::Post,
                calcom::reschedule_booking_path(booking_id),
                Some(calcom::BOOKINGS_API_VERSION),
                json(&calcom::reschedule_booking_request(form, &start)),
            ),
            (Settings::Calcom(settings), Flow::Call) => {
                let (team_id, event_type_id) = call_ids(settings);
                (
                    Method::Post,
                    calcom::create_phone_call_path(&team_id, &event_type_id),
                    Some(calcom::EVENT_TYPES_API_VERSION),
                    json(&calcom::create_phone_call_request(form)),
                )
            }
        };
        self.request(Step::Booking, method, path, version, body)
    }

    fn request(
        &self,
        step: Step,
        method: Method,
        path: String,
        version: Option<&'static str>,
        body: String,
    ) -> Request {
        let mut headers = Vec::new();
        if let Some(version) = version {
            let name = match self.config.settings {
                Settings::Calcom(_) => calcom::API_VERSION_HEADER,
                _ => "version",
            };
            headers.push((name, version.to_owned()));
        }
        if step == Step::Booking && self.config.flow == Flow::Reschedule {
            if let Some(token) = self.config.booking.as_ref().and_then(|booking| booking.token.clone()) {
                headers.push(("reschedule-token", token));
            }
        }
        Request {
            step,
            method,
            url: format!("{}{path}", self.config.endpoint),
            headers,
            body,
        }
    }

    /// The id of the booking a reschedule moves (empty otherwise).
    fn booking_id(&self) -> &str {
        self.config.booking.as_ref().map_or("", |booking| booking.id.as_str())
    }

    /// Every rule the provider's validators report for this form.
    // The request builders are `#[inline(always)]`, here and in `booking_request`: the
    // widget leaves most of each API's optional fields `None`, and once that is visible
    // where the body is checked and written, their rules and their writing drop out of
    // the wasm (about 550 B brotli, more than the builders' second copies cost). A
    // builder that fills the rest with `..Default::default()` hides them: the optimizer
    // does not inline a large `default()`, so builders spell out every `None`.
    // GoHighLevel's appointment validators are inlined too, with their builders
    // spelling out every `None`: its RRULE parser then leaves the wasm (1.7 KB brotli).
    fn wire_errors(&self, zones: &impl ZoneOffsets) -> Vec<FieldError> {
        let form = &self.form;
        let start = self.start.unwrap_or(STAND_IN);
        let booking_id = self.booking_id();
        match (&self.config.settings, self.config.flow) {
            (Settings::Iclosed(settings), Flow::Book) => {
                iclosed::validate_create_call(&iclosed::create_call_request(form, settings, &start))
            }
            (Settings::Iclosed(_), _) => iclosed::validate_reschedule_call(&iclosed::reschedule_call_request(
                form,
                booking_id.parse().unwrap_or_default(),
                &start,
            )),
            (Settings::Gohighlevel(settings), Flow::Book) => {
                let mut errors =
                    gohighlevel::validate_upsert_contact(&gohighlevel::upsert_contact_request(form, settings));
                // The contact's id comes from the upsert's reply; any stand-in checks the rest.
                let appointment =
                    gohighlevel::create_appointment_request(form, settings, "contact", &start, self.end.as_ref());
                errors.extend(gohighlevel::validate_create_appointment(&appointment));
                errors
            }
            (Settings::Gohighlevel(_), _) => gohighlevel::validate_update_appointment(
                booking_id,
                &gohighlevel::update_appointment_request(&start, self.end.as_ref()),
            ),
            (Settings::Meetergo(settings), Flow::Book) => {
                meetergo::validate_create_booking(&meetergo::create_booking_request(form, settings, &start))
            }
            (Settings::Meetergo(_), _) => {
                meetergo::validate_reschedule_appointment(booking_id, &meetergo::reschedule_appointment_request(&start))
            }
            (Settings::Calcom(settings), Flow::Book) => {
                calcom::validate_create_booking(&calcom::create_booking_request(form, settings, &start), zones)
            }
            (Settings::Calcom(_), Flow::Reschedule) => {
                calcom::validate_reschedule_booking(booking_id, &calcom::reschedule_booking_request(form, &start))
            }
            (Settings::Calcom(settings), Flow::Call) => {
                let (team_id, event_type_id) = call_ids(settings);
                let mut errors = calcom::validate_create_phone_call(
                    &team_id,
                    &event_type_id,
                    &calcom::create_phone_call_request(form),
                );
                errors.retain(|error| !RELAY_SUPPLIED.contains(&error.field.as_str()));
                errors
            }
        }
    }

    /// The input a wire field belongs to, by the provider's own mapping.
    fn control_of(&self, wire_field: &str) -> Option<Control> {
        let field: Option<FormField> = match self.config.settings {
            Settings::Iclosed(_) => iclosed::form_field(wire_field),
            Settings::Gohighlevel(_) => gohighlevel::form_field(wire_field),
            Settings::Meetergo(_) => meetergo::form_field(wire_field),
            Settings::Calcom(_) => calcom::form_field(wire_field),
        };
        field.map(Control::of_field)
    }

    fn failure(&self, status: u16, body: &[u8]) -> Failure {
        // Only `field` and `message` are read, and `code` where there is one: a `code`
        // this build does not know must not lose the message.
        struct ReportedError {
            field: String,
            code: Option<String>,
            message: String,
        }
        impl FromJson for ReportedError {
            fn from_json(value: &Json) -> Option<Self> {
                let fields = Fields::of(value)?;
                Some(Self {
                    field: fields.get("field")?,
                    code: fields.get("code"),
                    message: fields.get("message")?,
                })
            }
        }
        let errors: Option<Vec<ReportedError>> = Json::parse(body).and_then(|body| Fields::of(&body)?.get("errors"));
        // The relay's answers about an `Idempotency-Key`: the same form sent again
        // (same key) gets the first request's outcome, never a second booking.
        match errors.as_ref().and_then(|errors| errors.first()?.code.as_deref()) {
            // Still in flight: like a slow answer, try again in a moment.
            Some("in_progress") => return Failure::Timeout,
            // It may have gone through: the visitor checks their email first.
            Some("outcome_unknown") => return Failure::BadReply,
            _ => {}
        }
        match status {
            400 | 422 => match errors {
                Some(errors) if !errors.is_empty() => {
                    let shown = Control::for_flow(self.config.provider, self.config.flow);
                    let mut problems: Vec<Problem> = errors
                        .into_iter()
                        .map(|error| Problem {
                            control: self.control_of(&error.field).filter(|control| shown.contains(control)),
                            message: error.message,
                        })
                        .collect();
                    dedup(&mut problems);
                    Failure::Rejected(problems)
                }
                _ => Failure::Refused(status),
            },
            403 => Failure::LinkExpired,
            404 => Failure::NotFound,
            408 => Failure::Timeout,
            429 => Failure::RateLimited,
            500..=599 => Failure::Unavailable(status),
            _ => Failure::Refused(status),
        }
    }
}

fn call_ids(settings: &calcom::Settings) -> (String, String) {
    let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
    (text(settings.team_id), text(settings.event_type_id))
}

fn json(body: &impl serde::Serialize) -> String {
    to_json(body).unwrap_or_default()
}

fn named(outcome: Outcome) -> Result<Outcome, Failure> {
    if outcome.booking_id.is_some() {
        Ok(outcome)
    } else {
        Err(Failure::BadReply)
    }
}

/// A reply in the provider's documented shape. Read by hand from a parsed [`Json`]
/// ([`FromJson`]): the visitor needs no path to the broken field (the path tracker
/// costs the wasm about 30 KB), and the replies' `Deserialize` derives about 20 KB.
fn parsed<T: FromJson>(body: &Json) -> Result<T, Failure> {
    T::from_json(body).ok_or(Failure::BadReply)
}

/// One message per input and text: providers report some rules under two wire names.
fn dedup(problems: &mut Vec<Problem>) {
    let mut seen = Vec::new();
    problems.retain(|problem| {
        let key = (problem.control, problem.message.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
}
