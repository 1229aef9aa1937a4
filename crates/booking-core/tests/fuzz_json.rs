//! Arbitrary JSON into every operation's parser and validator: nothing panics, every
//! refusal names a field and says something, what validates still validates the same
//! after a round trip through the wire, and the widget's JSON writer and reader agree
//! with serde_json on all of it.
//!
//! Values are built per operation from its real field names, each with a value of the
//! right type most of the time and anything else otherwise, so that most cases get
//! past deserialization and exercise the rules; raw bytes exercise the parser alone.

mod common;

use booking_core::{calcom, gohighlevel, iclosed, meetergo, parse_request, FieldError, Rejection};
use common::ChronoTz;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

const CASES: u32 = 4_000;

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer,
    Number,
    Flag,
    Texts,
    Object,
    /// A nested object with these fields.
    Nested(&'static [(&'static str, Kind)]),
}
use Kind::*;

const ICLOSED_CREATE: &[(&str, Kind)] = &[
    ("dateTime", Text),
    ("timeZone", Text),
    ("contactId", Integer),
    ("email", Text),
    ("phoneNumber", Text),
    ("firstName", Text),
    ("lastName", Text),
    ("eventId", Integer),
    ("linkPrefix", Text),
];
const ICLOSED_RESCHEDULE: &[(&str, Kind)] = &[
    ("id", Integer),
    ("dateTime", Text),
    ("timeZone", Text),
    ("rescheduleReason", Text),
    ("notes", Text),
    ("userId", Integer),
];
const GHL_UPSERT: &[(&str, Kind)] = &[
    ("locationId", Text),
    ("firstName", Text),
    ("lastName", Text),
    ("name", Text),
    ("email", Text),
    ("phone", Text),
    ("timezone", Text),
    ("companyName", Text),
    ("source", Text),
];
const GHL_APPOINTMENT: &[(&str, Kind)] = &[
    ("calendarId", Text),
    ("locationId", Text),
    ("contactId", Text),
    ("startTime", Text),
    ("endTime", Text),
    ("title", Text),
    ("meetingLocationType", Text),
    ("meetingLocationId", Text),
    ("overrideLocationConfig", Flag),
    ("appointmentStatus", Text),
    ("assignedUserId", Text),
    ("description", Text),
    ("address", Text),
    ("ignoreDateRange", Flag),
    ("toNotify", Flag),
    ("ignoreFreeSlotValidation", Flag),
    ("rrule", Text),
];
const GHL_FREE_SLOTS: &[(&str, Kind)] = &[
    ("startDate", Integer),
    ("endDate", Integer),
    ("timezone", Text),
    ("userId", Text),
];
const MEETERGO_ATTENDEE: &[(&str, Kind)] = &[
    ("email", Text),
    ("receiveReminders", Flag),
    ("notes", Object),
    ("firstname", Text),
    ("lastname", Text),
    ("fullname", Text),
    ("bringalongEmails", Texts),
    ("phone", Text),
    ("language", Text),
    ("timezone", Text),
    ("dataPolicyAccepted", Flag),
];
const MEETERGO_BOOKING: &[(&str, Kind)] = &[
    ("attendee", Nested(MEETERGO_ATTENDEE)),
    ("meetingTypeId", Text),
    ("start", Text),
    ("hostIds", Texts),
    ("appointmentId", Text),
    ("location", Text),
    ("queueId", Text),
    ("channel", Text),
    ("duration", Number),
    ("routingFormId", Text),
    ("ignoreAvailability", Flag),
    ("attendeePendingId", Number),
    ("paymentId", Text),
    ("resourceChannelIds", Texts),
    ("oneTimeLinkId", Text),
    ("skipNotifications", Flag),
    ("icsTitle", Text),
    ("icsDescription", Text),
];
const MEETERGO_RESCHEDULE: &[(&str, Kind)] = &[("start", Text), ("ignoreAvailability", Flag)];
const MEETERGO_AVAILABILITY: &[(&str, Kind)] = &[
    ("meetingTypeId", Text),
    ("start", Text),
    ("end", Text),
    ("timezone", Text),
];
const CALCOM_ATTENDEE: &[(&str, Kind)] = &[
    ("name", Text),
    ("email", Text),
    ("timeZone", Text),
    ("phoneNumber", Text),
    ("language", Text),
];
const CALCOM_BOOKING: &[(&str, Kind)] = &[
    ("start", Text),
    ("eventTypeId", Integer),
    ("eventTypeSlug", Text),
    ("username", Text),
    ("teamSlug", Text),
    ("organizationSlug", Text),
    ("attendee", Nested(CALCOM_ATTENDEE)),
    ("guests", Texts),
    ("metadata", Object),
    ("bookingFieldsResponses", Object),
    ("lengthInMinutes", Integer),
];
const CALCOM_RESCHEDULE: &[(&str, Kind)] = &[("start", Text), ("rescheduledBy", Text), ("reschedulingReason", Text)];
const CALCOM_SLOTS: &[(&str, Kind)] = &[
    ("start", Text),
    ("end", Text),
    ("eventTypeId", Integer),
    ("eventTypeSlug", Text),
    ("username", Text),
    ("teamSlug", Text),
    ("organizationSlug", Text),
    ("timeZone", Text),
    ("duration", Integer),
    ("format", Text),
    ("bookingUidToReschedule", Text),
];
const CALCOM_PHONE_CALL: &[(&str, Kind)] = &[
    ("yourPhoneNumber", Text),
    ("numberToCall", Text),
    ("calApiKey", Text),
    ("enabled", Flag),
    ("templateType", Text),
    ("schedulerName", Text),
    ("guestName", Text),
    ("guestEmail", Text),
    ("guestCompany", Text),
    ("beginMessage", Text),
    ("generalPrompt", Text),
];

