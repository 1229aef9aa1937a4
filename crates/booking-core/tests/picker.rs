//! The slot picker's decisions (contract: `shared/DESIGN.md` §6): month layout as an
//! APG date grid for either week start, where each key moves the focus and where it
//! stops, which day the picker opens on, which local day each free time falls on
//! across DST changes and zone switches, the times offered after a refusal, the ranges
//! fetched, and the hour cycle.
//!
//! Dates are checked against chrono (a dev-dependency) as well as against literals.

mod common;

use booking_core::embed::picker::{
    hour12, month_days, move_focus, nearest_free, weekday_order, CalendarDate, FreeDays, GridKey, MonthGrid, Weekday,
    Window, YearMonth,
};
use booking_core::embed::HourCycle;
use booking_core::time::{parse_timestamp, ZoneOffsets};
use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use common::ChronoTz;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn d(text: &str) -> CalendarDate {
    CalendarDate::parse(text).unwrap_or_else(|| panic!("{text} should be a date"))
}

fn month(year: i32, month: u8) -> YearMonth {
    YearMonth::new(year, month).expect("month 1 to 12")
}

/// Unix seconds of `YYYY-MM-DDTHH:MMZ`.
fn utc(text: &str) -> i64 {
    parse_timestamp(text)
        .unwrap_or_else(|| panic!("{text} should be a timestamp"))
        .unix_seconds
}

/// A grid's rows as day numbers, 0 for a cell outside the month.
fn days(grid: &MonthGrid) -> Vec<[u8; 7]> {
    grid.weeks()
        .iter()
        .map(|week| week.map(|cell| cell.map_or(0, CalendarDate::day)))
        .collect()
}

fn chrono_date(date: CalendarDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month().into(), date.day().into()).expect("real date")
}

fn from_chrono(date: NaiveDate) -> CalendarDate {
    CalendarDate::new(date.year(), date.month() as u8, date.day() as u8).expect("real date")
}

/// Grouped days as `(date, [UTC times])`, for readable expectations.
fn grouped(free: &FreeDays) -> Vec<(String, Vec<i64>)> {
    free.as_slice()
        .iter()
        .map(|(date, times)| (date.to_string(), times.clone()))
        .collect()
}

fn day(date: &str, times: &[&str]) -> (String, Vec<i64>) {
    (date.to_owned(), times.iter().map(|t| utc(t)).collect())
}

// ---------------------------------------------------------------------------------------
// CalendarDate
// ---------------------------------------------------------------------------------------

#[test]
fn dates_parse_and_print_as_input_type_date_does() {
    for text in ["2027-03-09", "2028-02-29", "2000-02-29", "0001-01-01", "9999-12-31"] {
        assert_eq!(d(text).to_string(), text);
    }
    for bad in [
        "2027-02-29",
        "2100-02-29",
        "2027-13-01",
        "2027-04-31",
        "2027-3-09",
        "27-03-09",
        "",
    ] {
        assert_eq!(CalendarDate::parse(bad), None, "{bad}");
    }
    assert_eq!(CalendarDate::new(2027, 2, 29), None);
    assert_eq!(CalendarDate::new(2027, 2, 0), None);
    assert_eq!(CalendarDate::new(2028, 2, 29), Some(d("2028-02-29")));
    assert!(d("2027-12-31") < d("2028-01-01") && d("2027-02-28") < d("2027-03-01"));
}

#[test]
fn weekdays_and_their_columns() {
    // DESIGN.md's own example: "Tuesday, 9 March 2027".
    assert_eq!(d("2027-03-09").weekday(), Weekday::Tuesday);
    assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
    assert_eq!(d("1969-12-28").weekday(), Weekday::Sunday);
    assert_eq!(Weekday::Sunday.column(Weekday::Monday), 6);
    assert_eq!(Weekday::Sunday.column(Weekday::Sunday), 0);
    assert_eq!(Weekday::Monday.column(Weekday::Sunday), 1);
    assert_eq!(Weekday::Saturday.column(Weekday::Saturday), 0);
    // `Intl.Locale#weekInfo.firstDay` numbering.
    assert_eq!(Weekday::from_iso(1), Some(Weekday::Monday));
    assert_eq!(Weekday::from_iso(7), Some(Weekday::Sunday));
    assert_eq!(Weekday::from_iso(6), Some(Weekday::Saturday));
    assert_eq!(Weekday::from_iso(0), None);
    assert_eq!(Weekday::from_iso(8), None);
    assert_eq!(Weekday::DEFAULT_WEEK_START, Weekday::Monday);
}

