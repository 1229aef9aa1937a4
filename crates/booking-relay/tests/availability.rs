//! Free times through the relay (issue 15): the new routes (iClosed `eventDates`, Cal.com
//! slot holds), the operator's calendar or event on every availability route, the
//! availability cache (one upstream call for concurrent identical queries, a TTL, no
//! failure kept, a write drops it), and the sandbox's holds, reschedule availability
//! and iClosed answer across daylight-saving changes.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use booking_core::{calcom, iclosed, meetergo};
use booking_relay::config::Config;
use booking_relay::sandbox::{Day, SandboxSettings};
use booking_relay::AppState;
use common::fake::{Fake, Reply as Upstream};
use common::{build, config_from_toml, Relay, Reply};
use serde_json::{json, Value};

const SLOTS: &str = "/calcom/v2/slots?start=2026-03-09&end=2026-03-13&eventTypeId=7&timeZone=Europe%2FBerlin";
const EVENT_DATES: &str = "/iclosed/v1/events/eventDates";
const RESERVATIONS: &str = "/calcom/v2/slots/reservations";
const MEETERGO_AVAILABILITY: &str =
    "/meetergo/v4/booking-availability?meetingTypeId=mt-1&start=2026-03-09&end=2026-03-13&timezone=Europe%2FBerlin";

fn example(name: &str) -> Value {
    let path = format!(
        "{}/../booking-core/tests/examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))).unwrap()
}

// ---------------------------------------------------------------------------------------
// Serve mode against the fake provider
// ---------------------------------------------------------------------------------------

/// Every provider at the fake, with the operator's calendar and events fixed.
fn operator(base: &str) -> Config {
    config_from_toml(&format!(
        r#"
        allowed_origins = ["{origin}"]
        [iclosed]
        base_url = "{base}"
        event_id = 42
        link_prefix = "acme/intro"
        [gohighlevel]
        base_url = "{base}"
        calendar_id = "operator-calendar"
        location_id = "operator-location"
        [meetergo]
        base_url = "{base}"
        meeting_type_id = "operator-meeting"
        host_ids = ["h1"]
        [calcom]
        base_url = "{base}"
        event_type_id = 1001
        "#,
        origin = common::ALLOWED_ORIGIN,
    ))
}

/// The same, with no calendar or event fixed.
fn open(base: &str) -> Config {
    config_from_toml(&format!(
        r#"
        allowed_origins = ["{origin}"]
        [iclosed]
        base_url = "{base}"
        [gohighlevel]
        base_url = "{base}"
        [meetergo]
        base_url = "{base}"
        [calcom]
        base_url = "{base}"
        "#,
        origin = common::ALLOWED_ORIGIN,
    ))
}

async fn get(relay: &Relay, path: &str) -> Reply {
    Reply::of(&relay.app, build(Method::GET, path, &[], None)).await
}

async fn post(relay: &Relay, path: &str, body: &Value) -> Reply {
    let headers = [("origin", common::ALLOWED_ORIGIN)];
    Reply::of(
        &relay.app,
        build(Method::POST, path, &headers, Some(body.to_string().into_bytes())),
    )
    .await
}

async fn delete(relay: &Relay, path: &str) -> Reply {
    Reply::of(&relay.app, build(Method::DELETE, path, &[], None)).await
}

fn event_dates_body(link_prefix: &str) -> Value {
    json!({ "linkPrefix": link_prefix, "timeZone": "Europe/Berlin", "currentDate": "2026-03-09" })
}

#[tokio::test]
async fn twenty_concurrent_identical_queries_make_one_upstream_call_and_get_one_answer() {
    let fake = Fake::start().await;
    let slots = example("calcom-slots");
    fake.on(
        "/v2/slots",
        Upstream::Delayed(Duration::from_millis(300), Box::new(Upstream::Json(200, slots.clone()))),
    );
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    let asks = (0..20).map(|_| get(&relay, SLOTS));
    let replies = futures_util::future::join_all(asks).await;
    assert_eq!(fake.calls(), 1, "one upstream call for all twenty");
    for reply in &replies {
        reply.expect_status(StatusCode::OK);
        assert_eq!(reply.body, replies[0].body);
    }
    assert_eq!(replies[0].json(), slots);
}

#[tokio::test]
async fn different_queries_call_separately_and_a_repeat_is_answered_from_the_cache() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    let other_zone = SLOTS.replace("Europe%2FBerlin", "America%2FNew_York");
    let other_days = SLOTS.replace("end=2026-03-13", "end=2026-03-20");
    for path in [SLOTS, &other_zone, &other_days] {
        get(&relay, path).await.expect_status(StatusCode::OK);
    }
    assert_eq!(fake.calls(), 3);
    for path in [SLOTS, &other_zone, &other_days] {
        get(&relay, path).await.expect_status(StatusCode::OK);
    }
    assert_eq!(fake.calls(), 3, "the repeats came from the cache");
}

