//! iClosed's published rules, one table per rule, against the validators.
//!
//! Every table starts from a request that breaks no rule (`valid_*`, checked to give
//! zero errors) and changes one thing per row: values just inside a limit must give no
//! error, values just outside it exactly one error with the expected wire field and
//! [`Code`].
//!
//! Sources: `shared/api/iclosed-create-call.txt` (`dateTime` required, `minLength: 1`
//! and a pattern; `timeZone` required, `minLength: 1`; `contactId` or `email` /
//! `phoneNumber`; `email` `maxLength: 255` and a pattern; `eventId` or `linkPrefix`,
//! `linkPrefix` `minLength: 1`) and `shared/api/iclosed-reschedule-call.txt`. The
//! `email` and `dateTime` patterns themselves are checked character by character in
//! `tests/patterns.rs`; here the question is how the validators report each rule.

use booking_core::iclosed::{
    create_call_request, form_field, matches_email_pattern, reschedule_call_request, validate_create_call,
    validate_reschedule_call, CreateCallRequest, RescheduleCallRequest, Settings, EMAIL_MAX_CHARS,
};
use booking_core::time::{parse_timestamp, Timestamp};
use booking_core::{Code, FieldError, FormField, VisitorForm};

// ---------------------------------------------------------------------------------------
// Table machinery
// ---------------------------------------------------------------------------------------

#[path = "common/cases.rs"]
mod cases;

use cases::*;

/// The errors as a sorted set of `(field, code)`, for requests that break several rules.
fn error_set(errors: &[FieldError]) -> Vec<(String, String)> {
    let mut set: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.field.clone(), format!("{:?}", e.code)))
        .collect();
    set.sort();
    set
}

fn set_of(rows: &[(&str, Code)]) -> Vec<(String, String)> {
    let mut set: Vec<(String, String)> = rows
        .iter()
        .map(|(field, code)| (field.to_string(), format!("{code:?}")))
        .collect();
    set.sort();
    set
}

// ---------------------------------------------------------------------------------------
// POST /v1/eventCalls
// ---------------------------------------------------------------------------------------

fn valid_create() -> CreateCallRequest {
    CreateCallRequest {
        date_time: Some("2026-03-09T14:30:00Z".into()),
        time_zone: Some("America/New_York".into()),
        contact_id: None,
        email: Some("ada@example.com".into()),
        phone_number: Some("+1 212 555 0100".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        event_id: Some(7),
        link_prefix: None,
    }
}

/// `dateTime` rows shared by create and reschedule.
fn date_time_rows<R: 'static>(set: fn(&mut R, Option<String>)) -> Vec<Case<R>> {
    let rows: Vec<(&str, Option<&str>, Expected)> = vec![
        ("the page's example", Some("2026-02-27T12:00:00.000Z"), pass()),
        ("whole seconds", Some("2026-03-09T14:30:00Z"), pass()),
        ("no seconds", Some("2026-03-09T14:30Z"), pass()),
        ("missing", None, fail("dateTime", Code::Required)),
        (
            "empty (Empty, not also Format)",
            Some(""),
            fail("dateTime", Code::Empty),
        ),
        ("one space", Some(" "), fail("dateTime", Code::Format)),
        ("no Z", Some("2026-03-09T14:30:00"), fail("dateTime", Code::Format)),
        (
            "+00:00 instead of Z",
            Some("2026-03-09T14:30:00+00:00"),
            fail("dateTime", Code::Format),
        ),
        (
            "-05:00",
            Some("2026-03-09T09:30:00-05:00"),
            fail("dateTime", Code::Format),
        ),
        ("date only", Some("2026-03-09"), fail("dateTime", Code::Format)),
        (
            "no such day",
            Some("2026-02-29T14:30:00Z"),
            fail("dateTime", Code::Format),
        ),
        ("words", Some("tomorrow at noon"), fail("dateTime", Code::Format)),
    ];
    rows.into_iter()
        .map(|(name, value, expected)| {
            let value = value.map(str::to_owned);
            case(
                format!("dateTime {name}"),
                move |r: &mut R| set(r, value.clone()),
                expected,
            )
        })
        .collect()
}

