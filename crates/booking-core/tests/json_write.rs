//! The widget's JSON writer ([`to_json`]) against `serde_json::to_string`, which wrote
//! the widget's requests, events and draft before: the same bytes for every value our
//! types hold, and nothing at all (rather than other bytes) for what it leaves out.
//!
//! Every request type is also compared field by field on generated requests in
//! `tests/fuzz_json.rs`, and on the golden requests in `tests/golden.rs`.

use std::collections::BTreeMap;

use booking_core::json::to_json;
use booking_core::time::{parse_timestamp, Timestamp};
use booking_core::{calcom, gohighlevel, iclosed, meetergo, BookingState, VisitorForm};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

/// Both write `value` the same, byte for byte.
fn same<T: Serialize + ?Sized>(value: &T) {
    let theirs = serde_json::to_string(value).unwrap();
    assert_eq!(to_json(value).as_deref(), Some(theirs.as_str()));
}

#[test]
fn every_ascii_character_and_then_some_is_escaped_alike() {
    for c in (0u32..0x80).filter_map(char::from_u32) {
        same(&c);
        same(&format!("a{c}b"));
    }
    for text in [
        "",
        "\"\\/",
        "\u{7f}\u{80}\u{a0}\u{2028}\u{2029}\u{fffd}\u{feff}\u{ffff}\u{10000}\u{10ffff}",
        "é😀<img src=x>&amp;</script>",
        "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1b}\u{1f}",
        "line\r\nbreak\ttab",
    ] {
        same(text);
    }
}

#[test]
fn scalars_and_containers_are_written_alike() {
    same(&true);
    same(&false);
    same(&());
    same(&None::<String>);
    same(&Some("x"));
    for n in [i64::MIN, -1, 0, 1, i64::MAX] {
        same(&n);
    }
    for n in [0, 1, u64::MAX] {
        same(&n);
    }
    same(&(i8::MIN, i16::MIN, i32::MIN, u8::MAX, u16::MAX, u32::MAX));
    same(&Vec::<String>::new());
    same(&vec![vec![1, 2], vec![]]);
    same(&BTreeMap::<String, String>::new());
    same(&BTreeMap::from([("b".to_owned(), vec![1]), ("a\"".to_owned(), vec![])]));
    same(&json!({"z": [null, true, -5, 18_446_744_073_709_551_615_u64, "s", {}], "a": {"b": []}}));
    same(&BookingState::AwaitingVisitorConfirmation);
    same(&meetergo::Channel::TeamsForBusiness2);
    same(&meetergo::Channel::Unlisted("Zoom \"HD\"".into()));
    same(&calcom::Language::PtBr);

    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize)]
    struct Newtype(String);
    #[derive(Serialize)]
    struct Pair(i64, String);
    same(&Unit);
    same(&Newtype("n".into()));
    same(&Pair(1, "p".into()));
}

/// What no wire type holds is refused: serde_json would write it, this writer would
/// write something else.
#[test]
fn floats_and_other_keys_and_data_variants_are_refused() {
    #[derive(Serialize)]
    enum Variant {
        Newtype(i64),
        Tuple(i64, i64),
        Struct { n: i64 },
    }
    assert_eq!(to_json(&1.5), None);
    assert_eq!(to_json(&1.0f32), None);
    assert_eq!(to_json(&f64::NAN), None);
    assert_eq!(to_json(&json!({"duration": 30.5})), None);
    assert_eq!(to_json(&BTreeMap::from([(1, "one")])), None);
    assert_eq!(to_json(&BTreeMap::from([(true, "yes")])), None);
    assert_eq!(to_json(&Variant::Newtype(1)), None);
    assert_eq!(to_json(&Variant::Tuple(1, 2)), None);
    assert_eq!(to_json(&Variant::Struct { n: 1 }), None);
    assert_eq!(to_json(&1u128), None);
}

