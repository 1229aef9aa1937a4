//! Table tests for every meetergo rule: `meetergo-create-booking.txt` and the meetergo
//! section of `shared/api/README.md`.
//!
//! Each operation has a fully valid request (`valid()`). Each row applies a few edits to
//! that request's JSON, reads it back with `parse_request` (so unpublished enum values
//! arrive as `Unlisted`, as from a browser), and expects either no error or exactly one
//! `(field, code)`. Rows sit on both sides of every boundary, so loosening or tightening
//! a rule breaks a row.

use std::collections::BTreeMap;

use booking_core::meetergo::{
    booking_availability_query, create_booking_request, form_field, reschedule_appointment_request,
    validate_booking_availability, validate_create_booking, validate_reschedule_appointment, BookingAvailabilityQuery,
    Channel, CreateBookingRequest, RescheduleAppointmentRequest, Settings,
};
use booking_core::rules::Listed;
use booking_core::time::{parse_timestamp, Timestamp};
use booking_core::{parse_request, Code, FieldError, FormField, VisitorForm};
use serde_json::{json, Map, Value};

#[path = "common/table.rs"]
mod table;

use table::*;

// ---------------------------------------------------------------------------------------
// Published enum.
// ---------------------------------------------------------------------------------------

/// `channel`'s "Available options", in the page's order.
const CHANNELS: [&str; 16] = [
    "local",
    "local-attendee",
    "google",
    "zoom",
    "phone",
    "phone-incoming",
    "whatsapp",
    "connect",
    "webex",
    "whereby",
    "kmeet",
    "jitsi",
    "zava",
    "teamsForBusiness2",
    "custom",
    "resource",
];

#[test]
fn published_channels_are_exactly_the_pages() {
    assert_eq!(<Channel as Listed>::PUBLISHED, CHANNELS);
}

