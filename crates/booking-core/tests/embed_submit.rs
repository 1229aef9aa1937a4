//! One submission of the widget, end to end without a browser: the form checked with
//! the provider's rules and placed on its inputs ([`check`], [`Submission::prepare`]),
//! the requests it sends ([`Submission::first`], and GoHighLevel's appointment after its
//! contact), and what each reply means to the visitor ([`Submission::answer`],
//! [`Success::message`], [`Failure`], [`Submission::event_detail`]).
//!
//! The visitor books 10:30 in New York on 2026-03-08, the day the clocks spring forward
//! (so the offset is -04:00, and 02:30 does not exist). Replies follow
//! `tests/examples/` and the shapes of `shared/api/`; `422` bodies follow the relay's
//! contract (`shared/DESIGN.md` §3).

mod common;

use booking_core::embed::{
    check, followable, Config, Control, Failure, Flow, Method, Next, Problem, Request, Step, Submission, Success,
};
use booking_core::time::parse_timestamp;
use booking_core::{BookingState, Outcome, VisitorForm};
use common::ChronoTz;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn embed_on_page(attributes: &[(&str, &str)], query: &[(&str, &str)]) -> Config {
    let attributes = pairs(attributes);
    Config::from_attributes(
        |name| {
            attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        },
        &pairs(query),
    )
    .unwrap_or_else(|errors| panic!("{attributes:?} should be a valid embed: {errors:?}"))
}

fn embed(attributes: &[(&str, &str)]) -> Config {
    embed_on_page(attributes, &[])
}

/// An embed's `data-*` attributes.
type Attributes = &'static [(&'static str, &'static str)];

const ICLOSED_BOOK: &[(&str, &str)] = &[
    ("data-provider", "iclosed"),
    ("data-endpoint", "https://relay.example.com/iclosed"),
    ("data-event-id", "42"),
];
const ICLOSED_RESCHEDULE: &[(&str, &str)] = &[
    ("data-provider", "iclosed"),
    ("data-flow", "reschedule"),
    ("data-endpoint", "https://relay.example.com/iclosed"),
    ("data-booking-id", "9001"),
    ("data-reschedule-token", "tok.en~1"),
];
const GOHIGHLEVEL_BOOK: &[(&str, &str)] = &[
    ("data-provider", "gohighlevel"),
    ("data-endpoint", "https://relay.example.com/gohighlevel"),
    ("data-calendar-id", "CVokAlI8fgw4WYWoCtQz"),
    ("data-location-id", "C2QujeCh8ZnC7al2InWR"),
    ("data-duration", "30"),
];
const GOHIGHLEVEL_RESCHEDULE: &[(&str, &str)] = &[
    ("data-provider", "gohighlevel"),
    ("data-flow", "reschedule"),
    ("data-endpoint", "https://relay.example.com/gohighlevel"),
    ("data-booking-id", "0TkCdp9PfvLeWKYRRvIz"),
    ("data-reschedule-token", "t0k"),
    ("data-duration", "30"),
];
const MEETERGO_BOOK: &[(&str, &str)] = &[
    ("data-provider", "meetergo"),
    ("data-endpoint", "https://relay.example.com/meetergo"),
    ("data-meeting-type-id", "mt-1"),
    ("data-host-ids", "host-1, host-2"),
    ("data-channel", "zoom"),
    ("data-duration", "30"),
];
const MEETERGO_RESCHEDULE: &[(&str, &str)] = &[
    ("data-provider", "meetergo"),
    ("data-flow", "reschedule"),
    ("data-endpoint", "https://relay.example.com/meetergo"),
    ("data-booking-id", "4c1f0e1e-3b7a-4a7e-9c55-1f2b7a9d0e42"),
    ("data-reschedule-token", "t0k"),
];
const CALCOM_BOOK: &[(&str, &str)] = &[("data-provider", "calcom"), ("data-event-type-id", "7")];
const CALCOM_CALL: &[(&str, &str)] = &[
    ("data-provider", "calcom"),
    ("data-flow", "call"),
    ("data-endpoint", "https://relay.example.com/calcom"),
    ("data-team-id", "12"),
    ("data-event-type-id", "34"),
];

/// Ada, booking 10:30 in New York on the day the clocks spring forward.
fn ada() -> VisitorForm {
    VisitorForm {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
        phone: "+44 20 7946 0958".into(),
        company: "Analytical Engines Ltd".into(),
        notes: "Let's talk about the engine.".into(),
        guests: vec!["charles@example.com".into()],
        reason: "A conflict came up".into(),
        date: "2026-03-08".into(),
        time: "10:30".into(),
        time_zone: "America/New_York".into(),
        utm: booking_core::Utm::from([("utm_source".into(), "newsletter".into())]),
    }
}

fn prepared(config: &Config, form: &VisitorForm) -> Submission<'static> {
    Submission::prepare(config, form, &ChronoTz)
        .map(Submission::into_owned)
        .unwrap_or_else(|problems| panic!("{:?} {:?} should be ready: {problems:?}", config.provider, config.flow))
}

fn body(request: &Request) -> Value {
    serde_json::from_str(&request.body).unwrap_or_else(|error| panic!("{} is not JSON: {error}", request.body))
}

/// The success event's detail, checked to be the bytes `serde_json` writes for it: its
/// keys are sorted, so writing the parsed value again gives them back.
fn event_detail(submission: &Submission, success: &Success) -> Value {
    let text = submission.event_detail(success);
    let detail: Value = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{text} is not JSON: {error}"));
    assert_eq!(serde_json::to_string(&detail).unwrap(), text);
    detail
}

fn headers(request: &Request) -> Vec<(&'static str, &str)> {
    request
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn done(next: Result<Next, Failure>) -> Success {
    match next {
        Ok(Next::Done(success)) => success,
        other => panic!("expected success, got {other:?}"),
    }
}

fn problem(control: Option<Control>, message: &str) -> Problem {
    Problem {
        control,
        message: message.to_owned(),
    }
}

/// Problems in a stable order, for comparing sets of them.
fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(|problem| (problem.control, problem.message.clone()));
    problems
}

