//! Wall-clock times to instants across the daylight-saving changes of 2026 and 2027.
//!
//! Every 15 minutes of local time in each zone is resolved by
//! [`LocalDateTime::in_zone`] and by chrono-tz's own `from_local_datetime`, and the two
//! must agree: one instant where the clock shows the time once, the earlier instant
//! where it shows it twice (fall back), and [`TimeError::Nonexistent`] where it never
//! shows it (spring forward). Literal expectations at each zone's changes follow.

mod common;

use booking_core::time::{LocalDateTime, TimeError, Timestamp};
use chrono::{LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use common::ChronoTz;

/// Minutes between two sampled wall-clock times. Every change in these zones is on a
/// whole hour, so each one-hour gap or overlap holds `60 / STEP_MINUTES` samples.
const STEP_MINUTES: i64 = 15;
const SAMPLES_PER_HOUR: usize = (60 / STEP_MINUTES) as usize;
/// 2026 and 2027 are both 365 days long.
const SAMPLES_IN_TWO_YEARS: usize = 730 * 24 * SAMPLES_PER_HOUR;

/// How the sampled wall-clock times of one zone fell out.
#[derive(Debug, Default)]
struct Seen {
    /// Shown once on the zone's clocks.
    single: usize,
    /// Never shown (spring forward).
    gaps: usize,
    /// Shown twice (fall back).
    overlaps: usize,
}

fn at(zone: &str, date: &str, time: &str) -> Result<Timestamp, TimeError> {
    let local = LocalDateTime::parse(date, time).unwrap_or_else(|e| panic!("{date} {time} should parse: {e:?}"));
    local.in_zone(zone, &ChronoTz)
}

/// Resolves every `STEP_MINUTES` of local time in 2026 and 2027 both ways and compares.
fn sweep(zone: &str) -> Seen {
    let tz: Tz = zone.parse().expect("zone is in chrono-tz");
    let mut seen = Seen::default();
    let mut wall = day(2026, 1, 1).and_time(NaiveTime::MIN);
    let end = day(2028, 1, 1).and_time(NaiveTime::MIN);
    while wall < end {
        let ours = at(
            zone,
            &wall.format("%Y-%m-%d").to_string(),
            &wall.format("%H:%M").to_string(),
        );
        match tz.from_local_datetime(&wall) {
            LocalResult::Single(expected) => {
                seen.single += 1;
                assert_same_instant(zone, wall, &ours, expected);
            }
            LocalResult::Ambiguous(a, b) => {
                seen.overlaps += 1;
                assert_ne!(a.timestamp(), b.timestamp(), "{zone} {wall}");
                assert_same_instant(zone, wall, &ours, a.min(b));
            }
            LocalResult::None => {
                seen.gaps += 1;
                assert_gap(zone, tz, wall, &ours);
            }
        }
        wall += TimeDelta::minutes(STEP_MINUTES);
    }
    assert_eq!(
        seen.single + seen.gaps + seen.overlaps,
        SAMPLES_IN_TWO_YEARS,
        "{zone}: {seen:?}"
    );
    seen
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("real date")
}

fn assert_same_instant(
    zone: &str,
    wall: NaiveDateTime,
    ours: &Result<Timestamp, TimeError>,
    expected: chrono::DateTime<Tz>,
) {
    let ours = ours
        .as_ref()
        .unwrap_or_else(|e| panic!("{zone} {wall}: expected {expected}, got {e:?}"));
    assert_eq!(ours.unix_seconds, expected.timestamp(), "{zone} {wall}");
    assert_eq!(ours.nanos, 0, "{zone} {wall}");
    assert_eq!(
        ours.offset_seconds,
        expected.offset().fix().local_minus_utc(),
        "{zone} {wall}"
    );
    assert_eq!(ours.to_rfc3339_offset(), expected.to_rfc3339(), "{zone} {wall}");
    assert_eq!(
        ours.to_utc_z(),
        expected.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "{zone} {wall}"
    );
}

/// `ours` must refuse `wall`, and its `jump_from`/`jump_to` must be where chrono-tz
/// says the clocks jump: `jump_to` on that day is the first instant of the new offset,
/// and `jump_from` is the same instant read with the old offset.
fn assert_gap(zone: &str, tz: Tz, wall: NaiveDateTime, ours: &Result<Timestamp, TimeError>) {
    let Err(TimeError::Nonexistent {
        wall: shown,
        zone: named,
        jump_from,
        jump_to,
    }) = ours
    else {
        panic!("{zone} {wall} never shows on the clocks, but got {ours:?}");
    };
    assert_eq!(shown, &wall.format("%Y-%m-%d %H:%M").to_string());
    assert_eq!(named, zone);
    let clock = |text: &str| {
        let time = NaiveTime::parse_from_str(text, "%H:%M")
            .unwrap_or_else(|e| panic!("{zone} {wall}: {text:?} is not HH:MM: {e}"));
        wall.date().and_time(time)
    };
    let landed = tz
        .from_local_datetime(&clock(jump_to))
        .single()
        .unwrap_or_else(|| panic!("{zone} {wall}: the clocks never show {jump_to}"));
    let old_offset = tz
        .offset_from_utc_datetime(&(landed.naive_utc() - TimeDelta::seconds(1)))
        .fix();
    assert_ne!(
        old_offset,
        landed.offset().fix(),
        "{zone} {wall}: the offset does not change at {jump_to}"
    );
    assert_eq!(
        jump_from,
        &landed.with_timezone(&old_offset).format("%H:%M").to_string(),
        "{zone} {wall}"
    );
    assert!(
        clock(jump_from) <= wall && wall < clock(jump_to),
        "{zone} {wall} is not between {jump_from} and {jump_to}"
    );
}

/// A zone that springs forward and falls back one hour once a year each.
fn assert_two_changes_a_year(zone: &str) {
    let seen = sweep(zone);
    assert_eq!(seen.gaps, 2 * SAMPLES_PER_HOUR, "{zone}: {seen:?}");
    assert_eq!(seen.overlaps, 2 * SAMPLES_PER_HOUR, "{zone}: {seen:?}");
}

#[test]
fn new_york_agrees_with_chrono_tz_for_two_years() {
    assert_two_changes_a_year("America/New_York");
}

#[test]
fn berlin_agrees_with_chrono_tz_for_two_years() {
    assert_two_changes_a_year("Europe/Berlin");
}

#[test]
fn sydney_agrees_with_chrono_tz_for_two_years() {
    assert_two_changes_a_year("Australia/Sydney");
}

#[test]
fn santiago_agrees_with_chrono_tz_for_two_years() {
    assert_two_changes_a_year("America/Santiago");
}

#[test]
fn auckland_agrees_with_chrono_tz_for_two_years() {
    assert_two_changes_a_year("Pacific/Auckland");
}

#[test]
fn kolkata_agrees_with_chrono_tz_for_two_years() {
    let seen = sweep("Asia/Kolkata");
    assert_eq!((seen.gaps, seen.overlaps), (0, 0), "{seen:?}");
}

fn utc_and_offset(result: Result<Timestamp, TimeError>) -> (String, String) {
    let instant = result.unwrap_or_else(|e| panic!("expected an instant, got {e:?}"));
    (instant.to_utc_z(), instant.to_rfc3339_offset())
}

fn gap(wall: &str, zone: &str, jump_from: &str, jump_to: &str) -> TimeError {
    TimeError::Nonexistent {
        wall: wall.to_owned(),
        zone: zone.to_owned(),
        jump_from: jump_from.to_owned(),
        jump_to: jump_to.to_owned(),
    }
}

#[test]
fn new_york_spring_forward() {
    let zone = "America/New_York";
    let error = at(zone, "2026-03-08", "02:30").unwrap_err();
    assert_eq!(error, gap("2026-03-08 02:30", zone, "02:00", "03:00"));
    assert_eq!(error.form_field(), "time");
    let message = error.to_string();
    for part in ["2026-03-08 02:30", "America/New_York", "02:00", "03:00"] {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
    assert_eq!(
        at(zone, "2026-03-08", "02:00"),
        Err(gap("2026-03-08 02:00", zone, "02:00", "03:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-03-08", "01:59")),
        ("2026-03-08T06:59:00Z".into(), "2026-03-08T01:59:00-05:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-03-08", "03:00")),
        ("2026-03-08T07:00:00Z".into(), "2026-03-08T03:00:00-04:00".into())
    );
}

#[test]
fn new_york_fall_back_takes_the_earlier_instant() {
    let zone = "America/New_York";
    assert_eq!(
        utc_and_offset(at(zone, "2026-11-01", "01:30")),
        ("2026-11-01T05:30:00Z".into(), "2026-11-01T01:30:00-04:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-11-01", "01:00")),
        ("2026-11-01T05:00:00Z".into(), "2026-11-01T01:00:00-04:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-11-01", "02:00")),
        ("2026-11-01T07:00:00Z".into(), "2026-11-01T02:00:00-05:00".into())
    );
}