#[test]
fn create_date_time() {
    check(
        "create dateTime",
        &valid_create(),
        date_time_rows(|r: &mut CreateCallRequest, v| r.date_time = v),
        validate_create_call,
    );
}

#[test]
fn create_time_zone_is_required_and_non_empty() {
    let cases = vec![
        case(
            "missing",
            |r: &mut CreateCallRequest| r.time_zone = None,
            fail("timeZone", Code::Required),
        ),
        case(
            "empty",
            |r: &mut CreateCallRequest| r.time_zone = Some(String::new()),
            fail("timeZone", Code::Empty),
        ),
        case(
            "one character (minLength 1)",
            |r: &mut CreateCallRequest| r.time_zone = Some("Z".into()),
            pass(),
        ),
        case(
            "Asia/Kolkata",
            |r: &mut CreateCallRequest| r.time_zone = Some("Asia/Kolkata".into()),
            pass(),
        ),
    ];
    check("create timeZone", &valid_create(), cases, validate_create_call);
}

#[test]
fn create_needs_contact_id_or_email_or_phone() {
    fn contact(
        contact_id: Option<i64>,
        email: Option<&'static str>,
        phone: Option<&'static str>,
    ) -> impl Fn(&mut CreateCallRequest) {
        move |r| {
            r.contact_id = contact_id;
            r.email = email.map(Into::into);
            r.phone_number = phone.map(Into::into);
        }
    }
    let cases = vec![
        case("contactId alone", contact(Some(5), None, None), pass()),
        case("email alone", contact(None, Some("ada@example.com"), None), pass()),
        case(
            "phoneNumber alone",
            contact(None, None, Some("+1 212 555 0100")),
            pass(),
        ),
        case(
            "contactId and email",
            contact(Some(5), Some("ada@example.com"), None),
            pass(),
        ),
        case("none", contact(None, None, None), fail("email", Code::Required)),
        case(
            "contactId with a bad email",
            contact(Some(5), Some("ada"), None),
            fail("email", Code::Format),
        ),
        case(
            "email \"\" beside a phone (present, so held to the pattern)",
            contact(None, Some(""), Some("+1 212 555 0100")),
            fail("email", Code::Format),
        ),
    ];
    check("contact", &valid_create(), cases, validate_create_call);
}

/// A pattern-valid address of exactly `length` characters.
fn address_of_length(length: usize) -> String {
    const DOMAIN: &str = "@example.com";
    let address = format!("{}{DOMAIN}", "a".repeat(length - DOMAIN.len()));
    assert_eq!(address.len(), length);
    assert!(
        matches_email_pattern(&address),
        "the built address must match the pattern"
    );
    address
}

#[test]
fn create_email_length_and_pattern() {
    assert_eq!(EMAIL_MAX_CHARS, 255, "the page's maxLength");
    let mut cases = Vec::new();
    for (length, expected) in [
        (254, pass()),
        (255, pass()),
        (256, fail("email", Code::TooLong)),
        (400, fail("email", Code::TooLong)),
    ] {
        let address = address_of_length(length);
        cases.push(case(
            format!("pattern-valid address of {length} characters"),
            move |r: &mut CreateCallRequest| r.email = Some(address.clone()),
            expected,
        ));
    }
    for (email, expected) in [
        ("a@b.co", pass()),
        ("o'brien+tag@mail.example.ie", pass()),
        ("ada", fail("email", Code::Format)),
        ("ada@example", fail("email", Code::Format)),
        (".ada@example.com", fail("email", Code::Format)),
        ("ada..l@example.com", fail("email", Code::Format)),
    ] {
        cases.push(case(
            format!("email {email:?}"),
            move |r: &mut CreateCallRequest| r.email = Some(email.into()),
            expected,
        ));
    }
    check("create email", &valid_create(), cases, validate_create_call);

    // Too long and not an address: both rules are reported.
    let mut request = valid_create();
    let invalid = format!("{}@example", "a".repeat(292));
    assert_eq!(invalid.len(), 300);
    assert!(!matches_email_pattern(&invalid));
    request.email = Some(invalid);
    let errors = validate_create_call(&request);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        error_set(&errors),
        set_of(&[("email", Code::TooLong), ("email", Code::Format)])
    );
}