fn rejected(failure: Failure) -> Vec<Problem> {
    match failure {
        Failure::Rejected(problems) => problems,
        other => panic!("expected field problems, got {other:?}"),
    }
}

const NO_HEADERS: [(&str, &str); 0] = [];
const NO_PROBLEMS: [Problem; 0] = [];

const EMAIL_MESSAGE: &str = "Enter an email like name@example.com.";
const NONEXISTENT_MESSAGE: &str = "2026-03-08 02:30 does not exist in America/New_York: that night the clocks jump \
                                   from 02:00 to 03:00. Choose another time.";

// ---------------------------------------------------------------------------------------
// iClosed
// ---------------------------------------------------------------------------------------

#[test]
fn iclosed_book_posts_the_call_with_its_start_in_utc() {
    let submission = prepared(&embed(ICLOSED_BOOK), &ada());
    assert_eq!(
        submission.start().map(|start| start.to_utc_z()).as_deref(),
        Some("2026-03-08T14:30:00Z")
    );
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url, "https://relay.example.com/iclosed/v1/eventCalls");
    assert_eq!(headers(&request), NO_HEADERS);
    assert_eq!(
        body(&request),
        json!({
            "dateTime": "2026-03-08T14:30:00Z",
            "timeZone": "America/New_York",
            "email": "ada@example.com",
            "phoneNumber": "+442079460958",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "eventId": 42,
        })
    );
}

#[test]
fn iclosed_book_reply_is_the_booked_call() {
    let submission = prepared(&embed(ICLOSED_BOOK), &ada());
    let reply = br#"{"data":{"eventCall":{"message":"Call booked","status":200,"data":{
        "id":9001,"startTime":"2026-03-08T14:30:00.000Z","endTime":"2026-03-08T15:00:00.000Z",
        "confirmationLink":"https://app.iclosed.io/confirm/9001"}}}}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("9001".into()),
            start: Some("2026-03-08T14:30:00.000Z".into()),
            link: Some("https://app.iclosed.io/confirm/9001".into()),
            state: BookingState::Confirmed,
        }
    );
    assert_eq!(success.start, parse_timestamp("2026-03-08T14:30:00Z"));
    assert_eq!(
        success.message(Flow::Book),
        ("Your call is booked", "You will get an email with the details.")
    );
}

#[test]
fn iclosed_reschedule_puts_the_move_with_the_token() {
    let submission = prepared(&embed(ICLOSED_RESCHEDULE), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Put);
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(
        request.url,
        "https://relay.example.com/iclosed/v1/eventCalls/reschedule"
    );
    assert_eq!(headers(&request), [("reschedule-token", "tok.en~1")]);
    assert_eq!(
        body(&request),
        json!({
            "id": 9001,
            "dateTime": "2026-03-08T14:30:00Z",
            "timeZone": "America/New_York",
            "rescheduleReason": "A conflict came up",
            "notes": "Let's talk about the engine.",
        })
    );
}

#[test]
fn a_reschedule_without_a_token_sends_no_token_header() {
    let attributes: Vec<(&str, &str)> = ICLOSED_RESCHEDULE
        .iter()
        .copied()
        .filter(|(name, _)| *name != "data-reschedule-token")
        .collect();
    let request = prepared(&embed(&attributes), &ada()).first();
    assert_eq!(headers(&request), NO_HEADERS);
}

#[test]
fn a_reply_start_that_is_not_a_date_leaves_the_chosen_start() {
    // The page's own example: every string is "<string>".
    let submission = prepared(&embed(ICLOSED_RESCHEDULE), &ada());
    let success = done(submission.answer(Step::Booking, 200, &example("iclosed-reschedule-call")));
    assert_eq!(success.outcome.booking_id.as_deref(), Some("123"));
    assert_eq!(success.outcome.start.as_deref(), Some("<string>"));
    assert_eq!(success.start, parse_timestamp("2026-03-08T14:30:00Z"));
    assert_eq!(
        success.message(Flow::Reschedule),
        ("Your call is moved", "You will get an email with the new time.")
    );
}

// ---------------------------------------------------------------------------------------
// GoHighLevel: the contact, then the appointment
// ---------------------------------------------------------------------------------------

#[test]
fn gohighlevel_book_first_upserts_the_contact() {
    let submission = prepared(&embed(GOHIGHLEVEL_BOOK), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Contact);
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://relay.example.com/gohighlevel/contacts/upsert");
    assert_eq!(headers(&request), [("version", "2021-07-28")]);
    assert_eq!(
        body(&request),
        json!({
            "locationId": "C2QujeCh8ZnC7al2InWR",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "phone": "+442079460958",
            "timezone": "America/New_York",
            "companyName": "Analytical Engines Ltd",
        })
    );
}

#[test]
fn gohighlevel_contact_reply_sends_the_appointment_for_that_contact() {
    let submission = prepared(&embed(GOHIGHLEVEL_BOOK), &ada());
    let next = submission.answer(Step::Contact, 200, &example("gohighlevel-upsert-contact"));
    let Ok(Next::Send(request)) = next else {
        panic!("expected the appointment request, got {next:?}");
    };
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://relay.example.com/gohighlevel/calendars/events/appointments"
    );
    assert_eq!(headers(&request), [("version", "2021-04-15")]);
    assert_eq!(
        body(&request),
        json!({
            "calendarId": "CVokAlI8fgw4WYWoCtQz",
            "locationId": "C2QujeCh8ZnC7al2InWR",
            "contactId": "seD4PfOuKoVMLkEZqohJ",
            "startTime": "2026-03-08T10:30:00-04:00",
            "endTime": "2026-03-08T11:00:00-04:00",
            "description": "Let's talk about the engine.",
        })
    );

    let reply = br#"{"id":"appt-1","calendarId":"CVokAlI8fgw4WYWoCtQz","contactId":"seD4PfOuKoVMLkEZqohJ",
        "startTime":"2026-03-08T10:30:00-04:00","endTime":"2026-03-08T11:00:00-04:00","appointmentStatus":"confirmed"}"#;
    let success = done(submission.answer(Step::Booking, 201, reply));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("appt-1".into()),
            start: Some("2026-03-08T10:30:00-04:00".into()),
            link: None,
            state: BookingState::Confirmed,
        }
    );
    assert_eq!(success.start, parse_timestamp("2026-03-08T14:30:00Z"));
}

