//! Cal.com's published rules, one table per rule, against the validators.
//!
//! Every table starts from a request that breaks no rule (`valid_*`, checked to give
//! zero errors) and changes one thing per row: values just inside a limit must give no
//! error, values just outside it exactly one error with the expected wire field and
//! [`Code`]. Loosening or tightening any rule turns at least one row red.
//!
//! Sources: `shared/api/calcom-v2-bookings-and-phone-call.txt` and the Cal.com section
//! of `shared/api/README.md` (`start` in UTC; one way to name the event type; the
//! attendee's name, IANA zone and email or phone; `metadata` ≤ 50 keys, keys ≤ 40 and
//! string values ≤ 500 characters as JavaScript counts them; `format=range|time`; the
//! phone call's number pattern `^\+[1-9]\d{1,14}$` and `templateType` options).

mod common;

use booking_core::calcom::{
    create_booking_request, create_phone_call_request, form_field, matches_phone_call_number,
    reschedule_booking_request, slots_query, validate_create_booking, validate_create_phone_call,
    validate_reschedule_booking, validate_slots, Attendee, CreateBookingRequest, CreatePhoneCallRequest, Language,
    RescheduleBookingRequest, Settings, SlotFormat, SlotsQuery, TemplateType,
};
use booking_core::time::{parse_timestamp, Timestamp};
use booking_core::{parse_request, Code, FieldError, FormField, VisitorForm};
use common::ChronoTz;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------
// Table machinery
// ---------------------------------------------------------------------------------------

#[path = "common/cases.rs"]
mod cases;

use cases::*;

/// Parses a JSON body the way the relay does, so that unlisted enum values arrive as
/// `Unlisted` and reach validation.
fn parsed<T: DeserializeOwned>(body: &Value) -> T {
    parse_request(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{body} should parse: {e:?}"))
}

fn set(value: &mut Value, pointer: &str, new: Value) {
    *value.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} exists")) = new;
}

// ---------------------------------------------------------------------------------------
// POST /v2/bookings
// ---------------------------------------------------------------------------------------

fn valid_booking() -> CreateBookingRequest {
    CreateBookingRequest {
        start: Some("2026-03-09T14:30:00Z".into()),
        event_type_id: Some(42),
        event_type_slug: None,
        username: None,
        team_slug: None,
        organization_slug: None,
        attendee: Some(Attendee {
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            time_zone: Some("America/New_York".into()),
            phone_number: Some("+12125550100".into()),
            language: Some(Language::En),
        }),
        guests: Some(vec!["charles@example.com".into()]),
        metadata: Some(Map::from_iter([("utm_source".to_owned(), json!("newsletter"))]).into()),
        booking_fields_responses: Some(Map::from_iter([("notes".to_owned(), json!("Bring the engine."))]).into()),
        length_in_minutes: Some(30),
    }
}

fn attendee(request: &mut CreateBookingRequest) -> &mut Attendee {
    request.attendee.as_mut().expect("the valid request has an attendee")
}

fn booking_errors(request: &CreateBookingRequest) -> Vec<FieldError> {
    validate_create_booking(request, &ChronoTz)
}

/// Start rows shared by create and reschedule: `set` puts the value in place.
fn start_rows<R: 'static>(set_start: fn(&mut R, Option<String>)) -> Vec<Case<R>> {
    let rows: Vec<(&str, Option<&str>, Expected)> = vec![
        ("Z", Some("2026-03-09T14:30:00Z"), pass()),
        ("milliseconds and Z", Some("2026-03-09T14:30:00.000Z"), pass()),
        ("+00:00", Some("2026-03-09T14:30:00+00:00"), pass()),
        ("no seconds, Z", Some("2026-03-09T14:30Z"), pass()),
        ("leap day of 2028", Some("2028-02-29T09:00:00Z"), pass()),
        (
            "-05:00 (not UTC)",
            Some("2026-03-09T09:30:00-05:00"),
            fail("start", Code::Format),
        ),
        (
            "+00:01 (one minute off UTC)",
            Some("2026-03-09T14:31:00+00:01"),
            fail("start", Code::Format),
        ),
        ("+05:30", Some("2026-03-09T20:00:00+05:30"), fail("start", Code::Format)),
        ("no offset", Some("2026-03-09T14:30:00"), fail("start", Code::Format)),
        ("date only", Some("2026-03-09"), fail("start", Code::Format)),
        (
            "space instead of T",
            Some("2026-03-09 14:30:00Z"),
            fail("start", Code::Format),
        ),
        ("no such day", Some("2026-02-29T14:30:00Z"), fail("start", Code::Format)),
        ("empty", Some(""), fail("start", Code::Format)),
        ("missing", None, fail("start", Code::Required)),
    ];
    rows.into_iter()
        .map(|(name, value, expected)| {
            let value = value.map(str::to_owned);
            case(
                format!("start {name}"),
                move |r: &mut R| set_start(r, value.clone()),
                expected,
            )
        })
        .collect()
}

#[test]
fn booking_start_is_utc_iso_8601() {
    check(
        "create start",
        &valid_booking(),
        start_rows(|r: &mut CreateBookingRequest, v| r.start = v),
        booking_errors,
    );
}

