//! Golden wire JSON: every operation's request built from one neutral form, compared
//! byte for byte with `tests/golden/*.json`. A change to a field name, a casing, an
//! omitted `None` or a time format shows up as a diff here. Each is also written by the
//! widget's own writer (`json::to_json`), byte for byte as by `serde_json::to_string`.
//!
//! After an intended change: `UPDATE_GOLDEN=1 cargo test -p booking-core --test golden`,
//! then read the diff before committing it.

mod common;

use std::path::PathBuf;

use booking_core::time::Timestamp;
use booking_core::{calcom, gohighlevel, iclosed, meetergo, VisitorForm};
use common::ChronoTz;
use serde::Serialize;

/// One visitor, booking 10:30 in New York on the day the clocks spring forward (so the
/// offset is -04:00, not the -05:00 of the morning before).
fn form() -> VisitorForm {
    VisitorForm {
        first_name: " Ada ".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
        phone: "+44 20 7946 0958".into(),
        company: "Analytical Engines Ltd".into(),
        notes: "Let's talk about the engine.".into(),
        guests: vec!["charles@example.com".into(), "  ".into()],
        reason: "A conflict came up".into(),
        date: "2026-03-08".into(),
        time: "10:30".into(),
        time_zone: "America/New_York".into(),
        utm: booking_core::Utm::from([
            ("utm_campaign".into(), "spring".into()),
            ("utm_source".into(), "newsletter".into()),
        ]),
    }
}

fn start() -> Timestamp {
    form().start(&ChronoTz).expect("10:30 exists in New York")
}

fn end() -> Timestamp {
    start().later_in_zone(30, "America/New_York", &ChronoTz).unwrap()
}

fn check(name: &str, request: &impl Serialize) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    // The widget writes its bodies with its own writer: the same bytes as serde_json.
    assert_eq!(
        booking_core::json::to_json(request),
        Some(serde_json::to_string(request).unwrap()),
        "{name}"
    );
    let actual = serde_json::to_string_pretty(request).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1 and review it", path.display()));
    assert_eq!(actual, expected, "wire JSON of {name} changed");
}

#[test]
fn iclosed_requests() {
    let settings = iclosed::Settings {
        event_id: Some(42),
        link_prefix: None,
    };
    check(
        "iclosed-create-call",
        &iclosed::create_call_request(&form(), &settings, &start()),
    );
    check(
        "iclosed-reschedule-call",
        &iclosed::reschedule_call_request(&form(), 9001, &start()),
    );
}

#[test]
fn gohighlevel_requests() {
    let settings = gohighlevel::Settings {
        calendar_id: "CVokAlI8fgw4WYWoCtQz".into(),
        location_id: "C2QujeCh8ZnC7al2InWR".into(),
    };
    check(
        "gohighlevel-upsert-contact",
        &gohighlevel::upsert_contact_request(&form(), &settings),
    );
    check(
        "gohighlevel-create-appointment",
        &gohighlevel::create_appointment_request(&form(), &settings, "0007BWpSzSwfiuSl0tR2", &start(), Some(&end())),
    );
    check(
        "gohighlevel-update-appointment",
        &gohighlevel::update_appointment_request(&start(), Some(&end())),
    );
    let week_later = start()
        .later_in_zone(7 * 24 * 60, "America/New_York", &ChronoTz)
        .unwrap();
    check(
        "gohighlevel-free-slots",
        &gohighlevel::free_slots_query(&start(), &week_later, "America/New_York"),
    );
}

#[test]
fn meetergo_requests() {
    let settings = meetergo::Settings {
        meeting_type_id: "mt-1".into(),
        host_ids: vec!["host-1".into()],
        queue_id: None,
        channel: Some(meetergo::Channel::Zoom),
        duration: Some(30),
    };
    check(
        "meetergo-create-booking",
        &meetergo::create_booking_request(&form(), &settings, &start()),
    );
    check(
        "meetergo-reschedule-appointment",
        &meetergo::reschedule_appointment_request(&start()),
    );
    check(
        "meetergo-booking-availability",
        &meetergo::booking_availability_query(&settings, "2026-03-08", "2026-03-14", "America/New_York"),
    );
}

#[test]
fn calcom_requests() {
    let settings = calcom::Settings {
        event_type_slug: Some("intro".into()),
        username: Some("ada".into()),
        ..calcom::Settings::default()
    };
    check(
        "calcom-create-booking",
        &calcom::create_booking_request(&form(), &settings, &start()),
    );
    check(
        "calcom-reschedule-booking",
        &calcom::reschedule_booking_request(&form(), &start()),
    );
    check(
        "calcom-slots",
        &calcom::slots_query(&settings, "2026-03-08", "2026-03-14", "America/New_York"),
    );
    check("calcom-create-phone-call", &calcom::create_phone_call_request(&form()));
}

/// The goldens are only worth their bytes if each request passes its own provider's
/// rules (the phone call once the relay has added the operator's fields).
#[test]
fn golden_requests_pass_validation() {
    let iclosed_settings = iclosed::Settings {
        event_id: Some(42),
        link_prefix: None,
    };
    assert_eq!(
        iclosed::validate_create_call(&iclosed::create_call_request(&form(), &iclosed_settings, &start())),
        vec![]
    );
    assert_eq!(
        iclosed::validate_reschedule_call(&iclosed::reschedule_call_request(&form(), 9001, &start())),
        vec![]
    );
    let ghl = gohighlevel::Settings {
        calendar_id: "cal".into(),
        location_id: "loc".into(),
    };
    assert_eq!(
        gohighlevel::validate_upsert_contact(&gohighlevel::upsert_contact_request(&form(), &ghl)),
        vec![]
    );
    assert_eq!(
        gohighlevel::validate_create_appointment(&gohighlevel::create_appointment_request(
            &form(),
            &ghl,
            "contact",
            &start(),
            Some(&end())
        )),
        vec![]
    );
    assert_eq!(
        gohighlevel::validate_update_appointment("event", &gohighlevel::update_appointment_request(&start(), None)),
        vec![]
    );
    let mg = meetergo::Settings {
        meeting_type_id: "mt".into(),
        queue_id: Some("q".into()),
        ..Default::default()
    };
    assert_eq!(
        meetergo::validate_create_booking(&meetergo::create_booking_request(&form(), &mg, &start())),
        vec![]
    );
    assert_eq!(
        meetergo::validate_reschedule_appointment("apt", &meetergo::reschedule_appointment_request(&start())),
        vec![]
    );
    let cal = calcom::Settings {
        event_type_id: Some(7),
        ..Default::default()
    };
    assert_eq!(
        calcom::validate_create_booking(&calcom::create_booking_request(&form(), &cal, &start()), &ChronoTz),
        vec![]
    );
    assert_eq!(
        calcom::validate_reschedule_booking("uid", &calcom::reschedule_booking_request(&form(), &start())),
        vec![]
    );
    assert_eq!(
        calcom::validate_slots(&calcom::slots_query(&cal, "2026-03-08", "2026-03-14", "UTC"), &ChronoTz),
        vec![]
    );
    let call = calcom::CreatePhoneCallRequest {
        your_phone_number: Some("+12125550100".into()),
        cal_api_key: Some("key".into()),
        ..calcom::create_phone_call_request(&form())
    };
    assert_eq!(calcom::validate_create_phone_call("1", "2", &call), vec![]);
}