#[test]
fn gohighlevel_without_a_duration_leaves_the_end_to_the_calendar() {
    let attributes: Vec<(&str, &str)> = GOHIGHLEVEL_BOOK
        .iter()
        .copied()
        .filter(|(name, _)| *name != "data-duration")
        .collect();
    let submission = prepared(&embed(&attributes), &ada());
    let Ok(Next::Send(request)) = submission.answer(Step::Contact, 200, &example("gohighlevel-upsert-contact")) else {
        panic!("expected the appointment request");
    };
    let body = body(&request);
    assert_eq!(body["startTime"], "2026-03-08T10:30:00-04:00");
    assert_eq!(body.get("endTime"), None);
}

#[test]
fn gohighlevel_appointment_left_new_awaits_the_host() {
    let submission = prepared(&embed(GOHIGHLEVEL_BOOK), &ada());
    let reply = br#"{"id":"appt-2","startTime":"2026-03-08T10:30:00-04:00","appointmentStatus":"new"}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(success.outcome.state, BookingState::AwaitingHostConfirmation);
    assert_eq!(
        success.message(Flow::Book),
        (
            "Requested: waiting for the host",
            "The host confirms each booking. You will get an email as soon as they accept it."
        )
    );
}

#[test]
fn gohighlevel_contact_reply_without_a_contact_id_is_a_bad_reply() {
    let submission = prepared(&embed(GOHIGHLEVEL_BOOK), &ada());
    for reply in [
        &br#"{"new":true}"#[..],
        br#"{"contact":{}}"#,
        br#"{"contact":{"id":7}}"#,
        b"",
        b"<html></html>",
    ] {
        assert_eq!(
            submission.answer(Step::Contact, 200, reply),
            Err(Failure::BadReply),
            "{}",
            String::from_utf8_lossy(reply)
        );
    }
}

#[test]
fn gohighlevel_reschedule_puts_the_new_time_of_the_appointment() {
    let submission = prepared(&embed(GOHIGHLEVEL_RESCHEDULE), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Put);
    assert_eq!(
        request.url,
        "https://relay.example.com/gohighlevel/calendars/events/appointments/0TkCdp9PfvLeWKYRRvIz"
    );
    assert_eq!(
        headers(&request),
        [("version", "2021-04-15"), ("reschedule-token", "t0k")]
    );
    assert_eq!(
        body(&request),
        json!({"startTime": "2026-03-08T10:30:00-04:00", "endTime": "2026-03-08T11:00:00-04:00"})
    );
    let success = done(submission.answer(Step::Booking, 200, &example("gohighlevel-appointment")));
    assert_eq!(success.outcome.booking_id.as_deref(), Some("0TkCdp9PfvLeWKYRRvIz"));
    assert_eq!(
        success.start,
        parse_timestamp("2021-06-23T03:30:00+05:30"),
        "the provider's word wins"
    );
}

// ---------------------------------------------------------------------------------------
// meetergo
// ---------------------------------------------------------------------------------------

#[test]
fn meetergo_book_posts_the_booking_with_its_start_at_the_days_offset() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://relay.example.com/meetergo/v4/booking");
    assert_eq!(headers(&request), NO_HEADERS);
    assert_eq!(
        body(&request),
        json!({
            "attendee": {
                "email": "ada@example.com",
                "receiveReminders": true,
                "notes": {
                    "notes": "Let's talk about the engine.",
                    "company": "Analytical Engines Ltd",
                    "utm_source": "newsletter",
                },
                "firstname": "Ada",
                "lastname": "Lovelace",
                "fullname": "Ada Lovelace",
                "bringalongEmails": ["charles@example.com"],
                "phone": "+442079460958",
                "timezone": "America/New_York",
            },
            "meetingTypeId": "mt-1",
            "start": "2026-03-08T10:30:00-04:00",
            "hostIds": ["host-1", "host-2"],
            "channel": "zoom",
            "duration": 30,
        })
    );
}

#[test]
fn meetergo_book_with_a_queue_sends_the_queue_and_no_hosts() {
    let config = embed(&[
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt-1"),
        ("data-queue-id", "queue-7"),
    ]);
    let body = body(&prepared(&config, &ada()).first());
    assert_eq!(body["queueId"], "queue-7");
    assert_eq!(body.get("hostIds"), None);
    assert_eq!(body.get("duration"), None);
    assert_eq!(body.get("channel"), None);
}

#[test]
fn meetergo_book_reply_is_the_booked_appointment() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let reply = br#"{"appointmentId":"appt-7","secret":"s3cret","attendeeEmail":"ada@example.com"}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("appt-7".into()),
            start: None,
            link: None,
            state: BookingState::Confirmed,
        }
    );
    // meetergo does not echo the start: the chosen one stands.
    assert_eq!(success.start, parse_timestamp("2026-03-08T10:30:00-04:00"));
    assert_eq!(
        success.message(Flow::Book),
        ("Your call is booked", "You will get an email with the details.")
    );
}

#[test]
fn meetergo_double_opt_in_awaits_the_visitors_confirmation() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let reply = br#"{"secret":"s3cret","attendeeEmail":"ada@example.com","bookingType":"doubleOptIn",
        "provisionalBookingId":"prov-1"}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("prov-1".into()),
            start: None,
            link: None,
            state: BookingState::AwaitingVisitorConfirmation,
        }
    );
    assert_eq!(
        success.message(Flow::Book),
        (
            "Almost done: check your email",
            "We sent you an email with a confirmation link. Your booking is confirmed once you open it."
        )
    );
}