#[test]
fn month_moves_clamp_the_day_to_the_target_month() {
    let cases = [
        ("2027-03-31", -1, "2027-02-28"),
        ("2028-03-31", -1, "2028-02-29"),
        ("2027-01-31", 1, "2027-02-28"),
        ("2027-05-31", 1, "2027-06-30"),
        ("2027-12-15", 1, "2028-01-15"),
        ("2027-01-15", -1, "2026-12-15"),
        ("2027-01-31", -13, "2025-12-31"),
        ("2027-08-31", 18, "2029-02-28"),
        ("2027-03-31", 0, "2027-03-31"),
    ];
    for (from, months, to) in cases {
        assert_eq!(d(from).add_months(months), d(to), "{from} {months:+} months");
    }
    assert_eq!(d("2028-02-29").add_years(1), d("2029-02-28"));
    assert_eq!(d("2028-02-29").add_years(4), d("2032-02-29"));
    assert_eq!(d("2027-07-04").add_years(-1), d("2026-07-04"));
    assert_eq!(d("2027-12-31").add_days(1), d("2028-01-01"));
    assert_eq!(d("2028-02-28").add_days(1), d("2028-02-29"));
    assert_eq!(d("2100-02-28").add_days(1), d("2100-03-01"));
}

#[test]
fn month_bounds() {
    assert_eq!(d("2027-02-14").days_in_month(), 28);
    assert_eq!(d("2028-02-14").days_in_month(), 29);
    assert_eq!(d("2027-04-14").days_in_month(), 30);
    assert_eq!(d("2027-04-14").first_of_month(), d("2027-04-01"));
    assert_eq!(d("2027-04-14").last_of_month(), d("2027-04-30"));
    assert_eq!(month_days(2028, 2), Some((d("2028-02-01"), d("2028-02-29"))));
    assert_eq!(month_days(2027, 12), Some((d("2027-12-01"), d("2027-12-31"))));
    assert_eq!(month_days(2027, 13), None);
    assert_eq!(month_days(2027, 0), None);
    assert_eq!(month(2027, 12).add_months(1), month(2028, 1));
    assert_eq!(month(2028, 1).add_months(-1), month(2027, 12));
    assert_eq!(YearMonth::of(d("2027-08-31")), month(2027, 8));
}

#[test]
fn an_instant_falls_on_the_date_of_its_offset() {
    let t = utc("2027-06-01T21:30:00Z");
    assert_eq!(CalendarDate::from_unix(t, 0), d("2027-06-01"));
    assert_eq!(CalendarDate::from_unix(t, 2 * 3_600), d("2027-06-01"));
    assert_eq!(CalendarDate::from_unix(t, 2 * 3_600 + 1_800), d("2027-06-02"));
    assert_eq!(CalendarDate::from_unix(t, 9 * 3_600), d("2027-06-02"));
    assert_eq!(
        CalendarDate::from_unix(utc("2027-06-01T03:59:00Z"), -4 * 3_600),
        d("2027-05-31")
    );
    assert_eq!(CalendarDate::from_unix(-1, 0), d("1969-12-31"));
    assert_eq!(CalendarDate::in_zone(t, "Asia/Tokyo", &ChronoTz), Some(d("2027-06-02")));
    assert_eq!(
        CalendarDate::in_zone(t, "America/New_York", &ChronoTz),
        Some(d("2027-06-01"))
    );
    assert_eq!(CalendarDate::in_zone(t, "Mars/Olympus_Mons", &ChronoTz), None);
}

// ---------------------------------------------------------------------------------------
// Month layout
// ---------------------------------------------------------------------------------------

