//! Table tests for every GoHighLevel rule: `gohighlevel-create-appointment.txt` and the
//! GoHighLevel section of `shared/api/README.md`.
//!
//! Each operation has a fully valid request (`valid()`, the page's own example where the
//! page has one). Each row applies a few edits to that request's JSON, reads it back with
//! `parse_request` (so unpublished enum values arrive as `Unlisted`, as from a browser),
//! and expects either no error or exactly one `(field, code)`. Rows sit on both sides of
//! every boundary, so loosening or tightening a rule breaks a row.

use std::collections::BTreeMap;

use booking_core::gohighlevel::{
    create_appointment_request, form_field, free_slots_query, is_rrule, update_appointment_request,
    upsert_contact_request, validate_create_appointment, validate_free_slots, validate_update_appointment,
    validate_upsert_contact, AppointmentStatus, CreateAppointmentRequest, FreeSlotsQuery, MeetingLocationType,
    Settings, UpdateAppointmentRequest, UpsertContactRequest,
};
use booking_core::rules::Listed;
use booking_core::time::{parse_timestamp, Timestamp};
use booking_core::{parse_request, Code, FieldError, FormField, VisitorForm};
use serde_json::Value;

#[path = "common/table.rs"]
mod table;

use table::*;

// ---------------------------------------------------------------------------------------
// Published enums.
// ---------------------------------------------------------------------------------------

const LOCATION_TYPES: [&str; 7] = ["custom", "zoom", "gmeet", "phone", "address", "ms_teams", "google"];
const REQUEST_STATUSES: [&str; 6] = ["new", "confirmed", "cancelled", "showed", "noshow", "invalid"];

#[test]
fn published_enum_values_are_exactly_the_pages() {
    assert_eq!(<MeetingLocationType as Listed>::PUBLISHED, LOCATION_TYPES);
    assert_eq!(<AppointmentStatus as Listed>::PUBLISHED, REQUEST_STATUSES);
}