#[tokio::test]
async fn after_the_ttl_the_next_query_calls_again() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    let mut config = open(&fake.url());
    config.limits.availability_cache_ms = 300;
    let relay = Relay::of(common::serve_state(&config));
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 1, "within the TTL");
    tokio::time::sleep(Duration::from_millis(400)).await;
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 2, "after the TTL");
}

#[tokio::test]
async fn with_the_cache_off_every_query_calls() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    let mut config = open(&fake.url());
    config.limits.availability_cache_ms = 0;
    let relay = Relay::of(common::serve_state(&config));
    for _ in 0..3 {
        get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    }
    assert_eq!(fake.calls(), 3);
}

#[tokio::test]
async fn a_failure_is_not_cached() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(500, json!({ "message": "down" })));
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    get(&relay, SLOTS).await.expect_status(StatusCode::BAD_GATEWAY);
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 2, "the failure was not kept");
    // An answer the allow-list refuses is a failure too.
    fake.on(
        "/v4/booking-availability",
        Upstream::Json(200, json!({ "dates": "none" })),
    );
    get(&relay, MEETERGO_AVAILABILITY)
        .await
        .expect_status(StatusCode::BAD_GATEWAY);
    fake.on(
        "/v4/booking-availability",
        Upstream::Json(200, example("meetergo-booking-availability")),
    );
    get(&relay, MEETERGO_AVAILABILITY).await.expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 4);
}

#[tokio::test]
async fn a_write_drops_its_provider_s_cached_availability_and_no_other() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    fake.on("/v2/bookings", Upstream::Json(201, example("calcom-booking")));
    fake.on(
        "/v4/booking-availability",
        Upstream::Json(200, example("meetergo-booking-availability")),
    );
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    get(&relay, MEETERGO_AVAILABILITY).await.expect_status(StatusCode::OK);
    let booking = json!({
        "start": "2026-03-09T08:00:00Z",
        "eventTypeId": 7,
        "attendee": { "name": "Ada", "email": "ada@example.com", "timeZone": "Europe/Berlin" },
    });
    post(&relay, common::CALCOM_BOOKINGS, &booking)
        .await
        .expect_status(StatusCode::CREATED);
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    get(&relay, MEETERGO_AVAILABILITY).await.expect_status(StatusCode::OK);
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/v2/slots", "/v4/booking-availability", "/v2/bookings", "/v2/slots"],
        "Cal.com's slots asked again after its booking; meetergo's still kept"
    );
    // A hold is a write too.
    fake.on(
        "/v2/slots/reservations",
        Upstream::Json(201, example("calcom-reserve-slot")),
    );
    let hold = json!({ "eventTypeId": 7, "slotStart": "2026-03-09T08:30:00Z" });
    post(&relay, RESERVATIONS, &hold)
        .await
        .expect_status(StatusCode::CREATED);
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 6);
}

#[tokio::test]
async fn a_refused_write_keeps_the_cache() {
    let fake = Fake::start().await;
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    fake.on(
        "/v2/slots/reservations",
        Upstream::Json(
            422,
            json!({ "status": "error", "error": { "message": "This slot is already reserved." } }),
        ),
    );
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    let hold = json!({ "eventTypeId": 7, "slotStart": "2026-03-09T08:30:00Z" });
    post(&relay, RESERVATIONS, &hold)
        .await
        .expect_errors(StatusCode::UNPROCESSABLE_ENTITY, &[("slotStart", "slot_unavailable")]);
    get(&relay, SLOTS).await.expect_status(StatusCode::OK);
    assert_eq!(
        fake.calls(),
        2,
        "slots, the refused hold, and the slots again from the cache"
    );
}