#[test]
fn february_2027_begins_on_a_monday_and_fills_exactly_four_weeks() {
    let grid = MonthGrid::new(month(2027, 2), Weekday::Monday);
    assert_eq!(
        days(&grid),
        [
            [1, 2, 3, 4, 5, 6, 7],
            [8, 9, 10, 11, 12, 13, 14],
            [15, 16, 17, 18, 19, 20, 21],
            [22, 23, 24, 25, 26, 27, 28],
        ]
    );
    // With Sunday first, the Monday moves to the second column and a fifth row appears.
    let us = MonthGrid::new(month(2027, 2), Weekday::Sunday);
    assert_eq!(us.weeks().len(), 5);
    assert_eq!(days(&us)[0], [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(days(&us)[4], [28, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn february_2028_has_its_leap_day() {
    let grid = MonthGrid::new(month(2028, 2), Weekday::Monday);
    assert_eq!(
        days(&grid),
        [
            [0, 1, 2, 3, 4, 5, 6],
            [7, 8, 9, 10, 11, 12, 13],
            [14, 15, 16, 17, 18, 19, 20],
            [21, 22, 23, 24, 25, 26, 27],
            [28, 29, 0, 0, 0, 0, 0],
        ]
    );
    assert_eq!(grid.weeks()[4][1], Some(d("2028-02-29")));
}

#[test]
fn a_month_beginning_on_sunday_takes_six_weeks_from_monday_and_five_from_sunday() {
    // 1 August 2027 is a Sunday.
    let monday = MonthGrid::new(month(2027, 8), Weekday::Monday);
    assert_eq!(monday.weeks().len(), 6);
    assert_eq!(days(&monday)[0], [0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(days(&monday)[5], [30, 31, 0, 0, 0, 0, 0]);
    assert_eq!(monday.columns()[0], Weekday::Monday);

    let sunday = MonthGrid::new(month(2027, 8), Weekday::Sunday);
    assert_eq!(sunday.weeks().len(), 5);
    assert_eq!(days(&sunday)[0], [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(days(&sunday)[4], [29, 30, 31, 0, 0, 0, 0]);
    assert_eq!(
        sunday.columns(),
        [
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday
        ]
    );
    assert_eq!(weekday_order(Weekday::Monday), Weekday::ALL);
    assert_eq!(weekday_order(Weekday::Saturday)[1], Weekday::Sunday);
}

#[test]
fn december_to_january_crosses_the_year() {
    let december = MonthGrid::new(month(2027, 12), Weekday::Monday);
    assert_eq!(days(&december)[0], [0, 0, 1, 2, 3, 4, 5]);
    assert_eq!(december.weeks().len(), 5);
    let january = MonthGrid::new(december.month().add_months(1), Weekday::Monday);
    assert_eq!(january.month(), month(2028, 1));
    assert_eq!(january.weeks()[0][5], Some(d("2028-01-01")));
    assert_eq!(january.weeks().len(), 6);
    assert_eq!(days(&january)[5], [31, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn every_grid_holds_each_day_once_under_its_weekday() {
    for year in 2026..=2032 {
        for m in 1..=12 {
            for week_start in Weekday::ALL {
                let grid = MonthGrid::new(month(year, m), week_start);
                let columns = grid.columns();
                let cells: Vec<(usize, CalendarDate)> = grid
                    .weeks()
                    .iter()
                    .flat_map(|week| week.iter().enumerate())
                    .filter_map(|(column, cell)| Some((column, (*cell)?)))
                    .collect();
                let (first, last) = month_days(year, m).unwrap();
                assert_eq!(cells.first().map(|c| c.1), Some(first));
                assert_eq!(cells.last().map(|c| c.1), Some(last));
                for pair in cells.windows(2) {
                    assert_eq!(pair[0].1.add_days(1), pair[1].1, "{year}-{m} {week_start:?}");
                }
                for (column, date) in &cells {
                    assert_eq!(columns[*column], date.weekday());
                    let expected = chrono_date(*date).weekday().num_days_from_monday();
                    assert_eq!(u32::from(date.weekday().days_from_monday()), expected, "{date}");
                }
                assert!((4..=6).contains(&grid.weeks().len()));
                // No row is wholly outside the month.
                assert!(grid.weeks().iter().all(|week| week.iter().any(Option::is_some)));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Keyboard
// ---------------------------------------------------------------------------------------

/// A window wide enough that no move below reaches its edges.
fn wide() -> Window {
    Window::new(d("2020-01-01"), d("2035-12-31")).unwrap()
}

fn press(from: &str, key: &str, shift: bool, week_start: Weekday, window: Window) -> CalendarDate {
    let key = GridKey::from_key(key, shift).unwrap_or_else(|| panic!("{key} should move"));
    move_focus(d(from), key, week_start, window)
}

#[test]
fn keys_map_to_apg_moves() {
    let cases = [
        ("ArrowLeft", false, GridKey::PreviousDay),
        ("ArrowRight", false, GridKey::NextDay),
        ("ArrowUp", false, GridKey::PreviousWeek),
        ("ArrowDown", false, GridKey::NextWeek),
        ("ArrowDown", true, GridKey::NextWeek),
        ("PageUp", false, GridKey::PreviousMonth),
        ("PageDown", false, GridKey::NextMonth),
        ("PageUp", true, GridKey::PreviousYear),
        ("PageDown", true, GridKey::NextYear),
        ("Home", false, GridKey::WeekStart),
        ("End", false, GridKey::WeekEnd),
    ];
    for (key, shift, expected) in cases {
        assert_eq!(GridKey::from_key(key, shift), Some(expected), "{key} shift={shift}");
    }
    for other in ["Enter", " ", "Tab", "Escape", "a", "arrowleft", "Left", ""] {
        assert_eq!(GridKey::from_key(other, false), None, "{other:?}");
    }
}

#[test]
fn arrows_cross_month_and_year_ends() {
    let m = Weekday::Monday;
    assert_eq!(press("2027-04-30", "ArrowRight", false, m, wide()), d("2027-05-01"));
    assert_eq!(press("2027-05-01", "ArrowLeft", false, m, wide()), d("2027-04-30"));
    assert_eq!(press("2027-04-28", "ArrowDown", false, m, wide()), d("2027-05-05"));
    assert_eq!(press("2027-03-03", "ArrowUp", false, m, wide()), d("2027-02-24"));
    assert_eq!(press("2027-12-31", "ArrowRight", false, m, wide()), d("2028-01-01"));
    assert_eq!(press("2028-01-01", "ArrowLeft", false, m, wide()), d("2027-12-31"));
    assert_eq!(press("2027-12-29", "ArrowDown", false, m, wide()), d("2028-01-05"));
    assert_eq!(press("2028-02-28", "ArrowRight", false, m, wide()), d("2028-02-29"));
}

#[test]
fn page_keys_keep_the_day_clamped_to_the_month() {
    let m = Weekday::Monday;
    assert_eq!(press("2027-03-31", "PageUp", false, m, wide()), d("2027-02-28"));
    assert_eq!(press("2028-03-31", "PageUp", false, m, wide()), d("2028-02-29"));
    assert_eq!(press("2027-01-31", "PageDown", false, m, wide()), d("2027-02-28"));
    assert_eq!(press("2027-12-31", "PageDown", false, m, wide()), d("2028-01-31"));
    assert_eq!(press("2028-01-15", "PageUp", false, m, wide()), d("2027-12-15"));
    assert_eq!(press("2028-02-29", "PageDown", true, m, wide()), d("2029-02-28"));
    assert_eq!(press("2028-02-29", "PageUp", true, m, wide()), d("2027-02-28"));
    assert_eq!(press("2027-06-10", "PageDown", true, m, wide()), d("2028-06-10"));
}

#[test]
fn home_and_end_follow_the_week_start() {
    // Wednesday 10 March 2027.
    let cases = [
        ("2027-03-10", Weekday::Monday, "2027-03-08", "2027-03-14"),
        ("2027-03-10", Weekday::Sunday, "2027-03-07", "2027-03-13"),
        // On the first and last day of the week, the key stays put.
        ("2027-03-08", Weekday::Monday, "2027-03-08", "2027-03-14"),
        ("2027-03-14", Weekday::Monday, "2027-03-08", "2027-03-14"),
        ("2027-03-14", Weekday::Sunday, "2027-03-14", "2027-03-20"),
        ("2027-03-13", Weekday::Sunday, "2027-03-07", "2027-03-13"),
        // The week may reach into the month before or after.
        ("2027-09-01", Weekday::Monday, "2027-08-30", "2027-09-05"),
        ("2027-12-31", Weekday::Sunday, "2027-12-26", "2028-01-01"),
        ("2027-12-31", Weekday::Saturday, "2027-12-25", "2027-12-31"),
    ];
    for (from, week_start, home, end) in cases {
        assert_eq!(
            press(from, "Home", false, week_start, wide()),
            d(home),
            "Home {from} {week_start:?}"
        );
        assert_eq!(
            press(from, "End", false, week_start, wide()),
            d(end),
            "End {from} {week_start:?}"
        );
    }
}

#[test]
fn focus_stops_at_today_and_at_the_last_day_offered() {
    let today = d("2027-03-10");
    let window = Window::offered(today, 60);
    assert_eq!(window.last(), d("2027-05-09"));
    let m = Weekday::Monday;
    for key in ["ArrowLeft", "ArrowUp", "PageUp", "Home"] {
        assert_eq!(press("2027-03-10", key, false, m, window), today, "{key}");
    }
    assert_eq!(press("2027-03-10", "PageUp", true, m, window), today);
    // A month back from early April would be before today: stop at today.
    assert_eq!(press("2027-04-05", "PageUp", false, m, window), today);
    assert_eq!(press("2027-03-16", "ArrowUp", false, m, window), today);
    assert_eq!(press("2027-03-17", "ArrowUp", false, m, window), d("2027-03-10"));
    assert_eq!(press("2027-03-18", "ArrowUp", false, m, window), d("2027-03-11"));
    assert_eq!(press("2027-03-11", "Home", false, m, window), today);
    // The other end.
    for key in ["ArrowRight", "ArrowDown", "PageDown", "End"] {
        assert_eq!(press("2027-05-09", key, false, m, window), d("2027-05-09"), "{key}");
    }
    assert_eq!(press("2027-04-20", "PageDown", false, m, window), d("2027-05-09"));
    assert_eq!(press("2027-04-20", "PageDown", true, m, window), d("2027-05-09"));
    assert_eq!(press("2027-05-06", "End", false, m, window), d("2027-05-09"));
    assert_eq!(press("2027-05-05", "ArrowDown", false, m, window), d("2027-05-09"));
    assert_eq!(press("2027-05-02", "ArrowDown", false, m, window), d("2027-05-09"));
    assert_eq!(press("2027-05-01", "ArrowDown", false, m, window), d("2027-05-08"));
    // Offering today only: nothing moves.
    let only_today = Window::offered(today, 0);
    assert_eq!(only_today.last(), today);
    assert_eq!(press("2027-03-10", "ArrowRight", false, m, only_today), today);
}

#[test]
fn focus_may_land_on_a_day_without_free_times() {
    // Free only on Mondays: arrows still walk day by day; the widget marks the
    // Tuesday `aria-disabled`.
    let free = FreeDays::group(
        &[utc("2027-03-08T09:00:00Z"), utc("2027-03-15T09:00:00Z")],
        "UTC",
        &ChronoTz,
    );
    let landed = press("2027-03-08", "ArrowRight", false, Weekday::Monday, wide());
    assert_eq!(landed, d("2027-03-09"));
    assert!(!free.is_free(landed));
}

// ---------------------------------------------------------------------------------------
// Window and fetching
// ---------------------------------------------------------------------------------------

#[test]
fn windows_cut_each_month_to_the_days_offered() {
    let window = Window::offered(d("2027-03-10"), 60);
    assert!(window.contains(d("2027-03-10")) && window.contains(d("2027-05-09")));
    assert!(!window.contains(d("2027-03-09")) && !window.contains(d("2027-05-10")));
    assert_eq!(window.fetch_range(month(2027, 2)), None);
    assert_eq!(
        window.fetch_range(month(2027, 3)),
        Some((d("2027-03-10"), d("2027-03-31")))
    );
    assert_eq!(
        window.fetch_range(month(2027, 4)),
        Some((d("2027-04-01"), d("2027-04-30")))
    );
    assert_eq!(
        window.fetch_range(month(2027, 5)),
        Some((d("2027-05-01"), d("2027-05-09")))
    );
    assert_eq!(window.fetch_range(month(2027, 6)), None);
    assert_eq!(window.month_to_prefetch(month(2027, 3)), Some(month(2027, 4)));
    assert_eq!(window.month_to_prefetch(month(2027, 4)), Some(month(2027, 5)));
    assert_eq!(window.month_to_prefetch(month(2027, 5)), None);
    // Ending on a month's last day: nothing to fetch after it.
    let to_month_end = Window::new(d("2027-12-01"), d("2027-12-31")).unwrap();
    assert_eq!(to_month_end.month_to_prefetch(month(2027, 12)), None);
    let into_january = Window::new(d("2027-12-01"), d("2028-01-01")).unwrap();
    assert_eq!(into_january.month_to_prefetch(month(2027, 12)), Some(month(2028, 1)));
    assert_eq!(
        into_january.fetch_range(month(2028, 1)),
        Some((d("2028-01-01"), d("2028-01-01")))
    );
    assert_eq!(Window::new(d("2027-03-10"), d("2027-03-09")), None);
    assert_eq!(window.clamp(d("2026-01-01")), d("2027-03-10"));
    assert_eq!(window.clamp(d("2030-01-01")), d("2027-05-09"));
    assert_eq!(window.clamp(d("2027-04-01")), d("2027-04-01"));
}

// ---------------------------------------------------------------------------------------
// Opening day
// ---------------------------------------------------------------------------------------

fn free_on(dates: &[&str]) -> FreeDays {
    let slots: Vec<i64> = dates.iter().map(|date| utc(&format!("{date}T10:00:00Z"))).collect();
    FreeDays::group(&slots, "UTC", &ChronoTz)
}

#[test]
fn the_picker_opens_on_today_when_today_is_free() {
    let free = free_on(&["2027-03-12", "2027-03-10", "2027-04-02"]);
    assert_eq!(free.opening_day(d("2027-03-10")), Some(d("2027-03-10")));
}

#[test]
fn the_picker_opens_on_the_next_free_day_when_today_is_not() {
    let free = free_on(&["2027-03-09", "2027-04-02", "2027-03-12"]);
    assert_eq!(free.opening_day(d("2027-03-10")), Some(d("2027-03-12")));
    // In another month: the widget opens April.
    assert_eq!(free.opening_day(d("2027-03-13")), Some(d("2027-04-02")));
}

#[test]
fn the_picker_has_no_opening_day_when_nothing_is_free() {
    assert_eq!(free_on(&[]).opening_day(d("2027-03-10")), None);
    assert!(free_on(&[]).is_empty());
    // Only days already past.
    assert_eq!(
        free_on(&["2027-03-01", "2027-03-09"]).opening_day(d("2027-03-10")),
        None
    );
}

#[test]
fn next_free_day_is_strictly_after() {
    let free = free_on(&["2027-03-10", "2027-03-12", "2027-04-02"]);
    assert_eq!(free.next_free_day(d("2027-03-10")), Some(d("2027-03-12")));
    assert_eq!(free.next_free_day(d("2027-03-11")), Some(d("2027-03-12")));
    // March shows nothing after the 12th: point at April.
    assert_eq!(free.next_free_day(d("2027-03-31")), Some(d("2027-04-02")));
    assert_eq!(free.next_free_day(d("2027-04-02")), None);
    assert_eq!(free.next_free_day(d("2027-01-01")), Some(d("2027-03-10")));
}

// ---------------------------------------------------------------------------------------
// Grouping by local day
// ---------------------------------------------------------------------------------------

#[test]
fn grouping_sorts_and_drops_repeats() {
    let free = FreeDays::group(
        &[
            utc("2027-03-11T09:00:00Z"),
            utc("2027-03-10T15:00:00Z"),
            utc("2027-03-10T09:00:00Z"),
            utc("2027-03-10T15:00:00Z"),
        ],
        "UTC",
        &ChronoTz,
    );
    assert_eq!(
        grouped(&free),
        [
            day("2027-03-10", &["2027-03-10T09:00:00Z", "2027-03-10T15:00:00Z"]),
            day("2027-03-11", &["2027-03-11T09:00:00Z"]),
        ]
    );
    assert_eq!(
        free.times_on(d("2027-03-10")),
        [utc("2027-03-10T09:00:00Z"), utc("2027-03-10T15:00:00Z")]
    );
    assert_eq!(free.times_on(d("2027-03-12")), [] as [i64; 0]);
    assert!(free.is_free(d("2027-03-11")) && !free.is_free(d("2027-03-12")));
}

#[test]
fn berlin_spring_forward_moves_the_offset_mid_day() {
    // 28 March 2027: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    let slots = [
        utc("2027-03-27T22:30:00Z"), // 23:30 CET on the 27th
        utc("2027-03-27T23:30:00Z"), // 00:30 CET on the 28th
        utc("2027-03-28T00:59:00Z"), // 01:59 CET, the last minute before the jump
        utc("2027-03-28T01:00:00Z"), // 03:00 CEST
        utc("2027-03-28T21:30:00Z"), // 23:30 CEST on the 28th
        utc("2027-03-28T22:30:00Z"), // 00:30 CEST on the 29th (+01:00 would say the 28th)
    ];
    assert_eq!(
        grouped(&FreeDays::group(&slots, "Europe/Berlin", &ChronoTz)),
        [
            day("2027-03-27", &["2027-03-27T22:30:00Z"]),
            day(
                "2027-03-28",
                &[
                    "2027-03-27T23:30:00Z",
                    "2027-03-28T00:59:00Z",
                    "2027-03-28T01:00:00Z",
                    "2027-03-28T21:30:00Z"
                ]
            ),
            day("2027-03-29", &["2027-03-28T22:30:00Z"]),
        ]
    );
}

#[test]
fn berlin_fall_back_keeps_both_half_past_twos_on_the_same_day() {
    // 31 October 2027: 03:00 CEST becomes 02:00 CET (01:00 UTC).
    let slots = [
        utc("2027-10-30T21:30:00Z"), // 23:30 CEST on the 30th
        utc("2027-10-30T22:30:00Z"), // 00:30 CEST on the 31st
        utc("2027-10-31T00:30:00Z"), // 02:30 CEST
        utc("2027-10-31T01:30:00Z"), // 02:30 CET, the same wall-clock time again
        utc("2027-10-31T22:30:00Z"), // 23:30 CET on the 31st (+02:00 would say 1 November)
        utc("2027-10-31T23:30:00Z"), // 00:30 CET on 1 November
    ];
    assert_eq!(
        grouped(&FreeDays::group(&slots, "Europe/Berlin", &ChronoTz)),
        [
            day("2027-10-30", &["2027-10-30T21:30:00Z"]),
            day(
                "2027-10-31",
                &[
                    "2027-10-30T22:30:00Z",
                    "2027-10-31T00:30:00Z",
                    "2027-10-31T01:30:00Z",
                    "2027-10-31T22:30:00Z"
                ]
            ),
            day("2027-11-01", &["2027-10-31T23:30:00Z"]),
        ]
    );
}

#[test]
fn new_york_changes_shift_days_too() {
    // 14 March and 7 November 2027.
    let slots = [
        utc("2027-03-14T04:30:00Z"), // 23:30 EST on the 13th
        utc("2027-03-15T03:30:00Z"), // 23:30 EDT on the 14th
        utc("2027-11-07T04:30:00Z"), // 00:30 EDT on the 7th
        utc("2027-11-08T04:30:00Z"), // 23:30 EST on the 7th
    ];
    assert_eq!(
        grouped(&FreeDays::group(&slots, "America/New_York", &ChronoTz)),
        [
            day("2027-03-13", &["2027-03-14T04:30:00Z"]),
            day("2027-03-14", &["2027-03-15T03:30:00Z"]),
            day("2027-11-07", &["2027-11-07T04:30:00Z", "2027-11-08T04:30:00Z"]),
        ]
    );
}

#[test]
fn switching_the_zone_regroups_the_same_instants() {
    let evening = utc("2027-06-01T21:30:00Z"); // 23:30 in Berlin
    let early = utc("2027-06-02T03:30:00Z"); // 05:30 in Berlin
    let slots = [evening, early];
    let berlin = FreeDays::group(&slots, "Europe/Berlin", &ChronoTz);
    assert_eq!(berlin.times_on(d("2027-06-01")), [evening]);
    assert_eq!(berlin.times_on(d("2027-06-02")), [early]);
    // 06:30 and 12:30 the next day in Tokyo.
    let tokyo = FreeDays::group(&slots, "Asia/Tokyo", &ChronoTz);
    assert_eq!(tokyo.times_on(d("2027-06-01")), [] as [i64; 0]);
    assert_eq!(tokyo.times_on(d("2027-06-02")), [evening, early]);
    // 17:30 and 23:30 the same day in New York.
    let new_york = FreeDays::group(&slots, "America/New_York", &ChronoTz);
    assert_eq!(new_york.times_on(d("2027-06-01")), [evening, early]);
    assert_eq!(new_york.as_slice().len(), 1);
    // The picker opens elsewhere accordingly.
    assert_eq!(tokyo.opening_day(d("2027-06-01")), Some(d("2027-06-02")));
    assert_eq!(new_york.opening_day(d("2027-06-01")), Some(d("2027-06-01")));
}

#[test]
fn grouping_agrees_with_chrono_through_dst_weeks() {
    for (zone, from) in [
        ("Europe/Berlin", "2027-03-25T00:00:00Z"),
        ("Europe/Berlin", "2027-10-28T00:00:00Z"),
        ("America/New_York", "2027-03-12T00:00:00Z"),
        ("Australia/Lord_Howe", "2027-04-02T00:00:00Z"),
    ] {
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let start = utc(from);
        let slots: Vec<i64> = (0..7 * 24 * 4).map(|i| start + i * 15 * 60).collect();
        let free = FreeDays::group(&slots, zone, &ChronoTz);
        assert_eq!(free.as_slice().iter().map(|(_, t)| t.len()).sum::<usize>(), slots.len());
        for (date, times) in free.as_slice() {
            for &t in times {
                let local = chrono::DateTime::from_timestamp(t, 0).unwrap().with_timezone(&tz);
                assert_eq!(chrono_date(*date), local.date_naive(), "{zone} {t}");
            }
        }
    }
}

/// A zone that sets its clocks back an hour at 00:30 local time, across midnight:
/// the instants right after the change fall on the date before.
struct BackAcrossMidnight;
const CHANGE: i64 = 1_830_382_200; // 2028-01-01T23:30:00Z, 00:30 on 2 January at +01:00

impl ZoneOffsets for BackAcrossMidnight {
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32> {
        (zone == "Test/Back").then_some(if unix_seconds < CHANGE { 3_600 } else { 0 })
    }
}

#[test]
fn a_later_instant_on_an_earlier_date_still_groups_in_date_order() {
    assert_eq!(CHANGE, utc("2028-01-01T23:30:00Z"));
    let before = CHANGE - 20 * 60; // 00:10 on 2 January
    let after = CHANGE + 10 * 60; // 23:40 on 1 January
    let free = FreeDays::group(&[before, after], "Test/Back", &BackAcrossMidnight);
    assert_eq!(
        free.as_slice(),
        [(d("2028-01-01"), vec![after]), (d("2028-01-02"), vec![before])]
    );
}

/// A database that knows a zone only from 2027 on.
struct Partial;
impl ZoneOffsets for Partial {
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32> {
        (zone == "Test/Partial" && unix_seconds >= 1_798_761_600).then_some(0)
    }
}

#[test]
fn instants_without_an_offset_are_dropped() {
    let known = utc("2027-01-05T10:00:00Z");
    let unknown = utc("2026-12-30T10:00:00Z");
    let free = FreeDays::group(&[unknown, known], "Test/Partial", &Partial);
    assert_eq!(free.as_slice(), [(d("2027-01-05"), vec![known])]);
    assert!(FreeDays::group(&[known], "Nowhere/Else", &ChronoTz).is_empty());
}

#[test]
fn times_already_past_are_not_offered() {
    let slots = [
        utc("2027-03-10T09:00:00Z"),
        utc("2027-03-10T10:00:00Z"),
        utc("2027-03-10T11:00:00Z"),
        utc("2027-03-11T09:00:00Z"),
    ];
    let free = FreeDays::group(&slots, "UTC", &ChronoTz).not_before(utc("2027-03-10T10:00:00Z"));
    assert_eq!(
        grouped(&free),
        [
            day("2027-03-10", &["2027-03-10T10:00:00Z", "2027-03-10T11:00:00Z"]),
            day("2027-03-11", &["2027-03-11T09:00:00Z"]),
        ]
    );
    // A day whose every time has passed is no longer free.
    let later = free.not_before(utc("2027-03-10T11:00:01Z"));
    assert!(!later.is_free(d("2027-03-10")));
    assert_eq!(later.opening_day(d("2027-03-10")), Some(d("2027-03-11")));
}

// ---------------------------------------------------------------------------------------
// Nearest free times
// ---------------------------------------------------------------------------------------

#[test]
fn nearest_free_prefers_the_earlier_time_on_a_tie() {
    let at = |hh_mm: &str| utc(&format!("2027-03-10T{hh_mm}:00Z"));
    let slots = [at("11:00"), at("09:00"), at("10:30"), at("09:30")];
    let wanted = at("10:00");
    assert_eq!(nearest_free(&slots, wanted, 1), [at("09:30")]);
    assert_eq!(nearest_free(&slots, wanted, 2), [at("09:30"), at("10:30")]);
    assert_eq!(nearest_free(&slots, wanted, 3), [at("09:00"), at("09:30"), at("10:30")]);
    // Not a tie: the nearer wins whichever side it is on.
    assert_eq!(nearest_free(&slots, at("10:10"), 1), [at("10:30")]);
    assert_eq!(nearest_free(&slots, at("09:50"), 1), [at("09:30")]);
    assert_eq!(nearest_free(&slots, at("10:20"), 2), [at("10:30"), at("11:00")]);
}

#[test]
fn nearest_free_gives_what_there_is() {
    let at = |hh_mm: &str| utc(&format!("2027-03-10T{hh_mm}:00Z"));
    let slots = [at("11:00"), at("09:00"), at("09:00"), at("10:00")];
    // The refused time itself, still in a stale list, is not offered again; repeats count once.
    assert_eq!(nearest_free(&slots, at("10:00"), 10), [at("09:00"), at("11:00")]);
    assert_eq!(nearest_free(&slots, at("08:00"), 2), [at("09:00"), at("10:00")]);
    assert_eq!(nearest_free(&slots, at("12:00"), 2), [at("10:00"), at("11:00")]);
    assert_eq!(nearest_free(&slots, at("10:00"), 0), [] as [i64; 0]);
    assert_eq!(nearest_free(&[], at("10:00"), 3), [] as [i64; 0]);
    assert_eq!(nearest_free(&[at("10:00")], at("10:00"), 3), [] as [i64; 0]);
}

// ---------------------------------------------------------------------------------------
// Hour cycle
// ---------------------------------------------------------------------------------------

#[test]
fn hour_cycle_attribute_overrides_the_locale() {
    assert!(hour12(Some(HourCycle::H12), false));
    assert!(!hour12(Some(HourCycle::H23), true));
    assert!(hour12(None, true));
    assert!(!hour12(None, false));
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn any_date() -> impl Strategy<Value = CalendarDate> {
    (1600i32..2400, 1u8..=12, 1u8..=31)
        .prop_filter_map("a real date", |(year, month, day)| CalendarDate::new(year, month, day))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn adding_days_undoes_and_advances_the_weekday(date in any_date(), n in -400_000i64..400_000) {
        let moved = date.add_days(n);
        prop_assert_eq!(moved.add_days(-n), date);
        let expected = (i64::from(date.weekday().days_from_monday()) + n).rem_euclid(7);
        prop_assert_eq!(i64::from(moved.weekday().days_from_monday()), expected);
        let oracle = chrono_date(date).checked_add_signed(TimeDelta::days(n)).unwrap();
        prop_assert_eq!(moved, from_chrono(oracle));
        prop_assert_eq!(n > 0, moved > date);
    }

    #[test]
    fn adding_months_clamps_as_chrono_does(date in any_date(), n in -2_400i32..2_400) {
        let oracle = if n >= 0 {
            chrono_date(date).checked_add_months(Months::new(n as u32))
        } else {
            chrono_date(date).checked_sub_months(Months::new(n.unsigned_abs()))
        };
        prop_assert_eq!(date.add_months(n), from_chrono(oracle.unwrap()));
    }

    #[test]
    fn focus_never_leaves_the_window(
        from in any_date(),
        start in any_date(),
        days_ahead in 0u32..400,
        key in 0usize..10,
        week_start in 0usize..7,
    ) {
        let keys = [
            GridKey::PreviousDay, GridKey::NextDay, GridKey::PreviousWeek, GridKey::NextWeek,
            GridKey::PreviousMonth, GridKey::NextMonth, GridKey::PreviousYear, GridKey::NextYear,
            GridKey::WeekStart, GridKey::WeekEnd,
        ];
        let window = Window::offered(start, days_ahead);
        let to = move_focus(from, keys[key], Weekday::ALL[week_start], window);
        prop_assert!(window.contains(to));
    }
}