#[test]
fn unpublished_enum_values_reach_validation_as_unlisted() {
    let request: CreateAppointmentRequest =
        parse_request(br#"{"meetingLocationType":"Zoom","appointmentStatus":"active"}"#)
            .expect("unlisted values still parse");
    assert_eq!(
        request.meeting_location_type,
        Some(MeetingLocationType::Unlisted("Zoom".into()))
    );
    assert_eq!(
        request.appointment_status,
        Some(AppointmentStatus::Unlisted("active".into()))
    );
    let request: CreateAppointmentRequest =
        parse_request(br#"{"meetingLocationType":"ms_teams","appointmentStatus":"noshow"}"#).unwrap();
    assert_eq!(request.meeting_location_type, Some(MeetingLocationType::MsTeams));
    assert_eq!(request.appointment_status, Some(AppointmentStatus::Noshow));
}

// ---------------------------------------------------------------------------------------
// Rules create and update share (startTime, endTime, enums, rrule).
// ---------------------------------------------------------------------------------------

/// The page example's times: 03:30+05:30 is 22:00Z, 04:30+05:30 is 23:00Z.
const START: &str = "2021-06-23T03:30:00+05:30";
const END: &str = "2021-06-23T04:30:00+05:30";
const PAGE_RRULE: &str = "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=5";

/// RRULEs that are well-formed (`is_rrule` true).
const GOOD_RRULES: &[&str] = &[
    "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=5",
    "FREQ=WEEKLY",
    "rrule:freq=weekly",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=MINUTELY;BYSECOND=60",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=YEARLY;BYYEARDAY=-366",
    "FREQ=DAILY;UNTIL=20261231T235959Z",
    "FREQ=DAILY;UNTIL=20261231",
    "COUNT=4;FREQ=WEEKLY",
];

/// RRULEs that break RFC 5545 §3.3.10, and why.
const BAD_RRULES: &[(&str, &str)] = &[
    ("", "empty"),
    ("COUNT=5", "FREQ missing"),
    ("FREQ=DAILY;FREQ=WEEKLY", "FREQ twice"),
    ("FREQ=DAILY;UNTIL=20261231T235959Z;COUNT=5", "UNTIL and COUNT together"),
    ("FREQ=DAILY;COUNT=0", "COUNT=0"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
    ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13"),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX"),
    ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0"),
    ("FREQ=DAILY;BYHOUR=24", "BYHOUR=24"),
    ("FREQ=MINUTELY;BYSECOND=61", "BYSECOND=61"),
    ("FREQ=FORTNIGHTLY", "unknown FREQ"),
];

/// Rows that hold for both create and update, whose valid requests share `START`, `END`,
/// `PAGE_RRULE` with `ignoreFreeSlotValidation: true`, and listed enum values.
fn appointment_rows() -> Vec<Row> {
    let mut rows = vec![
        // startTime: required, ISO 8601 with an offset.
        row(
            "startTime missing",
            [unset("startTime")],
            Some(("startTime", Code::Required)),
        ),
        row(
            "startTime without offset",
            [set("startTime", "2021-06-23T03:30:00")],
            Some(("startTime", Code::Format)),
        ),
        row(
            "startTime empty",
            [set("startTime", "")],
            Some(("startTime", Code::Format)),
        ),
        row(
            "startTime date only",
            [set("startTime", "2021-06-23")],
            Some(("startTime", Code::Format)),
        ),
        row(
            "startTime with a space for T",
            [set("startTime", "2021-06-23 03:30:00+05:30")],
            Some(("startTime", Code::Format)),
        ),
        row(
            "startTime on a day that does not exist",
            [set("startTime", "2021-02-29T03:30:00+05:30")],
            Some(("startTime", Code::Format)),
        ),
        row(
            "startTime written in UTC",
            [set("startTime", "2021-06-22T22:00:00Z")],
            None,
        ),
        row(
            "startTime with a fraction",
            [set("startTime", "2021-06-22T22:00:00.500Z")],
            None,
        ),
        // endTime: optional, ISO 8601 with an offset, after startTime as instants.
        row("endTime missing", [unset("endTime")], None),
        row(
            "endTime equal to startTime",
            [set("endTime", START)],
            Some(("endTime", Code::Order)),
        ),
        row(
            "endTime the same instant written in UTC",
            [set("endTime", "2021-06-22T22:00:00Z")],
            Some(("endTime", Code::Order)),
        ),
        row(
            "endTime one second before startTime",
            [set("endTime", "2021-06-23T03:29:59+05:30")],
            Some(("endTime", Code::Order)),
        ),
        row(
            "endTime one second after startTime",
            [set("endTime", "2021-06-23T03:30:01+05:30")],
            None,
        ),
        row(
            "endTime one millisecond after startTime",
            [set("endTime", "2021-06-22T22:00:00.001Z")],
            None,
        ),
        row(
            "endTime in another offset, a later instant",
            [set("endTime", "2021-06-22T23:00:00Z")],
            None,
        ),
        row(
            "endTime with an earlier wall clock but a later instant",
            [set("endTime", "2021-06-22T17:30:00-05:00")],
            None,
        ),
        row(
            "endTime with a later wall clock but an earlier instant",
            [set("endTime", "2021-06-23T03:31:00+06:00")],
            Some(("endTime", Code::Order)),
        ),
        row(
            "endTime without offset",
            [set("endTime", "2021-06-23T04:30:00")],
            Some(("endTime", Code::Format)),
        ),
        // The enums, absent.
        row("meetingLocationType missing", [unset("meetingLocationType")], None),
        row("appointmentStatus missing", [unset("appointmentStatus")], None),
        // rrule only with ignoreFreeSlotValidation: true.
        row("rrule with ignoreFreeSlotValidation true", [], None),
        row(
            "rrule with ignoreFreeSlotValidation false",
            [set("ignoreFreeSlotValidation", false)],
            Some(("rrule", Code::Conflict)),
        ),
        row(
            "rrule without ignoreFreeSlotValidation",
            [unset("ignoreFreeSlotValidation")],
            Some(("rrule", Code::Conflict)),
        ),
        row(
            "no rrule, ignoreFreeSlotValidation false",
            [unset("rrule"), set("ignoreFreeSlotValidation", false)],
            None,
        ),
        row(
            "no rrule, no ignoreFreeSlotValidation",
            [unset("rrule"), unset("ignoreFreeSlotValidation")],
            None,
        ),
    ];
    for value in LOCATION_TYPES {
        rows.push(row(
            format!("meetingLocationType {value:?}"),
            [set("meetingLocationType", value)],
            None,
        ));
    }
    for value in [
        "Zoom",
        "teams",
        "",
        "ms-teams",
        "MS_TEAMS",
        "google_meet",
        " custom",
        "Custom",
    ] {
        rows.push(row(
            format!("meetingLocationType {value:?}"),
            [set("meetingLocationType", value)],
            Some(("meetingLocationType", Code::NotAllowed)),
        ));
    }
    for value in REQUEST_STATUSES {
        rows.push(row(
            format!("appointmentStatus {value:?}"),
            [set("appointmentStatus", value)],
            None,
        ));
    }
    for value in ["active", "completed", "Confirmed", "", "no_show", "canceled"] {
        rows.push(row(
            format!("appointmentStatus {value:?}"),
            [set("appointmentStatus", value)],
            Some(("appointmentStatus", Code::NotAllowed)),
        ));
    }
    for rrule in GOOD_RRULES {
        rows.push(row(format!("rrule {rrule:?}"), [set("rrule", *rrule)], None));
        rows.push(row(
            format!("rrule {rrule:?} with ignoreFreeSlotValidation false"),
            [set("rrule", *rrule), set("ignoreFreeSlotValidation", false)],
            Some(("rrule", Code::Conflict)),
        ));
    }
    for (rrule, why) in BAD_RRULES {
        rows.push(row(
            format!("rrule {why}: {rrule:?}"),
            [set("rrule", *rrule)],
            Some(("rrule", Code::Format)),
        ));
    }
    rows
}

#[test]
fn is_rrule_table() {
    let good = [
        "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=5",
        "FREQ=WEEKLY",
        "rrule:freq=weekly",
        "RRULE:freq=Weekly;byday=mo",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "FREQ=DAILY",
        "FREQ=MONTHLY",
        "FREQ=YEARLY",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=+1MO",
        "FREQ=YEARLY;BYDAY=53MO,-53SU",
        "FREQ=YEARLY;BYYEARDAY=-366",
        "FREQ=YEARLY;BYYEARDAY=1,366,+100",
        "FREQ=DAILY;UNTIL=20261231T235959Z",
        "FREQ=DAILY;UNTIL=20261231",
        "FREQ=DAILY;UNTIL=20280229",
        "FREQ=DAILY;UNTIL=20261231T235960Z",
        "FREQ=MINUTELY;BYSECOND=60",
        "FREQ=HOURLY;BYSECOND=0;BYMINUTE=0,59;BYHOUR=0,23",
        "FREQ=DAILY;BYHOUR=09",
        "FREQ=MONTHLY;BYMONTHDAY=1,-31,31",
        "FREQ=YEARLY;BYWEEKNO=1,-53,53",
        "FREQ=YEARLY;BYMONTH=1,12",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYSETPOS=366",
        "FREQ=WEEKLY;WKST=SU",
        "COUNT=4;FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=10",
        "FREQ=DAILY;COUNT=1",
        "FREQ=DAILY;INTERVAL=1",
    ];
    let bad = [
        ("", "empty"),
        ("RRULE:", "prefix only"),
        ("RRULE:RRULE:FREQ=DAILY", "prefix twice"),
        ("FREQ", "no value"),
        ("FREQ=", "empty value"),
        ("COUNT=5", "FREQ missing"),
        ("INTERVAL=2;BYDAY=MO", "FREQ missing"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ twice"),
        ("FREQ=DAILY;FREQ=DAILY", "FREQ twice, same value"),
        ("FREQ=DAILY;COUNT=2;COUNT=3", "a rule part twice"),
        ("FREQ=WEEKLY;BYDAY=MO;BYDAY=TU", "a rule part twice"),
        ("FREQ=DAILY;UNTIL=20261231;COUNT=5", "UNTIL and COUNT"),
        ("FREQ=DAILY;COUNT=5;UNTIL=20261231T235959Z", "COUNT and UNTIL"),
        ("FREQ=FORTNIGHTLY", "unknown FREQ"),
        ("FREQ=DAILY;COUNT=0", "COUNT=0"),
        ("FREQ=DAILY;COUNT=-1", "negative COUNT"),
        ("FREQ=DAILY;COUNT=5x", "COUNT not a number"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13"),
        ("FREQ=YEARLY;BYMONTH=0", "BYMONTH=0"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX"),
        ("FREQ=WEEKLY;BYDAY=MON", "BYDAY three letters"),
        ("FREQ=MONTHLY;BYDAY=0MO", "BYDAY ordinal 0"),
        ("FREQ=MONTHLY;BYDAY=54MO", "BYDAY ordinal 54"),
        ("FREQ=WEEKLY;BYDAY=MO,,TU", "empty list item"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY=-32"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR=24"),
        ("FREQ=DAILY;BYHOUR=009", "BYHOUR three digits"),
        ("FREQ=DAILY;BYHOUR=", "BYHOUR empty"),
        ("FREQ=HOURLY;BYMINUTE=60", "BYMINUTE=60"),
        ("FREQ=MINUTELY;BYSECOND=61", "BYSECOND=61"),
        ("FREQ=YEARLY;BYYEARDAY=0", "BYYEARDAY=0"),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY=367"),
        ("FREQ=YEARLY;BYYEARDAY=-367", "BYYEARDAY=-367"),
        ("FREQ=YEARLY;BYWEEKNO=0", "BYWEEKNO=0"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO=54"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS=0"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367", "BYSETPOS=367"),
        ("FREQ=WEEKLY;WKST=XX", "WKST=XX"),
        ("FREQ=DAILY;UNTIL=20260230", "UNTIL on a day that does not exist"),
        ("FREQ=DAILY;UNTIL=20270229", "UNTIL on 29 February of a common year"),
        ("FREQ=DAILY;UNTIL=2026-12-31", "UNTIL with hyphens"),
        ("FREQ=DAILY;UNTIL=20261231T240000Z", "UNTIL hour 24"),
        ("FREQ=DAILY;UNTIL=20261231T235961Z", "UNTIL second 61"),
        ("FREQ=DAILY;UNTIL=20261231T2359Z", "UNTIL without seconds"),
        ("FREQ=DAILY;", "trailing semicolon"),
        ("FREQ=DAILY;;COUNT=2", "empty rule part"),
        ("FREQ=DAILY;FOO=BAR", "unknown rule part"),
        ("FREQ = DAILY", "spaces"),
        ("DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "DTSTART line"),
        ("FREQ=DAILY;COUNT=\u{ff15}", "fullwidth digit"),
    ];
    let mut failures = Vec::new();
    for rrule in good {
        if !is_rrule(rrule) {
            failures.push(format!("{rrule:?} should be accepted"));
        }
    }
    for (rrule, why) in bad {
        if is_rrule(rrule) {
            failures.push(format!("{rrule:?} should be refused ({why})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// RFC 5545 §3.3.10, which the page points to ("RRULE as per the iCalendar (RFC 5545)
/// specification"), also forbids some combinations of rule parts with `FREQ`.
#[test]
fn is_rrule_refuses_rule_parts_rfc_5545_forbids_with_the_freq() {
    let cases = [
        // "The BYMONTHDAY rule part MUST NOT be specified when the FREQ rule part is set to WEEKLY."
        ("FREQ=WEEKLY;BYMONTHDAY=1", false),
        ("FREQ=MONTHLY;BYMONTHDAY=1", true),
        // "The BYYEARDAY rule part MUST NOT be specified when the FREQ rule part is set to
        // DAILY, WEEKLY, or MONTHLY."
        ("FREQ=DAILY;BYYEARDAY=1", false),
        ("FREQ=WEEKLY;BYYEARDAY=1", false),
        ("FREQ=MONTHLY;BYYEARDAY=1", false),
        ("FREQ=YEARLY;BYYEARDAY=1", true),
        // BYWEEKNO: "MUST NOT be used when the FREQ rule part is set to anything other than YEARLY."
        ("FREQ=MONTHLY;BYWEEKNO=1", false),
        ("FREQ=YEARLY;BYWEEKNO=1", true),
        // "The BYDAY rule part MUST NOT be specified with a numeric value when the FREQ rule
        // part is not set to MONTHLY or YEARLY" ... "nor with FREQ=YEARLY when BYWEEKNO is".
        ("FREQ=WEEKLY;BYDAY=-1FR", false),
        ("FREQ=DAILY;BYDAY=1MO", false),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", false),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", true),
        // BYSETPOS: "It MUST only be used in conjunction with another BYxxx rule part."
        ("FREQ=MONTHLY;BYSETPOS=1", false),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", true),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter(|(rrule, want)| is_rrule(rrule) != *want)
        .map(|(rrule, want)| format!("is_rrule({rrule:?}) should be {want}"))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------
// POST /calendars/events/appointments
// ---------------------------------------------------------------------------------------

mod create {
    use super::*;

    /// The page's example request, verbatim.
    pub fn valid() -> CreateAppointmentRequest {
        parse_request(
            br#"{
                "calendarId": "CVokAlI8fgw4WYWoCtQz",
                "locationId": "C2QujeCh8ZnC7al2InWR",
                "contactId": "0007BWpSzSwfiuSl0tR2",
                "startTime": "2021-06-23T03:30:00+05:30",
                "title": "Test Event",
                "meetingLocationType": "custom",
                "meetingLocationId": "custom_0",
                "overrideLocationConfig": true,
                "appointmentStatus": "confirmed",
                "assignedUserId": "0007BWpSzSwfiuSl0tR2",
                "description": "Booking a call to discuss the project",
                "address": "Zoom",
                "ignoreDateRange": false,
                "toNotify": false,
                "ignoreFreeSlotValidation": true,
                "rrule": "RRULE:FREQ=DAILY;INTERVAL=1;COUNT=5",
                "endTime": "2021-06-23T04:30:00+05:30"
            }"#,
        )
        .expect("the page's example parses")
    }

    #[test]
    fn valid_request_has_no_errors() {
        let request = valid();
        assert_eq!(request.start_time.as_deref(), Some(START));
        assert_eq!(request.end_time.as_deref(), Some(END));
        assert_eq!(request.rrule.as_deref(), Some(PAGE_RRULE));
        assert_eq!(validate_create_appointment(&request), vec![]);
        assert_eq!(with(&request, &[]), request, "the JSON round trip keeps every field");
    }

    #[test]
    fn only_the_required_fields_have_no_errors() {
        let request: CreateAppointmentRequest = parse_request(
            br#"{"calendarId":"c","locationId":"l","contactId":"p","startTime":"2021-06-23T03:30:00+05:30"}"#,
        )
        .unwrap();
        assert_eq!(validate_create_appointment(&request), vec![]);
    }

    #[test]
    fn ids_are_required_and_non_empty() {
        let mut rows = Vec::new();
        for field in ["calendarId", "locationId", "contactId"] {
            rows.push(row(
                format!("{field} missing"),
                [unset(field)],
                Some((field, Code::Required)),
            ));
            rows.push(row(
                format!("{field} empty"),
                [set(field, "")],
                Some((field, Code::Empty)),
            ));
            rows.push(row(format!("{field} one character"), [set(field, "x")], None));
            rows.push(row(
                format!("{field} null"),
                [set(field, Value::Null)],
                Some((field, Code::Required)),
            ));
        }
        run(&valid(), rows, validate_create_appointment);
    }

    #[test]
    fn shared_appointment_rules() {
        run(&valid(), appointment_rows(), validate_create_appointment);
    }

    #[test]
    fn optional_fields_are_optional() {
        let rows = [
            "title",
            "meetingLocationId",
            "overrideLocationConfig",
            "assignedUserId",
            "description",
            "address",
            "ignoreDateRange",
            "toNotify",
        ]
        .into_iter()
        .map(|field| row(format!("{field} missing"), [unset(field)], None))
        .collect();
        run(&valid(), rows, validate_create_appointment);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let request = with(
            &valid(),
            &[
                unset("calendarId"),
                set("locationId", ""),
                unset("contactId"),
                set("startTime", "2021-06-23T03:30:00"),
                set("endTime", "tomorrow"),
                set("meetingLocationType", "Zoom"),
                set("appointmentStatus", "active"),
                set("rrule", "FREQ=DAILY;COUNT=0"),
                set("ignoreFreeSlotValidation", false),
            ],
        );
        assert_all(
            &validate_create_appointment(&request),
            &[
                ("calendarId", Code::Required),
                ("locationId", Code::Empty),
                ("contactId", Code::Required),
                ("startTime", Code::Format),
                ("endTime", Code::Format),
                ("meetingLocationType", Code::NotAllowed),
                ("appointmentStatus", Code::NotAllowed),
                ("rrule", Code::Format),
                ("rrule", Code::Conflict),
            ],
            "create",
        );
        // An empty body: every required field at once.
        let empty: CreateAppointmentRequest = parse_request(b"{}").unwrap();
        assert_all(
            &validate_create_appointment(&empty),
            &[
                ("calendarId", Code::Required),
                ("locationId", Code::Required),
                ("contactId", Code::Required),
                ("startTime", Code::Required),
            ],
            "create {}",
        );
        // An order error together with the others.
        let request = with(
            &valid(),
            &[
                set("contactId", ""),
                set("endTime", START),
                set("appointmentStatus", "completed"),
            ],
        );
        assert_all(
            &validate_create_appointment(&request),
            &[
                ("contactId", Code::Empty),
                ("endTime", Code::Order),
                ("appointmentStatus", Code::NotAllowed),
            ],
            "create with order",
        );
    }
}

// ---------------------------------------------------------------------------------------
// PUT /calendars/events/appointments/{eventId}
// ---------------------------------------------------------------------------------------

mod update {
    use super::*;

    pub const EVENT_ID: &str = "0TkCdp9PfvLeWKYRRvIz";

    pub fn valid() -> UpdateAppointmentRequest {
        UpdateAppointmentRequest {
            calendar_id: Some("CVokAlI8fgw4WYWoCtQz".into()),
            start_time: Some(START.into()),
            end_time: Some(END.into()),
            title: Some("Test Event".into()),
            meeting_location_type: Some(MeetingLocationType::Custom),
            meeting_location_id: Some("custom_0".into()),
            override_location_config: Some(true),
            appointment_status: Some(AppointmentStatus::Confirmed),
            assigned_user_id: Some("0007BWpSzSwfiuSl0tR2".into()),
            description: Some("Booking a call to discuss the project".into()),
            address: Some("Zoom".into()),
            ignore_date_range: Some(false),
            to_notify: Some(false),
            ignore_free_slot_validation: Some(true),
            rrule: Some(PAGE_RRULE.into()),
        }
    }

    fn validate(request: &UpdateAppointmentRequest) -> Vec<FieldError> {
        validate_update_appointment(EVENT_ID, request)
    }

    #[test]
    fn valid_request_has_no_errors() {
        assert_eq!(validate(&valid()), vec![]);
        assert_eq!(with(&valid(), &[]), valid());
        let only_start: UpdateAppointmentRequest =
            parse_request(br#"{"startTime":"2021-06-23T03:30:00+05:30"}"#).unwrap();
        assert_eq!(validate(&only_start), vec![]);
    }

    #[test]
    fn event_id_is_required_and_non_empty() {
        let request = valid();
        let mut failures = Vec::new();
        for (event_id, expect) in [("", Some(("eventId", Code::Empty))), ("x", None), (EVENT_ID, None)] {
            let errors = validate_update_appointment(event_id, &request);
            assert_readable(&errors, event_id);
            let want: Vec<(String, Code)> = expect
                .iter()
                .map(|(f, c): &(&str, Code)| ((*f).to_owned(), *c))
                .collect();
            if pairs(&errors) != want {
                failures.push(format!(
                    "eventId {event_id:?}: expected {want:?}, got {:?}",
                    pairs(&errors)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn calendar_id_is_optional_but_non_empty() {
        run(
            &valid(),
            vec![
                row("calendarId missing", [unset("calendarId")], None),
                row(
                    "calendarId empty",
                    [set("calendarId", "")],
                    Some(("calendarId", Code::Empty)),
                ),
                row("calendarId one character", [set("calendarId", "x")], None),
            ],
            validate,
        );
    }

    #[test]
    fn shared_appointment_rules() {
        run(&valid(), appointment_rows(), validate);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let request = with(
            &valid(),
            &[
                set("calendarId", ""),
                unset("startTime"),
                set("endTime", "2021-06-23T04:30:00"),
                set("meetingLocationType", "teams"),
                set("appointmentStatus", "completed"),
                set("rrule", "FREQ=DAILY;FREQ=WEEKLY"),
                unset("ignoreFreeSlotValidation"),
            ],
        );
        assert_all(
            &validate_update_appointment("", &request),
            &[
                ("eventId", Code::Empty),
                ("calendarId", Code::Empty),
                ("startTime", Code::Required),
                ("endTime", Code::Format),
                ("meetingLocationType", Code::NotAllowed),
                ("appointmentStatus", Code::NotAllowed),
                ("rrule", Code::Format),
                ("rrule", Code::Conflict),
            ],
            "update",
        );
    }
}

// ---------------------------------------------------------------------------------------
// GET /calendars/{calendarId}/free-slots
// ---------------------------------------------------------------------------------------

mod free_slots {
    use super::*;

    pub const CALENDAR_ID: &str = "CVokAlI8fgw4WYWoCtQz";
    const DAY: i64 = 86_400_000;

    pub fn start_ms() -> i64 {
        parse_timestamp("2026-03-09T00:00:00-04:00").unwrap().unix_millis()
    }

    pub fn valid() -> FreeSlotsQuery {
        FreeSlotsQuery {
            start_date: Some(start_ms()),
            end_date: Some(start_ms() + 7 * DAY),
            timezone: Some("America/New_York".into()),
            user_id: None,
        }
    }

    fn validate(query: &FreeSlotsQuery) -> Vec<FieldError> {
        validate_free_slots(CALENDAR_ID, query)
    }

    #[test]
    fn valid_query_has_no_errors() {
        assert_eq!(validate(&valid()), vec![]);
    }

    #[test]
    fn range_is_ordered_and_at_most_31_days() {
        let start = start_ms();
        run(
            &valid(),
            vec![
                row("exactly 31 days", [set("endDate", start + 31 * DAY)], None),
                row(
                    "31 days and 1 ms",
                    [set("endDate", start + 31 * DAY + 1)],
                    Some(("endDate", Code::TooLong)),
                ),
                row(
                    "32 days",
                    [set("endDate", start + 32 * DAY)],
                    Some(("endDate", Code::TooLong)),
                ),
                row("1 ms", [set("endDate", start + 1)], None),
                row(
                    "end equal to start",
                    [set("endDate", start)],
                    Some(("endDate", Code::Order)),
                ),
                row(
                    "end 1 ms before start",
                    [set("endDate", start - 1)],
                    Some(("endDate", Code::Order)),
                ),
                row(
                    "end 40 days before start",
                    [set("endDate", start - 40 * DAY)],
                    Some(("endDate", Code::Order)),
                ),
                row(
                    "the widest range a client can send",
                    [set("startDate", i64::MIN), set("endDate", i64::MAX)],
                    Some(("endDate", Code::TooLong)),
                ),
                row(
                    "the widest range, backwards",
                    [set("startDate", i64::MAX), set("endDate", i64::MIN)],
                    Some(("endDate", Code::Order)),
                ),
                row(
                    "31 days ending at the largest value",
                    [set("startDate", i64::MAX - 31 * DAY), set("endDate", i64::MAX)],
                    None,
                ),
            ],
            validate,
        );
    }

    #[test]
    fn fields_required_and_non_empty() {
        run(
            &valid(),
            vec![
                row(
                    "startDate missing",
                    [unset("startDate")],
                    Some(("startDate", Code::Required)),
                ),
                row("endDate missing", [unset("endDate")], Some(("endDate", Code::Required))),
                row("timezone missing", [unset("timezone")], None),
                row("timezone empty", [set("timezone", "")], Some(("timezone", Code::Empty))),
                row("userId given", [set("userId", "0007BWpSzSwfiuSl0tR2")], None),
            ],
            validate,
        );
        let mut failures = Vec::new();
        for (calendar_id, expect) in [
            ("", Some(("calendarId", Code::Empty))),
            ("x", None),
            (CALENDAR_ID, None),
        ] {
            let errors = validate_free_slots(calendar_id, &valid());
            assert_readable(&errors, calendar_id);
            let want: Vec<(String, Code)> = expect
                .iter()
                .map(|(f, c): &(&str, Code)| ((*f).to_owned(), *c))
                .collect();
            if pairs(&errors) != want {
                failures.push(format!(
                    "calendarId {calendar_id:?}: expected {want:?}, got {:?}",
                    pairs(&errors)
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let query = with(&valid(), &[unset("startDate"), unset("endDate"), set("timezone", "")]);
        assert_all(
            &validate_free_slots("", &query),
            &[
                ("calendarId", Code::Empty),
                ("startDate", Code::Required),
                ("endDate", Code::Required),
                ("timezone", Code::Empty),
            ],
            "free slots",
        );
        let query = with(
            &valid(),
            &[set("endDate", start_ms() + 31 * DAY + 1), set("timezone", "")],
        );
        assert_all(
            &validate(&query),
            &[("endDate", Code::TooLong), ("timezone", Code::Empty)],
            "free slots too long",
        );
    }
}

// ---------------------------------------------------------------------------------------
// POST /contacts/upsert
// ---------------------------------------------------------------------------------------

mod upsert {
    use super::*;

    pub fn valid() -> UpsertContactRequest {
        UpsertContactRequest {
            location_id: Some("C2QujeCh8ZnC7al2InWR".into()),
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            phone: Some("+12125550100".into()),
            timezone: Some("America/New_York".into()),
            company_name: Some("Analytical Engines".into()),
            source: Some("booking widget".into()),
        }
    }

    #[test]
    fn valid_request_has_no_errors() {
        assert_eq!(validate_upsert_contact(&valid()), vec![]);
        assert_eq!(with(&valid(), &[]), valid());
    }

    #[test]
    fn location_id_is_required_and_non_empty() {
        run(
            &valid(),
            vec![
                row(
                    "locationId missing",
                    [unset("locationId")],
                    Some(("locationId", Code::Required)),
                ),
                row(
                    "locationId empty",
                    [set("locationId", "")],
                    Some(("locationId", Code::Empty)),
                ),
                row("locationId one character", [set("locationId", "x")], None),
            ],
            validate_upsert_contact,
        );
    }

    #[test]
    fn email_or_phone() {
        run(
            &valid(),
            vec![
                row(
                    "neither email nor phone",
                    [unset("email"), unset("phone")],
                    Some(("email", Code::Required)),
                ),
                row("email only", [unset("phone")], None),
                row("phone only", [unset("email")], None),
                row(
                    "bad phone only",
                    [unset("email"), set("phone", "123")],
                    Some(("phone", Code::Format)),
                ),
            ],
            validate_upsert_contact,
        );
    }

    #[test]
    fn email_format() {
        let mut rows = Vec::new();
        for email in ["a@b.co", "ada@example.com", "first.last+tag@sub.example.org"] {
            rows.push(row(format!("email {email:?}"), [set("email", email)], None));
        }
        for email in [
            "not-an-email",
            "ada@",
            "@example.com",
            "a@b",
            "ada@example..com",
            "ada @example.com",
            "",
        ] {
            rows.push(row(
                format!("email {email:?}"),
                [set("email", email)],
                Some(("email", Code::Format)),
            ));
        }
        run(&valid(), rows, validate_upsert_contact);
    }

    #[test]
    fn phone_format() {
        let mut rows = Vec::new();
        for phone in [
            "+12125550100",
            "+1 212 555 0100",
            "(212) 555-0100",
            "1234567",
            "+123456789012345",
            "030 1234567",
        ] {
            rows.push(row(format!("phone {phone:?}"), [set("phone", phone)], None));
        }
        for phone in [
            "123",
            "123456",
            "+1234567890123456",
            "",
            "call me",
            "+1 212 555 0100 x2",
        ] {
            rows.push(row(
                format!("phone {phone:?}"),
                [set("phone", phone)],
                Some(("phone", Code::Format)),
            ));
        }
        run(&valid(), rows, validate_upsert_contact);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let request = with(
            &valid(),
            &[unset("locationId"), set("email", "ada@"), set("phone", "123")],
        );
        assert_all(
            &validate_upsert_contact(&request),
            &[
                ("locationId", Code::Required),
                ("email", Code::Format),
                ("phone", Code::Format),
            ],
            "upsert",
        );
        let empty: UpsertContactRequest = parse_request(b"{}").unwrap();
        assert_all(
            &validate_upsert_contact(&empty),
            &[("locationId", Code::Required), ("email", Code::Required)],
            "upsert {}",
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

    pub fn form() -> VisitorForm {
        VisitorForm {
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            phone: "+1 (212) 555-0100".into(),
            company: "Analytical Engines".into(),
            notes: "About the engine".into(),
            guests: vec!["grace@example.org".into()],
            reason: String::new(),
            date: "2026-03-09".into(),
            time: "09:30".into(),
            time_zone: "America/New_York".into(),
            utm: booking_core::Utm::from([("utm_source".to_owned(), "newsletter".to_owned())]),
        }
    }

    pub fn settings() -> Settings {
        Settings {
            calendar_id: "CVokAlI8fgw4WYWoCtQz".into(),
            location_id: "C2QujeCh8ZnC7al2InWR".into(),
        }
    }

    pub fn start() -> Timestamp {
        parse_timestamp("2026-03-09T09:30:00-04:00").unwrap()
    }

    fn end() -> Timestamp {
        parse_timestamp("2026-03-09T10:00:00-04:00").unwrap()
    }

    #[test]
    fn upsert_from_the_form_validates() {
        let request = upsert_contact_request(&form(), &settings());
        assert_eq!(validate_upsert_contact(&request), vec![]);
        assert_eq!(request.location_id.as_deref(), Some("C2QujeCh8ZnC7al2InWR"));
        assert_eq!(request.first_name.as_deref(), Some("Ada"));
        assert_eq!(request.email.as_deref(), Some("ada@example.com"));
        assert_eq!(request.phone.as_deref(), Some("+12125550100"));
        assert_eq!(request.company_name.as_deref(), Some("Analytical Engines"));
        assert_eq!(request.timezone.as_deref(), Some("America/New_York"));
    }

    #[test]
    fn create_appointment_from_the_form_validates() {
        let request = create_appointment_request(&form(), &settings(), "0007BWpSzSwfiuSl0tR2", &start(), Some(&end()));
        assert_eq!(validate_create_appointment(&request), vec![]);
        assert_eq!(request.calendar_id.as_deref(), Some("CVokAlI8fgw4WYWoCtQz"));
        assert_eq!(request.location_id.as_deref(), Some("C2QujeCh8ZnC7al2InWR"));
        assert_eq!(request.contact_id.as_deref(), Some("0007BWpSzSwfiuSl0tR2"));
        assert_eq!(request.start_time.as_deref(), Some("2026-03-09T09:30:00-04:00"));
        assert_eq!(request.end_time.as_deref(), Some("2026-03-09T10:00:00-04:00"));
        assert_eq!(request.description.as_deref(), Some("About the engine"));
        assert_eq!(request.rrule, None);
        assert_eq!(
            request.ignore_free_slot_validation, None,
            "a visitor never skips slot validation"
        );

        let without_end = create_appointment_request(&form(), &settings(), "c1", &start(), None);
        assert_eq!(validate_create_appointment(&without_end), vec![]);
        assert_eq!(without_end.end_time, None);
    }

    #[test]
    fn update_and_free_slots_from_the_form_validate() {
        let update = update_appointment_request(&start(), Some(&end()));
        assert_eq!(validate_update_appointment(update::EVENT_ID, &update), vec![]);
        assert_eq!(update.start_time.as_deref(), Some("2026-03-09T09:30:00-04:00"));
        let to = parse_timestamp("2026-04-09T09:30:00-04:00").unwrap(); // 31 days later
        let query = free_slots_query(&start(), &to, "America/New_York");
        assert_eq!(validate_free_slots(free_slots::CALENDAR_ID, &query), vec![]);
        assert_eq!(query.end_date.unwrap() - query.start_date.unwrap(), 31 * 86_400_000);
        let too_far = parse_timestamp("2026-04-09T09:30:01-04:00").unwrap();
        let errors = validate_free_slots(free_slots::CALENDAR_ID, &free_slots_query(&start(), &too_far, "UTC"));
        assert_eq!(pairs(&errors), vec![("endDate".to_owned(), Code::TooLong)]);
    }

    #[test]
    fn blank_settings_are_reported_for_the_site_owner() {
        let request = create_appointment_request(&form(), &Settings::default(), " ", &start(), None);
        let errors = validate_create_appointment(&request);
        assert_all(
            &errors,
            &[
                ("calendarId", Code::Required),
                ("locationId", Code::Required),
                ("contactId", Code::Required),
            ],
            "blank settings",
        );
        assert_eq!(form_field("calendarId"), None);
        assert_eq!(form_field("locationId"), None);
    }

    #[test]
    fn form_mistakes_land_next_to_their_inputs() {
        let cases: [FormCase; 5] = [
            ("email only", |f| f.phone.clear(), &[]),
            ("phone only", |f| f.email = "  ".into(), &[]),
            (
                "neither email nor phone",
                |f| {
                    f.email.clear();
                    f.phone.clear();
                },
                &[("email", Code::Required, FormField::Email)],
            ),
            (
                "short phone",
                |f| f.phone = "123".into(),
                &[("phone", Code::Format, FormField::Phone)],
            ),
            (
                "bad email",
                |f| f.email = "ada@".into(),
                &[("email", Code::Format, FormField::Email)],
            ),
        ];
        for (description, change, expected) in cases {
            let mut visitor = form();
            change(&mut visitor);
            let errors = validate_upsert_contact(&upsert_contact_request(&visitor, &settings()));
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
            ("email", Some(FormField::Email)),
            ("contactId", Some(FormField::Email)),
            ("phone", Some(FormField::Phone)),
            ("firstName", Some(FormField::FirstName)),
            ("name", Some(FormField::FirstName)),
            ("lastName", Some(FormField::LastName)),
            ("companyName", Some(FormField::Company)),
            ("description", Some(FormField::Notes)),
            ("startTime", Some(FormField::Time)),
            ("endTime", Some(FormField::Time)),
            ("timezone", Some(FormField::TimeZone)),
            ("calendarId", None),
            ("locationId", None),
            ("eventId", None),
            ("meetingLocationType", None),
            ("appointmentStatus", None),
            ("rrule", None),
            ("startDate", None),
            ("endDate", None),
            ("source", None),
            ("Email", None),
            ("attendee.email", None),
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
        let upsert = serde_json::to_value(upsert_contact_request(&form(), &settings())).unwrap();
        let expected = BTreeMap::from([
            ("locationId", None),
            ("firstName", Some(FormField::FirstName)),
            ("lastName", Some(FormField::LastName)),
            ("email", Some(FormField::Email)),
            ("phone", Some(FormField::Phone)),
            ("timezone", Some(FormField::TimeZone)),
            ("companyName", Some(FormField::Company)),
        ]);
        let mut keys: Vec<&str> = upsert.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, expected.keys().copied().collect::<Vec<_>>(), "upsert keys");
        for (key, input) in &expected {
            assert_eq!(form_field(key), *input, "upsert {key}");
        }

        let create = serde_json::to_value(create_appointment_request(
            &form(),
            &settings(),
            "c1",
            &start(),
            Some(&end()),
        ))
        .unwrap();
        let expected = BTreeMap::from([
            ("calendarId", None),
            ("locationId", None),
            ("contactId", Some(FormField::Email)),
            ("startTime", Some(FormField::Time)),
            ("endTime", Some(FormField::Time)),
            ("description", Some(FormField::Notes)),
        ]);
        let mut keys: Vec<&str> = create.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, expected.keys().copied().collect::<Vec<_>>(), "create keys");
        for (key, input) in &expected {
            assert_eq!(form_field(key), *input, "create {key}");
        }
    }
}
