//! The availability routes' own rules: iClosed's `eventDates` body and Cal.com's slot
//! reservations, one table per request, as the other rule tests do.
//!
//! Sources: `shared/api/README.md` (iClosed `linkPrefix` required, `username/event-name`;
//! Cal.com reservations `{eventTypeId, slotStart, slotDuration?}`) and Cal.com's OpenAPI
//! `ReserveSlotInput_2024_09_04` (`eventTypeId` and `slotStart` required, the start an
//! ISO 8601 string in UTC).

mod common;

#[path = "common/cases.rs"]
mod cases;

use booking_core::{calcom, iclosed, Code, FormField};
use cases::*;
use common::ChronoTz;

fn valid_event_dates() -> iclosed::EventDatesRequest {
    iclosed::EventDatesRequest {
        link_prefix: Some("ada/intro-call".into()),
        time_zone: Some("America/New_York".into()),
        current_date: Some("2026-03-09".into()),
        conditional_users: None,
        routing_group_ids: None,
    }
}

#[test]
fn iclosed_event_dates() {
    type R = iclosed::EventDatesRequest;
    let cases: Vec<Case<R>> = vec![
        case("no time zone", |r: &mut R| r.time_zone = None, pass()),
        case("no current date", |r: &mut R| r.current_date = None, pass()),
        case("routing", |r: &mut R| r.routing_group_ids = Some(vec![3]), pass()),
        case(
            "a team's three segments",
            |r: &mut R| r.link_prefix = Some("acme/sales/intro".into()),
            pass(),
        ),
        case(
            "no link prefix",
            |r: &mut R| r.link_prefix = None,
            fail("linkPrefix", Code::Required),
        ),
        case(
            "empty link prefix",
            |r: &mut R| r.link_prefix = Some(String::new()),
            fail("linkPrefix", Code::Empty),
        ),
        case(
            "a user without the event",
            |r: &mut R| r.link_prefix = Some("ada".into()),
            fail("linkPrefix", Code::Format),
        ),
        case(
            "an empty segment",
            |r: &mut R| r.link_prefix = Some("ada//intro".into()),
            fail("linkPrefix", Code::Format),
        ),
        case(
            "a trailing slash",
            |r: &mut R| r.link_prefix = Some("ada/intro/".into()),
            fail("linkPrefix", Code::Format),
        ),
        case(
            "a space",
            |r: &mut R| r.link_prefix = Some("ada/intro call".into()),
            fail("linkPrefix", Code::Format),
        ),
        case(
            "a query",
            |r: &mut R| r.link_prefix = Some("ada/intro?x=1".into()),
            fail("linkPrefix", Code::Format),
        ),
        case(
            "empty zone",
            |r: &mut R| r.time_zone = Some(String::new()),
            fail("timeZone", Code::Empty),
        ),
        case(
            "unknown zone",
            |r: &mut R| r.time_zone = Some("Mars/Olympus".into()),
            fail("timeZone", Code::UnknownTimeZone),
        ),
        case(
            "a date-time for the date",
            |r: &mut R| r.current_date = Some("2026-03-09T00:00:00Z".into()),
            fail("currentDate", Code::Format),
        ),
        case(
            "no such day",
            |r: &mut R| r.current_date = Some("2026-02-29".into()),
            fail("currentDate", Code::Format),
        ),
    ];
    check("eventDates", &valid_event_dates(), cases, |r| {
        iclosed::validate_event_dates(r, &ChronoTz)
    });
}

#[test]
fn iclosed_event_dates_reports_every_broken_rule_at_once() {
    let request = iclosed::EventDatesRequest {
        link_prefix: None,
        time_zone: Some("Nowhere".into()),
        current_date: Some("09.03.2026".into()),
        ..valid_event_dates()
    };
    let errors = pairs(&iclosed::validate_event_dates(&request, &ChronoTz));
    assert_eq!(
        errors,
        [
            ("linkPrefix".to_owned(), Code::Required),
            ("timeZone".to_owned(), Code::UnknownTimeZone),
            ("currentDate".to_owned(), Code::Format),
        ]
    );
}