/// Strings near the rules' edges, and anything at all.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", " ", "2026-03-08T10:30:00Z", "2026-03-08T10:30:00-04:00", "2026-03-08T10:30", "2026-03-08",
            "2028-02-29T23:59:59.999Z", "2100-02-29T00:00Z", "ada@example.com", "a..b@example.com", ".a@b.co",
            "+12125550100", "+1 212 555 0100", "0", "America/New_York", "Mars/Olympus", "UTC", "zoom", "confirmed",
            "doubleOptIn", "CUSTOM_TEMPLATE", "range", "en", "pt-BR", "RRULE:FREQ=DAILY;COUNT=5",
            "FREQ=WEEKLY;BYDAY=-1FR;UNTIL=20261231T235959Z", "FREQ=;;", "é😀\u{2028}\n\"<img src=x>",
        ])
        .prop_map(str::to_owned),
        2 => "\\PC{0,24}",
        1 => prop::collection::vec(prop::sample::select(vec!['a', 'é', '😀', '.', '@', '-']), 190..520)
            .prop_map(|chars| chars.into_iter().collect()),
    ]
    .boxed()
}

fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ]
    .boxed()
}

fn anything() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

fn of_kind(kind: Kind) -> BoxedStrategy<Value> {
    let right = match kind {
        Text => text().prop_map(Value::String).boxed(),
        Integer => prop_oneof![3 => -3i64..100_000, 1 => any::<i64>()]
            .prop_map(Value::from)
            .boxed(),
        Number => prop_oneof![-2.0..120.0f64, prop::num::f64::ANY]
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number))
            .boxed(),
        Flag => any::<bool>().prop_map(Value::Bool).boxed(),
        Texts => prop::collection::vec(text().prop_map(Value::String), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Object => prop::collection::btree_map(text(), prop_oneof![4 => scalar(), 1 => anything()], 0..60)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        Nested(fields) => object(fields),
    };
    prop_oneof![6 => right, 1 => anything()].boxed()
}