#[tokio::test]
async fn the_operator_s_calendar_or_event_wins_on_every_availability_route_and_the_hold() {
    let fake = Fake::start().await;
    fake.on(
        "/v1/events/eventDates",
        Upstream::Json(200, example("iclosed-event-dates")),
    );
    fake.on(
        "/calendars/operator-calendar/free-slots",
        Upstream::Json(200, example("gohighlevel-free-slots")),
    );
    fake.on(
        "/v4/booking-availability",
        Upstream::Json(200, example("meetergo-booking-availability")),
    );
    fake.on("/v2/slots", Upstream::Json(200, example("calcom-slots")));
    fake.on(
        "/v2/slots/reservations",
        Upstream::Json(201, example("calcom-reserve-slot")),
    );
    let relay = Relay::of(common::serve_state(&operator(&fake.url())));

    post(&relay, EVENT_DATES, &event_dates_body("mallory/other"))
        .await
        .expect_status(StatusCode::OK);
    get(
        &relay,
        "/gohighlevel/calendars/visitor-calendar/free-slots?startDate=1773014400000&endDate=1773619200000",
    )
    .await
    .expect_status(StatusCode::OK);
    get(&relay, &MEETERGO_AVAILABILITY.replace("mt-1", "visitor-meeting"))
        .await
        .expect_status(StatusCode::OK);
    get(
        &relay,
        "/calcom/v2/slots?start=2026-03-09&end=2026-03-13&eventTypeSlug=other&username=mallory",
    )
    .await
    .expect_status(StatusCode::OK);
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 9, "slotStart": "2026-03-09T08:30:00Z" }),
    )
    .await
    .expect_status(StatusCode::CREATED);

    let requests = fake.requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_eq!(requests[0].json()["linkPrefix"], "acme/intro");
    assert_eq!(requests[1].path, "/calendars/operator-calendar/free-slots");
    assert!(
        requests[2]
            .query
            .as_deref()
            .unwrap()
            .contains("meetingTypeId=operator-meeting"),
        "{:?}",
        requests[2].query
    );
    let slots_query = requests[3].query.as_deref().unwrap();
    assert!(slots_query.contains("eventTypeId=1001"), "{slots_query}");
    assert!(
        !slots_query.contains("mallory") && !slots_query.contains("other"),
        "{slots_query}"
    );
    assert_eq!(requests[4].json()["eventTypeId"], 1001);

    // After policy, two visitors naming different calendars ask the same query.
    get(
        &relay,
        "/gohighlevel/calendars/another-calendar/free-slots?startDate=1773014400000&endDate=1773619200000",
    )
    .await
    .expect_status(StatusCode::OK);
    assert_eq!(fake.calls(), 5, "answered from the cache of the operator's calendar");
}

#[tokio::test]
async fn the_new_routes_reach_the_provider_as_it_documents_them() {
    let fake = Fake::start().await;
    fake.on(
        "/v1/events/eventDates",
        Upstream::Json(200, example("iclosed-event-dates")),
    );
    fake.on(
        "/v2/slots/reservations",
        Upstream::Json(201, example("calcom-reserve-slot")),
    );
    fake.on(
        "/v2/slots/reservations/e84be5a3-4696-49e3-acc7-b2f3999c3b94",
        Upstream::Json(200, json!({ "status": "success", "debug": "dropped" })),
    );
    let relay = Relay::of(common::serve_state(&open(&fake.url())));

    let reply = post(&relay, EVENT_DATES, &event_dates_body("ada/intro")).await;
    reply.expect_status(StatusCode::OK);
    let dates: iclosed::EventDatesResponse = reply.parse();
    assert_eq!(dates.data.availabilities["2026-03-09"][0], "09:00");
    let reply = post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": "2026-03-09T08:30:00Z", "slotDuration": 30 }),
    )
    .await;
    reply.expect_status(StatusCode::CREATED);
    let hold: calcom::ReserveSlotResponse = reply.parse();
    let reply = delete(&relay, &format!("{RESERVATIONS}/{}", hold.data.reservation_uid)).await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(reply.json(), json!({ "status": "success" }), "through the allow-list");

    let requests = fake.requests();
    let (dates, hold, release) = (&requests[0], &requests[1], &requests[2]);
    assert_eq!(
        (dates.method.as_str(), dates.path.as_str()),
        ("POST", "/v1/events/eventDates")
    );
    assert_eq!(
        dates.header("authorization"),
        Some(format!("Bearer {}", common::ICLOSED_KEY).as_str())
    );
    assert_eq!(dates.json(), event_dates_body("ada/intro"));
    for (request, method) in [(hold, "POST"), (release, "DELETE")] {
        assert_eq!(request.method, method);
        assert_eq!(request.header("cal-api-version"), Some(calcom::SLOTS_API_VERSION));
        assert_eq!(request.header("authorization"), None, "a hold needs no key");
    }
    assert_eq!(
        hold.json(),
        json!({ "eventTypeId": 7, "slotStart": "2026-03-09T08:30:00Z", "slotDuration": 30 })
    );
    assert_eq!(
        release.path,
        "/v2/slots/reservations/e84be5a3-4696-49e3-acc7-b2f3999c3b94"
    );
}