#[test]
fn booking_names_its_event_type_exactly_one_way() {
    fn by(
        id: Option<i64>,
        slug: Option<&'static str>,
        username: Option<&'static str>,
        team: Option<&'static str>,
        org: Option<&'static str>,
    ) -> impl Fn(&mut CreateBookingRequest) {
        move |r| {
            r.event_type_id = id;
            r.event_type_slug = slug.map(Into::into);
            r.username = username.map(Into::into);
            r.team_slug = team.map(Into::into);
            r.organization_slug = org.map(Into::into);
        }
    }
    let cases = vec![
        case("eventTypeId alone", by(Some(42), None, None, None, None), pass()),
        case(
            "slug + username",
            by(None, Some("intro"), Some("ada"), None, None),
            pass(),
        ),
        case(
            "slug + teamSlug",
            by(None, Some("intro"), None, Some("engines"), None),
            pass(),
        ),
        case(
            "slug + teamSlug + organizationSlug",
            by(None, Some("intro"), None, Some("engines"), Some("acme")),
            pass(),
        ),
        case(
            "slug + username + organizationSlug",
            by(None, Some("intro"), Some("ada"), None, Some("acme")),
            pass(),
        ),
        case(
            "id + slug",
            by(Some(42), Some("intro"), None, None, None),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "id + username",
            by(Some(42), None, Some("ada"), None, None),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "id + teamSlug",
            by(Some(42), None, None, Some("engines"), None),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "id + organizationSlug",
            by(Some(42), None, None, None, Some("acme")),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "id + slug + username",
            by(Some(42), Some("intro"), Some("ada"), None, None),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "slug + username + teamSlug",
            by(None, Some("intro"), Some("ada"), Some("engines"), None),
            fail("teamSlug", Code::Conflict),
        ),
        case(
            "slug alone",
            by(None, Some("intro"), None, None, None),
            fail("username", Code::Required),
        ),
        case(
            "slug + organizationSlug only",
            by(None, Some("intro"), None, None, Some("acme")),
            fail("username", Code::Required),
        ),
        case(
            "nothing",
            by(None, None, None, None, None),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "username alone",
            by(None, None, Some("ada"), None, None),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "teamSlug alone",
            by(None, None, None, Some("engines"), None),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "eventTypeId 0 counts as absent",
            by(Some(0), None, None, None, None),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "eventTypeId 0 with slug + username",
            by(Some(0), Some("intro"), Some("ada"), None, None),
            pass(),
        ),
        case(
            "slug \"\" counts as absent",
            by(None, Some(""), Some("ada"), None, None),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "id + slug \"\" (absent, no conflict)",
            by(Some(42), Some(""), None, None, None),
            pass(),
        ),
        case(
            "id + username \"\" (absent, no conflict)",
            by(Some(42), None, Some(""), None, None),
            pass(),
        ),
        case(
            "slug + username \"\" + teamSlug",
            by(None, Some("intro"), Some(""), Some("engines"), None),
            pass(),
        ),
        case(
            "slug + username \"\"",
            by(None, Some("intro"), Some(""), None, None),
            fail("username", Code::Required),
        ),
    ];
    check("event type", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_attendee_name_and_time_zone() {
    let mut cases = vec![
        case(
            "attendee missing",
            |r: &mut CreateBookingRequest| r.attendee = None,
            fail("attendee", Code::Required),
        ),
        case(
            "name missing",
            |r: &mut CreateBookingRequest| attendee(r).name = None,
            fail("attendee.name", Code::Required),
        ),
        case(
            "name one letter",
            |r: &mut CreateBookingRequest| attendee(r).name = Some("A".into()),
            pass(),
        ),
        case(
            "timeZone missing",
            |r: &mut CreateBookingRequest| attendee(r).time_zone = None,
            fail("attendee.timeZone", Code::Required),
        ),
    ];
    for (zone, expected) in [
        ("America/New_York", pass()),
        ("UTC", pass()),
        ("Asia/Kolkata", pass()),
        ("Europe/Berlin", pass()),
        ("EST5EDT", pass()),
        ("Mars/Olympus", fail("attendee.timeZone", Code::UnknownTimeZone)),
        ("EST5EDT ", fail("attendee.timeZone", Code::UnknownTimeZone)),
        (" UTC", fail("attendee.timeZone", Code::UnknownTimeZone)),
        ("", fail("attendee.timeZone", Code::UnknownTimeZone)),
    ] {
        cases.push(case(
            format!("timeZone {zone:?}"),
            move |r: &mut CreateBookingRequest| attendee(r).time_zone = Some(zone.into()),
            expected,
        ));
    }
    check("attendee", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_attendee_needs_email_or_phone() {
    fn contact(email: Option<&'static str>, phone: Option<&'static str>) -> impl Fn(&mut CreateBookingRequest) {
        move |r| {
            attendee(r).email = email.map(Into::into);
            attendee(r).phone_number = phone.map(Into::into);
        }
    }
    let cases = vec![
        case("both", contact(Some("ada@example.com"), Some("+12125550100")), pass()),
        case("email only", contact(Some("ada@example.com"), None), pass()),
        case("phone only", contact(None, Some("+12125550100")), pass()),
        case("neither", contact(None, None), fail("attendee.email", Code::Required)),
        case(
            "email \"\" and phone \"\"",
            contact(Some(""), Some("")),
            fail("attendee.email", Code::Required),
        ),
        case(
            "email \"\", no phone",
            contact(Some(""), None),
            fail("attendee.email", Code::Required),
        ),
        case(
            "email \"\" with a phone",
            contact(Some(""), Some("+12125550100")),
            pass(),
        ),
        case(
            "phone \"\" with an email",
            contact(Some("ada@example.com"), Some("")),
            pass(),
        ),
        case(
            "bad email, no phone",
            contact(Some("ada.example.com"), None),
            fail("attendee.email", Code::Format),
        ),
        case(
            "bad email with a good phone",
            contact(Some("ada@"), Some("+12125550100")),
            fail("attendee.email", Code::Format),
        ),
        case(
            "email without a dot in the domain",
            contact(Some("ada@example"), None),
            fail("attendee.email", Code::Format),
        ),
        case(
            "phone with spaces",
            contact(None, Some("+1 212 555 0100")),
            fail("attendee.phoneNumber", Code::Format),
        ),
        case(
            "phone without +",
            contact(None, Some("2125550100")),
            fail("attendee.phoneNumber", Code::Format),
        ),
        case(
            "bad phone with a good email",
            contact(Some("ada@example.com"), Some("12125550100")),
            fail("attendee.phoneNumber", Code::Format),
        ),
    ];
    check("email or phone", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_attendee_phone_is_e164() {
    let mut cases = Vec::new();
    for (phone, expected) in [
        ("+12125550100", pass()),
        ("+1234567", pass()),                                              // 7 digits
        ("+123456", fail("attendee.phoneNumber", Code::Format)),           // 6 digits
        ("+123456789012345", pass()),                                      // 15 digits
        ("+1234567890123456", fail("attendee.phoneNumber", Code::Format)), // 16 digits
        ("+0123456789", fail("attendee.phoneNumber", Code::Format)),       // country code 0
        ("+1 212 555 0100", fail("attendee.phoneNumber", Code::Format)),
        ("+1-212-555-0100", fail("attendee.phoneNumber", Code::Format)),
        ("2125550100", fail("attendee.phoneNumber", Code::Format)),
        ("++12125550100", fail("attendee.phoneNumber", Code::Format)),
        ("+1212555010a", fail("attendee.phoneNumber", Code::Format)),
    ] {
        cases.push(case(
            format!("phoneNumber {phone:?}"),
            move |r: &mut CreateBookingRequest| attendee(r).phone_number = Some(phone.into()),
            expected,
        ));
    }
    check("E.164", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_attendee_language_is_listed() {
    let mut base = serde_json::to_value(valid_booking()).unwrap();
    set(&mut base, "/attendee/language", json!("en"));
    let mut cases = Vec::new();
    for (language, expected) in [
        ("en", pass()),
        ("pt-BR", pass()),
        ("zh-TW", pass()),
        ("zh-CN", pass()),
        ("es-419", pass()),
        ("de", pass()),
        ("EN", fail("attendee.language", Code::NotAllowed)),
        ("pt-br", fail("attendee.language", Code::NotAllowed)),
        ("pt_BR", fail("attendee.language", Code::NotAllowed)),
        ("es-420", fail("attendee.language", Code::NotAllowed)),
        ("xx", fail("attendee.language", Code::NotAllowed)),
        ("", fail("attendee.language", Code::NotAllowed)),
    ] {
        cases.push(case(
            format!("language {language:?}"),
            move |body: &mut Value| set(body, "/attendee/language", json!(language)),
            expected,
        ));
    }
    check("language", &base, cases, |body| booking_errors(&parsed(body)));

    // The listed values land on their variants (not on the catch-all).
    let mut body = base.clone();
    set(&mut body, "/attendee/language", json!("es-419"));
    let request: CreateBookingRequest = parsed(&body);
    assert_eq!(request.attendee.unwrap().language, Some(Language::Es419));
    set(&mut body, "/attendee/language", json!("EN"));
    let request: CreateBookingRequest = parsed(&body);
    assert_eq!(
        request.attendee.unwrap().language,
        Some(Language::Unlisted("EN".into()))
    );
}

#[test]
fn booking_guests_are_emails_each_named_by_index() {
    fn guests(list: &'static [&'static str]) -> impl Fn(&mut CreateBookingRequest) {
        move |r| r.guests = Some(list.iter().map(|g| g.to_string()).collect())
    }
    let cases = vec![
        case(
            "no guests field",
            |r: &mut CreateBookingRequest| r.guests = None,
            pass(),
        ),
        case("empty list", guests(&[]), pass()),
        case("two good guests", guests(&["a@b.co", "charles@example.com"]), pass()),
        case(
            "second is bad",
            guests(&["a@b.co", "x"]),
            fail("guests.1", Code::Format),
        ),
        case("first is bad", guests(&["x", "a@b.co"]), fail("guests.0", Code::Format)),
        case("empty string", guests(&[""]), fail("guests.0", Code::Format)),
        case(
            "third is bad",
            guests(&["a@b.co", "c@d.co", "e@f"]),
            fail("guests.2", Code::Format),
        ),
    ];
    check("guests", &valid_booking(), cases, booking_errors);

    // Every bad guest is reported, each under its own index.
    let mut request = valid_booking();
    request.guests = Some(vec!["x".into(), "a@b.co".into(), "y@".into()]);
    assert_eq!(
        pairs(&booking_errors(&request)),
        vec![
            ("guests.0".to_owned(), Code::Format),
            ("guests.2".to_owned(), Code::Format)
        ]
    );
}

fn metadata(entries: impl IntoIterator<Item = (String, Value)>) -> impl Fn(&mut CreateBookingRequest) {
    let map: Map<String, Value> = entries.into_iter().collect();
    move |r| r.metadata = Some(map.clone().into())
}

fn keys(count: usize) -> Vec<(String, Value)> {
    (0..count).map(|i| (format!("key{i}"), json!("v"))).collect()
}

#[test]
fn booking_metadata_counts_keys() {
    let cases = vec![
        case("no metadata", |r: &mut CreateBookingRequest| r.metadata = None, pass()),
        case("empty object", metadata(keys(0)), pass()),
        case("49 keys", metadata(keys(49)), pass()),
        case("50 keys", metadata(keys(50)), pass()),
        case("51 keys", metadata(keys(51)), fail("metadata", Code::TooMany)),
    ];
    check("metadata keys", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_metadata_lengths_count_utf16_code_units() {
    let key_row = |name: &str, key: String, expected_fail: bool| {
        let field = format!("metadata.{key}");
        case(
            format!("key {name}"),
            metadata([(key, json!("v"))]),
            if expected_fail {
                fail(field, Code::TooLong)
            } else {
                pass()
            },
        )
    };
    let value_row = |name: &str, value: String, expected_fail: bool| {
        case(
            format!("value {name}"),
            metadata([("note".to_owned(), json!(value))]),
            if expected_fail {
                fail("metadata.note", Code::TooLong)
            } else {
                pass()
            },
        )
    };
    let cases = vec![
        key_row("of 40 ASCII", "k".repeat(40), false),
        key_row("of 41 ASCII", "k".repeat(41), true),
        key_row("of 40 'é' (80 bytes, 40 units)", "é".repeat(40), false),
        key_row("of 41 'é'", "é".repeat(41), true),
        key_row("of 20 emoji (40 units)", "😀".repeat(20), false),
        key_row("of 21 emoji (42 units)", "😀".repeat(21), true),
        key_row(
            "of 39 ASCII + 1 emoji (40 chars, 41 units)",
            format!("{}😀", "k".repeat(39)),
            true,
        ),
        value_row("of 500 ASCII", "a".repeat(500), false),
        value_row("of 501 ASCII", "a".repeat(501), true),
        value_row("of 500 'é' (1000 bytes, 500 units)", "é".repeat(500), false),
        value_row("of 501 'é'", "é".repeat(501), true),
        value_row("of 250 emoji (500 units)", "😀".repeat(250), false),
        value_row("of 251 emoji (502 units)", "😀".repeat(251), true),
        value_row(
            "of 498 ASCII + 1 emoji (500 units)",
            format!("{}😀", "a".repeat(498)),
            false,
        ),
        value_row(
            "of 499 ASCII + 1 emoji (500 chars, 501 units)",
            format!("{}😀", "a".repeat(499)),
            true,
        ),
        value_row("empty", String::new(), false),
    ];
    check("metadata lengths", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_metadata_values_are_text_numbers_or_booleans() {
    let mut cases = Vec::new();
    for (name, value, ok) in [
        ("0", json!(0), true),
        ("-1.5", json!(-1.5), true),
        ("1e300", json!(1e300), true),
        ("true", json!(true), true),
        ("false", json!(false), true),
        ("text", json!("spring"), true),
        ("null", Value::Null, false),
        ("[]", json!([]), false),
        ("[\"a\"]", json!(["a"]), false),
        ("{}", json!({}), false),
        ("{\"a\":1}", json!({"a": 1}), false),
    ] {
        cases.push(case(
            format!("value {name}"),
            metadata([("campaign".to_owned(), value)]),
            if ok {
                pass()
            } else {
                fail("metadata.campaign", Code::Type)
            },
        ));
    }
    check("metadata values", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_length_in_minutes_is_positive() {
    let mut cases = vec![case(
        "absent",
        |r: &mut CreateBookingRequest| r.length_in_minutes = None,
        pass(),
    )];
    for (minutes, expected) in [
        (1, pass()),
        (90, pass()),
        (0, fail("lengthInMinutes", Code::NotPositive)),
        (-1, fail("lengthInMinutes", Code::NotPositive)),
        (i64::MIN, fail("lengthInMinutes", Code::NotPositive)),
    ] {
        cases.push(case(
            format!("lengthInMinutes {minutes}"),
            move |r: &mut CreateBookingRequest| r.length_in_minutes = Some(minutes),
            expected,
        ));
    }
    check("lengthInMinutes", &valid_booking(), cases, booking_errors);
}

#[test]
fn booking_reports_every_broken_rule_at_once() {
    let mut request = valid_booking();
    request.start = Some("2026-03-09T09:30:00-05:00".into());
    request.event_type_slug = Some("intro".into());
    request.guests = Some(vec!["nope".into()]);
    request.length_in_minutes = Some(0);
    {
        let attendee = attendee(&mut request);
        attendee.name = None;
        attendee.time_zone = Some("Mars/Olympus".into());
        attendee.email = Some("ada@".into());
        attendee.phone_number = Some("2125550100".into());
        attendee.language = Some(Language::Unlisted("EN".into()));
    }
    let mut metadata = keys(51);
    metadata.push(("k".repeat(41), json!(null)));
    request.metadata = Some(metadata.into_iter().collect::<Map<_, _>>().into());

    let errors = booking_errors(&request);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    let mut got = pairs(&errors);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let long_key = format!("metadata.{}", "k".repeat(41));
    let mut want = vec![
        ("start".to_owned(), Code::Format),
        ("eventTypeId".to_owned(), Code::Conflict),
        ("attendee.name".to_owned(), Code::Required),
        ("attendee.timeZone".to_owned(), Code::UnknownTimeZone),
        ("attendee.email".to_owned(), Code::Format),
        ("attendee.phoneNumber".to_owned(), Code::Format),
        ("attendee.language".to_owned(), Code::NotAllowed),
        ("guests.0".to_owned(), Code::Format),
        ("metadata".to_owned(), Code::TooMany),
        (long_key.clone(), Code::TooLong),
        (long_key, Code::Type),
        ("lengthInMinutes".to_owned(), Code::NotPositive),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, want);
}

// ---------------------------------------------------------------------------------------
// POST /v2/bookings/{uid}/reschedule
// ---------------------------------------------------------------------------------------

fn valid_reschedule() -> RescheduleBookingRequest {
    RescheduleBookingRequest {
        start: Some("2026-03-10T15:00:00Z".into()),
        rescheduled_by: Some("ada@example.com".into()),
        rescheduling_reason: Some("A clash with the Royal Society.".into()),
    }
}

#[test]
fn reschedule_uid_and_start() {
    let base = valid_reschedule();
    for (uid, expected) in [("bk_3xYz", pass()), ("a", pass()), ("", fail("uid", Code::Empty))] {
        if let Some(problem) = judge(&validate_reschedule_booking(uid, &base), &expected) {
            panic!("uid {uid:?}: {problem}");
        }
    }
    check(
        "reschedule start",
        &base,
        start_rows(|r: &mut RescheduleBookingRequest, v| r.start = v),
        |r| validate_reschedule_booking("bk_3xYz", r),
    );
}

#[test]
fn reschedule_rescheduled_by_is_an_email_when_given() {
    let mut cases = vec![case(
        "absent",
        |r: &mut RescheduleBookingRequest| r.rescheduled_by = None,
        pass(),
    )];
    for (email, expected) in [
        ("ada@example.com", pass()),
        ("a@b.co", pass()),
        ("", pass()),
        ("ada", fail("rescheduledBy", Code::Format)),
        ("ada@example", fail("rescheduledBy", Code::Format)),
        (" ada@example.com", fail("rescheduledBy", Code::Format)),
    ] {
        cases.push(case(
            format!("rescheduledBy {email:?}"),
            move |r: &mut RescheduleBookingRequest| r.rescheduled_by = Some(email.into()),
            expected,
        ));
    }
    check("rescheduledBy", &valid_reschedule(), cases, |r| {
        validate_reschedule_booking("bk_3xYz", r)
    });
}

#[test]
fn reschedule_reports_every_broken_rule_at_once() {
    let request = RescheduleBookingRequest {
        start: Some("2026-03-10".into()),
        rescheduled_by: Some("ada".into()),
        rescheduling_reason: None,
    };
    let errors = validate_reschedule_booking("", &request);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        pairs(&errors),
        vec![
            ("uid".to_owned(), Code::Empty),
            ("start".to_owned(), Code::Format),
            ("rescheduledBy".to_owned(), Code::Format),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// GET /v2/slots
// ---------------------------------------------------------------------------------------

fn valid_slots() -> SlotsQuery {
    SlotsQuery {
        start: Some("2026-03-09".into()),
        end: Some("2026-03-15".into()),
        event_type_id: Some(42),
        event_type_slug: None,
        username: None,
        team_slug: None,
        organization_slug: None,
        time_zone: Some("Europe/Berlin".into()),
        duration: Some(30),
        format: Some(SlotFormat::Range),
        booking_uid_to_reschedule: None,
    }
}

fn slots_errors(query: &SlotsQuery) -> Vec<FieldError> {
    validate_slots(query, &ChronoTz)
}

#[test]
fn slots_bounds_are_days_or_utc_times_in_order() {
    let mut cases = Vec::new();
    for (start, end, expected) in [
        ("2026-03-09", "2026-03-15", pass()),
        ("2026-03-09", "2026-03-09", pass()),
        ("2026-03-09T00:00:00Z", "2026-03-15T23:59:59Z", pass()),
        ("2026-03-09T00:00:00.000Z", "2026-03-15T00:00:00.000Z", pass()),
        ("2026-03-09T00:00:00+00:00", "2026-03-10", pass()),
        ("2026-03-09T10:00:00Z", "2026-03-09T10:00:00Z", pass()),
        // A day as an end is the whole day.
        ("2026-03-09T14:00:00Z", "2026-03-09", pass()),
        ("2026-03-09", "2026-03-09T00:00:00Z", pass()),
        ("2026-03-09", "2026-03-08", fail("end", Code::Order)),
        ("2026-03-09", "2026-03-08T23:59:59Z", fail("end", Code::Order)),
        ("2026-03-09T10:00:00Z", "2026-03-09T09:59:59Z", fail("end", Code::Order)),
        ("2026-03-10T00:00:00Z", "2026-03-09", fail("end", Code::Order)),
        ("2026-02-30", "2026-03-15", fail("start", Code::Format)),
        ("2026-3-9", "2026-03-15", fail("start", Code::Format)),
        ("09.03.2026", "2026-03-15", fail("start", Code::Format)),
        ("2026-03-09T00:00:00-05:00", "2026-03-15", fail("start", Code::Format)),
        ("2026-03-09T00:00:00", "2026-03-15", fail("start", Code::Format)),
        ("", "2026-03-15", fail("start", Code::Format)),
        ("2026-03-09", "2026-03-32", fail("end", Code::Format)),
        ("2026-03-09", "2026-03-15T23:59:59+01:00", fail("end", Code::Format)),
        ("2026-03-09", "", fail("end", Code::Format)),
    ] {
        cases.push(case(
            format!("start {start:?} end {end:?}"),
            move |q: &mut SlotsQuery| {
                q.start = Some(start.into());
                q.end = Some(end.into());
            },
            expected,
        ));
    }
    cases.push(case(
        "start missing",
        |q: &mut SlotsQuery| q.start = None,
        fail("start", Code::Required),
    ));
    cases.push(case(
        "end missing",
        |q: &mut SlotsQuery| q.end = None,
        fail("end", Code::Required),
    ));
    check("slots bounds", &valid_slots(), cases, slots_errors);
}

/// The order check must see fractions of a second: an end half a second before its start
/// is before it, like any other end before its start.
#[test]
fn slots_order_counts_fractions_of_a_second() {
    let cases = vec![
        case(
            "end half a second before start",
            |q: &mut SlotsQuery| {
                q.start = Some("2026-03-09T10:00:00.500Z".into());
                q.end = Some("2026-03-09T10:00:00.000Z".into());
            },
            fail("end", Code::Order),
        ),
        case(
            "end half a second after start",
            |q: &mut SlotsQuery| {
                q.start = Some("2026-03-09T10:00:00.000Z".into());
                q.end = Some("2026-03-09T10:00:00.500Z".into());
            },
            pass(),
        ),
        case(
            "same instant written with and without a fraction",
            |q: &mut SlotsQuery| {
                q.start = Some("2026-03-09T10:00:00.000Z".into());
                q.end = Some("2026-03-09T10:00:00Z".into());
            },
            pass(),
        ),
    ];
    check("slots order below one second", &valid_slots(), cases, slots_errors);
}

#[test]
fn slots_time_zone_duration_and_event_type() {
    let mut cases = vec![
        case("timeZone absent", |q: &mut SlotsQuery| q.time_zone = None, pass()),
        case("duration absent", |q: &mut SlotsQuery| q.duration = None, pass()),
        case("format absent", |q: &mut SlotsQuery| q.format = None, pass()),
        case(
            "slug + username",
            |q: &mut SlotsQuery| {
                q.event_type_id = None;
                q.event_type_slug = Some("intro".into());
                q.username = Some("ada".into());
            },
            pass(),
        ),
        case(
            "slug + teamSlug + organizationSlug",
            |q: &mut SlotsQuery| {
                q.event_type_id = None;
                q.event_type_slug = Some("intro".into());
                q.team_slug = Some("engines".into());
                q.organization_slug = Some("acme".into());
            },
            pass(),
        ),
        case(
            "id + slug",
            |q: &mut SlotsQuery| q.event_type_slug = Some("intro".into()),
            fail("eventTypeId", Code::Conflict),
        ),
        case(
            "slug + username + teamSlug",
            |q: &mut SlotsQuery| {
                q.event_type_id = None;
                q.event_type_slug = Some("intro".into());
                q.username = Some("ada".into());
                q.team_slug = Some("engines".into());
            },
            fail("teamSlug", Code::Conflict),
        ),
        case(
            "slug alone",
            |q: &mut SlotsQuery| {
                q.event_type_id = None;
                q.event_type_slug = Some("intro".into());
            },
            fail("username", Code::Required),
        ),
        case(
            "no event type",
            |q: &mut SlotsQuery| q.event_type_id = None,
            fail("eventTypeId", Code::Required),
        ),
        case(
            "eventTypeId 0",
            |q: &mut SlotsQuery| q.event_type_id = Some(0),
            fail("eventTypeId", Code::Required),
        ),
    ];
    for (zone, expected) in [
        ("UTC", pass()),
        ("Asia/Kolkata", pass()),
        ("Mars/Olympus", fail("timeZone", Code::UnknownTimeZone)),
        ("Europe/Berlin ", fail("timeZone", Code::UnknownTimeZone)),
        ("", fail("timeZone", Code::UnknownTimeZone)),
    ] {
        cases.push(case(
            format!("timeZone {zone:?}"),
            move |q: &mut SlotsQuery| q.time_zone = Some(zone.into()),
            expected,
        ));
    }
    for (minutes, expected) in [
        (1, pass()),
        (0, fail("duration", Code::NotPositive)),
        (-1, fail("duration", Code::NotPositive)),
    ] {
        cases.push(case(
            format!("duration {minutes}"),
            move |q: &mut SlotsQuery| q.duration = Some(minutes),
            expected,
        ));
    }
    check("slots", &valid_slots(), cases, slots_errors);
}

#[test]
fn slots_format_is_range_or_time() {
    let base = serde_json::to_value(valid_slots()).unwrap();
    let mut cases = Vec::new();
    for (format, expected) in [
        ("range", pass()),
        ("time", pass()),
        ("RANGE", fail("format", Code::NotAllowed)),
        ("Time", fail("format", Code::NotAllowed)),
        ("x", fail("format", Code::NotAllowed)),
        ("", fail("format", Code::NotAllowed)),
    ] {
        cases.push(case(
            format!("format {format:?}"),
            move |body: &mut Value| set(body, "/format", json!(format)),
            expected,
        ));
    }
    check("slots format", &base, cases, |body| slots_errors(&parsed(body)));
}

#[test]
fn slots_report_every_broken_rule_at_once() {
    let query = SlotsQuery {
        start: Some("2026-03-09".into()),
        end: Some("2026-03-01".into()),
        time_zone: Some("Mars/Olympus".into()),
        duration: Some(0),
        format: Some(SlotFormat::Unlisted("RANGE".into())),
        ..SlotsQuery::default()
    };
    let errors = slots_errors(&query);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    let mut got = pairs(&errors);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("duration".to_owned(), Code::NotPositive),
            ("end".to_owned(), Code::Order),
            ("eventTypeId".to_owned(), Code::Required),
            ("format".to_owned(), Code::NotAllowed),
            ("timeZone".to_owned(), Code::UnknownTimeZone),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// POST /v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call
// ---------------------------------------------------------------------------------------

fn valid_phone_call() -> CreatePhoneCallRequest {
    CreatePhoneCallRequest {
        your_phone_number: Some("+14155550100".into()),
        number_to_call: Some("+12125550100".into()),
        cal_api_key: Some("cal_live_0123456789abcdef".into()),
        enabled: Some(true),
        template_type: Some(TemplateType::CustomTemplate),
        scheduler_name: Some("Front desk".into()),
        guest_name: Some("Ada Lovelace".into()),
        guest_email: Some("ada@example.com".into()),
        guest_company: Some("Analytical Engines".into()),
        begin_message: Some("Hello!".into()),
        general_prompt: Some("Book a demo.".into()),
    }
}

fn phone_call_errors(request: &CreatePhoneCallRequest) -> Vec<FieldError> {
    validate_create_phone_call("12", "34", request)
}

#[test]
fn phone_call_path_ids_are_digits() {
    let request = valid_phone_call();
    let mut wrong = Vec::new();
    for (id, ok) in [
        ("12", true),
        ("1", true),
        ("9223372036854775807", true),  // i64::MAX
        ("9223372036854775808", false), // one more
        ("", false),
        ("abc", false),
        ("-1", false),
        ("+1", false),
        ("1.5", false),
        (" 12", false),
        ("12 ", false),
        ("1e3", false),
    ] {
        for (field, team, event_type) in [("teamId", id, "34"), ("eventTypeId", "12", id)] {
            let expected = if ok { pass() } else { fail(field, Code::Format) };
            if let Some(problem) = judge(&validate_create_phone_call(team, event_type, &request), &expected) {
                wrong.push(format!("{field} {id:?}: {problem}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        pairs(&validate_create_phone_call("", "x", &request)),
        vec![
            ("teamId".to_owned(), Code::Format),
            ("eventTypeId".to_owned(), Code::Format)
        ]
    );
}

#[test]
fn phone_call_required_fields() {
    let cases = vec![
        case(
            "yourPhoneNumber missing",
            |r: &mut CreatePhoneCallRequest| r.your_phone_number = None,
            fail("yourPhoneNumber", Code::Required),
        ),
        case(
            "numberToCall missing",
            |r: &mut CreatePhoneCallRequest| r.number_to_call = None,
            fail("numberToCall", Code::Required),
        ),
        case(
            "calApiKey missing",
            |r: &mut CreatePhoneCallRequest| r.cal_api_key = None,
            fail("calApiKey", Code::Required),
        ),
        case(
            "only the three required fields",
            |r: &mut CreatePhoneCallRequest| {
                *r = CreatePhoneCallRequest {
                    your_phone_number: r.your_phone_number.take(),
                    number_to_call: r.number_to_call.take(),
                    cal_api_key: r.cal_api_key.take(),
                    ..CreatePhoneCallRequest::default()
                }
            },
            pass(),
        ),
        case(
            "guestEmail absent",
            |r: &mut CreatePhoneCallRequest| r.guest_email = None,
            pass(),
        ),
        case(
            "guestEmail \"\"",
            |r: &mut CreatePhoneCallRequest| r.guest_email = Some(String::new()),
            pass(),
        ),
        case(
            "guestEmail bad",
            |r: &mut CreatePhoneCallRequest| r.guest_email = Some("ada@example".into()),
            fail("guestEmail", Code::Format),
        ),
        case(
            "guestEmail no @",
            |r: &mut CreatePhoneCallRequest| r.guest_email = Some("ada".into()),
            fail("guestEmail", Code::Format),
        ),
    ];
    check("phone call fields", &valid_phone_call(), cases, phone_call_errors);
}

/// `^\+[1-9]\d{1,14}$`: `(text, matches)`.
const PHONE_CALL_NUMBERS: &[(&str, bool)] = &[
    ("+12", true),                // 2 digits: the shortest
    ("+1", false),                // 1 digit
    ("+", false),                 // no digits
    ("+123456789012345", true),   // 15 digits: the longest
    ("+1234567890123456", false), // 16 digits
    ("+12125550100", true),
    ("+91", true),
    ("+02", false),         // first digit 0
    ("+0212555010", false), // first digit 0
    ("12125550100", false), // no +
    ("++12125550100", false),
    ("+1 212 555 0100", false), // spaces
    ("+1-212-555-0100", false),
    ("+1 2", false),
    (" +12125550100", false),
    ("+12125550100 ", false),
    ("+12125550100\n", false), // `$` does not match before a final newline in JavaScript
    ("+1212555010a", false),
    ("+1٢", false),  // Arabic-Indic digit: `\d` is ASCII in JavaScript
    ("+1２", false), // full-width digit
    ("", false),
];

#[test]
fn phone_call_number_pattern() {
    let wrong: Vec<_> = PHONE_CALL_NUMBERS
        .iter()
        .filter(|(text, matches)| matches_phone_call_number(text) != *matches)
        .collect();
    assert!(wrong.is_empty(), "matches_phone_call_number wrong for {wrong:?}");

    let mut cases = Vec::new();
    for &(number, matches) in PHONE_CALL_NUMBERS {
        cases.push(case(
            format!("numberToCall {number:?}"),
            move |r: &mut CreatePhoneCallRequest| r.number_to_call = Some(number.into()),
            if matches {
                pass()
            } else {
                fail("numberToCall", Code::Format)
            },
        ));
        cases.push(case(
            format!("yourPhoneNumber {number:?}"),
            move |r: &mut CreatePhoneCallRequest| r.your_phone_number = Some(number.into()),
            if matches {
                pass()
            } else {
                fail("yourPhoneNumber", Code::Format)
            },
        ));
    }
    check("phone call numbers", &valid_phone_call(), cases, phone_call_errors);
}

#[test]
fn phone_call_template_type_is_listed() {
    let base = serde_json::to_value(valid_phone_call()).unwrap();
    let mut cases = Vec::new();
    for (template, expected) in [
        ("CHECK_IN_APPOINTMENT", pass()),
        ("CUSTOM_TEMPLATE", pass()),
        ("custom_template", fail("templateType", Code::NotAllowed)),
        ("CUSTOM", fail("templateType", Code::NotAllowed)),
        ("CHECK_IN_APPOINTMENT ", fail("templateType", Code::NotAllowed)),
        ("", fail("templateType", Code::NotAllowed)),
    ] {
        cases.push(case(
            format!("templateType {template:?}"),
            move |body: &mut Value| set(body, "/templateType", json!(template)),
            expected,
        ));
    }
    cases.push(case(
        "templateType absent",
        |body: &mut Value| {
            body.as_object_mut().unwrap().remove("templateType");
        },
        pass(),
    ));
    check("templateType", &base, cases, |body| phone_call_errors(&parsed(body)));
}

#[test]
fn phone_call_reports_every_broken_rule_at_once() {
    let request = CreatePhoneCallRequest {
        your_phone_number: None,
        number_to_call: Some("+1 212 555 0100".into()),
        cal_api_key: None,
        template_type: Some(TemplateType::Unlisted("custom_template".into())),
        guest_email: Some("ada".into()),
        ..CreatePhoneCallRequest::default()
    };
    let errors = validate_create_phone_call("abc", "-1", &request);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    let mut got = pairs(&errors);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("calApiKey".to_owned(), Code::Required),
            ("eventTypeId".to_owned(), Code::Format),
            ("guestEmail".to_owned(), Code::Format),
            ("numberToCall".to_owned(), Code::Format),
            ("teamId".to_owned(), Code::Format),
            ("templateType".to_owned(), Code::NotAllowed),
            ("yourPhoneNumber".to_owned(), Code::Required),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// The mapping from the visitor's form
// ---------------------------------------------------------------------------------------

fn typical_form() -> VisitorForm {
    VisitorForm {
        first_name: " Ada ".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com ".into(),
        phone: "+1 (212) 555-0100".into(),
        company: "Analytical Engines".into(),
        notes: "Bring the punched cards.".into(),
        guests: vec!["charles@example.com".into(), "  ".into()],
        reason: "A clash with the Royal Society.".into(),
        date: "2026-03-09".into(),
        time: "15:30".into(),
        time_zone: "Europe/Berlin".into(),
        utm: [("utm_source", "newsletter"), ("utm_campaign", "spring")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    }
}

/// 15:30 in Berlin on 2026-03-09 (CET, before the March change).
fn typical_start() -> Timestamp {
    parse_timestamp("2026-03-09T15:30:00+01:00").unwrap()
}

fn by_id() -> Settings {
    Settings {
        event_type_id: Some(42),
        ..Settings::default()
    }
}

#[test]
fn mapped_booking_validates_and_carries_the_form() {
    let form = typical_form();
    assert_eq!(form.start(&ChronoTz), Ok(typical_start()));

    let request = create_booking_request(&form, &by_id(), &typical_start());
    assert_eq!(pairs(&booking_errors(&request)), vec![]);
    assert_eq!(request.start.as_deref(), Some("2026-03-09T14:30:00Z"));
    assert_eq!(request.event_type_id, Some(42));
    assert_eq!(
        request.attendee,
        Some(Attendee {
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            time_zone: Some("Europe/Berlin".into()),
            phone_number: Some("+12125550100".into()),
            language: None,
        })
    );
    assert_eq!(request.guests, Some(vec!["charles@example.com".to_owned()]));
    assert_eq!(
        request.metadata,
        Some(
            Map::from_iter([
                ("utm_campaign".to_owned(), json!("spring")),
                ("utm_source".to_owned(), json!("newsletter")),
            ])
            .into()
        )
    );
    assert_eq!(
        request.booking_fields_responses,
        Some(Map::from_iter([("notes".to_owned(), json!("Bring the punched cards."))]).into())
    );

    // The other ways of naming the event type also validate.
    for settings in [
        Settings {
            event_type_slug: Some("intro".into()),
            username: Some("ada".into()),
            ..Settings::default()
        },
        Settings {
            event_type_slug: Some("intro".into()),
            team_slug: Some("engines".into()),
            organization_slug: Some("acme".into()),
            ..Settings::default()
        },
    ] {
        let request = create_booking_request(&form, &settings, &typical_start());
        assert_eq!(pairs(&booking_errors(&request)), vec![], "{settings:?}");
    }

    // A phone-only or email-only visitor is still a valid attendee.
    let phone_only = VisitorForm {
        email: "   ".into(),
        ..typical_form()
    };
    let request = create_booking_request(&phone_only, &by_id(), &typical_start());
    assert_eq!(pairs(&booking_errors(&request)), vec![]);
    let email_only = VisitorForm {
        phone: String::new(),
        ..typical_form()
    };
    let request = create_booking_request(&email_only, &by_id(), &typical_start());
    assert_eq!(pairs(&booking_errors(&request)), vec![]);
}

#[test]
fn mapped_booking_errors_land_on_the_visitors_inputs() {
    let form = VisitorForm {
        first_name: "  ".into(),
        last_name: String::new(),
        email: "ada@example".into(),
        phone: "212 555 0100".into(), // no country code: kept as typed, refused
        guests: vec!["charles@example.com".into(), "babbage".into()],
        time_zone: "Mars/Olympus".into(),
        ..typical_form()
    };
    let request = create_booking_request(&form, &by_id(), &typical_start());
    let errors = booking_errors(&request);
    let placed: Vec<(String, Code, Option<FormField>)> = errors
        .iter()
        .map(|e| (e.field.clone(), e.code, form_field(&e.field)))
        .collect();
    assert_eq!(
        placed,
        vec![
            ("attendee.name".to_owned(), Code::Required, Some(FormField::FirstName)),
            (
                "attendee.timeZone".to_owned(),
                Code::UnknownTimeZone,
                Some(FormField::TimeZone)
            ),
            ("attendee.email".to_owned(), Code::Format, Some(FormField::Email)),
            ("attendee.phoneNumber".to_owned(), Code::Format, Some(FormField::Phone)),
            ("guests.1".to_owned(), Code::Format, Some(FormField::Guests)),
        ]
    );

    // Blank settings strings are left off, so the missing owner is reported.
    let settings = Settings {
        event_type_slug: Some("intro".into()),
        username: Some("  ".into()),
        ..Settings::default()
    };
    let request = create_booking_request(&typical_form(), &settings, &typical_start());
    assert_eq!(request.username, None);
    assert_eq!(
        pairs(&booking_errors(&request)),
        vec![("username".to_owned(), Code::Required)]
    );
}

#[test]
fn mapped_reschedule_slots_and_phone_call_validate() {
    let form = typical_form();

    let reschedule = reschedule_booking_request(&form, &typical_start());
    assert_eq!(pairs(&validate_reschedule_booking("bk_3xYz", &reschedule)), vec![]);
    assert_eq!(reschedule.start.as_deref(), Some("2026-03-09T14:30:00Z"));
    assert_eq!(reschedule.rescheduled_by.as_deref(), Some("ada@example.com"));
    assert_eq!(
        reschedule.rescheduling_reason.as_deref(),
        Some("A clash with the Royal Society.")
    );

    let query = slots_query(&by_id(), "2026-03-09", "2026-03-15", "Europe/Berlin");
    assert_eq!(pairs(&slots_errors(&query)), vec![]);
    assert_eq!(
        (query.start.as_deref(), query.end.as_deref(), query.time_zone.as_deref()),
        (Some("2026-03-09"), Some("2026-03-15"), Some("Europe/Berlin"))
    );
    let one_day = slots_query(&by_id(), "2026-03-09", "2026-03-09", "UTC");
    assert_eq!(pairs(&slots_errors(&one_day)), vec![]);

    // The visitor's half of the call lacks exactly what the relay adds.
    let mut call = create_phone_call_request(&form);
    assert_eq!(call.number_to_call.as_deref(), Some("+12125550100"));
    assert_eq!(call.guest_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(call.guest_email.as_deref(), Some("ada@example.com"));
    assert_eq!(call.guest_company.as_deref(), Some("Analytical Engines"));
    assert_eq!(
        pairs(&phone_call_errors(&call)),
        vec![
            ("yourPhoneNumber".to_owned(), Code::Required),
            ("calApiKey".to_owned(), Code::Required),
        ]
    );
    call.your_phone_number = Some("+14155550100".into());
    call.cal_api_key = Some("cal_live_0123456789abcdef".into());
    assert_eq!(pairs(&phone_call_errors(&call)), vec![]);
}

#[test]
fn form_field_places_wire_fields() {
    use FormField::*;
    let rows: &[(&str, Option<FormField>)] = &[
        ("attendee.name", Some(FirstName)),
        ("guestName", Some(FirstName)),
        ("attendee.email", Some(Email)),
        ("guestEmail", Some(Email)),
        ("rescheduledBy", Some(Email)),
        ("attendee.phoneNumber", Some(Phone)),
        ("numberToCall", Some(Phone)),
        ("attendee.timeZone", Some(TimeZone)),
        ("guestCompany", Some(Company)),
        ("reschedulingReason", Some(Reason)),
        ("bookingFieldsResponses.notes", Some(Notes)),
        ("start", Some(Time)),
        ("guests.0", Some(Guests)),
        ("guests.17", Some(Guests)),
        // Set by the site owner or the relay, not by the visitor.
        ("yourPhoneNumber", None),
        ("calApiKey", None),
        ("templateType", None),
        ("teamId", None),
        ("eventTypeId", None),
        ("username", None),
        ("teamSlug", None),
        ("metadata", None),
        ("metadata.utm_source", None),
        ("lengthInMinutes", None),
        ("uid", None),
        ("", None),
    ];
    let wrong: Vec<_> = rows
        .iter()
        .filter(|(wire, expected)| form_field(wire) != *expected)
        .map(|(wire, expected)| format!("{wire:?}: expected {expected:?}, got {:?}", form_field(wire)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
