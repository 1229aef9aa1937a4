//! Free times (contract: `shared/DESIGN.md` §6): each provider's availability answer
//! read into neutral [`Day`]s, where a widget asks for them, the exact requests it
//! sends, and what each answer means.

mod common;

use booking_core::availability::{calcom_days, gohighlevel_days, iclosed_days, meetergo_days, Day, Unreadable};
use booking_core::embed::{
    availability_request, hold_request, read_availability, read_hold, release_request, source, AvailabilityError,
    Config, Failure, HoldRefused, Method, NoSource, Provider, Request, Source,
};
use booking_core::iclosed::{validate_event_dates, EventDatesRequest};
use booking_core::json::Json;
use booking_core::time::parse_timestamp;
use booking_core::{calcom, gohighlevel, meetergo};
use common::ChronoTz;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn json(text: &str) -> Json {
    Json::parse(text.as_bytes()).unwrap_or_else(|| panic!("not JSON: {text}"))
}

/// Unix seconds of a date-time written with its offset.
fn at(text: &str) -> i64 {
    parse_timestamp(text).unwrap_or_else(|| panic!("{text}")).unix_seconds
}

fn day(date: &str, starts: &[&str]) -> Day {
    Day {
        date: date.into(),
        slots: starts.iter().map(|start| at(start)).collect(),
    }
}

/// The path at which `result` was refused.
fn refused_at(result: Result<Vec<Day>, Unreadable>, text: &str) -> String {
    match result {
        Ok(days) => panic!("{text} should be unreadable, read {days:?}"),
        Err(error) => error.at,
    }
}

fn embed(attributes: &[(&str, &str)]) -> Config {
    embed_on_page(attributes, &[])
}

fn embed_on_page(attributes: &[(&str, &str)], query: &[(&str, &str)]) -> Config {
    let query: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    Config::from_attributes(
        |name| {
            attributes
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        },
        &query,
    )
    .unwrap_or_else(|errors| panic!("{attributes:?}: {errors:?}"))
}

const CALCOM: [(&str, &str); 2] = [("data-provider", "calcom"), ("data-event-type-id", "42")];
const GOHIGHLEVEL: [(&str, &str); 4] = [
    ("data-provider", "gohighlevel"),
    ("data-endpoint", "https://relay.example.com/gohighlevel"),
    ("data-calendar-id", "cal_9"),
    ("data-location-id", "loc_1"),
];
const MEETERGO: [(&str, &str); 4] = [
    ("data-provider", "meetergo"),
    ("data-endpoint", "https://relay.example.com/meetergo"),
    ("data-meeting-type-id", "mt_1"),
    ("data-host-ids", "h_1, h_2"),
];
const ICLOSED_PREFIX: [(&str, &str); 3] = [
    ("data-provider", "iclosed"),
    ("data-endpoint", "https://relay.example.com/iclosed"),
    ("data-link-prefix", "jane/intro-call"),
];

fn with<'a>(base: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    base.iter().chain(more).copied().collect()
}

fn request(config: &Config, first: &str, last: &str, zone: &str) -> Request {
    availability_request(config, first, last, zone, &ChronoTz).unwrap_or_else(|why| panic!("{why}"))
}

/// The query string of `url`, as the relay reads it into the wire type.
fn query_of<T: serde::de::DeserializeOwned>(url: &str) -> T {
    let (_, query) = url.split_once('?').unwrap_or((url, ""));
    serde_urlencoded::from_str(query).unwrap_or_else(|error| panic!("{url}: {error}"))
}

fn millis(text: &str) -> i64 {
    let stamp = parse_timestamp(text).unwrap();
    stamp.unix_seconds * 1_000 + i64::from(stamp.nanos / 1_000_000)
}

// ---------------------------------------------------------------------------------------
// Cal.com GET /v2/slots
// ---------------------------------------------------------------------------------------

#[test]
fn calcom_example_reads_to_its_days() {
    let days = calcom_days(&Json::parse(&example("calcom-slots")).unwrap()).unwrap();
    assert_eq!(
        days,
        [
            day("2026-03-09", &["2026-03-09T13:00:00Z", "2026-03-09T13:30:00Z"]),
            day("2026-03-10", &["2026-03-10T13:00:00Z"]),
        ]
    );
}

#[test]
fn calcom_documented_answer_with_range_and_seats_reads_its_starts_only() {
    let text = r#"{"status":"success","data":{"2050-09-05":[
        {"start":"2050-09-05T09:00:00.000+02:00","end":"2050-09-05T09:30:00.000+02:00","seatsRemaining":3,
         "seatsTotal":5,"attendeesCount":2,"bookingUid":"abc"}]}}"#;
    assert_eq!(
        calcom_days(&json(text)).unwrap(),
        [day("2050-09-05", &["2050-09-05T07:00:00Z"])]
    );
}

#[test]
fn calcom_slots_written_as_plain_strings_are_read_too() {
    // Cal.com's OpenAPI describes the default format so.
    let text = r#"{"status":"success","data":{"2050-09-05":["2050-09-05T09:00:00.000+02:00",{"start":"2050-09-05T10:00:00Z"}]}}"#;
    assert_eq!(
        calcom_days(&json(text)).unwrap(),
        [day("2050-09-05", &["2050-09-05T07:00:00Z", "2050-09-05T10:00:00Z"])]
    );
}

#[test]
fn calcom_days_are_sorted_and_their_starts_sorted_and_once_each() {
    let text = r#"{"status":"success","data":{
        "2050-09-06":[{"start":"2050-09-06T10:00:00Z"}],
        "2050-09-05":[{"start":"2050-09-05T10:00:00Z"},{"start":"2050-09-05T09:00:00Z"},
                      {"start":"2050-09-05T11:00:00.000+01:00"},{"start":"2050-09-05T09:00:00.500Z"}]}}"#;
    assert_eq!(
        calcom_days(&json(text)).unwrap(),
        [
            day("2050-09-05", &["2050-09-05T09:00:00Z", "2050-09-05T10:00:00Z"]),
            day("2050-09-06", &["2050-09-06T10:00:00Z"]),
        ]
    );
}

