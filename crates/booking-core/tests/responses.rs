//! Every example reply on the API pages parses into its wire type and means what it
//! should to the visitor; cut-short and malformed replies give a typed error, never a
//! panic.
//!
//! `tests/examples/`: the files named after a page (`iclosed-create-call`,
//! `iclosed-reschedule-call`, `gohighlevel-appointment`, `meetergo-create-booking`,
//! `calcom-create-phone-call`) are the pages' example bodies verbatim; the others follow
//! the shapes `shared/api/README.md` gives, with realistic values.

use booking_core::{calcom, gohighlevel, iclosed, meetergo, parse_response, BookingState, Outcome, ResponseError};
use serde::de::DeserializeOwned;

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Parses a whole example, and checks that every shorter cut of it is refused with a
/// typed error.
fn parse_and_truncate<T: DeserializeOwned + std::fmt::Debug>(name: &str) -> T {
    let body = example(name);
    let complete = body.trim_ascii_end().len();
    for cut in 0..complete {
        let result = parse_response::<T>(&body[..cut]);
        assert!(result.is_err(), "{name} cut at {cut} bytes parsed: {result:?}");
    }
    parse_response::<T>(&body).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn iclosed_create_call_example() {
    let reply: iclosed::CreateCallResponse = parse_and_truncate("iclosed-create-call");
    let call = reply.data.event_call.data.as_ref().unwrap();
    assert_eq!(call.id, Some(123));
    assert_eq!(reply.data.event_call.status, Some(123));
    assert_eq!(
        iclosed::create_call_outcome(&reply),
        Outcome {
            booking_id: Some("123".into()),
            start: Some("<string>".into()),
            link: Some("<string>".into()),
            state: BookingState::Confirmed,
        }
    );
}

#[test]
fn iclosed_create_call_prefers_redirect_over_confirmation_link() {
    let body = br#"{"data":{"eventCall":{"data":{"id":5,"confirmationLink":"https://c.example","redirectUrl":"https://r.example"}}}}"#;
    let reply: iclosed::CreateCallResponse = parse_response(body).unwrap();
    assert_eq!(
        iclosed::create_call_outcome(&reply).link.as_deref(),
        Some("https://r.example")
    );
    let body = br#"{"data":{"eventCall":{"data":{"id":5,"confirmationLink":"https://c.example"}}}}"#;
    let reply: iclosed::CreateCallResponse = parse_response(body).unwrap();
    assert_eq!(
        iclosed::create_call_outcome(&reply).link.as_deref(),
        Some("https://c.example")
    );
}

#[test]
fn iclosed_reschedule_call_example() {
    let reply: iclosed::RescheduleCallResponse = parse_and_truncate("iclosed-reschedule-call");
    assert_eq!(reply.data.event_call.event_type.as_deref(), Some("UPCOMING"));
    let outcome = iclosed::reschedule_call_outcome(&reply);
    assert_eq!(outcome.booking_id.as_deref(), Some("123"));
    assert_eq!(outcome.state, BookingState::Confirmed);
}

#[test]
fn gohighlevel_appointment_example() {
    let reply: gohighlevel::AppointmentResponse = parse_and_truncate("gohighlevel-appointment");
    assert_eq!(reply.id, "0TkCdp9PfvLeWKYRRvIz");
    assert_eq!(reply.is_recurring, Some(gohighlevel::Flag::Text("true".into())));
    // Written back (the relay's reply) as the boolean HighLevel's spec types it as.
    let written = serde_json::to_value(&reply).unwrap();
    assert_eq!(written["isRecurring"], serde_json::json!(true));
    assert_eq!(
        reply.appointment_status,
        Some(gohighlevel::AppointmentStatusReply::Confirmed)
    );
    assert_eq!(
        gohighlevel::appointment_outcome(&reply),
        Outcome {
            booking_id: Some("0TkCdp9PfvLeWKYRRvIz".into()),
            start: Some("2021-06-23T03:30:00+05:30".into()),
            link: None,
            state: BookingState::Confirmed,
        }
    );
}

#[test]
fn gohighlevel_new_appointment_awaits_the_owner() {
    let body = br#"{"id":"a1","appointmentStatus":"new","isRecurring":false}"#;
    let reply: gohighlevel::AppointmentResponse = parse_response(body).unwrap();
    assert_eq!(
        gohighlevel::appointment_outcome(&reply).state,
        BookingState::AwaitingHostConfirmation
    );
    let reply: gohighlevel::AppointmentResponse =
        parse_response(br#"{"id":"a1","appointmentStatus":"completed"}"#).unwrap();
    assert_eq!(gohighlevel::appointment_outcome(&reply).state, BookingState::Confirmed);
}

#[test]
fn gohighlevel_upsert_contact_keeps_only_the_id() {
    let reply: gohighlevel::UpsertContactResponse = parse_and_truncate("gohighlevel-upsert-contact");
    assert_eq!(reply.contact.id, "seD4PfOuKoVMLkEZqohJ");
    assert_eq!(reply.new, Some(true));
    let echoed = serde_json::to_string(&reply).unwrap();
    assert!(
        !echoed.contains("ada@example.com"),
        "a parsed upsert must not carry the contact's data: {echoed}"
    );
}

#[test]
fn gohighlevel_free_slots_example_skips_trace_id() {
    let reply: gohighlevel::FreeSlotsResponse = parse_and_truncate("gohighlevel-free-slots");
    assert_eq!(reply.days.len(), 2);
    assert_eq!(reply.days["2024-10-28"].slots.len(), 2);
    assert!(reply.days["2024-10-29"].slots.is_empty());
    let error = parse_response::<gohighlevel::FreeSlotsResponse>(br#"{"2024-10-28":{"slots":"none"}}"#).unwrap_err();
    assert!(error.detail.contains("2024-10-28"), "{error}");
}

#[test]
fn meetergo_create_booking_example_is_double_opt_in() {
    let reply: meetergo::CreateBookingResponse = parse_and_truncate("meetergo-create-booking");
    assert_eq!(reply.booking_type, Some(meetergo::BookingType::DoubleOptIn));
    assert_eq!(
        meetergo::create_booking_outcome(&reply).state,
        BookingState::AwaitingVisitorConfirmation
    );
}

#[test]
fn meetergo_booking_states() {
    let cases: [(&[u8], BookingState, Option<&str>); 4] = [
        (
            br#"{"appointmentId":"a1","secret":"s"}"#,
            BookingState::Confirmed,
            Some("a1"),
        ),
        (
            br#"{"provisionalBookingId":"p1","bookingType":"doubleOptIn"}"#,
            BookingState::AwaitingVisitorConfirmation,
            Some("p1"),
        ),
        (
            br#"{"appointmentId":"a2","bookingType":"requireHostConfirmation"}"#,
            BookingState::AwaitingHostConfirmation,
            Some("a2"),
        ),
        // A booking type meetergo may add later must not turn a booking into a failure.
        (
            br#"{"appointmentId":"a3","bookingType":"somethingNew"}"#,
            BookingState::Confirmed,
            Some("a3"),
        ),
    ];
    for (body, state, id) in cases {
        let reply: meetergo::CreateBookingResponse = parse_response(body).unwrap();
        let outcome = meetergo::create_booking_outcome(&reply);
        assert_eq!((outcome.state, outcome.booking_id.as_deref()), (state, id));
    }
}

#[test]
fn meetergo_reschedule_and_availability_examples() {
    let reply: meetergo::RescheduleAppointmentResponse = parse_and_truncate("meetergo-reschedule-appointment");
    let outcome = meetergo::reschedule_appointment_outcome(&reply);
    assert_eq!(outcome.start.as_deref(), Some("2026-03-10T14:00:00.000Z"));
    let reply: meetergo::BookingAvailabilityResponse = parse_and_truncate("meetergo-booking-availability");
    assert_eq!(reply.dates[0].spots[1].start_time, "2026-03-09T09:30:00+01:00");
    assert!(reply.dates[1].spots.is_empty());
}

#[test]
fn calcom_booking_example() {
    let reply: calcom::BookingResponse = parse_and_truncate("calcom-booking");
    assert_eq!(
        calcom::booking_outcome(&reply),
        Outcome {
            booking_id: Some("booking_uid_123".into()),
            start: Some("2026-03-08T14:30:00.000Z".into()),
            link: None,
            state: BookingState::Confirmed,
        }
    );
}

#[test]
fn calcom_recurring_and_pending_bookings() {
    let body = br#"{"status":"success","data":[{"uid":"first","start":"2026-03-08T14:30:00Z","status":"pending"},{"uid":"second"}]}"#;
    let reply: calcom::BookingResponse = parse_response(body).unwrap();
    let outcome = calcom::booking_outcome(&reply);
    assert_eq!(outcome.booking_id.as_deref(), Some("first"));
    assert_eq!(outcome.state, BookingState::AwaitingHostConfirmation);
}

#[test]
fn calcom_slots_and_phone_call_examples() {
    let reply: calcom::SlotsResponse = parse_and_truncate("calcom-slots");
    assert_eq!(reply.data["2026-03-09"].len(), 2);
    assert_eq!(
        reply.data["2026-03-10"][0].end.as_deref(),
        Some("2026-03-10T09:30:00.000-04:00")
    );
    let reply: calcom::CreatePhoneCallResponse = parse_and_truncate("calcom-create-phone-call");
    let outcome = calcom::create_phone_call_outcome(&reply);
    assert_eq!(outcome.booking_id.as_deref(), Some("<string>"));
    assert_eq!(outcome.state, BookingState::CallRequested);
}

#[test]
fn iclosed_event_dates_and_calcom_reservation_examples() {
    let reply: iclosed::EventDatesResponse = parse_and_truncate("iclosed-event-dates");
    assert_eq!(reply.data.availabilities["2026-03-09"], ["09:00", "09:30", "10:00"]);
    assert_eq!(
        reply.data.applied_host_ids,
        Some(vec![iclosed::HostId::Number(101), iclosed::HostId::Number(102)])
    );
    // Times must be text: a reply with numbers there is no availability source at all.
    let error = parse_response::<iclosed::EventDatesResponse>(br#"{"data":{"availabilities":{"2026-03-09":[900]}}}"#)
        .unwrap_err();
    assert_eq!(error.path, "data.availabilities.2026-03-09.0");
    let reply: calcom::ReserveSlotResponse = parse_and_truncate("calcom-reserve-slot");
    assert_eq!(reply.data.reservation_uid, "e84be5a3-4696-49e3-acc7-b2f3999c3b94");
    assert_eq!(reply.data.reservation_duration, 5);
    // Every field of the hold is required by the spec.
    let error = parse_response::<calcom::ReserveSlotResponse>(
        br#"{"status":"success","data":{"eventTypeId":1,"slotStart":"s","slotEnd":"e","slotDuration":30,"reservationDuration":5,"reservationUntil":"u"}}"#,
    )
    .unwrap_err();
    assert!(error.detail.contains("reservationUid"), "{error}");
}

/// Replies that are JSON but not the documented shape: the error says where.
#[test]
fn malformed_replies_name_the_path() {
    fn error<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> ResponseError {
        parse_response::<T>(body.as_bytes()).expect_err(body)
    }
    assert_eq!(
        error::<iclosed::CreateCallResponse>(r#"{"data":{"eventCall":{"data":{"id":"x"}}}}"#).path,
        "data.eventCall.data.id"
    );
    assert_eq!(error::<iclosed::CreateCallResponse>(r#"{"data":{}}"#).path, "data");
    assert_eq!(error::<gohighlevel::AppointmentResponse>(r#"{"id":7}"#).path, "id");
    assert_eq!(
        error::<calcom::BookingResponse>(r#"{"status":"success","data":{"uid":1}}"#).path,
        "data"
    );
    assert_eq!(
        error::<meetergo::BookingAvailabilityResponse>(r#"{"dates":[{"date":"d","spots":[{}]}]}"#).path,
        "dates.0.spots.0"
    );
    for body in ["", "null", "[]", "\"text\"", "{", "{}}", "<html>502 Bad Gateway</html>"] {
        assert!(
            parse_response::<calcom::CreatePhoneCallResponse>(body.as_bytes()).is_err(),
            "{body:?}"
        );
        assert!(
            parse_response::<iclosed::RescheduleCallResponse>(body.as_bytes()).is_err(),
            "{body:?}"
        );
    }
}