#[test]
fn create_phone_number_must_look_like_a_phone_number() {
    let mut cases = Vec::new();
    for (phone, expected) in [
        ("+1 212 555 0100", pass()),
        ("+12125550100", pass()),
        ("(212) 555-0100", pass()),
        ("030 1234567", pass()),
        ("1234567", pass()),                                     // 7 digits
        ("123456", fail("phoneNumber", Code::Format)),           // 6 digits
        ("123456789012345", pass()),                             // 15 digits
        ("1234567890123456", fail("phoneNumber", Code::Format)), // 16 digits
        ("abc", fail("phoneNumber", Code::Format)),
        ("123", fail("phoneNumber", Code::Format)),
        ("+1 212 555 0100 ext 2", fail("phoneNumber", Code::Format)),
        ("", fail("phoneNumber", Code::Format)),
    ] {
        cases.push(case(
            format!("phoneNumber {phone:?}"),
            move |r: &mut CreateCallRequest| r.phone_number = Some(phone.into()),
            expected,
        ));
    }
    check("create phoneNumber", &valid_create(), cases, validate_create_call);
}

#[test]
fn create_needs_event_id_or_link_prefix() {
    fn event(event_id: Option<i64>, link_prefix: Option<&'static str>) -> impl Fn(&mut CreateCallRequest) {
        move |r| {
            r.event_id = event_id;
            r.link_prefix = link_prefix.map(Into::into);
        }
    }
    let cases = vec![
        case("eventId alone", event(Some(7), None), pass()),
        case("linkPrefix alone", event(None, Some("company/meeting")), pass()),
        case("both", event(Some(7), Some("company/meeting")), pass()),
        case("linkPrefix of one character", event(None, Some("c")), pass()),
        case("neither", event(None, None), fail("eventId", Code::Required)),
        case(
            "linkPrefix \"\" beside an eventId",
            event(Some(7), Some("")),
            fail("linkPrefix", Code::Empty),
        ),
        case(
            "linkPrefix \"\" alone",
            event(None, Some("")),
            fail("linkPrefix", Code::Empty),
        ),
    ];
    check("event", &valid_create(), cases, validate_create_call);
}

#[test]
fn create_reports_every_broken_rule_at_once() {
    let nothing = CreateCallRequest::default();
    let errors = validate_create_call(&nothing);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        error_set(&errors),
        set_of(&[
            ("dateTime", Code::Required),
            ("timeZone", Code::Required),
            ("email", Code::Required),
            ("eventId", Code::Required),
        ])
    );

    let broken = CreateCallRequest {
        date_time: Some("2026-03-09T14:30:00".into()),
        time_zone: Some(String::new()),
        contact_id: None,
        email: Some(format!("{}@example", "a".repeat(300))),
        phone_number: Some("abc".into()),
        first_name: None,
        last_name: None,
        event_id: None,
        link_prefix: Some(String::new()),
    };
    let errors = validate_create_call(&broken);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        error_set(&errors),
        set_of(&[
            ("dateTime", Code::Format),
            ("timeZone", Code::Empty),
            ("email", Code::TooLong),
            ("email", Code::Format),
            ("phoneNumber", Code::Format),
            ("linkPrefix", Code::Empty),
        ])
    );

    let empty_strings = CreateCallRequest {
        date_time: Some(String::new()),
        event_id: Some(7),
        time_zone: Some(String::new()),
        contact_id: Some(5),
        ..CreateCallRequest::default()
    };
    assert_eq!(
        error_set(&validate_create_call(&empty_strings)),
        set_of(&[("dateTime", Code::Empty), ("timeZone", Code::Empty)])
    );
}

// ---------------------------------------------------------------------------------------
// PUT /v1/eventCalls/reschedule
// ---------------------------------------------------------------------------------------