#[test]
fn meetergo_host_confirmation_awaits_the_host() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let reply =
        br#"{"appointmentId":"appt-8","bookingType":"requireHostConfirmation","provisionalBookingId":"prov-2"}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(success.outcome.booking_id.as_deref(), Some("appt-8"));
    assert_eq!(success.outcome.state, BookingState::AwaitingHostConfirmation);
    assert_eq!(
        success.message(Flow::Book),
        (
            "Requested: waiting for the host",
            "The host confirms each booking. You will get an email as soon as they accept it."
        )
    );
}

#[test]
fn meetergo_page_example_reply_is_read() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let success = done(submission.answer(Step::Booking, 200, &example("meetergo-create-booking")));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("<string>".into()),
            start: None,
            link: Some("<string>".into()),
            state: BookingState::AwaitingVisitorConfirmation,
        }
    );
}

#[test]
fn meetergo_reply_naming_no_booking_is_a_bad_reply() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    for reply in [&b"{}"[..], br#"{"message":"ok"}"#, br#"{"secret":"s3cret"}"#] {
        assert_eq!(
            submission.answer(Step::Booking, 200, reply),
            Err(Failure::BadReply),
            "{}",
            String::from_utf8_lossy(reply)
        );
    }
    let submission = prepared(&embed(MEETERGO_RESCHEDULE), &ada());
    assert_eq!(submission.answer(Step::Booking, 200, b"{}"), Err(Failure::BadReply));
}

#[test]
fn meetergo_reschedule_posts_the_new_start_of_the_appointment() {
    let submission = prepared(&embed(MEETERGO_RESCHEDULE), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://relay.example.com/meetergo/v4/appointment/4c1f0e1e-3b7a-4a7e-9c55-1f2b7a9d0e42/reschedule"
    );
    assert_eq!(headers(&request), [("reschedule-token", "t0k")]);
    assert_eq!(body(&request), json!({"start": "2026-03-08T10:30:00-04:00"}));
    let success = done(submission.answer(Step::Booking, 200, &example("meetergo-reschedule-appointment")));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("4c1f0e1e-3b7a-4a7e-9c55-1f2b7a9d0e42".into()),
            start: Some("2026-03-10T14:00:00.000Z".into()),
            link: None,
            state: BookingState::Confirmed,
        }
    );
    assert_eq!(success.start, parse_timestamp("2026-03-10T14:00:00Z"));
}

// ---------------------------------------------------------------------------------------
// Cal.com
// ---------------------------------------------------------------------------------------

#[test]
fn calcom_book_posts_straight_to_calcom_with_its_api_version() {
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://api.cal.com/v2/bookings");
    assert_eq!(headers(&request), [("cal-api-version", "2024-08-13")]);
    assert_eq!(
        body(&request),
        json!({
            "start": "2026-03-08T14:30:00Z",
            "eventTypeId": 7,
            "attendee": {
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "timeZone": "America/New_York",
                "phoneNumber": "+442079460958",
            },
            "guests": ["charles@example.com"],
            "metadata": {"utm_source": "newsletter"},
            "bookingFieldsResponses": {"notes": "Let's talk about the engine."},
        })
    );
    let success = done(submission.answer(Step::Booking, 201, &example("calcom-booking")));
    assert_eq!(
        success.outcome,
        Outcome {
            booking_id: Some("booking_uid_123".into()),
            start: Some("2026-03-08T14:30:00.000Z".into()),
            link: None,
            state: BookingState::Confirmed,
        }
    );
    assert_eq!(success.start, parse_timestamp("2026-03-08T14:30:00Z"));
}

#[test]
fn calcom_reschedule_from_a_link_posts_the_move_with_the_token() {
    // A book widget opened from the reschedule link of a confirmation.
    let config = embed_on_page(
        &[
            ("data-provider", "calcom"),
            ("data-endpoint", "https://relay.example.com/calcom"),
            ("data-event-type-id", "7"),
        ],
        &[("booking", "booking_uid_123"), ("token", "t0k"), ("provider", "calcom")],
    );
    assert_eq!(config.flow, Flow::Reschedule);
    let submission = prepared(&config, &ada());
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://relay.example.com/calcom/v2/bookings/booking_uid_123/reschedule"
    );
    assert_eq!(
        headers(&request),
        [("cal-api-version", "2024-08-13"), ("reschedule-token", "t0k")]
    );
    assert_eq!(
        body(&request),
        json!({
            "start": "2026-03-08T14:30:00Z",
            "rescheduledBy": "ada@example.com",
            "reschedulingReason": "A conflict came up",
        })
    );
    let success = done(submission.answer(Step::Booking, 201, &example("calcom-booking")));
    assert_eq!(success.outcome.booking_id.as_deref(), Some("booking_uid_123"));
    assert_eq!(
        success.message(Flow::Reschedule),
        ("Your call is moved", "You will get an email with the new time.")
    );
}

#[test]
fn calcom_pending_booking_awaits_the_host() {
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    let reply = br#"{"status":"success","data":{"uid":"uid-9","status":"pending","start":"2026-03-08T14:30:00.000Z"}}"#;
    let success = done(submission.answer(Step::Booking, 201, reply));
    assert_eq!(success.outcome.state, BookingState::AwaitingHostConfirmation);
}

#[test]
fn calcom_call_posts_the_visitors_half_of_the_phone_call() {
    let submission = prepared(&embed(CALCOM_CALL), &ada());
    assert_eq!(submission.start(), None);
    let request = submission.first();
    assert_eq!(request.step, Step::Booking);
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://relay.example.com/calcom/v2/teams/12/event-types/34/create-phone-call"
    );
    assert_eq!(headers(&request), [("cal-api-version", "2024-06-14")]);
    // No key and no business number: the relay adds them.
    assert_eq!(
        body(&request),
        json!({
            "numberToCall": "+442079460958",
            "guestName": "Ada Lovelace",
            "guestEmail": "ada@example.com",
            "guestCompany": "Analytical Engines Ltd",
        })
    );
    let reply = br#"{"status":"success","data":{"callId":"call-1","agentId":"agent-1"}}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    assert_eq!(
        success,
        Success {
            outcome: Outcome {
                booking_id: Some("call-1".into()),
                start: None,
                link: None,
                state: BookingState::CallRequested,
            },
            start: None,
        }
    );
    assert_eq!(
        success.message(Flow::Call),
        ("We are calling you", "Your phone will ring in a moment. Keep it close.")
    );
}