#[tokio::test]
async fn a_visitor_cannot_choose_how_long_a_hold_lasts_nor_send_a_broken_one() {
    let fake = Fake::start().await;
    let relay = Relay::of(common::serve_state(&open(&fake.url())));
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": "2026-03-09T08:30:00Z", "reservationDuration": 1440 }),
    )
    .await
    .expect_errors(
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("reservationDuration", "forbidden")],
    );
    post(
        &relay,
        RESERVATIONS,
        &json!({ "slotStart": "2026-03-09T09:30:00+01:00" }),
    )
    .await
    .expect_errors(
        StatusCode::UNPROCESSABLE_ENTITY,
        &[("eventTypeId", "required"), ("slotStart", "format")],
    );
    post(&relay, EVENT_DATES, &json!({ "timeZone": "Mars/Olympus" }))
        .await
        .expect_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("linkPrefix", "required"), ("timeZone", "unknown_time_zone")],
        );
    delete(&relay, &format!("{RESERVATIONS}/.."))
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fake.calls(), 0);
}

// ---------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------

/// 2027-03-08T08:00:00Z, a Monday (Berlin 09:00).
const MONDAY: i64 = 1_804_492_800;

/// A sandbox whose clock the test moves, with the default host (Mon–Fri 09:00–17:00
/// Berlin) and `cache_ms` of availability cache.
fn sandbox(cache_ms: u64) -> (Relay, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(MONDAY));
    let hand = now.clone();
    let mut config = Config {
        limits: common::roomy_limits(),
        sandbox: Some(SandboxSettings::default()),
        ..Config::default()
    };
    config.limits.availability_cache_ms = cache_ms;
    let state = AppState::sandbox_with_clock(&config, Arc::new(move || hand.load(Ordering::SeqCst)));
    (Relay::of(Arc::new(state)), now)
}

/// The Cal.com slot starts the sandbox offers on 2027-03-09 (UTC).
async fn tuesday_slots(relay: &Relay, extra: &str) -> Vec<String> {
    let reply = get(
        relay,
        &format!("/calcom/v2/slots?start=2027-03-09&end=2027-03-09&eventTypeId=7&timeZone=UTC{extra}"),
    )
    .await;
    reply.expect_status(StatusCode::OK);
    let slots: calcom::SlotsResponse = reply.parse();
    slots
        .data
        .get("2027-03-09")
        .map(|day| day.iter().map(|slot| slot.start.clone()).collect())
        .unwrap_or_default()
}

const TUESDAY_TEN: &str = "2027-03-09T10:00:00Z";

fn offers(slots: &[String], start: &str) -> bool {
    slots.iter().any(|slot| slot.starts_with(&start[..16]))
}

#[tokio::test]
async fn a_held_slot_is_not_offered_nor_held_again_until_released() {
    let (relay, _) = sandbox(5_000);
    assert!(offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN));
    let reply = post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await;
    reply.expect_status(StatusCode::CREATED);
    let hold: calcom::ReserveSlotResponse = reply.parse();
    assert_eq!(hold.data.slot_start, TUESDAY_TEN);
    assert_eq!(hold.data.reservation_duration, 5);
    assert_eq!(
        hold.data.reservation_until, "2027-03-08T08:05:00Z",
        "five minutes on the sandbox clock"
    );
    // The hold dropped the cached slots: the next visitor does not see it.
    let slots = tuesday_slots(&relay, "").await;
    assert!(!offers(&slots, TUESDAY_TEN), "{slots:?}");
    assert!(offers(&slots, "2027-03-09T10:30:00Z"), "only that slot");
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await
    .expect_errors(StatusCode::UNPROCESSABLE_ENTITY, &[("slotStart", "slot_unavailable")]);
    let uid = hold.data.reservation_uid;
    delete(&relay, &format!("{RESERVATIONS}/{uid}"))
        .await
        .expect_status(StatusCode::OK);
    assert!(offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN), "released");
    delete(&relay, &format!("{RESERVATIONS}/{uid}"))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    delete(&relay, &format!("{RESERVATIONS}/no-such-hold"))
        .await
        .expect_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hold_ends_after_five_minutes_of_the_sandbox_clock() {
    // No cache: the clock moves with no write between the two reads.
    let (relay, now) = sandbox(0);
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await
    .expect_status(StatusCode::CREATED);
    now.fetch_add(299, Ordering::SeqCst);
    assert!(!offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN), "held at 4:59");
    now.fetch_add(1, Ordering::SeqCst);
    assert!(offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN), "free at 5:00");
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await
    .expect_status(StatusCode::CREATED);
}

