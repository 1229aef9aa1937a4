//! The slot picker's decisions (`DESIGN.md` §6): how a month lays out as a WAI-ARIA APG
//! date grid, where a key moves the focus, which day the picker opens on, which local
//! day each free time falls on, and which times to offer when the one asked for was
//! taken.
//!
//! Dates are plain proleptic Gregorian days counted from 1970 (no chrono: the widget
//! carries this into the wasm). The visitor's zone only matters when an instant becomes
//! a day, and that goes through [`ZoneOffsets`], so a DST change or a zone switch moves
//! times between days exactly as the visitor's clock would.

use std::fmt;

use super::config::HourCycle;
use crate::time::{civil_from_seconds, days_from_civil, days_in_month, parse_date, push_date, ZoneOffsets};

/// A day of the week. Columns, `Home`/`End` and the weekday of a date are all counted
/// from Monday, as ISO 8601 and `Intl.Locale#weekInfo` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// ISO day 1.
    Monday,
    /// ISO day 2.
    Tuesday,
    /// ISO day 3.
    Wednesday,
    /// ISO day 4.
    Thursday,
    /// ISO day 5.
    Friday,
    /// ISO day 6.
    Saturday,
    /// ISO day 7.
    Sunday,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Self; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// The week start most locales use, and the widget's when the browser cannot say.
    pub const DEFAULT_WEEK_START: Self = Self::Monday;

    /// From ISO numbering, which is what `Intl.Locale#weekInfo.firstDay` gives
    /// (1 = Monday … 7 = Sunday); `None` otherwise, so a bad value falls back to the default.
    pub fn from_iso(number: u8) -> Option<Self> {
        Self::ALL.get(usize::from(number).checked_sub(1)?).copied()
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn days_from_monday(self) -> u8 {
        self as u8
    }

    /// The grid column (0 to 6) this weekday sits in when weeks begin on `week_start`.
    pub fn column(self, week_start: Self) -> u8 {
        (self.days_from_monday() + 7 - week_start.days_from_monday()) % 7
    }
}

/// The seven weekdays in column order for weeks beginning on `week_start`: the grid's
/// column headers.
pub fn weekday_order(week_start: Weekday) -> [Weekday; 7] {
    std::array::from_fn(|i| Weekday::ALL[(usize::from(week_start.days_from_monday()) + i) % 7])
}

/// A day of the calendar, with no time and no zone: one cell of the grid.
///
/// The fields are private so every value is a day that exists; the arithmetic below
/// relies on it. Ordered by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// The date, if it exists (`2027-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        (day >= 1 && day <= days_in_month(year, month)?).then_some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, the form `<input type=date>` and the providers' day keys use.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month, day) = parse_date(text)?;
        Some(Self { year, month, day })
    }

    /// The local date of the instant `unix_seconds` on a clock `offset_seconds` east of UTC.
    pub fn from_unix(unix_seconds: i64, offset_seconds: i32) -> Self {
        let (year, month, day, ..) = civil_from_seconds(unix_seconds + i64::from(offset_seconds));
        Self {
            year: year as i32,
            month,
            day,
        }
    }

    /// The date the clocks of `zone` show at `unix_seconds` (e.g. today, from now);
    /// `None` when the zone is unknown.
    pub fn in_zone(unix_seconds: i64, zone: &str, offsets: &impl ZoneOffsets) -> Option<Self> {
        Some(Self::from_unix(
            unix_seconds,
            offsets.offset_seconds(zone, unix_seconds)?,
        ))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday, 3 days after Monday.
        Weekday::ALL[(self.epoch_days() + 3).rem_euclid(7) as usize]
    }

    /// The date `days` later (earlier when negative). Years must stay within `i32`.
    pub fn add_days(self, days: i64) -> Self {
        Self::from_unix((self.epoch_days() + days) * 86_400, 0)
    }

    /// The same day `months` later (earlier when negative), clamped to the length of the
    /// target month: 31 March − 1 month is the last day of February, as APG's PageUp
    /// does, so a move never skips a month.
    pub fn add_months(self, months: i32) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = index.div_euclid(12) as i32;
        let month = index.rem_euclid(12) as u8 + 1;
        let last = days_in_month(year, month).unwrap_or(28);
        Self {
            year,
            month,
            day: self.day.min(last),
        }
    }

    /// The same day `years` later, 29 February becoming the 28th in a common year.
    pub fn add_years(self, years: i32) -> Self {
        self.add_months(years.saturating_mul(12))
    }

    /// How many days this date's month has.
    pub fn days_in_month(self) -> u8 {
        days_in_month(self.year, self.month).unwrap_or(28)
    }

    /// The 1st of this date's month.
    pub fn first_of_month(self) -> Self {
        Self { day: 1, ..self }
    }

    /// The last day of this date's month.
    pub fn last_of_month(self) -> Self {
        Self {
            day: self.days_in_month(),
            ..self
        }
    }

    /// The first day of this date's week (APG `Home`), which may be in the month before.
    pub fn start_of_week(self, week_start: Weekday) -> Self {
        self.add_days(-i64::from(self.weekday().column(week_start)))
    }

    /// The last day of this date's week (APG `End`), which may be in the month after.
    pub fn end_of_week(self, week_start: Weekday) -> Self {
        self.start_of_week(week_start).add_days(6)
    }

    /// Days from 1970-01-01: one integer makes day arithmetic and weekdays plain sums.
    fn epoch_days(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }
}