fn valid_reschedule() -> RescheduleCallRequest {
    RescheduleCallRequest {
        id: Some(99),
        date_time: Some("2026-03-10T15:00:00Z".into()),
        time_zone: Some("America/New_York".into()),
        reschedule_reason: Some("A clash with the Royal Society.".into()),
        notes: Some("Bring the punched cards.".into()),
        user_id: Some(3),
    }
}

#[test]
fn reschedule_id_date_time_and_time_zone() {
    let mut cases = date_time_rows(|r: &mut RescheduleCallRequest, v| r.date_time = v);
    cases.extend([
        case(
            "id missing",
            |r: &mut RescheduleCallRequest| r.id = None,
            fail("id", Code::Required),
        ),
        case(
            "timeZone absent",
            |r: &mut RescheduleCallRequest| r.time_zone = None,
            pass(),
        ),
        case(
            "timeZone empty",
            |r: &mut RescheduleCallRequest| r.time_zone = Some(String::new()),
            fail("timeZone", Code::Empty),
        ),
        case(
            "timeZone one character",
            |r: &mut RescheduleCallRequest| r.time_zone = Some("Z".into()),
            pass(),
        ),
        case(
            "only id and dateTime",
            |r: &mut RescheduleCallRequest| {
                *r = RescheduleCallRequest {
                    id: r.id,
                    date_time: r.date_time.take(),
                    ..RescheduleCallRequest::default()
                }
            },
            pass(),
        ),
    ]);
    check("reschedule", &valid_reschedule(), cases, validate_reschedule_call);
}

#[test]
fn reschedule_reports_every_broken_rule_at_once() {
    let errors = validate_reschedule_call(&RescheduleCallRequest::default());
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        error_set(&errors),
        set_of(&[("id", Code::Required), ("dateTime", Code::Required)])
    );

    let broken = RescheduleCallRequest {
        id: None,
        date_time: Some("2026-03-10T10:00:00-05:00".into()),
        time_zone: Some(String::new()),
        ..RescheduleCallRequest::default()
    };
    let errors = validate_reschedule_call(&broken);
    assert_eq!(message_problems(&errors), Vec::<String>::new());
    assert_eq!(
        error_set(&errors),
        set_of(&[
            ("id", Code::Required),
            ("dateTime", Code::Format),
            ("timeZone", Code::Empty),
        ])
    );
}

// ---------------------------------------------------------------------------------------
// The mapping from the visitor's form
// ---------------------------------------------------------------------------------------

fn typical_form() -> VisitorForm {
    VisitorForm {
        first_name: " Ada ".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
        phone: "+1 (212) 555-0100".into(),
        company: "Analytical Engines".into(),
        notes: "Bring the punched cards.".into(),
        guests: Vec::new(),
        reason: "A clash with the Royal Society.".into(),
        date: "2026-03-09".into(),
        time: "10:30".into(),
        time_zone: "America/New_York".into(),
        utm: Default::default(),
    }
}

/// 10:30 in New York on 2026-03-09 (EDT, the day after the March change).
fn typical_start() -> Timestamp {
    parse_timestamp("2026-03-09T10:30:00-04:00").unwrap()
}

