//! The widget reads replies (and its own draft) with [`FromJson`], by hand from its own
//! parsed [`Json`](booking_core::json::Json), where the relay uses the wire types'
//! `Deserialize`. The two must agree: on every example reply, and on every reply made
//! from one by changing a single value (to `null`, a boolean, a whole number, a float,
//! one past `i64::MAX`, text, an empty array or object), dropping a member or adding an
//! unknown one.
//!
//! Known, deliberate differences, not generated here: `Deserialize` also reads a
//! struct from a JSON array of its fields in order, and refuses an object that names a
//! field twice; [`FromJson`] refuses the array and keeps the last of the duplicates.

use std::fmt::Debug;

use booking_core::json::FromJson;
use booking_core::{calcom, gohighlevel, iclosed, meetergo, VisitorForm};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn example(name: &str) -> Value {
    let path = format!("{}/tests/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_slice(&text).unwrap()
}

/// Every value of `value`, as a JSON pointer.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                pointers(
                    member,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn variants(value: &Value) -> Vec<Value> {
    let replacements = [
        Value::Null,
        json!(true),
        json!(7),
        json!(-7),
        json!(1.5),
        json!(9_223_372_036_854_775_808_u64),
        json!("x"),
        json!([]),
        json!({}),
    ];
    let mut all = vec![value.clone()];
    let mut at = Vec::new();
    pointers(value, String::new(), &mut at);
    for pointer in &at {
        for replacement in &replacements {
            let mut changed = value.clone();
            *changed.pointer_mut(pointer).unwrap() = replacement.clone();
            all.push(changed);
        }
        if let Some((parent, key)) = pointer.rsplit_once('/') {
            let mut changed = value.clone();
            match changed.pointer_mut(parent).unwrap() {
                Value::Object(members) => {
                    members.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Value::Array(items) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => unreachable!(),
            }
            all.push(changed);
        }
        if let Some(Value::Object(members)) = value.pointer(pointer) {
            let mut members = members.clone();
            members.insert("unknownMember".into(), json!({"nested": [1, "two"]}));
            let mut changed = value.clone();
            *changed.pointer_mut(pointer).unwrap() = Value::Object(members);
            all.push(changed);
        }
    }
    all
}

/// Both readers give the same `T`, or both refuse, on `value` and every variant of it.
/// Returns how many variants each accepted.
fn agree<T: FromJson + DeserializeOwned + PartialEq + Debug>(value: Value) -> usize {
    let mut accepted = 0;
    for variant in variants(&value) {
        let bytes = serde_json::to_vec(&variant).unwrap();
        let by_hand = booking_core::json::read_json::<T>(&bytes);
        let by_serde = serde_json::from_slice::<T>(&bytes).ok();
        assert_eq!(by_hand, by_serde, "{variant}");
        accepted += usize::from(by_hand.is_some());
    }
    assert!(accepted > 0, "the example itself must parse");
    accepted
}

#[test]
fn iclosed_replies() {
    agree::<iclosed::CreateCallResponse>(example("iclosed-create-call"));
    agree::<iclosed::RescheduleCallResponse>(example("iclosed-reschedule-call"));
    agree::<iclosed::CreateCallResponse>(json!({"data": {"eventCall": {}}}));
    agree::<iclosed::EventDatesResponse>(example("iclosed-event-dates"));
    agree::<iclosed::EventDatesResponse>(json!({"data": {"availabilities": {}, "appliedHostIds": ["h1", 2]}}));
}

#[test]
fn gohighlevel_replies() {
    agree::<gohighlevel::UpsertContactResponse>(example("gohighlevel-upsert-contact"));
    agree::<gohighlevel::AppointmentResponse>(example("gohighlevel-appointment"));
    let mut flagged = example("gohighlevel-appointment");
    flagged["isRecurring"] = json!(false);
    flagged["appointmentStatus"] = json!("completed");
    agree::<gohighlevel::AppointmentResponse>(flagged);
}

#[test]
fn meetergo_replies() {
    agree::<meetergo::CreateBookingResponse>(example("meetergo-create-booking"));
    agree::<meetergo::RescheduleAppointmentResponse>(example("meetergo-reschedule-appointment"));
    agree::<meetergo::CreateBookingResponse>(json!({"appointmentId": "a", "bookingType": "requireHostConfirmation"}));
}

#[test]
fn calcom_replies() {
    let booking = example("calcom-booking");
    agree::<calcom::BookingResponse>(booking.clone());
    let recurring = json!({"status": "success", "data": [booking["data"].clone(), booking["data"].clone()]});
    agree::<calcom::BookingResponse>(recurring);
    agree::<calcom::BookingResponse>(json!({"status": "success", "data": []}));
    agree::<calcom::CreatePhoneCallResponse>(example("calcom-create-phone-call"));
    agree::<calcom::ReserveSlotResponse>(example("calcom-reserve-slot"));
    agree::<calcom::ReleaseSlotResponse>(json!({"status": "success"}));
}

#[test]
fn the_widget_draft() {
    let mut form = VisitorForm {
        first_name: "Ada".into(),
        email: "ada@example.com".into(),
        guests: vec!["bob@example.com".into()],
        time_zone: "Europe/London".into(),
        ..VisitorForm::default()
    };
    form.utm.insert("utm_source".into(), "news".into());
    agree::<VisitorForm>(serde_json::to_value(&form).unwrap());
}