#[test]
fn iclosed_event_dates_needs_a_link_prefix_from_the_embed() {
    let by_link = iclosed::Settings {
        event_id: None,
        link_prefix: Some("ada/intro-call".into()),
    };
    let request = iclosed::event_dates_request(&by_link, "2026-03-09", "Europe/Berlin").unwrap();
    assert!(iclosed::validate_event_dates(&request, &ChronoTz).is_empty());
    assert_eq!(request.current_date.as_deref(), Some("2026-03-09"));
    let by_id = iclosed::Settings {
        event_id: Some(42),
        link_prefix: None,
    };
    assert_eq!(
        iclosed::event_dates_request(&by_id, "2026-03-09", "Europe/Berlin"),
        None
    );
}

fn valid_reservation() -> calcom::ReserveSlotRequest {
    calcom::ReserveSlotRequest {
        event_type_id: Some(1),
        slot_start: Some("2026-03-09T14:00:00Z".into()),
        slot_duration: None,
        reservation_duration: None,
    }
}

#[test]
fn calcom_reserve_slot() {
    type R = calcom::ReserveSlotRequest;
    let cases: Vec<Case<R>> = vec![
        case("a length", |r: &mut R| r.slot_duration = Some(45), pass()),
        case(
            "+00:00 is UTC too",
            |r: &mut R| r.slot_start = Some("2026-03-09T14:00:00+00:00".into()),
            pass(),
        ),
        case(
            "no event type",
            |r: &mut R| r.event_type_id = None,
            fail("eventTypeId", Code::Required),
        ),
        case(
            "event type 0 (absent to Cal.com)",
            |r: &mut R| r.event_type_id = Some(0),
            fail("eventTypeId", Code::Required),
        ),
        case(
            "a negative event type",
            |r: &mut R| r.event_type_id = Some(-1),
            fail("eventTypeId", Code::NotPositive),
        ),
        case(
            "no start",
            |r: &mut R| r.slot_start = None,
            fail("slotStart", Code::Required),
        ),
        case(
            "a start with an offset",
            |r: &mut R| r.slot_start = Some("2026-03-09T15:00:00+01:00".into()),
            fail("slotStart", Code::Format),
        ),
        case(
            "a day for the start",
            |r: &mut R| r.slot_start = Some("2026-03-09".into()),
            fail("slotStart", Code::Format),
        ),
        case(
            "a zero length",
            |r: &mut R| r.slot_duration = Some(0),
            fail("slotDuration", Code::NotPositive),
        ),
        case(
            "a zero hold",
            |r: &mut R| r.reservation_duration = Some(0),
            fail("reservationDuration", Code::NotPositive),
        ),
    ];
    check(
        "reservation",
        &valid_reservation(),
        cases,
        calcom::validate_reserve_slot,
    );
}

#[test]
fn calcom_release_slot_takes_one_path_segment() {
    assert!(calcom::validate_release_slot("e84be5a3-4696-49e3-acc7-b2f3999c3b94").is_empty());
    for uid in ["", "..", "a/b"] {
        let errors = pairs(&calcom::validate_release_slot(uid));
        assert_eq!(errors.len(), 1, "{uid:?}: {errors:?}");
        assert_eq!(errors[0].0, "uid", "{uid:?}");
    }
    assert_eq!(
        calcom::slot_reservation_path("abc"),
        format!("{}/abc", calcom::SLOT_RESERVATIONS_PATH)
    );
}

#[test]
fn calcom_hold_from_the_embed_and_its_refusal_by_the_time() {
    let settings = calcom::Settings {
        event_type_id: Some(7),
        ..calcom::Settings::default()
    };
    let start = booking_core::time::parse_timestamp("2026-03-09T14:00:00Z").unwrap();
    let request = calcom::reserve_slot_request(&settings, &start).unwrap();
    assert!(calcom::validate_reserve_slot(&request).is_empty());
    let by_slug = calcom::Settings {
        event_type_slug: Some("intro".into()),
        username: Some("ada".into()),
        ..calcom::Settings::default()
    };
    assert_eq!(calcom::reserve_slot_request(&by_slug, &start), None);
    assert_eq!(calcom::form_field("slotStart"), Some(FormField::Time));
}