#[test]
fn calcom_call_never_shows_the_visitor_the_relays_own_fields() {
    let config = embed(CALCOM_CALL);
    // calApiKey and yourPhoneNumber are missing from every visitor's request.
    assert_eq!(check(&config, &ada(), &ChronoTz), NO_PROBLEMS);
    // A call needs no date, time or zone.
    let no_time = VisitorForm {
        date: String::new(),
        time: String::new(),
        time_zone: String::new(),
        ..ada()
    };
    assert_eq!(check(&config, &no_time, &ChronoTz), NO_PROBLEMS);
    let no_phone = VisitorForm {
        phone: String::new(),
        ..ada()
    };
    assert_eq!(
        check(&config, &no_phone, &ChronoTz),
        [problem(Some(Control::Phone), "Enter the number we should call.")]
    );
    let bad_phone = VisitorForm {
        phone: "212 555 0100".into(),
        email: "ada@".into(),
        ..ada()
    };
    assert_eq!(
        sorted(check(&config, &bad_phone, &ChronoTz)),
        [
            problem(Some(Control::Email), EMAIL_MESSAGE),
            problem(
                Some(Control::Phone),
                "Enter the number with + and the country code, like +12125550100."
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Instants across the daylight-saving changes
// ---------------------------------------------------------------------------------------

#[test]
fn each_provider_gets_the_instant_in_its_own_form_on_both_sides_of_a_change() {
    // (date, time, UTC form, offset form)
    let table = [
        (
            "2026-03-08",
            "01:30",
            "2026-03-08T06:30:00Z",
            "2026-03-08T01:30:00-05:00",
        ),
        (
            "2026-03-08",
            "03:00",
            "2026-03-08T07:00:00Z",
            "2026-03-08T03:00:00-04:00",
        ),
        (
            "2026-03-08",
            "10:30",
            "2026-03-08T14:30:00Z",
            "2026-03-08T10:30:00-04:00",
        ),
        // Shown twice when the clocks fall back: the earlier instant.
        (
            "2026-11-01",
            "01:30",
            "2026-11-01T05:30:00Z",
            "2026-11-01T01:30:00-04:00",
        ),
        (
            "2026-11-01",
            "02:30",
            "2026-11-01T07:30:00Z",
            "2026-11-01T02:30:00-05:00",
        ),
    ];
    for (date, time, utc, with_offset) in table {
        let form = VisitorForm {
            date: date.into(),
            time: time.into(),
            ..ada()
        };
        let iclosed = body(&prepared(&embed(ICLOSED_BOOK), &form).first());
        assert_eq!(iclosed["dateTime"], utc, "iClosed {date} {time}");
        let calcom = body(&prepared(&embed(CALCOM_BOOK), &form).first());
        assert_eq!(calcom["start"], utc, "Cal.com {date} {time}");
        let meetergo = body(&prepared(&embed(MEETERGO_BOOK), &form).first());
        assert_eq!(meetergo["start"], with_offset, "meetergo {date} {time}");
        let gohighlevel = prepared(&embed(GOHIGHLEVEL_BOOK), &form);
        let Ok(Next::Send(appointment)) =
            gohighlevel.answer(Step::Contact, 200, &example("gohighlevel-upsert-contact"))
        else {
            panic!("expected the appointment request");
        };
        assert_eq!(
            body(&appointment)["startTime"],
            with_offset,
            "GoHighLevel {date} {time}"
        );
    }
}

#[test]
fn a_time_the_clocks_skip_is_a_problem_on_the_time_mentioning_the_jump() {
    let skipped = VisitorForm {
        time: "02:30".into(),
        ..ada()
    };
    for attributes in [
        ICLOSED_BOOK,
        ICLOSED_RESCHEDULE,
        GOHIGHLEVEL_BOOK,
        GOHIGHLEVEL_RESCHEDULE,
        MEETERGO_BOOK,
        MEETERGO_RESCHEDULE,
        CALCOM_BOOK,
    ] {
        let config = embed(attributes);
        let problems = Submission::prepare(&config, &skipped, &ChronoTz).unwrap_err();
        assert_eq!(
            problems,
            [problem(Some(Control::Time), NONEXISTENT_MESSAGE)],
            "{attributes:?}"
        );
        assert!(problems[0].message.contains("jump from 02:00 to 03:00"));
        assert_eq!(check(&config, &skipped, &ChronoTz), problems);
    }
}

// ---------------------------------------------------------------------------------------
// Bad input, placed on its inputs
// ---------------------------------------------------------------------------------------

const EVERY_BOOK: [&[(&str, &str)]; 4] = [ICLOSED_BOOK, GOHIGHLEVEL_BOOK, MEETERGO_BOOK, CALCOM_BOOK];

#[test]
fn a_filled_form_has_no_problems_for_any_provider_or_flow() {
    for attributes in [
        ICLOSED_BOOK,
        ICLOSED_RESCHEDULE,
        GOHIGHLEVEL_BOOK,
        GOHIGHLEVEL_RESCHEDULE,
        MEETERGO_BOOK,
        MEETERGO_RESCHEDULE,
        CALCOM_BOOK,
        CALCOM_CALL,
    ] {
        assert_eq!(
            check(&embed(attributes), &ada(), &ChronoTz),
            NO_PROBLEMS,
            "{attributes:?}"
        );
    }
}

#[test]
fn an_invalid_email_is_a_problem_on_the_email() {
    let form = VisitorForm {
        email: "ada@".into(),
        ..ada()
    };
    for attributes in EVERY_BOOK {
        let config = embed(attributes);
        let problems = Submission::prepare(&config, &form, &ChronoTz).unwrap_err();
        assert_eq!(
            problems,
            [problem(Some(Control::Email), EMAIL_MESSAGE)],
            "{attributes:?}"
        );
        assert_eq!(check(&config, &form, &ChronoTz), problems);
    }
}

#[test]
fn a_missing_date_is_a_problem_on_the_date() {
    let form = VisitorForm {
        date: String::new(),
        ..ada()
    };
    for attributes in EVERY_BOOK {
        assert_eq!(
            check(&embed(attributes), &form, &ChronoTz),
            [problem(Some(Control::Date), "Choose a date.")],
            "{attributes:?}"
        );
    }
}

#[test]
fn a_missing_time_or_unknown_zone_is_a_problem_on_that_input() {
    let no_time = VisitorForm {
        time: String::new(),
        ..ada()
    };
    let unknown_zone = VisitorForm {
        time_zone: "Mars/Olympus_Mons".into(),
        ..ada()
    };
    for attributes in EVERY_BOOK {
        let config = embed(attributes);
        assert_eq!(
            check(&config, &no_time, &ChronoTz),
            [problem(Some(Control::Time), "Choose a time.")],
            "{attributes:?}"
        );
        assert_eq!(
            check(&config, &unknown_zone, &ChronoTz),
            [problem(Some(Control::TimeZone), "Choose a time zone from the list.")],
            "{attributes:?}"
        );
    }
}

#[test]
fn several_broken_fields_give_several_problems_at_once() {
    let form = VisitorForm {
        email: "ada@".into(),
        phone: "12".into(),
        date: String::new(),
        ..ada()
    };
    assert_eq!(
        sorted(check(&embed(ICLOSED_BOOK), &form, &ChronoTz)),
        [
            problem(Some(Control::Email), EMAIL_MESSAGE),
            problem(Some(Control::Phone), "Enter a phone number, like +1 212 555 0100."),
            problem(Some(Control::Date), "Choose a date."),
        ]
    );

    let form = VisitorForm {
        first_name: " ".into(),
        last_name: String::new(),
        email: "ada@".into(),
        phone: "12".into(),
        guests: vec!["charles@".into()],
        time_zone: "Mars/Olympus_Mons".into(),
        ..ada()
    };
    let problems = Submission::prepare(&embed(CALCOM_BOOK), &form, &ChronoTz).unwrap_err();
    assert_eq!(
        sorted(problems),
        [
            problem(Some(Control::FirstName), "Enter your name."),
            problem(Some(Control::Email), EMAIL_MESSAGE),
            problem(
                Some(Control::Phone),
                "Enter the phone number with + and the country code, like +1 212 555 0100."
            ),
            problem(Some(Control::Guests), EMAIL_MESSAGE),
            problem(Some(Control::TimeZone), "Choose a time zone from the list."),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Replies that are not a success
// ---------------------------------------------------------------------------------------

/// A 422 in the relay's contract shape with one error on `field`.
fn field_error(field: &str, message: &str) -> Vec<u8> {
    json!({"errors": [{"field": field, "code": "format", "message": message}]})
        .to_string()
        .into_bytes()
}

#[test]
fn a_422_lands_each_providers_email_error_next_to_the_email() {
    let cases: [(Attributes, Step, &str); 7] = [
        (ICLOSED_BOOK, Step::Booking, "email"),
        (GOHIGHLEVEL_BOOK, Step::Contact, "email"),
        (MEETERGO_BOOK, Step::Booking, "attendee.email"),
        (CALCOM_BOOK, Step::Booking, "attendee.email"),
        (CALCOM_CALL, Step::Booking, "guestEmail"),
        (
            &[
                ("data-provider", "calcom"),
                ("data-flow", "reschedule"),
                ("data-booking-id", "booking_uid_123"),
            ],
            Step::Booking,
            "rescheduledBy",
        ),
        (ICLOSED_BOOK, Step::Booking, "contactId"),
    ];
    for (attributes, step, field) in cases {
        let submission = prepared(&embed(attributes), &ada());
        let failure = submission
            .answer(step, 422, &field_error(field, "That address bounced."))
            .unwrap_err();
        assert_eq!(
            rejected(failure),
            [problem(Some(Control::Email), "That address bounced.")],
            "{attributes:?} {field}"
        );
    }
}

#[test]
fn a_422_places_every_error_and_keeps_one_per_input_and_message() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let reply = json!({"errors": [
        {"field": "attendee.email", "code": "format", "message": "That address bounced."},
        {"field": "attendee.phone", "code": "format", "message": "Use + and the country code."},
        {"field": "start", "code": "conflict", "message": "That time was just taken."},
        {"field": "attendee.bringalongEmails.0", "code": "format", "message": "Check this guest."},
        {"field": "attendee.firstname", "code": "required", "message": "Enter your name."},
        {"field": "attendee.fullname", "code": "required", "message": "Enter your name."},
    ]});
    let failure = submission
        .answer(Step::Booking, 422, reply.to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        rejected(failure),
        [
            problem(Some(Control::Email), "That address bounced."),
            problem(Some(Control::Phone), "Use + and the country code."),
            problem(Some(Control::Time), "That time was just taken."),
            problem(Some(Control::Guests), "Check this guest."),
            problem(Some(Control::FirstName), "Enter your name."),
        ]
    );
}

#[test]
fn a_422_on_a_field_no_input_shows_goes_above_the_form() {
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    let failure = submission
        .answer(
            Step::Booking,
            422,
            &field_error("eventTypeId", "This form has no event type."),
        )
        .unwrap_err();
    assert_eq!(rejected(failure), [problem(None, "This form has no event type.")]);

    let failure = submission
        .answer(Step::Booking, 422, &field_error("somethingNew", "Something is wrong."))
        .unwrap_err();
    assert_eq!(rejected(failure), [problem(None, "Something is wrong.")]);

    // iClosed's reschedule shows no email input: an email error cannot sit next to one.
    let submission = prepared(&embed(ICLOSED_RESCHEDULE), &ada());
    let failure = submission
        .answer(Step::Booking, 422, &field_error("email", "Unknown attendee."))
        .unwrap_err();
    assert_eq!(rejected(failure), [problem(None, "Unknown attendee.")]);
}

#[test]
fn a_400_in_the_error_shape_is_a_rejection_and_any_other_400_is_refused() {
    let submission = prepared(&embed(ICLOSED_BOOK), &ada());
    let reply = json!({"errors": [{"field": "body", "code": "malformed",
        "message": "The request could not be read. Please try again."}]});
    let failure = submission
        .answer(Step::Booking, 400, reply.to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        rejected(failure),
        [problem(None, "The request could not be read. Please try again.")]
    );
    for reply in [
        &b"Bad Request"[..],
        b"",
        b"<html>400</html>",
        br#"{"message":"bad"}"#,
        br#"{"errors":[]}"#,
    ] {
        assert_eq!(
            submission.answer(Step::Booking, 400, reply),
            Err(Failure::Refused(400)),
            "{}",
            String::from_utf8_lossy(reply)
        );
        assert_eq!(submission.answer(Step::Booking, 422, reply), Err(Failure::Refused(422)));
    }
}

#[test]
fn a_422_with_a_code_this_build_does_not_know_still_lands_by_its_field() {
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    let reply =
        br#"{"errors":[{"field":"attendee.email","code":"disposable_address","message":"Use a lasting address."}]}"#;
    let failure = submission.answer(Step::Booking, 422, reply).unwrap_err();
    assert_eq!(
        rejected(failure),
        [problem(Some(Control::Email), "Use a lasting address.")]
    );
}

#[test]
fn each_status_has_its_own_failure() {
    let statuses = [
        (401, Failure::Refused(401)),
        (403, Failure::LinkExpired),
        (404, Failure::NotFound),
        (408, Failure::Timeout),
        (409, Failure::Refused(409)),
        (429, Failure::RateLimited),
        (500, Failure::Unavailable(500)),
        (502, Failure::Unavailable(502)),
        (503, Failure::Unavailable(503)),
        (504, Failure::Unavailable(504)),
    ];
    for attributes in [
        ICLOSED_RESCHEDULE,
        GOHIGHLEVEL_BOOK,
        MEETERGO_BOOK,
        CALCOM_BOOK,
        CALCOM_CALL,
    ] {
        let submission = prepared(&embed(attributes), &ada());
        for (status, failure) in &statuses {
            let reply = br#"{"errors":[{"field":"email","code":"format","message":"m"}]}"#;
            assert_eq!(
                submission.answer(submission.first().step, *status, reply),
                Err(failure.clone()),
                "{attributes:?} {status}"
            );
        }
    }
}

#[test]
fn a_2xx_that_is_not_the_documented_shape_is_a_bad_reply() {
    let everywhere: [&[u8]; 6] = [b"", b"not json", b"null", b"[]", b"<html>OK</html>", br#"{"data":"#];
    let cases: [(Attributes, &[&[u8]]); 7] = [
        (
            ICLOSED_BOOK,
            &[br#"{"eventCall":{}}"#, br#"{"data":{"eventCall":{"data":{"id":"x"}}}}"#],
        ),
        (ICLOSED_RESCHEDULE, &[br#"{"data":{}}"#]),
        (
            GOHIGHLEVEL_RESCHEDULE,
            &[br#"{"startTime":"2026-03-08T10:30:00-04:00"}"#, br#"{"id":7}"#],
        ),
        (MEETERGO_BOOK, &[br#"{"appointmentId":42}"#, br#"{"bookingType":7}"#]),
        (MEETERGO_RESCHEDULE, &[br#"{"appointment":{"id":7}}"#]),
        (
            CALCOM_BOOK,
            &[br#"{"status":"success","data":{"id":1}}"#, br#"{"data":{"uid":"u"}}"#],
        ),
        (
            CALCOM_CALL,
            &[br#"{"status":"success","data":{}}"#, br#"{"status":"success"}"#],
        ),
    ];
    for (attributes, specific) in cases {
        let submission = prepared(&embed(attributes), &ada());
        for reply in everywhere.iter().chain(specific) {
            assert_eq!(
                submission.answer(Step::Booking, 200, reply),
                Err(Failure::BadReply),
                "{attributes:?}: {}",
                String::from_utf8_lossy(reply)
            );
        }
    }
    // The upsert step answers only GoHighLevel's booking.
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    assert_eq!(
        submission.answer(Step::Contact, 200, &example("calcom-booking")),
        Err(Failure::BadReply)
    );
}

#[test]
fn every_failure_has_a_stable_kind_and_a_plain_message() {
    let table = [
        (
            Failure::Offline,
            "offline",
            "We could not reach the booking service. Check your internet connection and try again; what you \
             typed is kept.",
        ),
        (
            Failure::Timeout,
            "timeout",
            "The booking service is taking too long to answer. Try again in a moment; you will not be booked twice.",
        ),
        (
            Failure::Rejected(vec![problem(Some(Control::Email), "m")]),
            "invalid",
            "Some details need a change: see the messages by the fields.",
        ),
        (
            Failure::LinkExpired,
            "forbidden",
            "This reschedule link is not valid. Open the link from your latest confirmation and try again.",
        ),
        (
            Failure::NotFound,
            "not_found",
            "The booking service does not know this booking or form. If it keeps happening, please tell the site \
             owner.",
        ),
        (
            Failure::RateLimited,
            "rate_limited",
            "Too many attempts in a short time. Wait a minute, then try again.",
        ),
        (
            Failure::Refused(400),
            "client_error",
            "The booking service turned this request down (error 400). Check your details and try again.",
        ),
        (
            Failure::Unavailable(502),
            "server_error",
            "The booking service has a problem right now (error 502). Try again in a moment; you will not be \
             booked twice.",
        ),
        (
            Failure::BadReply,
            "bad_reply",
            "The booking service answered in a way we did not understand. Your booking may have gone through: \
             check your email before trying again.",
        ),
    ];
    for (failure, kind, message) in table {
        assert_eq!(failure.kind(), kind, "{failure:?}");
        assert_eq!(failure.to_string(), message, "{failure:?}");
    }
    assert!(Failure::Refused(418).to_string().contains("(error 418)"));
    assert!(Failure::Unavailable(504).to_string().contains("(error 504)"));
}

// ---------------------------------------------------------------------------------------
// Provider strings are data
// ---------------------------------------------------------------------------------------

const MARKUP: &str = "<img src=x onerror=alert(1)>";

#[test]
fn provider_strings_pass_through_unchanged_as_data() {
    let markup = json!(MARKUP);
    let replies: [(&[(&str, &str)], Value); 4] = [
        (
            CALCOM_BOOK,
            json!({"status":"success","data":{"uid": markup, "title": markup, "status":"accepted",
                "start":"2026-03-08T14:30:00.000Z"}}),
        ),
        (
            GOHIGHLEVEL_RESCHEDULE,
            json!({"id": markup, "title": markup, "startTime":"2026-03-08T10:30:00-04:00"}),
        ),
        (
            MEETERGO_BOOK,
            json!({"appointmentId": markup, "attendeeEmail": markup, "redirectUrl": "javascript:alert(1)"}),
        ),
        (
            CALCOM_CALL,
            json!({"status":"success","data":{"callId": markup, "agentId": markup}}),
        ),
    ];
    for (attributes, reply) in replies {
        let submission = prepared(&embed(attributes), &ada());
        let success = done(submission.answer(Step::Booking, 200, reply.to_string().as_bytes()));
        assert_eq!(success.outcome.booking_id.as_deref(), Some(MARKUP), "{attributes:?}");
        let detail = event_detail(&submission, &success);
        assert_eq!(detail["bookingId"], MARKUP, "{attributes:?}");
    }
    // A link is kept as sent too; following it is decided by `followable`.
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let reply = json!({"appointmentId": "appt-7", "redirectUrl": "javascript:alert(1)"});
    let success = done(submission.answer(Step::Booking, 200, reply.to_string().as_bytes()));
    assert_eq!(success.outcome.link.as_deref(), Some("javascript:alert(1)"));
    assert!(followable("javascript:alert(1)").is_err());
}

// ---------------------------------------------------------------------------------------
// The success event's detail
// ---------------------------------------------------------------------------------------

#[test]
fn the_success_event_names_provider_booking_utc_start_zone_and_email() {
    let submission = prepared(&embed(MEETERGO_BOOK), &ada());
    let success = done(submission.answer(Step::Booking, 200, br#"{"appointmentId":"appt-7"}"#));
    let detail = event_detail(&submission, &success);
    assert_eq!(
        detail,
        json!({
            "provider": "meetergo",
            "flow": "book",
            "bookingId": "appt-7",
            "start": "2026-03-08T14:30:00Z",
            "timeZone": "America/New_York",
            "email": "ada@example.com",
            "state": "confirmed",
        })
    );

    let submission = prepared(&embed(GOHIGHLEVEL_RESCHEDULE), &ada());
    let reply = br#"{"id":"0TkCdp9PfvLeWKYRRvIz","startTime":"2026-03-08T10:30:00-04:00","appointmentStatus":"new"}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    let detail = event_detail(&submission, &success);
    assert_eq!(
        detail,
        json!({
            "provider": "gohighlevel",
            "flow": "reschedule",
            "bookingId": "0TkCdp9PfvLeWKYRRvIz",
            "start": "2026-03-08T14:30:00Z",
            "timeZone": "America/New_York",
            "email": "ada@example.com",
            "state": "awaiting_host_confirmation",
        })
    );
}

#[test]
fn the_call_event_has_no_start() {
    let form = VisitorForm {
        time_zone: String::new(),
        email: String::new(),
        ..ada()
    };
    let submission = prepared(&embed(CALCOM_CALL), &form);
    let reply = br#"{"status":"success","data":{"callId":"call-1"}}"#;
    let success = done(submission.answer(Step::Booking, 200, reply));
    let detail = event_detail(&submission, &success);
    assert_eq!(
        detail,
        json!({
            "provider": "calcom",
            "flow": "call",
            "bookingId": "call-1",
            "start": null,
            "timeZone": null,
            "email": null,
            "state": "call_requested",
        })
    );
}

#[test]
fn success_messages_follow_the_state_then_the_flow() {
    let success = |state| Success {
        outcome: Outcome {
            booking_id: None,
            start: None,
            link: None,
            state,
        },
        start: None,
    };
    let booked = ("Your call is booked", "You will get an email with the details.");
    let moved = ("Your call is moved", "You will get an email with the new time.");
    assert_eq!(success(BookingState::Confirmed).message(Flow::Book), booked);
    assert_eq!(success(BookingState::Confirmed).message(Flow::Reschedule), moved);
    for flow in [Flow::Book, Flow::Reschedule] {
        assert_eq!(
            success(BookingState::AwaitingVisitorConfirmation).message(flow).0,
            "Almost done: check your email"
        );
        assert_eq!(
            success(BookingState::AwaitingHostConfirmation).message(flow).0,
            "Requested: waiting for the host"
        );
    }
    assert_eq!(
        success(BookingState::CallRequested).message(Flow::Call).0,
        "We are calling you"
    );
}

/// The relay's `Idempotency-Key` answers (issue 14): a retry while the first request is
/// in flight (`409 in_progress`) is "try again in a moment"; a key whose booking may have
/// gone through (`502 outcome_unknown`, replayed for good) says to check the email first,
/// not "try again" (the same form would get the same answer).
#[test]
fn idempotency_answers_say_wait_or_check_your_email() {
    let in_progress = br#"{"errors":[{"field":"Idempotency-Key","code":"in_progress","message":"m"}]}"#;
    let unknown = br#"{"errors":[{"field":"body","code":"outcome_unknown","message":"m"}]}"#;
    let timeout = br#"{"errors":[{"field":"body","code":"upstream_timeout","message":"m"}]}"#;
    let submission = prepared(&embed(CALCOM_BOOK), &ada());
    let step = submission.first().step;
    assert_eq!(submission.answer(step, 409, in_progress), Err(Failure::Timeout));
    assert_eq!(submission.answer(step, 502, unknown), Err(Failure::BadReply));
    assert_eq!(submission.answer(step, 504, timeout), Err(Failure::Unavailable(504)));
    assert!(Failure::BadReply.to_string().contains("check your email"));
    assert!(Failure::Timeout.to_string().contains("not be booked twice"));
}