/// `YYYY-MM-DD`, the form [`CalendarDate::parse`] reads back (a stable key for the DOM).
impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(10);
        push_date(&mut out, self.year.into(), self.month, self.day);
        f.write_str(&out)
    }
}

/// A month of a year: what the grid shows and what one availability query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u8,
}

impl YearMonth {
    /// The month, if `month` is 1 to 12.
    pub fn new(year: i32, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// The month `date` falls in.
    pub fn of(date: CalendarDate) -> Self {
        Self {
            year: date.year,
            month: date.month,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The 1st.
    pub fn first_day(self) -> CalendarDate {
        CalendarDate {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    /// The last day (28th to 31st).
    pub fn last_day(self) -> CalendarDate {
        self.first_day().last_of_month()
    }

    /// The month `months` later (earlier when negative), across years.
    pub fn add_months(self, months: i32) -> Self {
        Self::of(self.first_day().add_months(months))
    }
}

/// The first and last day of `month` in `year`; `None` when `month` is not 1 to 12.
pub fn month_days(year: i32, month: u8) -> Option<(CalendarDate, CalendarDate)> {
    let month = YearMonth::new(year, month)?;
    Some((month.first_day(), month.last_day()))
}

/// The days a visitor may book: from today to the last day offered (`data-days`).
///
/// The picker may show earlier months, but focus never lands outside the window, and
/// availability is only asked for inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    first: CalendarDate,
    last: CalendarDate,
}

impl Window {
    /// From `first` to `last`, both included; `None` when `last` is before `first`.
    pub fn new(first: CalendarDate, last: CalendarDate) -> Option<Self> {
        (first <= last).then_some(Self { first, last })
    }

    /// Today and the `days_ahead` days after it (`data-days="0"` offers today only).
    pub fn offered(today: CalendarDate, days_ahead: u32) -> Self {
        Self {
            first: today,
            last: today.add_days(days_ahead.into()),
        }
    }

    /// The first day offered (today).
    pub fn first(self) -> CalendarDate {
        self.first
    }

    /// The last day offered.
    pub fn last(self) -> CalendarDate {
        self.last
    }

    /// Whether `date` is offered.
    pub fn contains(self, date: CalendarDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// `date`, or the nearest end of the window when it lies outside.
    pub fn clamp(self, date: CalendarDate) -> CalendarDate {
        date.clamp(self.first, self.last)
    }

    /// The days of `month` to ask availability for: the month cut to the window, `None`
    /// when they do not meet (nothing to fetch). At most 31 days, inside GoHighLevel's
    /// limit for one free-slots query.
    pub fn fetch_range(self, month: YearMonth) -> Option<(CalendarDate, CalendarDate)> {
        let first = month.first_day().max(self.first);
        let last = month.last_day().min(self.last);
        (first <= last).then_some((first, last))
    }

    /// The month to fetch ahead while `shown` is on screen, so PageDown finds its days
    /// ready; `None` when the window ends within `shown`.
    pub fn month_to_prefetch(self, shown: YearMonth) -> Option<YearMonth> {
        let next = shown.add_months(1);
        self.fetch_range(next).map(|_| next)
    }
}

/// One week of the grid: a cell per column, `None` outside the month.
pub type Week = [Option<CalendarDate>; 7];

/// A month laid out as the rows of a `role="grid"`: 4 to 6 weeks of 7 cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthGrid {
    month: YearMonth,
    week_start: Weekday,
    weeks: Vec<Week>,
}

impl MonthGrid {
    /// Lays out `month` with weeks beginning on `week_start`. Only as many rows as the
    /// month needs: a fixed 6 would give screen readers empty rows to wade through.
    pub fn new(month: YearMonth, week_start: Weekday) -> Self {
        let first = month.first_day();
        let blanks = usize::from(first.weekday().column(week_start));
        let days = usize::from(first.days_in_month());
        let weeks = (0..(blanks + days).div_ceil(7))
            .map(|row| {
                std::array::from_fn(|column| {
                    let index = (row * 7 + column).checked_sub(blanks)?;
                    (index < days).then(|| first.add_days(index as i64))
                })
            })
            .collect();
        Self {
            month,
            week_start,
            weeks,
        }
    }

    /// The month laid out.
    pub fn month(&self) -> YearMonth {
        self.month
    }

    /// The rows, first week first.
    pub fn weeks(&self) -> &[Week] {
        &self.weeks
    }

    /// The column headers' weekdays.
    pub fn columns(&self) -> [Weekday; 7] {
        weekday_order(self.week_start)
    }
}

/// A key that moves the focus in the grid (WAI-ARIA APG date picker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridKey {
    /// ArrowLeft.
    PreviousDay,
    /// ArrowRight.
    NextDay,
    /// ArrowUp.
    PreviousWeek,
    /// ArrowDown.
    NextWeek,
    /// PageUp.
    PreviousMonth,
    /// PageDown.
    NextMonth,
    /// Shift+PageUp.
    PreviousYear,
    /// Shift+PageDown.
    NextYear,
    /// Home.
    WeekStart,
    /// End.
    WeekEnd,
}

impl GridKey {
    /// From `KeyboardEvent.key` and `shiftKey`; `None` for any other key, which the
    /// widget then leaves to the browser (Tab, Enter and Space keep their meaning).
    pub fn from_key(key: &str, shift: bool) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => Self::PreviousDay,
            "ArrowRight" => Self::NextDay,
            "ArrowUp" => Self::PreviousWeek,
            "ArrowDown" => Self::NextWeek,
            "PageUp" if shift => Self::PreviousYear,
            "PageDown" if shift => Self::NextYear,
            "PageUp" => Self::PreviousMonth,
            "PageDown" => Self::NextMonth,
            "Home" => Self::WeekStart,
            "End" => Self::WeekEnd,
            _ => return None,
        })
    }
}