/// An object with any subset of `fields`, plus now and then a key no API has.
fn object(fields: &'static [(&'static str, Kind)]) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|&(name, kind)| prop::option::weighted(0.7, of_kind(kind).prop_map(move |v| (name.to_owned(), v))).boxed())
        .collect();
    (entries, prop::option::weighted(0.1, (text(), anything())))
        .prop_map(|(entries, extra)| {
            let mut map: Map<String, Value> = entries.into_iter().flatten().collect();
            map.extend(extra);
            Value::Object(map)
        })
        .boxed()
}

/// Parses `value` as `T`; when it parses, validates it, checks the refusals are well
/// formed, and checks the wire form of `T` validates the same way.
fn exercise<T>(value: &Value, validate: impl Fn(&T) -> Vec<FieldError>) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize,
{
    let bytes = serde_json::to_vec(value).unwrap();
    match parse_request::<T>(&bytes) {
        Ok(request) => {
            let errors = validate(&request);
            for error in &errors {
                prop_assert!(!error.field.is_empty() && !error.message.is_empty(), "{error:?}");
            }
            written_alike(&request)?;
            let again: T = parse_request(&serde_json::to_vec(&request).unwrap()).expect("own wire form parses");
            prop_assert_eq!(validate(&again), errors);
        }
        Err(Rejection::Invalid(error)) => prop_assert!(!error.field.is_empty(), "{error:?}"),
        Err(Rejection::Malformed(error)) => prop_assert!(false, "valid JSON called malformed: {error:?}"),
    }
    Ok(())
}