#[tokio::test]
async fn a_held_slot_can_be_booked_and_the_booking_ends_the_hold() {
    let (relay, _) = sandbox(5_000);
    let reply = post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await;
    let hold: calcom::ReserveSlotResponse = reply.parse();
    let booking = json!({
        "start": TUESDAY_TEN,
        "eventTypeId": 7,
        "attendee": { "name": "Ada", "email": "ada@example.com", "timeZone": "Europe/Berlin" },
    });
    post(&relay, common::CALCOM_BOOKINGS, &booking)
        .await
        .expect_status(StatusCode::CREATED);
    delete(&relay, &format!("{RESERVATIONS}/{}", hold.data.reservation_uid))
        .await
        .expect_status(StatusCode::NOT_FOUND);
    // Booked now: neither offered nor holdable.
    assert!(!offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN));
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": TUESDAY_TEN }),
    )
    .await
    .expect_errors(StatusCode::UNPROCESSABLE_ENTITY, &[("slotStart", "slot_unavailable")]);
    // The past and closed hours are refused as for a booking.
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": "2027-03-08T07:30:00Z" }),
    )
    .await
    .expect_errors(StatusCode::UNPROCESSABLE_ENTITY, &[("slotStart", "slot_unavailable")]);
    post(
        &relay,
        RESERVATIONS,
        &json!({ "eventTypeId": 7, "slotStart": "2027-03-09T20:00:00Z" }),
    )
    .await
    .expect_errors(StatusCode::UNPROCESSABLE_ENTITY, &[("slotStart", "slot_unavailable")]);
}

#[tokio::test]
async fn a_reschedule_is_offered_the_moved_booking_s_own_time() {
    let (relay, _) = sandbox(5_000);
    let booking = json!({
        "start": TUESDAY_TEN,
        "eventTypeId": 7,
        "attendee": { "name": "Ada", "email": "ada@example.com", "timeZone": "Europe/Berlin" },
    });
    let reply = post(&relay, common::CALCOM_BOOKINGS, &booking).await;
    let uid = common::calcom_single(&reply).uid;
    assert!(!offers(&tuesday_slots(&relay, "").await, TUESDAY_TEN));
    let moving = tuesday_slots(&relay, &format!("&bookingUidToReschedule={uid}")).await;
    assert!(offers(&moving, TUESDAY_TEN), "{moving:?}");
    // Someone else's booking stays taken for it.
    let other = tuesday_slots(&relay, "&bookingUidToReschedule=someone-else").await;
    assert!(!offers(&other, TUESDAY_TEN));

    let appointment = json!({
        "attendee": { "email": "ada@example.com", "receiveReminders": true, "notes": {} },
        "meetingTypeId": "mt-1",
        "hostIds": ["h1"],
        "start": "2027-03-09T11:00:00+01:00",
    });
    let reply = post(&relay, "/meetergo/v4/booking", &appointment).await;
    reply.expect_status(StatusCode::CREATED);
    let id = reply.parse::<meetergo::CreateBookingResponse>().appointment_id.unwrap();
    let spots = |extra: String| {
        let relay = &relay;
        async move {
            let reply = get(
                relay,
                &format!(
                    "/meetergo/v4/booking-availability?meetingTypeId=mt-1&start=2027-03-09&end=2027-03-09&timezone=Europe%2FBerlin{extra}"
                ),
            )
            .await;
            let availability: meetergo::BookingAvailabilityResponse = reply.parse();
            availability.dates[0]
                .spots
                .iter()
                .map(|spot| spot.start_time.clone())
                .collect::<Vec<_>>()
        }
    };
    let eleven = "2027-03-09T11:00:00+01:00".to_owned();
    assert!(!spots(String::new()).await.contains(&eleven));
    assert!(spots(format!("&existingAppointmentId={id}")).await.contains(&eleven));
}