/// Where the focus goes from `from` on `key`, kept inside `window`.
///
/// A move past the window stops at its edge (so the visitor cannot focus a day before
/// today), and a month or year move keeps the day of the month, clamped to the target
/// month's length. The date returned may be a day without free times: as in APG, focus
/// goes there and the widget shows it `aria-disabled`, so arrows walk through a sparse
/// month at a steady pace instead of jumping unpredictably. When the date is in another
/// month, the widget shows that month.
pub fn move_focus(from: CalendarDate, key: GridKey, week_start: Weekday, window: Window) -> CalendarDate {
    let to = match key {
        GridKey::PreviousDay => from.add_days(-1),
        GridKey::NextDay => from.add_days(1),
        GridKey::PreviousWeek => from.add_days(-7),
        GridKey::NextWeek => from.add_days(7),
        GridKey::PreviousMonth => from.add_months(-1),
        GridKey::NextMonth => from.add_months(1),
        GridKey::PreviousYear => from.add_years(-1),
        GridKey::NextYear => from.add_years(1),
        GridKey::WeekStart => from.start_of_week(week_start),
        GridKey::WeekEnd => from.end_of_week(week_start),
    };
    window.clamp(to)
}

/// Free times grouped by the local day they start on, in one zone: the grid's enabled
/// days and each day's times.
///
/// Built from instants, not from the provider's day keys, because a provider groups by
/// its own zone and the visitor may be elsewhere: 23:30 in Berlin is the next morning in
/// Tokyo. Switching the zone means grouping the same instants again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreeDays {
    /// Sorted by day, each day's instants sorted and distinct, no day empty.
    days: Vec<(CalendarDate, Vec<i64>)>,
}