/// The widget's writer gives serde_json's bytes for `request`, or refuses it when it
/// holds a float (which no request the widget builds does).
fn written_alike<T: Serialize>(request: &T) -> Result<(), TestCaseError> {
    let theirs = serde_json::to_string(request).unwrap();
    match booking_core::json::to_json(request) {
        Some(ours) => prop_assert_eq!(ours, theirs),
        None => prop_assert!(has_float(&serde_json::from_str(&theirs).unwrap()), "refused {}", theirs),
    }
    Ok(())
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(members) => members.values().any(has_float),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn iclosed_create_call(value in object(ICLOSED_CREATE)) {
        exercise(&value, iclosed::validate_create_call)?;
    }

    #[test]
    fn iclosed_reschedule_call(value in object(ICLOSED_RESCHEDULE)) {
        exercise(&value, iclosed::validate_reschedule_call)?;
    }

    #[test]
    fn gohighlevel_upsert_contact(value in object(GHL_UPSERT)) {
        exercise(&value, gohighlevel::validate_upsert_contact)?;
    }

    #[test]
    fn gohighlevel_create_appointment(value in object(GHL_APPOINTMENT)) {
        exercise(&value, gohighlevel::validate_create_appointment)?;
    }

    #[test]
    fn gohighlevel_update_appointment(value in object(GHL_APPOINTMENT), event_id in text()) {
        exercise(&value, |r| gohighlevel::validate_update_appointment(&event_id, r))?;
    }

    #[test]
    fn gohighlevel_free_slots(value in object(GHL_FREE_SLOTS), calendar_id in text()) {
        exercise(&value, |q| gohighlevel::validate_free_slots(&calendar_id, q))?;
    }

    #[test]
    fn meetergo_create_booking(value in object(MEETERGO_BOOKING)) {
        exercise(&value, meetergo::validate_create_booking)?;
    }

    #[test]
    fn meetergo_reschedule_appointment(value in object(MEETERGO_RESCHEDULE), id in text()) {
        exercise(&value, |r| meetergo::validate_reschedule_appointment(&id, r))?;
    }

    #[test]
    fn meetergo_booking_availability(value in object(MEETERGO_AVAILABILITY)) {
        exercise(&value, meetergo::validate_booking_availability)?;
    }

    #[test]
    fn calcom_create_booking(value in object(CALCOM_BOOKING)) {
        exercise(&value, |r| calcom::validate_create_booking(r, &ChronoTz))?;
    }

    #[test]
    fn calcom_reschedule_booking(value in object(CALCOM_RESCHEDULE), uid in text()) {
        exercise(&value, |r| calcom::validate_reschedule_booking(&uid, r))?;
    }

    #[test]
    fn calcom_slots(value in object(CALCOM_SLOTS)) {
        exercise(&value, |q| calcom::validate_slots(q, &ChronoTz))?;
    }

    #[test]
    fn calcom_create_phone_call(value in object(CALCOM_PHONE_CALL), team in text(), event_type in text()) {
        exercise(&value, |r| calcom::validate_create_phone_call(&team, &event_type, r))?;
    }

    /// The free-form objects of the requests (`metadata`, `attendee.notes`, …) read,
    /// compare and write exactly as serde_json's map did before they had their own type.
    #[test]
    fn free_form_objects_are_serde_json_maps(value in anything()) {
        let body = serde_json::to_vec(&value).unwrap();
        let ours = serde_json::from_slice::<booking_core::json::Object>(&body);
        let theirs = serde_json::from_slice::<Map<String, Value>>(&body);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok());
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            prop_assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
            prop_assert_eq!(&ours, &theirs.clone().into());
            written_alike(&ours)?;
        }
    }

    /// Anything at all, and raw bytes, into every parser.
    #[test]
    fn any_json_and_bytes(value in anything(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        for body in [serde_json::to_vec(&value).unwrap(), bytes] {
            // The widget's reader accepts what serde_json accepts (`tests/json_read.rs`
            // compares the values too).
            prop_assert_eq!(
                booking_core::json::Json::parse(&body).is_some(),
                serde_json::from_slice::<Value>(&body).is_ok()
            );
            let _ = parse_request::<iclosed::CreateCallRequest>(&body);
            let _ = parse_request::<iclosed::RescheduleCallRequest>(&body);
            let _ = parse_request::<gohighlevel::UpsertContactRequest>(&body);
            let _ = parse_request::<gohighlevel::CreateAppointmentRequest>(&body);
            let _ = parse_request::<gohighlevel::UpdateAppointmentRequest>(&body);
            let _ = parse_request::<gohighlevel::FreeSlotsQuery>(&body);
            let _ = parse_request::<meetergo::CreateBookingRequest>(&body);
            let _ = parse_request::<meetergo::RescheduleAppointmentRequest>(&body);
            let _ = parse_request::<meetergo::BookingAvailabilityQuery>(&body);
            let _ = parse_request::<calcom::CreateBookingRequest>(&body);
            let _ = parse_request::<calcom::RescheduleBookingRequest>(&body);
            let _ = parse_request::<calcom::SlotsQuery>(&body);
            let _ = parse_request::<calcom::CreatePhoneCallRequest>(&body);
        }
    }
}

#[test]
fn free_form_objects_keep_the_last_of_a_repeated_key_in_key_order() {
    let body = br#"{"b":1,"a":[true,null,{"d":"x","c":-2}],"b":"two"}"#;
    let object: booking_core::json::Object = serde_json::from_slice(body).unwrap();
    assert_eq!(
        serde_json::to_string(&object).unwrap(),
        r#"{"a":[true,null,{"c":-2,"d":"x"}],"b":"two"}"#
    );
    let mut built = booking_core::json::Object::new();
    built.insert("b".into(), booking_core::json::Value::Bool(false));
    built.insert("a".into(), booking_core::json::Value::Null);
    built.insert("b".into(), booking_core::json::Value::String("two".into()));
    assert_eq!(
        booking_core::json::to_json(&built).as_deref(),
        Some(r#"{"a":null,"b":"two"}"#)
    );
}

/// The generators must get most cases past deserialization, or the properties above
/// would only be testing serde.
#[test]
fn generated_requests_mostly_parse() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = object(CALCOM_BOOKING);
    let parsed = (0..500)
        .filter(|_| {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            parse_request::<calcom::CreateBookingRequest>(&serde_json::to_vec(&value).unwrap()).is_ok()
        })
        .count();
    assert!(parsed > 100, "only {parsed} of 500 generated Cal.com bookings parsed");
}