/// iClosed's free times as the sandbox answers them, by date.
async fn event_dates(relay: &Relay, zone: &str, current_date: &str) -> iclosed::EventDatesResponse {
    let body = json!({ "linkPrefix": "ada/intro", "timeZone": zone, "currentDate": current_date });
    let reply = post(relay, EVENT_DATES, &body).await;
    reply.expect_status(StatusCode::OK);
    reply.parse()
}

#[tokio::test]
async fn iclosed_event_dates_are_local_times_across_both_dst_changes() {
    let (relay, now) = sandbox(0);
    // Wednesday 2027-03-10 10:00 UTC: the Monday and Tuesday are past, and so is
    // Wednesday's morning.
    now.store(MONDAY + 2 * 86_400 + 2 * 3_600, Ordering::SeqCst);
    let answer = event_dates(&relay, "America/New_York", "2027-03-08").await;
    let days = &answer.data.availabilities;
    assert!(!days.contains_key("2027-03-08") && !days.contains_key("2027-03-09"));
    // Berlin 09:00–17:00 is 03:00–11:00 in New York while both keep winter time…
    assert_eq!(
        days["2027-03-10"].first().map(String::as_str),
        Some("05:00"),
        "from now on"
    );
    assert_eq!(days["2027-03-12"].first().map(String::as_str), Some("03:00"));
    assert_eq!(days["2027-03-12"].last().map(String::as_str), Some("10:30"));
    // …04:00 after New York springs forward (14 March) and Berlin has not (28 March)…
    assert_eq!(days["2027-03-15"].first().map(String::as_str), Some("04:00"));
    assert_eq!(days["2027-03-15"].len(), 16);
    // …and 03:00 again once Berlin follows.
    assert_eq!(days["2027-03-29"].first().map(String::as_str), Some("03:00"));
    // Thirty days from currentDate: 8 March to 6 April; weekends closed.
    assert_eq!(days.keys().last().map(String::as_str), Some("2027-04-06"));
    assert!(!days.contains_key("2027-03-13") && !days.contains_key("2027-03-14"));
    assert!(answer.data.applied_host_ids.is_some());

    // A booking takes its time out; in Berlin's own zone the times are the hours.
    let call = json!({
        "dateTime": "2027-03-15T08:00:00Z",
        "timeZone": "Europe/Berlin",
        "email": "ada@example.com",
        "linkPrefix": "ada/intro",
    });
    post(&relay, common::ICLOSED_CALLS, &call)
        .await
        .expect_status(StatusCode::CREATED);
    let berlin = event_dates(&relay, "Europe/Berlin", "2027-03-15").await;
    let monday = &berlin.data.availabilities["2027-03-15"];
    assert_eq!(monday.first().map(String::as_str), Some("09:30"), "09:00 is booked");
    assert_eq!(monday.last().map(String::as_str), Some("16:30"));
}

#[tokio::test]
async fn iclosed_event_dates_on_a_host_s_spring_forward_day() {
    // A seven-day host in New York: on 14 March 2027 02:00–03:00 does not exist.
    let mut config = Config {
        limits: common::roomy_limits(),
        sandbox: Some(SandboxSettings {
            time_zone: "America/New_York".into(),
            days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri, Day::Sat, Day::Sun],
            hours: "00:00-24:00".to_owned().try_into().unwrap(),
            slot_minutes: 60,
        }),
        ..Config::default()
    };
    config.limits.availability_cache_ms = 0;
    let state = AppState::sandbox_with_clock(&config, Arc::new(|| MONDAY));
    let relay = Relay::of(Arc::new(state));
    let answer = event_dates(&relay, "America/New_York", "2027-03-14").await;
    let sunday = &answer.data.availabilities["2027-03-14"];
    assert_eq!(sunday.len(), 23, "a 23-hour day: {sunday:?}");
    assert!(!sunday.contains(&"02:00".to_owned()), "{sunday:?}");
    assert_eq!(&sunday[..3], ["00:00", "01:00", "03:00"]);
    assert_eq!(answer.data.availabilities["2027-03-15"].len(), 24);
}