#[test]
fn the_draft_is_written_alike() {
    same(&VisitorForm::default());
    same(&VisitorForm {
        first_name: "Ada \"the\" Countess".into(),
        email: "ada@example.com".into(),
        guests: vec!["bob@example.com".into(), "\u{1}".into()],
        notes: "line 1\nline 2\t\\".into(),
        utm: booking_core::Utm::from([("utm_source".into(), "news\u{2028}letter".into())]),
        ..VisitorForm::default()
    });
}

// ---------------------------------------------------------------------------------------
// Generated values
// ---------------------------------------------------------------------------------------

/// Text with everything the escaping has to get right.
fn odd_text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => any::<String>(),
        2 => prop::collection::vec(
            prop::sample::select(vec![
                '"', '\\', '/', '\u{0}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', ' ', '\u{7f}',
                '\u{80}', 'é', '\u{2028}', '\u{fffd}', '😀', '\u{10ffff}', 'a', '<', '&',
            ]),
            0..24,
        )
        .prop_map(|chars| chars.into_iter().collect()),
        1 => "[ -~]{0,12}",
    ]
    .boxed()
}

fn form() -> impl Strategy<Value = VisitorForm> {
    (
        prop::collection::vec(odd_text(), 10),
        prop::collection::vec(odd_text(), 0..3),
        prop::collection::btree_map(odd_text(), odd_text(), 0..3),
    )
        .prop_map(|(texts, guests, utm)| {
            let [first_name, last_name, email, phone, company, notes, reason, date, time, time_zone] =
                <[String; 10]>::try_from(texts).unwrap();
            VisitorForm {
                first_name,
                last_name,
                email,
                phone,
                company,
                notes,
                guests,
                reason,
                date,
                time,
                time_zone,
                utm: utm.into_iter().collect(),
            }
        })
}

fn value_without_floats() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        odd_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(odd_text(), inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn start() -> Timestamp {
    parse_timestamp("2026-03-08T10:30:00-04:00").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn strings_are_written_alike(text in odd_text()) {
        same(&text);
        same(&BTreeMap::from([(text.clone(), text)]));
    }

    #[test]
    fn values_without_floats_are_written_alike(value in value_without_floats()) {
        same(&value);
    }

    #[test]
    fn drafts_are_written_alike(form in form()) {
        same(&form);
    }

    /// Every request the widget sends, from any form (ids and settings from odd text too).
    #[test]
    fn requests_from_any_form_are_written_alike(form in form(), text in odd_text(), id in any::<i64>()) {
        let start = start();
        let end = Timestamp { unix_seconds: start.unix_seconds + 1_800, ..start };
        let iclosed = iclosed::Settings { event_id: Some(id), link_prefix: Some(text.clone()) };
        same(&iclosed::create_call_request(&form, &iclosed, &start));
        same(&iclosed::reschedule_call_request(&form, id, &start));
        let gohighlevel = gohighlevel::Settings { calendar_id: text.clone(), location_id: text.clone() };
        same(&gohighlevel::upsert_contact_request(&form, &gohighlevel));
        same(&gohighlevel::create_appointment_request(&form, &gohighlevel, &text, &start, Some(&end)));
        same(&gohighlevel::update_appointment_request(&start, None));
        same(&gohighlevel::free_slots_query(&start, &end, &text));
        let meetergo = meetergo::Settings {
            meeting_type_id: text.clone(),
            host_ids: vec![text.clone()],
            queue_id: Some(text.clone()),
            channel: Some(meetergo::Channel::from_wire(&text)),
            duration: u32::try_from(id).ok(),
        };
        same(&meetergo::create_booking_request(&form, &meetergo, &start));
        same(&meetergo::reschedule_appointment_request(&start));
        same(&meetergo::booking_availability_query(&meetergo, &text, &text, &text));
        let calcom = calcom::Settings {
            event_type_id: Some(id),
            event_type_slug: Some(text.clone()),
            username: Some(text.clone()),
            team_slug: Some(text.clone()),
            organization_slug: Some(text.clone()),
            team_id: Some(id),
        };
        same(&calcom::create_booking_request(&form, &calcom, &start));
        same(&calcom::reschedule_booking_request(&form, &start));
        same(&calcom::slots_query(&calcom, &text, &text, &text));
        same(&calcom::create_phone_call_request(&form));
    }
}