impl FreeDays {
    /// Groups `slots` (start instants, unix seconds, any order, repeats allowed) by their
    /// date on the clocks of `zone`. An instant whose offset `offsets` cannot give is
    /// dropped: the widget cannot label it, so it must not offer it.
    pub fn group(slots: &[i64], zone: &str, offsets: &impl ZoneOffsets) -> Self {
        // By date, not by instant alone: where a zone sets its clocks back across
        // midnight, a later instant can fall on an earlier date. Sorted by insertion:
        // the picker's instants come in order, so each lands at the end, and a sort's
        // code would cost the wasm about 1.5 KB.
        let mut dated: Vec<(CalendarDate, i64)> = Vec::with_capacity(slots.len());
        for &t in slots {
            let Some(date) = CalendarDate::in_zone(t, zone, offsets) else {
                continue;
            };
            insert_sorted(&mut dated, (date, t));
        }
        let mut days: Vec<(CalendarDate, Vec<i64>)> = Vec::new();
        for (date, t) in dated {
            match days.last_mut() {
                Some((last, times)) if *last == date => times.push(t),
                _ => days.push((date, vec![t])),
            }
        }
        Self { days }
    }

    /// Without the times before `now`: data fetched a while ago must never offer the past.
    pub fn not_before(mut self, now: i64) -> Self {
        for (_, times) in &mut self.days {
            times.retain(|&t| t >= now);
        }
        self.days.retain(|(_, times)| !times.is_empty());
        self
    }

    /// Each day with free times and its times, in order.
    pub fn as_slice(&self) -> &[(CalendarDate, Vec<i64>)] {
        &self.days
    }

    /// Whether no day has a free time.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The free times on `date`, in order; empty when none (the day is `aria-disabled`).
    pub fn times_on(&self, date: CalendarDate) -> &[i64] {
        match self.days.binary_search_by_key(&date, |(day, _)| *day) {
            Ok(i) => &self.days[i].1,
            Err(_) => &[],
        }
    }

    /// Whether `date` has a free time.
    pub fn is_free(&self, date: CalendarDate) -> bool {
        !self.times_on(date).is_empty()
    }

    /// The day the picker opens on: the first day from `today` on with free times
    /// (`today` itself when it has some). The widget shows that day's month; `None` means
    /// nothing is free and the widget says so.
    pub fn opening_day(&self, today: CalendarDate) -> Option<CalendarDate> {
        self.first_where(|day| day >= today)
    }

    /// The first day after `after` with free times: where to point the visitor when the
    /// month or range on screen has none ("next free day: …").
    pub fn next_free_day(&self, after: CalendarDate) -> Option<CalendarDate> {
        self.first_where(|day| day > after)
    }

    /// The first day for which `from_here` holds, which must hold for every later day too.
    fn first_where(&self, from_here: impl Fn(CalendarDate) -> bool) -> Option<CalendarDate> {
        let at = self.days.partition_point(|(day, _)| !from_here(*day));
        self.days.get(at).map(|(day, _)| *day)
    }
}

/// Puts `item` in its place in the sorted, distinct `items` (nothing when it is there).
fn insert_sorted<T: Ord>(items: &mut Vec<T>, item: T) {
    let at = items.partition_point(|probe| *probe < item);
    if items.get(at) != Some(&item) {
        items.insert(at, item);
    }
}

/// The `n` free times nearest to `wanted`, a time the provider just refused as taken,
/// in chronological order.
///
/// `wanted` itself is never offered again, even if a stale list still holds it. On equal
/// distance the earlier time wins. Fewer than `n` come back when there are fewer; the
/// widget may pass one day's times to keep the suggestions on the visitor's day.
pub fn nearest_free(slots: &[i64], wanted: i64, n: usize) -> Vec<i64> {
    let mut times: Vec<i64> = Vec::with_capacity(slots.len());
    for &t in slots.iter().filter(|&&t| t != wanted) {
        insert_sorted(&mut times, t);
    }
    // The nearest `n` are a run around where `wanted` would sit: widen it one side at a time.
    let (mut start, mut end) = {
        let at = times.partition_point(|&t| t < wanted);
        (at, at)
    };
    while end - start < n {
        let earlier = start.checked_sub(1).map(|i| wanted.abs_diff(times[i]));
        let later = times.get(end).map(|&t| t.abs_diff(wanted));
        match (earlier, later) {
            (Some(e), Some(l)) if e <= l => start -= 1,
            (Some(_), None) => start -= 1,
            (_, Some(_)) => end += 1,
            (None, None) => break,
        }
    }
    times[start..end].to_vec()
}

/// The `hour12` option to hand `Intl.DateTimeFormat`: the marketer's `data-hour-cycle`
/// when set, else what the visitor's locale does.
pub fn hour12(attribute: Option<HourCycle>, locale_default_hour12: bool) -> bool {
    attribute.map_or(locale_default_hour12, |cycle| cycle == HourCycle::H12)
}