#[test]
fn mapped_create_call_validates_and_carries_the_form() {
    let form = typical_form();
    for settings in [
        Settings {
            event_id: Some(7),
            link_prefix: None,
        },
        Settings {
            event_id: None,
            link_prefix: Some("company/meeting".into()),
        },
    ] {
        let request = create_call_request(&form, &settings, &typical_start());
        assert_eq!(pairs(&validate_create_call(&request)), vec![], "{settings:?}");
        assert_eq!(
            request,
            CreateCallRequest {
                date_time: Some("2026-03-09T14:30:00Z".into()),
                time_zone: Some("America/New_York".into()),
                contact_id: None,
                email: Some("ada@example.com".into()),
                phone_number: Some("+12125550100".into()),
                first_name: Some("Ada".into()),
                last_name: Some("Lovelace".into()),
                event_id: settings.event_id,
                link_prefix: settings.link_prefix.clone(),
            }
        );
    }

    // Email only, phone only, and a phone typed without a country code all validate.
    let by_id = Settings {
        event_id: Some(7),
        link_prefix: None,
    };
    for form in [
        VisitorForm {
            phone: String::new(),
            ..typical_form()
        },
        VisitorForm {
            email: " ".into(),
            ..typical_form()
        },
        VisitorForm {
            email: String::new(),
            phone: "(212) 555-0100".into(),
            ..typical_form()
        },
    ] {
        let request = create_call_request(&form, &by_id, &typical_start());
        assert_eq!(pairs(&validate_create_call(&request)), vec![], "{form:?}");
    }

    // A blank link prefix is left off, so the missing event is reported.
    let blank = Settings {
        event_id: None,
        link_prefix: Some("  ".into()),
    };
    let request = create_call_request(&form, &blank, &typical_start());
    assert_eq!(request.link_prefix, None);
    assert_eq!(
        pairs(&validate_create_call(&request)),
        vec![("eventId".to_owned(), Code::Required)]
    );
}

#[test]
fn mapped_create_call_errors_land_on_the_visitors_inputs() {
    let by_id = Settings {
        event_id: Some(7),
        link_prefix: None,
    };
    let form = VisitorForm {
        email: "ada@example".into(),
        phone: "call me".into(),
        ..typical_form()
    };
    let errors = validate_create_call(&create_call_request(&form, &by_id, &typical_start()));
    let placed: Vec<_> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code, form_field(&e.field)))
        .collect();
    assert_eq!(
        placed,
        vec![
            ("email", Code::Format, Some(FormField::Email)),
            ("phoneNumber", Code::Format, Some(FormField::Phone)),
        ]
    );

    let no_contact = VisitorForm {
        email: String::new(),
        phone: "  ".into(),
        ..typical_form()
    };
    let errors = validate_create_call(&create_call_request(&no_contact, &by_id, &typical_start()));
    let placed: Vec<_> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code, form_field(&e.field)))
        .collect();
    assert_eq!(placed, vec![("email", Code::Required, Some(FormField::Email))]);
}

#[test]
fn mapped_reschedule_call_validates() {
    let request = reschedule_call_request(&typical_form(), 99, &typical_start());
    assert_eq!(pairs(&validate_reschedule_call(&request)), vec![]);
    assert_eq!(
        request,
        RescheduleCallRequest {
            id: Some(99),
            date_time: Some("2026-03-09T14:30:00Z".into()),
            time_zone: Some("America/New_York".into()),
            reschedule_reason: Some("A clash with the Royal Society.".into()),
            notes: Some("Bring the punched cards.".into()),
            user_id: None,
        }
    );

    // Blank optional fields are left off rather than sent empty.
    let sparse = VisitorForm {
        reason: " ".into(),
        notes: String::new(),
        time_zone: String::new(),
        ..typical_form()
    };
    let request = reschedule_call_request(&sparse, 99, &typical_start());
    assert_eq!(
        (&request.time_zone, &request.reschedule_reason, &request.notes),
        (&None, &None, &None)
    );
    assert_eq!(pairs(&validate_reschedule_call(&request)), vec![]);
}

#[test]
fn form_field_places_wire_fields() {
    use FormField::*;
    let rows: &[(&str, Option<FormField>)] = &[
        ("email", Some(Email)),
        ("contactId", Some(Email)),
        ("phoneNumber", Some(Phone)),
        ("firstName", Some(FirstName)),
        ("lastName", Some(LastName)),
        ("dateTime", Some(Time)),
        ("timeZone", Some(TimeZone)),
        ("rescheduleReason", Some(Reason)),
        ("notes", Some(Notes)),
        // Set by the site owner or the relay, not by the visitor.
        ("eventId", None),
        ("linkPrefix", None),
        ("id", None),
        ("userId", None),
        ("Email", None),
        ("", None),
    ];
    let wrong: Vec<_> = rows
        .iter()
        .filter(|(wire, expected)| form_field(wire) != *expected)
        .map(|(wire, expected)| format!("{wire:?}: expected {expected:?}, got {:?}", form_field(wire)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