#[test]
fn berlin_changes() {
    let zone = "Europe/Berlin";
    assert_eq!(
        at(zone, "2026-03-29", "02:30"),
        Err(gap("2026-03-29 02:30", zone, "02:00", "03:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-10-25", "02:30")),
        ("2026-10-25T00:30:00Z".into(), "2026-10-25T02:30:00+02:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-10-25", "03:00")),
        ("2026-10-25T02:00:00Z".into(), "2026-10-25T03:00:00+01:00".into())
    );
}

#[test]
fn sydney_changes() {
    let zone = "Australia/Sydney";
    assert_eq!(
        at(zone, "2026-10-04", "02:30"),
        Err(gap("2026-10-04 02:30", zone, "02:00", "03:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-04-05", "02:30")),
        ("2026-04-04T15:30:00Z".into(), "2026-04-05T02:30:00+11:00".into())
    );
}

/// Chile changes at local midnight: on the first Sunday of September 00:00–00:59 never
/// shows, and on the Saturday before the first Sunday of April 23:00–23:59 shows twice
/// (the clocks reach 24:00 and go back to 23:00).
#[test]
fn santiago_changes_at_midnight() {
    let zone = "America/Santiago";
    assert_eq!(
        at(zone, "2026-09-06", "00:30"),
        Err(gap("2026-09-06 00:30", zone, "00:00", "01:00"))
    );
    assert_eq!(
        at(zone, "2026-09-06", "00:00"),
        Err(gap("2026-09-06 00:00", zone, "00:00", "01:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-09-05", "23:59")),
        ("2026-09-06T03:59:00Z".into(), "2026-09-05T23:59:00-04:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-09-06", "01:00")),
        ("2026-09-06T04:00:00Z".into(), "2026-09-06T01:00:00-03:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-04-04", "23:30")),
        ("2026-04-05T02:30:00Z".into(), "2026-04-04T23:30:00-03:00".into())
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-04-05", "00:00")),
        ("2026-04-05T04:00:00Z".into(), "2026-04-05T00:00:00-04:00".into())
    );
    assert_eq!(
        at(zone, "2027-09-05", "00:15"),
        Err(gap("2027-09-05 00:15", zone, "00:00", "01:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2027-04-03", "23:45")),
        ("2027-04-04T02:45:00Z".into(), "2027-04-03T23:45:00-03:00".into())
    );
}

#[test]
fn auckland_changes() {
    let zone = "Pacific/Auckland";
    assert_eq!(
        at(zone, "2026-09-27", "02:30"),
        Err(gap("2026-09-27 02:30", zone, "02:00", "03:00"))
    );
    assert_eq!(
        utc_and_offset(at(zone, "2026-04-05", "02:30")),
        ("2026-04-04T13:30:00Z".into(), "2026-04-05T02:30:00+13:00".into())
    );
}

#[test]
fn kolkata_has_a_half_hour_offset_and_no_changes() {
    assert_eq!(
        utc_and_offset(at("Asia/Kolkata", "2026-06-01", "10:00")),
        ("2026-06-01T04:30:00Z".into(), "2026-06-01T10:00:00+05:30".into())
    );
}

#[test]
fn unknown_zone_is_refused() {
    for zone in ["Mars/Olympus", "", "new york"] {
        let error = at(zone, "2026-06-01", "10:00").unwrap_err();
        assert_eq!(error, TimeError::UnknownZone, "{zone:?}");
        assert_eq!(error.form_field(), "timeZone");
    }
}