#[test]
fn calcom_keeps_the_date_it_grouped_a_slot_under() {
    // 00:30 in Auckland is the day before in UTC: the visitor's calendar shows it on the 5th.
    let text = r#"{"status":"success","data":{"2050-09-05":[{"start":"2050-09-05T00:30:00+12:00"}]}}"#;
    assert_eq!(
        calcom_days(&json(text)).unwrap(),
        [day("2050-09-05", &["2050-09-04T12:30:00Z"])]
    );
}

#[test]
fn calcom_with_no_free_times_is_no_days() {
    assert_eq!(calcom_days(&json(r#"{"status":"success","data":{}}"#)).unwrap(), []);
    assert_eq!(
        calcom_days(&json(r#"{"status":"success","data":{"2050-09-05":[]}}"#)).unwrap(),
        [Day {
            date: "2050-09-05".into(),
            slots: vec![]
        }]
    );
}

#[test]
fn calcom_answers_of_another_shape_are_unreadable() {
    for (text, path) in [
        (r#"[]"#, ""),
        (r#""success""#, ""),
        (r#"{"data":{}}"#, "status"),
        (r#"{"status":1,"data":{}}"#, "status"),
        (r#"{"status":"success"}"#, "data"),
        (r#"{"status":"success","data":null}"#, "data"),
        (r#"{"status":"success","data":[]}"#, "data"),
        (r#"{"status":"error","error":{"code":"x"}}"#, "data"),
        (r#"{"status":"success","data":{"slots":[]}}"#, "data.slots"),
        (r#"{"status":"success","data":{"2050-02-30":[]}}"#, "data.2050-02-30"),
        (r#"{"status":"success","data":{"2050-09-05":{}}}"#, "data.2050-09-05"),
        (r#"{"status":"success","data":{"2050-09-05":[7]}}"#, "data.2050-09-05.0"),
        (
            r#"{"status":"success","data":{"2050-09-05":[null]}}"#,
            "data.2050-09-05.0",
        ),
        (
            r#"{"status":"success","data":{"2050-09-05":[{"end":"2050-09-05T09:00:00Z"}]}}"#,
            "data.2050-09-05.0.start",
        ),
        (
            r#"{"status":"success","data":{"2050-09-05":[{"start":7}]}}"#,
            "data.2050-09-05.0.start",
        ),
        (
            r#"{"status":"success","data":{"2050-09-05":[{"start":"2050-09-05T09:00:00Z"},{"start":"2050-09-05T09:30:00"}]}}"#,
            "data.2050-09-05.1",
        ),
        (
            r#"{"status":"success","data":{"2050-09-05":[{"start":"9:00"}]}}"#,
            "data.2050-09-05.0",
        ),
    ] {
        assert_eq!(refused_at(calcom_days(&json(text)), text), path, "{text}");
    }
}

#[test]
fn calcom_reads_what_its_wire_type_reads() {
    let body = example("calcom-slots");
    let wire: calcom::SlotsResponse = booking_core::parse_response(&body).unwrap();
    let from_wire: Vec<Day> = wire
        .data
        .iter()
        .map(|(date, slots)| Day {
            date: date.clone(),
            slots: slots.iter().map(|slot| at(&slot.start)).collect(),
        })
        .collect();
    assert_eq!(calcom_days(&Json::parse(&body).unwrap()).unwrap(), from_wire);
}

// ---------------------------------------------------------------------------------------
// GoHighLevel GET /calendars/{calendarId}/free-slots
// ---------------------------------------------------------------------------------------

#[test]
fn gohighlevel_example_reads_to_its_days_without_its_trace_id() {
    let body = example("gohighlevel-free-slots");
    let days = gohighlevel_days(&Json::parse(&body).unwrap()).unwrap();
    assert_eq!(
        days,
        [
            day("2024-10-28", &["2024-10-28T15:00:00Z", "2024-10-28T15:30:00Z"]),
            Day {
                date: "2024-10-29".into(),
                slots: vec![]
            },
        ]
    );
    // The same days as the relay's wire type.
    let wire: gohighlevel::FreeSlotsResponse = booking_core::parse_response(&body).unwrap();
    let from_wire: Vec<Day> = wire
        .days
        .iter()
        .map(|(date, day)| Day {
            date: date.clone(),
            slots: day.slots.iter().map(|start| at(start)).collect(),
        })
        .collect();
    assert_eq!(days, from_wire);
}

#[test]
fn gohighlevel_with_no_free_times_is_no_days() {
    for text in ["{}", r#"{"traceId":"t-1"}"#, r#"{"traceId":"t-1","meta":{"x":[1]}}"#] {
        assert_eq!(gohighlevel_days(&json(text)).unwrap(), [], "{text}");
    }
}

#[test]
fn gohighlevel_sorts_days_and_starts() {
    let text = r#"{"2024-10-29":{"slots":["2024-10-29T10:00:00-05:00"]},
                   "2024-10-28":{"slots":["2024-10-28T11:00:00-05:00","2024-10-28T10:00:00-05:00","2024-10-28T15:00:00Z"]}}"#;
    assert_eq!(
        gohighlevel_days(&json(text)).unwrap(),
        [
            day("2024-10-28", &["2024-10-28T15:00:00Z", "2024-10-28T16:00:00Z"]),
            day("2024-10-29", &["2024-10-29T15:00:00Z"]),
        ]
    );
}

#[test]
fn gohighlevel_answers_of_another_shape_are_unreadable() {
    for (text, path) in [
        ("[]", ""),
        ("null", ""),
        (r#"{"2024-10-28":[]}"#, "2024-10-28"),
        (r#"{"2024-10-28":{}}"#, "2024-10-28.slots"),
        (
            r#"{"2024-10-28":{"slots":"2024-10-28T10:00:00-05:00"}}"#,
            "2024-10-28.slots",
        ),
        (
            r#"{"2024-10-28":{"slots":[{"start":"2024-10-28T10:00:00-05:00"}]}}"#,
            "2024-10-28.slots.0",
        ),
        (r#"{"2024-10-28":{"slots":["2024-10-28 10:00"]}}"#, "2024-10-28.slots.0"),
        (
            r#"{"2024-10-28":{"slots":["2024-10-28T10:00:00-0500"]}}"#,
            "2024-10-28.slots.0",
        ),
    ] {
        assert_eq!(refused_at(gohighlevel_days(&json(text)), text), path, "{text}");
    }
    // Keys that are not dates are not the answer's days, whatever they hold.
    assert_eq!(
        gohighlevel_days(&json(r#"{"traceId":7,"2024-02-30":"x","2024-10-28":{"slots":[]}}"#)).unwrap(),
        [Day {
            date: "2024-10-28".into(),
            slots: vec![]
        }]
    );
}

// ---------------------------------------------------------------------------------------
// meetergo GET /v4/booking-availability
// ---------------------------------------------------------------------------------------

#[test]
fn meetergo_example_reads_to_its_days() {
    let body = example("meetergo-booking-availability");
    let days = meetergo_days(&Json::parse(&body).unwrap()).unwrap();
    assert_eq!(
        days,
        [
            day("2026-03-09", &["2026-03-09T08:00:00Z", "2026-03-09T08:30:00Z"]),
            Day {
                date: "2026-03-10".into(),
                slots: vec![]
            },
        ]
    );
    let wire: meetergo::BookingAvailabilityResponse = booking_core::parse_response(&body).unwrap();
    let from_wire: Vec<Day> = wire
        .dates
        .iter()
        .map(|date| Day {
            date: date.date.clone(),
            slots: date.spots.iter().map(|spot| at(&spot.start_time)).collect(),
        })
        .collect();
    assert_eq!(days, from_wire);
}

#[test]
fn meetergo_older_slots_times_shape_reads_the_same() {
    let text = r#"{"timezone":"Europe/Berlin","slots":[
        {"date":"2026-03-10","times":["2026-03-10T09:00:00+01:00"]},
        {"date":"2026-03-09","times":["2026-03-09T09:30:00+01:00","2026-03-09T09:00:00+01:00"]}]}"#;
    assert_eq!(
        meetergo_days(&json(text)).unwrap(),
        [
            day("2026-03-09", &["2026-03-09T08:00:00Z", "2026-03-09T08:30:00Z"]),
            day("2026-03-10", &["2026-03-10T08:00:00Z"]),
        ]
    );
    // The current shape wins when both are there.
    let both = r#"{"dates":[{"date":"2026-03-11","spots":[]}],"slots":[{"date":"2026-03-09","times":[]}]}"#;
    assert_eq!(
        meetergo_days(&json(both)).unwrap(),
        [Day {
            date: "2026-03-11".into(),
            slots: vec![]
        }]
    );
    let null_dates = r#"{"dates":null,"slots":[{"date":"2026-03-09","times":[]}]}"#;
    assert_eq!(meetergo_days(&json(null_dates)).unwrap()[0].date, "2026-03-09");
}

#[test]
fn meetergo_a_date_listed_twice_gets_the_times_of_both() {
    let text = r#"{"dates":[
        {"date":"2026-03-09","spots":[{"startTime":"2026-03-09T10:00:00+01:00"}]},
        {"date":"2026-03-09","spots":[{"startTime":"2026-03-09T09:00:00+01:00"},{"startTime":"2026-03-09T10:00:00+01:00"}]}]}"#;
    assert_eq!(
        meetergo_days(&json(text)).unwrap(),
        [day("2026-03-09", &["2026-03-09T08:00:00Z", "2026-03-09T09:00:00Z"])]
    );
}

#[test]
fn meetergo_with_no_free_times_is_no_days() {
    for text in [
        r#"{"dates":[]}"#,
        r#"{"timezone":"Europe/Berlin","dates":[],"earliestAvailableDate":null}"#,
        r#"{"slots":[]}"#,
    ] {
        assert_eq!(meetergo_days(&json(text)).unwrap(), [], "{text}");
    }
}

#[test]
fn meetergo_answers_of_another_shape_are_unreadable() {
    for (text, path) in [
        ("[]", ""),
        ("{}", "dates"),
        (r#"{"dates":null}"#, "dates"),
        (r#"{"dates":{}}"#, "dates"),
        (r#"{"slots":{"2026-03-09":[]}}"#, "slots"),
        (r#"{"dates":[7]}"#, "dates.0"),
        (r#"{"dates":[{"spots":[]}]}"#, "dates.0.date"),
        (r#"{"dates":[{"date":20260309,"spots":[]}]}"#, "dates.0.date"),
        (r#"{"dates":[{"date":"09.03.2026","spots":[]}]}"#, "dates.0.date"),
        (r#"{"dates":[{"date":"2026-03-09"}]}"#, "dates.0.spots"),
        (
            r#"{"dates":[{"date":"2026-03-09","spots":["2026-03-09T09:00:00+01:00"]}]}"#,
            "dates.0.spots.0.startTime",
        ),
        (
            r#"{"dates":[{"date":"2026-03-09","spots":[{"start":"2026-03-09T09:00:00+01:00"}]}]}"#,
            "dates.0.spots.0.startTime",
        ),
        (
            r#"{"dates":[{"date":"2026-03-09","spots":[{"startTime":"09:00"}]}]}"#,
            "dates.0.spots.0",
        ),
        (
            r#"{"slots":[{"date":"2026-03-09","times":[{"startTime":"2026-03-09T09:00:00+01:00"}]}]}"#,
            "slots.0.times.0",
        ),
        (
            r#"{"slots":[{"date":"2026-03-09","times":["09:00"]}]}"#,
            "slots.0.times.0",
        ),
        (r#"{"slots":[{"date":"2026-03-09"}]}"#, "slots.0.times"),
    ] {
        assert_eq!(refused_at(meetergo_days(&json(text)), text), path, "{text}");
    }
}

// ---------------------------------------------------------------------------------------
// iClosed POST /v1/events/eventDates
// ---------------------------------------------------------------------------------------

#[test]
fn iclosed_wall_clock_times_become_instants_in_the_zone_asked() {
    let text = r#"{"data":{"availabilities":{"2027-03-30":["09:00"],"2027-03-29":["09:30","09:00"]},"appliedHostIds":[12,13]}}"#;
    assert_eq!(
        iclosed_days(&json(text), "Europe/Berlin", &ChronoTz).unwrap(),
        [
            day("2027-03-29", &["2027-03-29T07:00:00Z", "2027-03-29T07:30:00Z"]),
            day("2027-03-30", &["2027-03-30T07:00:00Z"]),
        ]
    );
    assert_eq!(
        iclosed_days(&json(text), "America/Argentina/Buenos_Aires", &ChronoTz).unwrap()[0],
        day("2027-03-29", &["2027-03-29T12:00:00Z", "2027-03-29T12:30:00Z"])
    );
}

#[test]
fn iclosed_a_time_in_the_spring_forward_gap_is_dropped() {
    // Europe/Berlin, 2027-03-28: the clocks jump from 02:00 to 03:00; 02:30 never shows.
    let text = r#"{"data":{"availabilities":{"2027-03-28":["01:30","02:00","02:30","03:00","03:30"]}}}"#;
    assert_eq!(
        iclosed_days(&json(text), "Europe/Berlin", &ChronoTz).unwrap(),
        [day(
            "2027-03-28",
            &[
                "2027-03-28T01:30:00+01:00",
                "2027-03-28T03:00:00+02:00",
                "2027-03-28T03:30:00+02:00"
            ]
        )]
    );
    // 02:00 is in the gap too (03:00 CEST is the same instant as 02:00 CET would be).
    assert_eq!(at("2027-03-28T03:00:00+02:00"), at("2027-03-28T01:00:00Z"));
}

#[test]
fn iclosed_a_time_shown_twice_at_fall_back_is_its_earlier_instant() {
    // Europe/Berlin, 2027-10-31: 02:30 shows first in CEST, then in CET.
    let text = r#"{"data":{"availabilities":{"2027-10-31":["02:30","03:30"]}}}"#;
    assert_eq!(
        iclosed_days(&json(text), "Europe/Berlin", &ChronoTz).unwrap(),
        [day(
            "2027-10-31",
            &["2027-10-31T02:30:00+02:00", "2027-10-31T03:30:00+01:00"]
        )]
    );
}

#[test]
fn iclosed_with_no_free_times_is_no_days() {
    for text in [
        r#"{"data":{"availabilities":{}}}"#,
        r#"{"data":{"availabilities":{},"appliedHostIds":[]}}"#,
    ] {
        assert_eq!(
            iclosed_days(&json(text), "Europe/Berlin", &ChronoTz).unwrap(),
            [],
            "{text}"
        );
    }
    let gap_only = r#"{"data":{"availabilities":{"2027-03-28":["02:30"]}}}"#;
    assert_eq!(
        iclosed_days(&json(gap_only), "Europe/Berlin", &ChronoTz).unwrap(),
        [Day {
            date: "2027-03-28".into(),
            slots: vec![]
        }]
    );
}

#[test]
fn iclosed_answers_of_another_shape_are_unreadable() {
    for (text, path) in [
        ("[]", ""),
        ("{}", "data"),
        (r#"{"availabilities":{}}"#, "data"),
        (r#"{"data":[]}"#, "data"),
        (r#"{"data":{}}"#, "data.availabilities"),
        (r#"{"data":{"availabilities":null}}"#, "data.availabilities"),
        (r#"{"data":{"availabilities":["09:00"]}}"#, "data.availabilities"),
        (
            r#"{"data":{"availabilities":{"Monday":["09:00"]}}}"#,
            "data.availabilities.Monday",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":"09:00"}}}"#,
            "data.availabilities.2027-03-29",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":[900]}}}"#,
            "data.availabilities.2027-03-29.0",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":["9:00"]}}}"#,
            "data.availabilities.2027-03-29.0",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":["24:00"]}}}"#,
            "data.availabilities.2027-03-29.0",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":["09:00","09:30 AM"]}}}"#,
            "data.availabilities.2027-03-29.1",
        ),
        (
            r#"{"data":{"availabilities":{"2027-03-29":["2027-03-29T09:00:00Z"]}}}"#,
            "data.availabilities.2027-03-29.0",
        ),
    ] {
        assert_eq!(
            refused_at(iclosed_days(&json(text), "Europe/Berlin", &ChronoTz), text),
            path,
            "{text}"
        );
    }
    // No time can be placed in a zone the offsets do not know.
    let text = r#"{"data":{"availabilities":{"2027-03-29":["09:00"]}}}"#;
    assert!(iclosed_days(&json(text), "Mars/Olympus_Mons", &ChronoTz).is_err());
}

// ---------------------------------------------------------------------------------------
// Where a widget's free times come from
// ---------------------------------------------------------------------------------------

#[test]
fn each_provider_is_a_source_and_only_cal_com_without_an_endpoint_is_asked_directly() {
    let cases = [
        (embed(&CALCOM), Provider::Calcom, true),
        (
            embed(&with(&CALCOM, &[("data-endpoint", "https://API.cal.com/")])),
            Provider::Calcom,
            true,
        ),
        (
            embed(&with(&CALCOM, &[("data-endpoint", "https://relay.example.com/calcom")])),
            Provider::Calcom,
            false,
        ),
        (embed(&GOHIGHLEVEL), Provider::Gohighlevel, false),
        (embed(&MEETERGO), Provider::Meetergo, false),
        (embed(&ICLOSED_PREFIX), Provider::Iclosed, false),
        // Only Cal.com answers there without a secret.
        (
            embed(&[
                ("data-provider", "meetergo"),
                ("data-endpoint", "https://api.cal.com"),
                ("data-meeting-type-id", "mt_1"),
                ("data-queue-id", "q_7"),
            ]),
            Provider::Meetergo,
            false,
        ),
    ];
    for (config, provider, direct) in cases {
        assert_eq!(source(&config), Ok(Source { provider, direct }), "{config:?}");
    }
}

#[test]
fn without_a_source_the_reason_is_said_for_the_marketer() {
    let off = embed(&with(&CALCOM, &[("data-availability", "off")]));
    assert_eq!(source(&off), Err(NoSource::Off));
    assert!(NoSource::Off.to_string().contains("data-availability"));

    let event_id_only = embed(&[
        ("data-provider", "iclosed"),
        ("data-endpoint", "https://relay.example.com/iclosed"),
        ("data-event-id", "42"),
    ]);
    assert_eq!(source(&event_id_only), Err(NoSource::IclosedEventIdOnly));
    let reason = NoSource::IclosedEventIdOnly.to_string();
    assert!(
        reason.contains("data-event-id") && reason.contains("data-link-prefix"),
        "{reason}"
    );

    let call = embed(&[
        ("data-provider", "calcom"),
        ("data-flow", "call"),
        ("data-endpoint", "https://relay.example.com/calcom"),
        ("data-team-id", "7"),
        ("data-event-type-id", "42"),
    ]);
    assert_eq!(source(&call), Err(NoSource::CallFlow));

    // With both, the link prefix lists free times.
    let both = embed(&with(&ICLOSED_PREFIX, &[("data-event-id", "42")]));
    assert!(source(&both).is_ok());
    // Off wins over every provider.
    for base in [&GOHIGHLEVEL[..], &MEETERGO[..], &ICLOSED_PREFIX[..]] {
        let config = embed(&with(base, &[("data-availability", "OFF")]));
        assert_eq!(source(&config), Err(NoSource::Off));
        assert_eq!(
            availability_request(&config, "2027-03-01", "2027-03-02", "UTC", &ChronoTz),
            Err(NoSource::Off)
        );
    }
}

// ---------------------------------------------------------------------------------------
// The requests
// ---------------------------------------------------------------------------------------

#[test]
fn calcom_asks_the_slots_of_its_event_type_directly_with_the_slots_api_version() {
    let request = request(
        &embed(&CALCOM),
        "2027-03-01",
        "2027-03-31",
        "America/Argentina/Buenos_Aires",
    );
    assert_eq!(
        request,
        Request {
            step: booking_core::embed::Step::Booking,
            method: Method::Get,
            url: "https://api.cal.com/v2/slots?start=2027-03-01&end=2027-03-31&eventTypeId=42\
                  &timeZone=America%2FArgentina%2FBuenos_Aires"
                .into(),
            headers: vec![("cal-api-version", "2024-09-04".into())],
            body: String::new(),
        }
    );
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(calcom::SLOTS_API_VERSION, "2024-09-04");
}

#[test]
fn calcom_by_slug_through_a_relay_and_encoded() {
    let user = embed(&[
        ("data-provider", "calcom"),
        ("data-endpoint", "https://relay.example.com/calcom/"),
        ("data-event-type-slug", "intro call"),
        ("data-username", "jane+doe"),
    ]);
    assert_eq!(
        request(&user, "2027-03-01", "2027-03-01", "Etc/GMT+5").url,
        "https://relay.example.com/calcom/v2/slots?start=2027-03-01&end=2027-03-01&eventTypeSlug=intro%20call\
         &username=jane%2Bdoe&timeZone=Etc%2FGMT%2B5"
    );
    let team = embed(&[
        ("data-provider", "calcom"),
        ("data-event-type-slug", "demo"),
        ("data-team-slug", "sales"),
        ("data-organization-slug", "acme"),
    ]);
    assert_eq!(
        request(&team, "2027-03-01", "2027-04-30", "UTC").url,
        "https://api.cal.com/v2/slots?start=2027-03-01&end=2027-04-30&eventTypeSlug=demo&teamSlug=sales\
         &organizationSlug=acme&timeZone=UTC"
    );
}

#[test]
fn calcom_reschedule_asks_with_the_booking_being_moved() {
    let moving = embed_on_page(&CALCOM, &[("booking", "bk_Ab-9")]);
    assert_eq!(
        request(&moving, "2027-03-01", "2027-03-07", "Europe/Berlin").url,
        "https://api.cal.com/v2/slots?start=2027-03-01&end=2027-03-07&eventTypeId=42&timeZone=Europe%2FBerlin\
         &bookingUidToReschedule=bk_Ab-9"
    );
    let declared = embed(&[
        ("data-provider", "calcom"),
        ("data-flow", "reschedule"),
        ("data-booking-id", "uid~1"),
        ("data-event-type-id", "42"),
    ]);
    assert!(request(&declared, "2027-03-01", "2027-03-07", "UTC")
        .url
        .ends_with("&bookingUidToReschedule=uid~1"));
}

#[test]
fn gohighlevel_asks_from_the_first_days_midnight_to_the_last_days_last_millisecond_in_the_zone() {
    let request = request(&embed(&GOHIGHLEVEL), "2027-03-01", "2027-03-30", "Etc/GMT+5");
    let from = millis("2027-03-01T05:00:00Z");
    let to = millis("2027-03-31T04:59:59.999Z");
    assert_eq!(
        request,
        Request {
            step: booking_core::embed::Step::Booking,
            method: Method::Get,
            url: format!(
                "https://relay.example.com/gohighlevel/calendars/cal_9/free-slots?startDate={from}&endDate={to}\
                 &timezone=Etc%2FGMT%2B5"
            ),
            headers: vec![("version", "2021-04-15".into())],
            body: String::new(),
        }
    );
}

#[test]
fn gohighlevel_days_across_a_daylight_saving_change_keep_their_own_length() {
    // Europe/Berlin, 2027-03-28 has 23 hours.
    let query: gohighlevel::FreeSlotsQuery =
        query_of(&request(&embed(&GOHIGHLEVEL), "2027-03-28", "2027-03-28", "Europe/Berlin").url);
    assert_eq!(query.start_date, Some(millis("2027-03-27T23:00:00Z")));
    assert_eq!(query.end_date, Some(millis("2027-03-28T21:59:59.999Z")));
    assert_eq!(query.timezone.as_deref(), Some("Europe/Berlin"));
}

#[test]
fn gohighlevel_a_day_whose_midnight_is_skipped_starts_at_the_jump() {
    // America/Santiago, 2026-09-06: the clocks jump from 00:00 to 01:00 (-04 to -03).
    let query: gohighlevel::FreeSlotsQuery =
        query_of(&request(&embed(&GOHIGHLEVEL), "2026-09-06", "2026-09-06", "America/Santiago").url);
    assert_eq!(query.start_date, Some(millis("2026-09-06T04:00:00Z")));
    assert_eq!(query.end_date, Some(millis("2026-09-07T02:59:59.999Z")));
}

#[test]
fn gohighlevel_ranges_are_cut_at_its_31_days() {
    let config = embed(&GOHIGHLEVEL);
    assert_eq!(source(&config).unwrap().days_per_request(), 30);
    let query: gohighlevel::FreeSlotsQuery = query_of(&request(&config, "2027-01-01", "2027-03-31", "UTC").url);
    assert_eq!(query.start_date, Some(millis("2027-01-01T00:00:00Z")));
    assert_eq!(query.end_date, Some(millis("2027-02-01T00:00:00Z")));
    // 30 days with the autumn's extra hour still fit whole.
    let query: gohighlevel::FreeSlotsQuery =
        query_of(&request(&config, "2027-10-15", "2027-11-13", "Europe/Berlin").url);
    assert_eq!(query.end_date, Some(millis("2027-11-13T22:59:59.999Z")));
    assert!(gohighlevel::validate_free_slots("cal_9", &query).is_empty());
}

#[test]
fn gohighlevel_calendar_ids_are_one_path_segment() {
    let config = embed(&[
        ("data-provider", "gohighlevel"),
        ("data-endpoint", "https://relay.example.com/gohighlevel"),
        ("data-calendar-id", "a/b?c"),
        ("data-location-id", "loc_1"),
    ]);
    assert!(request(&config, "2027-03-01", "2027-03-01", "UTC")
        .url
        .starts_with("https://relay.example.com/gohighlevel/calendars/a%2Fb%3Fc/free-slots?"));
}

#[test]
fn meetergo_asks_its_meeting_type_and_hosts_or_queue() {
    assert_eq!(
        request(
            &embed(&MEETERGO),
            "2027-03-01",
            "2027-03-31",
            "America/Argentina/Buenos_Aires"
        ),
        Request {
            step: booking_core::embed::Step::Booking,
            method: Method::Get,
            url: "https://relay.example.com/meetergo/v4/booking-availability?meetingTypeId=mt_1&start=2027-03-01\
                  &end=2027-03-31&timezone=America%2FArgentina%2FBuenos_Aires&hostIds=h_1%2Ch_2"
                .into(),
            headers: vec![],
            body: String::new(),
        }
    );
    let queue = embed(&[
        ("data-provider", "meetergo"),
        ("data-endpoint", "https://relay.example.com/meetergo"),
        ("data-meeting-type-id", "mt_1"),
        ("data-queue-id", "q_7"),
    ]);
    assert_eq!(
        request(&queue, "2027-03-01", "2027-03-02", "Etc/GMT+5").url,
        "https://relay.example.com/meetergo/v4/booking-availability?meetingTypeId=mt_1&start=2027-03-01\
         &end=2027-03-02&timezone=Etc%2FGMT%2B5&queueId=q_7"
    );
}

#[test]
fn meetergo_reschedule_asks_with_the_appointment_being_moved() {
    let moving = embed_on_page(&MEETERGO, &[("booking", "apt-1"), ("token", "t")]);
    assert_eq!(
        request(&moving, "2027-03-01", "2027-03-02", "UTC").url,
        "https://relay.example.com/meetergo/v4/booking-availability?meetingTypeId=mt_1&start=2027-03-01\
         &end=2027-03-02&timezone=UTC&hostIds=h_1%2Ch_2&existingAppointmentId=apt-1"
    );
}

#[test]
fn iclosed_asks_its_event_dates_with_a_post_from_the_first_day() {
    let config = embed(&ICLOSED_PREFIX);
    let asked = request(&config, "2027-03-01", "2027-03-31", "Europe/Berlin");
    assert_eq!(asked.method, Method::Post);
    assert_eq!(asked.url, "https://relay.example.com/iclosed/v1/events/eventDates");
    assert_eq!(
        asked.body,
        r#"{"linkPrefix":"jane/intro-call","timeZone":"Europe/Berlin","currentDate":"2027-03-01"}"#
    );
    let request: EventDatesRequest = serde_json::from_str(&asked.body).unwrap();
    assert_eq!(validate_event_dates(&request, &ChronoTz), []);
}

#[test]
fn days_that_are_not_two_dates_in_order_and_unknown_zones_ask_nothing() {
    for (first, last) in [
        ("2027-03-02", "2027-03-01"),
        ("2027-02-30", "2027-03-01"),
        ("2027-3-1", "2027-03-01"),
        ("", "2027-03-01"),
        ("2027-03-01", "tomorrow"),
    ] {
        for config in [embed(&CALCOM), embed(&GOHIGHLEVEL), embed(&MEETERGO)] {
            let refused = availability_request(&config, first, last, "UTC", &ChronoTz);
            assert_eq!(
                refused,
                Err(NoSource::Days {
                    first: first.into(),
                    last: last.into()
                }),
                "{first}..{last}"
            );
        }
    }
    // GoHighLevel's bounds need the zone's midnights.
    assert_eq!(
        availability_request(&embed(&GOHIGHLEVEL), "2027-03-01", "2027-03-02", "Mars/Base", &ChronoTz),
        Err(NoSource::UnknownZone("Mars/Base".into()))
    );
}

#[test]
fn every_request_built_is_one_the_relay_reads_and_the_providers_rules_accept() {
    let calcom_embeds = [
        embed(&CALCOM),
        embed_on_page(&CALCOM, &[("booking", "bk_1")]),
        embed(&[
            ("data-provider", "calcom"),
            ("data-event-type-slug", "intro"),
            ("data-username", "jane+doe"),
        ]),
        embed(&[
            ("data-provider", "calcom"),
            ("data-event-type-slug", "demo"),
            ("data-team-slug", "sales"),
            ("data-organization-slug", "acme"),
        ]),
    ];
    let gohighlevel_embeds = [
        embed(&GOHIGHLEVEL),
        embed_on_page(&GOHIGHLEVEL, &[("booking", "evt_1")]),
    ];
    let meetergo_embeds = [
        embed(&MEETERGO),
        embed_on_page(&MEETERGO, &[("booking", "apt-1")]),
        embed(&[
            ("data-provider", "meetergo"),
            ("data-endpoint", "https://relay.example.com/meetergo"),
            ("data-meeting-type-id", "mt_1"),
            ("data-queue-id", "q_7"),
        ]),
    ];
    let zones = [
        "UTC",
        "Europe/Berlin",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
        "Pacific/Chatham",
        "America/Santiago",
    ];
    let ranges = [
        ("2027-03-01", "2027-03-01"),
        ("2027-03-20", "2027-04-18"),
        ("2026-09-06", "2026-09-06"),
        ("2027-10-15", "2027-11-13"),
        ("2027-12-31", "2028-12-30"),
    ];
    let mut checked = 0;
    for zone in zones {
        for (first, last) in ranges {
            for config in &calcom_embeds {
                let request = request(config, first, last, zone);
                let query: calcom::SlotsQuery = query_of(&request.url);
                assert_eq!(calcom::validate_slots(&query, &ChronoTz), vec![], "{}", request.url);
                assert_eq!(query.time_zone.as_deref(), Some(zone));
                assert_eq!(
                    (query.start.as_deref(), query.end.as_deref()),
                    (Some(first), Some(last))
                );
                assert_eq!(
                    query.booking_uid_to_reschedule,
                    config.booking.as_ref().map(|booking| booking.id.clone())
                );
                checked += 1;
            }
            for config in &gohighlevel_embeds {
                let request = request(config, first, last, zone);
                let query: gohighlevel::FreeSlotsQuery = query_of(&request.url);
                assert_eq!(
                    gohighlevel::validate_free_slots("cal_9", &query),
                    vec![],
                    "{}",
                    request.url
                );
                assert_eq!(query.timezone.as_deref(), Some(zone));
                checked += 1;
            }
            for config in &meetergo_embeds {
                let request = request(config, first, last, zone);
                let query: meetergo::BookingAvailabilityQuery = query_of(&request.url);
                assert_eq!(
                    meetergo::validate_booking_availability(&query),
                    vec![],
                    "{}",
                    request.url
                );
                assert_eq!(query.timezone.as_deref(), Some(zone));
                assert_eq!(
                    query.existing_appointment_id,
                    config.booking.as_ref().map(|booking| booking.id.clone())
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 5 * 9);
}

// ---------------------------------------------------------------------------------------
// What an answer means
// ---------------------------------------------------------------------------------------

#[test]
fn a_good_answer_is_its_days_for_each_provider() {
    let read = |config: &Config, body: &[u8]| read_availability(config, 200, body, "Europe/Berlin", &ChronoTz);
    assert_eq!(read(&embed(&CALCOM), &example("calcom-slots")).unwrap().len(), 2);
    assert_eq!(
        read(&embed(&GOHIGHLEVEL), &example("gohighlevel-free-slots")).unwrap()[0],
        day("2024-10-28", &["2024-10-28T15:00:00Z", "2024-10-28T15:30:00Z"])
    );
    assert_eq!(
        read(&embed(&MEETERGO), &example("meetergo-booking-availability")).unwrap()[0]
            .slots
            .len(),
        2
    );
    // iClosed's times are read in the zone asked.
    let iclosed = br#"{"data":{"availabilities":{"2027-03-28":["01:30","02:30","03:00"]}}}"#;
    assert_eq!(
        read(&embed(&ICLOSED_PREFIX), iclosed).unwrap(),
        [day("2027-03-28", &["2027-03-28T00:30:00Z", "2027-03-28T01:00:00Z"])]
    );
    // Any 2xx.
    assert_eq!(
        read_availability(
            &embed(&CALCOM),
            203,
            br#"{"status":"success","data":{}}"#,
            "UTC",
            &ChronoTz
        ),
        Ok(vec![])
    );
}

#[test]
fn an_answer_that_cannot_be_read_means_no_source_never_no_free_times() {
    let config = embed(&CALCOM);
    for body in [
        &b""[..],
        b"<html>502 Bad Gateway</html>",
        b"{\"status\":\"success\",\"data\":{}",
        b"null",
        br#"{"data":[]}"#,
    ] {
        match read_availability(&config, 200, body, "UTC", &ChronoTz) {
            Err(AvailabilityError::NoSource(
                reason @ NoSource::Unreadable {
                    provider: Provider::Calcom,
                    ..
                },
            )) => {
                assert!(reason.to_string().contains("Cal.com"), "{reason}");
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // Another provider's answer is not this one's.
    let meetergo_answer = example("meetergo-booking-availability");
    assert!(matches!(
        read_availability(&embed(&GOHIGHLEVEL), 200, &example("calcom-slots"), "UTC", &ChronoTz),
        Ok(days) if days.is_empty()
    ));
    assert!(matches!(
        read_availability(&config, 200, &meetergo_answer, "UTC", &ChronoTz),
        Err(AvailabilityError::NoSource(NoSource::Unreadable { .. }))
    ));
}

#[test]
fn a_failed_status_is_a_failure_whatever_its_body() {
    let config = embed(&MEETERGO);
    for (status, failure) in [
        (400, Failure::Refused(400)),
        (401, Failure::Refused(401)),
        (403, Failure::Refused(403)),
        (404, Failure::NotFound),
        (408, Failure::Timeout),
        (422, Failure::Refused(422)),
        (429, Failure::RateLimited),
        (500, Failure::Unavailable(500)),
        (503, Failure::Unavailable(503)),
        (302, Failure::Refused(302)),
    ] {
        assert_eq!(
            read_availability(
                &config,
                status,
                &example("meetergo-booking-availability"),
                "UTC",
                &ChronoTz
            ),
            Err(AvailabilityError::Failed(failure)),
            "{status}"
        );
    }
}

#[test]
fn a_widget_without_a_source_reads_no_answer() {
    let off = embed(&with(&MEETERGO, &[("data-availability", "off")]));
    assert_eq!(
        read_availability(&off, 200, &example("meetergo-booking-availability"), "UTC", &ChronoTz),
        Err(AvailabilityError::NoSource(NoSource::Off))
    );
}

// ---------------------------------------------------------------------------------------
// Cal.com holds
// ---------------------------------------------------------------------------------------

#[test]
fn a_chosen_cal_com_time_is_held_by_event_type_id_and_released_by_uid() {
    let config = embed(&CALCOM);
    let start = parse_timestamp("2027-03-09T10:30:00+01:00").unwrap();
    let hold = hold_request(&config, &start).expect("Cal.com holds by event type id");
    assert_eq!(hold.method, Method::Post);
    assert_eq!(hold.url, "https://api.cal.com/v2/slots/reservations");
    assert_eq!(hold.body, r#"{"eventTypeId":42,"slotStart":"2027-03-09T09:30:00Z"}"#);
    assert_eq!(hold.headers, [("cal-api-version", "2024-09-04".to_owned())]);
    let request: calcom::ReserveSlotRequest = serde_json::from_str(&hold.body).unwrap();
    assert_eq!(calcom::validate_reserve_slot(&request), []);

    let release = release_request(&config, "e84be5a3/..");
    assert_eq!(release.method, Method::Delete);
    assert_eq!(release.url, "https://api.cal.com/v2/slots/reservations/e84be5a3%2F..");
    assert_eq!(release.body, "");
}

#[test]
fn only_cal_com_event_types_named_by_id_are_held() {
    let start = parse_timestamp("2027-03-09T10:30:00Z").unwrap();
    let by_slug = embed(&[
        ("data-provider", "calcom"),
        ("data-event-type-slug", "intro"),
        ("data-username", "jane"),
    ]);
    assert_eq!(hold_request(&by_slug, &start), None);
    for others in [&GOHIGHLEVEL[..], &MEETERGO[..], &ICLOSED_PREFIX[..]] {
        assert_eq!(hold_request(&embed(others), &start), None);
    }
}

#[test]
fn a_hold_answer_is_a_hold_a_refusal_as_taken_or_a_failure() {
    let held = read_hold(201, &example("calcom-reserve-slot")).unwrap();
    assert_eq!(held.uid, "e84be5a3-4696-49e3-acc7-b2f3999c3b94");
    assert_eq!(
        held.until,
        parse_timestamp("2024-09-04T08:05:00Z").unwrap().unix_seconds
    );
    assert_eq!(read_hold(422, b"{}"), Err(HoldRefused::Taken));
    for (status, body) in [
        (500, &b"{}"[..]),
        (200, b"not json"),
        (200, br#"{"status":"success","data":{}}"#),
    ] {
        assert_eq!(read_hold(status, body), Err(HoldRefused::Failed), "{status} {body:?}");
    }
}

#[test]
fn a_gohighlevel_form_without_its_calendar_has_no_source_and_says_which_attribute_to_set() {
    let moving = embed_on_page(
        &[
            ("data-provider", "gohighlevel"),
            ("data-flow", "reschedule"),
            ("data-endpoint", "https://relay.example.com/gohighlevel"),
        ],
        &[("booking", "apt-1")],
    );
    let why = source(&moving).unwrap_err();
    assert_eq!(why, NoSource::GohighlevelNoCalendar);
    assert!(why.to_string().contains("data-calendar-id"));
    let with_calendar = embed_on_page(
        &[
            ("data-provider", "gohighlevel"),
            ("data-flow", "reschedule"),
            ("data-endpoint", "https://relay.example.com/gohighlevel"),
            ("data-calendar-id", "cal_9"),
        ],
        &[("booking", "apt-1")],
    );
    assert!(source(&with_calendar).is_ok());
}