#[test]
fn unpublished_channel_reaches_validation_as_unlisted() {
    let request: CreateBookingRequest = parse_request(br#"{"channel":"Zoom"}"#).expect("unlisted values still parse");
    assert_eq!(request.channel, Some(Channel::Unlisted("Zoom".into())));
    let request: CreateBookingRequest = parse_request(br#"{"channel":"teamsForBusiness2"}"#).unwrap();
    assert_eq!(request.channel, Some(Channel::TeamsForBusiness2));
}

// ---------------------------------------------------------------------------------------
// POST /v4/booking
// ---------------------------------------------------------------------------------------

mod create {
    use super::*;

    /// The page's example with real values (and `hostIds` without `queueId`, which the
    /// page says must be undefined when a specific host is chosen).
    pub fn valid() -> CreateBookingRequest {
        parse_request(
            br#"{
                "attendee": {
                    "email": "ada@example.com",
                    "receiveReminders": true,
                    "notes": {"utm_source": "newsletter"},
                    "firstname": "Ada",
                    "lastname": "Lovelace",
                    "fullname": "Ada Lovelace",
                    "bringalongEmails": ["grace@example.org"],
                    "phone": "+12125550100",
                    "language": "en",
                    "timezone": "Europe/Berlin",
                    "dataPolicyAccepted": true
                },
                "meetingTypeId": "mt_123",
                "start": "2026-03-09T09:30:00-04:00",
                "hostIds": ["host_1"],
                "appointmentId": "appt_1",
                "location": "Berlin office",
                "channel": "local",
                "duration": 123,
                "routingFormId": "rf_1",
                "ignoreAvailability": true,
                "attendeePendingId": 123,
                "paymentId": "pay_1",
                "resourceChannelIds": ["rc_1"],
                "oneTimeLinkId": "otl_1",
                "skipNotifications": true,
                "icsTitle": "Intro call",
                "icsDescription": "Getting to know each other"
            }"#,
        )
        .expect("the example parses")
    }

    #[test]
    fn valid_request_has_no_errors() {
        assert_eq!(validate_create_booking(&valid()), vec![]);
        assert_eq!(with(&valid(), &[]), valid(), "the JSON round trip keeps every field");
    }

    #[test]
    fn only_the_required_fields_have_no_errors() {
        let request: CreateBookingRequest = parse_request(
            br#"{"attendee":{"email":"a@b.co","receiveReminders":false,"notes":{}},
                 "meetingTypeId":"m","start":"2026-03-09T13:30:00Z","hostIds":["h"]}"#,
        )
        .unwrap();
        assert_eq!(validate_create_booking(&request), vec![]);
    }

    #[test]
    fn attendee_rules() {
        run(
            &valid(),
            vec![
                row(
                    "attendee missing",
                    [unset("attendee")],
                    Some(("attendee", Code::Required)),
                ),
                row(
                    "attendee null",
                    [set("attendee", Value::Null)],
                    Some(("attendee", Code::Required)),
                ),
                row(
                    "attendee.email missing",
                    [unset("attendee.email")],
                    Some(("attendee.email", Code::Required)),
                ),
                row(
                    "attendee.email empty",
                    [set("attendee.email", "")],
                    Some(("attendee.email", Code::Format)),
                ),
                row(
                    "attendee.email without a domain dot",
                    [set("attendee.email", "a@b")],
                    Some(("attendee.email", Code::Format)),
                ),
                row(
                    "attendee.email not an address",
                    [set("attendee.email", "ada at example.com")],
                    Some(("attendee.email", Code::Format)),
                ),
                row("attendee.email shortest", [set("attendee.email", "a@b.co")], None),
                row(
                    "attendee.receiveReminders missing",
                    [unset("attendee.receiveReminders")],
                    Some(("attendee.receiveReminders", Code::Required)),
                ),
                row(
                    "attendee.receiveReminders false",
                    [set("attendee.receiveReminders", false)],
                    None,
                ),
                row(
                    "attendee.notes missing",
                    [unset("attendee.notes")],
                    Some(("attendee.notes", Code::Required)),
                ),
                row("attendee.notes {}", [set("attendee.notes", json!({}))], None),
                row(
                    "attendee.notes with answers",
                    [set(
                        "attendee.notes",
                        json!({"company": "Analytical Engines", "utm_campaign": "spring"}),
                    )],
                    None,
                ),
                row(
                    "optional attendee fields missing",
                    [
                        unset("attendee.firstname"),
                        unset("attendee.lastname"),
                        unset("attendee.fullname"),
                        unset("attendee.bringalongEmails"),
                        unset("attendee.phone"),
                        unset("attendee.language"),
                        unset("attendee.timezone"),
                        unset("attendee.dataPolicyAccepted"),
                    ],
                    None,
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn bringalong_emails_are_each_an_address() {
        run(
            &valid(),
            vec![
                row("no guests", [set("attendee.bringalongEmails", json!([]))], None),
                row(
                    "two good guests",
                    [set("attendee.bringalongEmails", json!(["a@b.co", "grace@example.org"]))],
                    None,
                ),
                row(
                    "second guest bad",
                    [set("attendee.bringalongEmails", json!(["a@b.co", "bad"]))],
                    Some(("attendee.bringalongEmails.1", Code::Format)),
                ),
                row(
                    "first guest bad",
                    [set("attendee.bringalongEmails", json!(["bad", "a@b.co"]))],
                    Some(("attendee.bringalongEmails.0", Code::Format)),
                ),
                row(
                    "empty guest",
                    [set("attendee.bringalongEmails", json!([""]))],
                    Some(("attendee.bringalongEmails.0", Code::Format)),
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn meeting_type_and_start() {
        run(
            &valid(),
            vec![
                row(
                    "meetingTypeId missing",
                    [unset("meetingTypeId")],
                    Some(("meetingTypeId", Code::Required)),
                ),
                row(
                    "meetingTypeId empty",
                    [set("meetingTypeId", "")],
                    Some(("meetingTypeId", Code::Empty)),
                ),
                row("meetingTypeId one character", [set("meetingTypeId", "m")], None),
                row("start missing", [unset("start")], Some(("start", Code::Required))),
                row(
                    "start without offset",
                    [set("start", "2026-03-09T09:30:00")],
                    Some(("start", Code::Format)),
                ),
                row("start empty", [set("start", "")], Some(("start", Code::Format))),
                row(
                    "start date only",
                    [set("start", "2026-03-09")],
                    Some(("start", Code::Format)),
                ),
                row(
                    "start on a day that does not exist",
                    [set("start", "2026-02-30T09:30:00Z")],
                    Some(("start", Code::Format)),
                ),
                row("start in UTC", [set("start", "2026-03-09T13:30:00Z")], None),
                row(
                    "start with a positive offset",
                    [set("start", "2026-03-09T19:00:00+05:30")],
                    None,
                ),
                row(
                    "start with a fraction",
                    [set("start", "2026-03-09T13:30:00.000Z")],
                    None,
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn hosts_or_queue_but_not_both() {
        run(
            &valid(),
            vec![
                row("hostIds only", [], None),
                row("two hosts", [set("hostIds", json!(["host_1", "host_2"]))], None),
                row("queueId only", [unset("hostIds"), set("queueId", "queue_1")], None),
                row(
                    "queueId with hostIds []",
                    [set("hostIds", json!([])), set("queueId", "queue_1")],
                    None,
                ),
                row(
                    "hostIds and queueId",
                    [set("queueId", "queue_1")],
                    Some(("queueId", Code::Conflict)),
                ),
                row("neither", [unset("hostIds")], Some(("hostIds", Code::Required))),
                row(
                    "hostIds [] and no queueId",
                    [set("hostIds", json!([]))],
                    Some(("hostIds", Code::Required)),
                ),
                row(
                    "queueId empty, no hosts",
                    [unset("hostIds"), set("queueId", "")],
                    Some(("queueId", Code::Empty)),
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn channel_is_one_of_the_published_values() {
        let mut rows = vec![row("channel missing", [unset("channel")], None)];
        for channel in CHANNELS {
            rows.push(row(format!("channel {channel:?}"), [set("channel", channel)], None));
        }
        for channel in [
            "Zoom",
            "teams",
            "",
            "Local",
            "local_attendee",
            "teamsForBusiness",
            "teamsforbusiness2",
            "msteams",
            " zoom",
        ] {
            rows.push(row(
                format!("channel {channel:?}"),
                [set("channel", channel)],
                Some(("channel", Code::NotAllowed)),
            ));
        }
        run(&valid(), rows, validate_create_booking);
    }

    #[test]
    fn duration_is_positive() {
        run(
            &valid(),
            vec![
                row("duration missing", [unset("duration")], None),
                row("duration 1", [set("duration", 1)], None),
                row("duration 0.5", [set("duration", 0.5)], None),
                row("duration 0.001", [set("duration", 0.001)], None),
                row("duration 30", [set("duration", 30)], None),
                row(
                    "duration 0",
                    [set("duration", 0)],
                    Some(("duration", Code::NotPositive)),
                ),
                row(
                    "duration 0.0",
                    [set("duration", 0.0)],
                    Some(("duration", Code::NotPositive)),
                ),
                row(
                    "duration -0.0",
                    [set("duration", -0.0)],
                    Some(("duration", Code::NotPositive)),
                ),
                row(
                    "duration -5",
                    [set("duration", -5)],
                    Some(("duration", Code::NotPositive)),
                ),
                row(
                    "duration -0.5",
                    [set("duration", -0.5)],
                    Some(("duration", Code::NotPositive)),
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn ics_lengths_count_characters() {
        let chars = |c: &str, n: usize| Value::String(c.repeat(n));
        run(
            &valid(),
            vec![
                row("icsTitle missing", [unset("icsTitle")], None),
                row("icsTitle empty", [set("icsTitle", "")], None),
                row("icsTitle 200 characters", [set("icsTitle", chars("a", 200))], None),
                row(
                    "icsTitle 201 characters",
                    [set("icsTitle", chars("a", 201))],
                    Some(("icsTitle", Code::TooLong)),
                ),
                row("icsTitle 200 × é (400 bytes)", [set("icsTitle", chars("é", 200))], None),
                row(
                    "icsTitle 201 × é",
                    [set("icsTitle", chars("é", 201))],
                    Some(("icsTitle", Code::TooLong)),
                ),
                row(
                    "icsTitle 200 × 😀 (800 bytes)",
                    [set("icsTitle", chars("😀", 200))],
                    None,
                ),
                row(
                    "icsTitle 201 × 😀",
                    [set("icsTitle", chars("😀", 201))],
                    Some(("icsTitle", Code::TooLong)),
                ),
                row("icsDescription missing", [unset("icsDescription")], None),
                row(
                    "icsDescription 2000 characters",
                    [set("icsDescription", chars("a", 2000))],
                    None,
                ),
                row(
                    "icsDescription 2001 characters",
                    [set("icsDescription", chars("a", 2001))],
                    Some(("icsDescription", Code::TooLong)),
                ),
                row(
                    "icsDescription 2000 × é",
                    [set("icsDescription", chars("é", 2000))],
                    None,
                ),
                row(
                    "icsDescription 2001 × é",
                    [set("icsDescription", chars("é", 2001))],
                    Some(("icsDescription", Code::TooLong)),
                ),
            ],
            validate_create_booking,
        );
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let request = with(
            &valid(),
            &[
                set(
                    "attendee",
                    json!({"email": "bad", "bringalongEmails": ["x", "y@z.co", "w"]}),
                ),
                set("meetingTypeId", ""),
                set("start", "2026-03-09T09:30:00"),
                set("queueId", ""),
                set("channel", "Zoom"),
                set("duration", 0),
                set("icsTitle", "t".repeat(201)),
                set("icsDescription", "d".repeat(2001)),
            ],
        );
        assert_all(
            &validate_create_booking(&request),
            &[
                ("attendee.email", Code::Format),
                ("attendee.receiveReminders", Code::Required),
                ("attendee.notes", Code::Required),
                ("attendee.bringalongEmails.0", Code::Format),
                ("attendee.bringalongEmails.2", Code::Format),
                ("meetingTypeId", Code::Empty),
                ("start", Code::Format),
                ("queueId", Code::Empty),
                ("queueId", Code::Conflict),
                ("channel", Code::NotAllowed),
                ("duration", Code::NotPositive),
                ("icsTitle", Code::TooLong),
                ("icsDescription", Code::TooLong),
            ],
            "create",
        );
        let empty: CreateBookingRequest = parse_request(b"{}").unwrap();
        assert_all(
            &validate_create_booking(&empty),
            &[
                ("attendee", Code::Required),
                ("meetingTypeId", Code::Required),
                ("start", Code::Required),
                ("hostIds", Code::Required),
            ],
            "create {}",
        );
        let empty_attendee = with(&valid(), &[set("attendee", json!({})), unset("hostIds")]);
        assert_all(
            &validate_create_booking(&empty_attendee),
            &[
                ("attendee.email", Code::Required),
                ("attendee.receiveReminders", Code::Required),
                ("attendee.notes", Code::Required),
                ("hostIds", Code::Required),
            ],
            "create with attendee {}",
        );
    }
}

// ---------------------------------------------------------------------------------------
// POST /v4/appointment/{id}/reschedule
// ---------------------------------------------------------------------------------------

mod reschedule {
    use super::*;

    pub const ID: &str = "appt_1";

    pub fn valid() -> RescheduleAppointmentRequest {
        RescheduleAppointmentRequest {
            start: Some("2026-03-10T09:30:00-04:00".into()),
            ignore_availability: Some(false),
        }
    }

    fn validate(request: &RescheduleAppointmentRequest) -> Vec<FieldError> {
        validate_reschedule_appointment(ID, request)
    }

    #[test]
    fn valid_request_has_no_errors() {
        assert_eq!(validate(&valid()), vec![]);
        assert_eq!(with(&valid(), &[]), valid());
    }

    #[test]
    fn start_rules() {
        run(
            &valid(),
            vec![
                row("start missing", [unset("start")], Some(("start", Code::Required))),
                row(
                    "start without offset",
                    [set("start", "2026-03-10T09:30:00")],
                    Some(("start", Code::Format)),
                ),
                row("start empty", [set("start", "")], Some(("start", Code::Format))),
                row("start in UTC", [set("start", "2026-03-10T13:30:00Z")], None),
                row("ignoreAvailability missing", [unset("ignoreAvailability")], None),
            ],
            validate,
        );
    }

    #[test]
    fn id_is_required_and_non_empty() {
        let mut failures = Vec::new();
        for (id, expect) in [("", Some(("id", Code::Empty))), ("x", None), (ID, None)] {
            let errors = validate_reschedule_appointment(id, &valid());
            assert_readable(&errors, id);
            let want: Vec<(String, Code)> = expect
                .iter()
                .map(|(f, c): &(&str, Code)| ((*f).to_owned(), *c))
                .collect();
            if pairs(&errors) != want {
                failures.push(format!("id {id:?}: expected {want:?}, got {:?}", pairs(&errors)));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let request = with(&valid(), &[set("start", "2026-03-10 09:30")]);
        assert_all(
            &validate_reschedule_appointment("", &request),
            &[("id", Code::Empty), ("start", Code::Format)],
            "reschedule",
        );
        let empty: RescheduleAppointmentRequest = parse_request(b"{}").unwrap();
        assert_all(
            &validate_reschedule_appointment("", &empty),
            &[("id", Code::Empty), ("start", Code::Required)],
            "reschedule {}",
        );
    }
}

// ---------------------------------------------------------------------------------------
// GET /v4/booking-availability
// ---------------------------------------------------------------------------------------

mod availability {
    use super::*;

    pub fn valid() -> BookingAvailabilityQuery {
        BookingAvailabilityQuery {
            meeting_type_id: Some("mt_123".into()),
            start: Some("2026-03-01".into()),
            end: Some("2026-03-31".into()),
            timezone: Some("Europe/Berlin".into()),
            ..BookingAvailabilityQuery::default()
        }
    }

    #[test]
    fn valid_query_has_no_errors() {
        assert_eq!(validate_booking_availability(&valid()), vec![]);
    }

    #[test]
    fn days_are_dates_in_order() {
        run(
            &valid(),
            vec![
                row("end equal to start", [set("end", "2026-03-01")], None),
                row(
                    "end the day before start",
                    [set("end", "2026-02-28")],
                    Some(("end", Code::Order)),
                ),
                row(
                    "end a year before start",
                    [set("end", "2025-03-31")],
                    Some(("end", Code::Order)),
                ),
                row("end the next year", [set("end", "2027-01-01")], None),
                row(
                    "start 29 February of a leap year",
                    [set("start", "2028-02-29"), set("end", "2028-03-01")],
                    None,
                ),
                row(
                    "start 29 February of a common year",
                    [set("start", "2026-02-29")],
                    Some(("start", Code::Format)),
                ),
                row(
                    "start 2026-02-30",
                    [set("start", "2026-02-30")],
                    Some(("start", Code::Format)),
                ),
                row(
                    "start 2026-3-1",
                    [set("start", "2026-3-1")],
                    Some(("start", Code::Format)),
                ),
                row(
                    "start with a time",
                    [set("start", "2026-03-01T00:00:00Z")],
                    Some(("start", Code::Format)),
                ),
                row(
                    "start 2026/03/01",
                    [set("start", "2026/03/01")],
                    Some(("start", Code::Format)),
                ),
                row("start empty", [set("start", "")], Some(("start", Code::Format))),
                row("start missing", [unset("start")], Some(("start", Code::Required))),
                row(
                    "end 2026-02-30",
                    [set("end", "2026-02-30")],
                    Some(("end", Code::Format)),
                ),
                row(
                    "end 2026-13-01",
                    [set("end", "2026-13-01")],
                    Some(("end", Code::Format)),
                ),
                row("end missing", [unset("end")], Some(("end", Code::Required))),
            ],
            validate_booking_availability,
        );
    }

    #[test]
    fn meeting_type_and_timezone() {
        run(
            &valid(),
            vec![
                row(
                    "meetingTypeId missing",
                    [unset("meetingTypeId")],
                    Some(("meetingTypeId", Code::Required)),
                ),
                row(
                    "meetingTypeId empty",
                    [set("meetingTypeId", "")],
                    Some(("meetingTypeId", Code::Empty)),
                ),
                row("timezone missing", [unset("timezone")], None),
                row("timezone empty", [set("timezone", "")], Some(("timezone", Code::Empty))),
                row(
                    "the appointment being moved",
                    [set("existingAppointmentId", "a1b2")],
                    None,
                ),
                row(
                    "existingAppointmentId empty",
                    [set("existingAppointmentId", "")],
                    Some(("existingAppointmentId", Code::Empty)),
                ),
            ],
            validate_booking_availability,
        );
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let query = with(
            &valid(),
            &[
                unset("meetingTypeId"),
                set("start", "2026-3-1"),
                unset("end"),
                set("timezone", ""),
            ],
        );
        assert_all(
            &validate_booking_availability(&query),
            &[
                ("meetingTypeId", Code::Required),
                ("start", Code::Format),
                ("end", Code::Required),
                ("timezone", Code::Empty),
            ],
            "availability",
        );
        let query = with(&valid(), &[set("meetingTypeId", ""), set("end", "2026-02-01")]);
        assert_all(
            &validate_booking_availability(&query),
            &[("meetingTypeId", Code::Empty), ("end", Code::Order)],
            "availability with order",
        );
    }
}

// ---------------------------------------------------------------------------------------
// Mapping from the visitor's form.
// ---------------------------------------------------------------------------------------

mod mapping {
    use super::*;

    /// A change to the form, and the broken rules it must give with the input each belongs to.
    type FormCase = (
        &'static str,
        fn(&mut VisitorForm),
        &'static [(&'static str, Code, FormField)],
    );

    fn form() -> VisitorForm {
        VisitorForm {
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            phone: "+1 (212) 555-0100".into(),
            company: "Analytical Engines".into(),
            notes: "About the engine".into(),
            guests: vec!["".into(), " grace@example.org ".into()],
            reason: String::new(),
            date: "2026-03-09".into(),
            time: "09:30".into(),
            time_zone: "America/New_York".into(),
            utm: booking_core::Utm::from([("utm_source".to_owned(), "newsletter".to_owned())]),
        }
    }

    fn settings() -> Settings {
        Settings {
            meeting_type_id: "mt_123".into(),
            host_ids: vec!["host_1".into()],
            queue_id: None,
            channel: Some(Channel::Zoom),
            duration: Some(30),
        }
    }

    fn start() -> Timestamp {
        parse_timestamp("2026-03-09T09:30:00-04:00").unwrap()
    }

    #[test]
    fn create_booking_from_the_form_validates() {
        let request = create_booking_request(&form(), &settings(), &start());
        assert_eq!(validate_create_booking(&request), vec![]);
        assert_eq!(request.start.as_deref(), Some("2026-03-09T09:30:00-04:00"));
        assert_eq!(request.meeting_type_id.as_deref(), Some("mt_123"));
        assert_eq!(request.host_ids, Some(vec!["host_1".to_owned()]));
        assert_eq!(request.queue_id, None);
        assert_eq!(request.channel, Some(Channel::Zoom));
        assert_eq!(request.duration, Some(30.into()));
        let attendee = request.attendee.expect("attendee");
        assert_eq!(attendee.email.as_deref(), Some("ada@example.com"));
        assert_eq!(attendee.receive_reminders, Some(true));
        assert_eq!(attendee.firstname.as_deref(), Some("Ada"));
        assert_eq!(attendee.fullname.as_deref(), Some("Ada Lovelace"));
        assert_eq!(attendee.phone.as_deref(), Some("+12125550100"));
        assert_eq!(attendee.bringalong_emails, Some(vec!["grace@example.org".to_owned()]));
        assert_eq!(attendee.timezone.as_deref(), Some("America/New_York"));
        let notes: Map<String, Value> = serde_json::from_value(json!({
            "notes": "About the engine",
            "company": "Analytical Engines",
            "utm_source": "newsletter"
        }))
        .unwrap();
        assert_eq!(attendee.notes, Some(notes.into()));
    }

    #[test]
    fn create_booking_with_a_queue_or_a_bare_form_validates() {
        let queue = Settings {
            host_ids: vec![" ".into()],
            queue_id: Some("queue_1".into()),
            channel: None,
            duration: None,
            ..settings()
        };
        let request = create_booking_request(&form(), &queue, &start());
        assert_eq!(validate_create_booking(&request), vec![]);
        assert_eq!(request.host_ids, None, "blank host ids are left off");
        assert_eq!(request.queue_id.as_deref(), Some("queue_1"));

        let bare = VisitorForm {
            email: "ada@example.com".into(),
            ..VisitorForm::default()
        };
        let request = create_booking_request(&bare, &settings(), &start());
        assert_eq!(validate_create_booking(&request), vec![]);
        assert_eq!(
            request.attendee.unwrap().notes,
            Some(Map::new().into()),
            "notes stays as {{}}, it is required"
        );
    }

    #[test]
    fn reschedule_and_availability_from_the_form_validate() {
        let request = reschedule_appointment_request(&start());
        assert_eq!(validate_reschedule_appointment(reschedule::ID, &request), vec![]);
        assert_eq!(request.start.as_deref(), Some("2026-03-09T09:30:00-04:00"));
        let query = booking_availability_query(&settings(), "2026-03-09", "2026-03-15", "America/New_York");
        assert_eq!(validate_booking_availability(&query), vec![]);
    }

    #[test]
    fn blank_settings_are_reported_for_the_site_owner() {
        let errors = validate_create_booking(&create_booking_request(&form(), &Settings::default(), &start()));
        assert_all(
            &errors,
            &[("meetingTypeId", Code::Required), ("hostIds", Code::Required)],
            "blank settings",
        );
        assert_eq!(form_field("meetingTypeId"), None);
        assert_eq!(form_field("hostIds"), None);
    }

    #[test]
    fn form_mistakes_land_next_to_their_inputs() {
        let cases: [FormCase; 4] = [
            ("good form", |_| {}, &[]),
            (
                "email missing",
                |f| f.email = " ".into(),
                &[("attendee.email", Code::Required, FormField::Email)],
            ),
            (
                "bad email",
                |f| f.email = "ada@".into(),
                &[("attendee.email", Code::Format, FormField::Email)],
            ),
            (
                "bad second guest",
                |f| f.guests = vec!["a@b.co".into(), "grace".into()],
                &[("attendee.bringalongEmails.1", Code::Format, FormField::Guests)],
            ),
        ];
        for (description, change, expected) in cases {
            let mut visitor = form();
            change(&mut visitor);
            let errors = validate_create_booking(&create_booking_request(&visitor, &settings(), &start()));
            let got: Vec<(String, Code, Option<FormField>)> = errors
                .iter()
                .map(|e| (e.field.clone(), e.code, form_field(&e.field)))
                .collect();
            let want: Vec<(String, Code, Option<FormField>)> = expected
                .iter()
                .map(|(f, c, i)| ((*f).to_owned(), *c, Some(*i)))
                .collect();
            assert_eq!(got, want, "{description}");
        }
    }

    #[test]
    fn form_field_table() {
        let table = [
            ("attendee.email", Some(FormField::Email)),
            ("attendee.phone", Some(FormField::Phone)),
            ("attendee.firstname", Some(FormField::FirstName)),
            ("attendee.fullname", Some(FormField::FirstName)),
            ("attendee.lastname", Some(FormField::LastName)),
            ("attendee.notes", Some(FormField::Notes)),
            ("attendee.timezone", Some(FormField::TimeZone)),
            ("attendee.bringalongEmails", Some(FormField::Guests)),
            ("attendee.bringalongEmails.0", Some(FormField::Guests)),
            ("attendee.bringalongEmails.12", Some(FormField::Guests)),
            ("start", Some(FormField::Time)),
            ("attendee", None),
            ("attendee.receiveReminders", None),
            ("attendee.language", None),
            ("meetingTypeId", None),
            ("hostIds", None),
            ("queueId", None),
            ("channel", None),
            ("duration", None),
            ("icsTitle", None),
            ("id", None),
            ("end", None),
            ("email", None),
            ("Attendee.email", None),
            ("", None),
        ];
        for (wire, expected) in table {
            assert_eq!(form_field(wire), expected, "{wire:?}");
        }
    }

    /// Every key the mapping puts on the wire from a form input is placed next to that
    /// input; keys from the settings are not placed next to any input.
    #[test]
    fn form_field_covers_every_mapped_key() {
        let request = serde_json::to_value(create_booking_request(&form(), &settings(), &start())).unwrap();
        let mut keys = Vec::new();
        for (key, value) in request.as_object().unwrap() {
            if key == "attendee" {
                keys.extend(value.as_object().unwrap().keys().map(|k| format!("attendee.{k}")));
            } else {
                keys.push(key.clone());
            }
        }
        keys.sort();
        let expected = BTreeMap::from([
            ("attendee.bringalongEmails", Some(FormField::Guests)),
            ("attendee.email", Some(FormField::Email)),
            ("attendee.firstname", Some(FormField::FirstName)),
            ("attendee.fullname", Some(FormField::FirstName)),
            ("attendee.lastname", Some(FormField::LastName)),
            ("attendee.notes", Some(FormField::Notes)),
            ("attendee.phone", Some(FormField::Phone)),
            ("attendee.receiveReminders", None),
            ("attendee.timezone", Some(FormField::TimeZone)),
            ("channel", None),
            ("duration", None),
            ("hostIds", None),
            ("meetingTypeId", None),
            ("start", Some(FormField::Time)),
        ]);
        assert_eq!(keys, expected.keys().map(|k| (*k).to_owned()).collect::<Vec<_>>());
        for (key, input) in &expected {
            assert_eq!(form_field(key), *input, "{key}");
        }
    }
}
