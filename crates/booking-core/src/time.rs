//! From the wall-clock date and time a visitor picks, in an IANA zone, to the instant
//! each provider wants; and the ISO 8601 date-times providers send and accept.
//!
//! The zone's offsets come through [`ZoneOffsets`]: the widget answers it from the
//! browser's `Intl`, the relay and the native tests from a time zone database. This
//! crate carries no zone data, so it stays small in the wasm.

use std::cmp::Ordering;
use std::fmt;

use thiserror::Error;

use crate::json::push_decimal;

/// Offsets of IANA time zones, from whatever database the caller has.
pub trait ZoneOffsets {
    /// Seconds east of UTC in `zone` at the instant `unix_seconds`; `None` when the
    /// zone is not in the database.
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32>;

    /// Whether `zone` names a zone of the database.
    fn is_known(&self, zone: &str) -> bool {
        self.offset_seconds(zone, 0).is_some()
    }
}

/// A date and time on a wall clock, with no zone: what the visitor picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
}

/// Why a wall-clock time could not become an instant. `Display` is the visitor's message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeError {
    /// The date is not `YYYY-MM-DD` or does not exist (e.g. February 30).
    #[error("Choose a date.")]
    InvalidDate,
    /// The time is not `HH:MM`.
    #[error("Choose a time.")]
    InvalidTime,
    /// The zone is not in the time zone database.
    #[error("Choose a time zone from the list.")]
    UnknownZone,
    /// The time falls in a daylight-saving gap: it never shows on the clocks of the zone.
    #[error(
        "{wall} does not exist in {zone}: that night the clocks jump from {jump_from} to {jump_to}. \
         Choose another time."
    )]
    Nonexistent {
        /// The time as the visitor picked it (`2026-03-08 02:30`).
        wall: String,
        /// The zone's name.
        zone: String,
        /// The last wall-clock minute before the jump, as the clocks showed it (`02:00`).
        jump_from: String,
        /// Where the clocks landed (`03:00`).
        jump_to: String,
    },
}

impl TimeError {
    /// The neutral form field the visitor should change (`date`, `time` or `timeZone`).
    pub fn form_field(&self) -> &'static str {
        match self {
            Self::InvalidDate => "date",
            Self::InvalidTime | Self::Nonexistent { .. } => "time",
            Self::UnknownZone => "timeZone",
        }
    }
}

impl LocalDateTime {
    /// Parses what `<input type=date>` and `<input type=time>` give: `YYYY-MM-DD` and
    /// `HH:MM` (seconds, if a browser adds them, must be `:00`).
    pub fn parse(date: &str, time: &str) -> Result<Self, TimeError> {
        let (year, month, day) = parse_date(date).ok_or(TimeError::InvalidDate)?;
        let time = time.strip_suffix(":00").filter(|t| t.len() == 5).unwrap_or(time);
        let b = time.as_bytes();
        if b.len() != 5 || b[2] != b':' {
            return Err(TimeError::InvalidTime);
        }
        let hour = two_digits(&b[0..2]).filter(|h| *h < 24).ok_or(TimeError::InvalidTime)?;
        let minute = two_digits(&b[3..5]).filter(|m| *m < 60).ok_or(TimeError::InvalidTime)?;
        Ok(Self {
            year,
            month,
            day,
            hour,
            minute,
        })
    }

    /// Seconds since 1970-01-01T00:00 on this wall clock, as if it were UTC.
    fn as_if_utc(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
    }

    /// The instant this wall-clock time names in `zone`.
    ///
    /// A time the zone skips (spring forward) is refused with [`TimeError::Nonexistent`];
    /// a time the zone shows twice (fall back) resolves to the earlier instant.
    pub fn in_zone(&self, zone: &str, offsets: &impl ZoneOffsets) -> Result<Timestamp, TimeError> {
        let local = self.as_if_utc();
        // Offset changes are at least days apart in every zone, so the offsets a day
        // either side are the only candidates.
        let offset_before = offsets
            .offset_seconds(zone, local - 86_400)
            .ok_or(TimeError::UnknownZone)?;
        let offset_after = offsets
            .offset_seconds(zone, local + 86_400)
            .ok_or(TimeError::UnknownZone)?;
        // The earliest candidate (`min`, not a sort: a sort is 4 KB of wasm).
        let earliest = [offset_before, offset_after]
            .into_iter()
            .map(|offset| local - i64::from(offset))
            .filter(|&utc| offsets.offset_seconds(zone, utc) == Some(i32::try_from(local - utc).unwrap_or(i32::MAX)))
            .min();
        match earliest {
            Some(utc) => Ok(Timestamp {
                unix_seconds: utc,
                nanos: 0,
                offset_seconds: i32::try_from(local - utc).unwrap_or(0),
            }),
            None => Err(self.gap_error(zone, offsets, offset_before, offset_after)),
        }
    }

    /// Builds the message for a time in a gap, finding the instant of the jump by
    /// bisection (each step is one offset lookup).
    fn gap_error(&self, zone: &str, offsets: &impl ZoneOffsets, before: i32, after: i32) -> TimeError {
        let local = self.as_if_utc();
        // `local - after` is still before the change, `local - before` already after it.
        let (mut low, mut high) = (local - i64::from(after), local - i64::from(before));
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            if offsets.offset_seconds(zone, middle) == Some(before) {
                low = middle;
            } else {
                high = middle;
            }
        }
        let clock = |seconds: i64| {
            let mut out = String::new();
            let (_, _, _, h, mi, _) = civil_from_seconds(seconds);
            push_padded(&mut out, h.into(), 2);
            out.push(':');
            push_padded(&mut out, mi.into(), 2);
            out
        };
        let (y, mo, d, _, _, _) = civil_from_seconds(local);
        let mut wall = String::new();
        push_date(&mut wall, y, mo, d);
        wall.push(' ');
        wall.push_str(&clock(local));
        TimeError::Nonexistent {
            wall,
            zone: zone.to_owned(),
            jump_from: clock(high + i64::from(before)),
            jump_to: clock(high + i64::from(after)),
        }
    }
}

/// An instant with the UTC offset it was written in (or will be written in).
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub unix_seconds: i64,
    /// Fraction of the second, in nanoseconds (only from parsed text).
    pub nanos: u32,
    /// Seconds east of UTC of the wall clock this instant is written for.
    pub offset_seconds: i32,
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Timestamp {}
impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// Instants compare by when they happen, whatever offset they are written in.
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.unix_seconds, self.nanos).cmp(&(other.unix_seconds, other.nanos))
    }
}

impl Timestamp {
    /// This instant written in UTC with a `Z`, whole seconds: `2026-03-08T07:30:00Z`
    /// (iClosed, Cal.com).
    pub fn to_utc_z(&self) -> String {
        let mut out = wall_clock(self.unix_seconds);
        out.push('Z');
        out
    }

    /// This instant on its own wall clock with the offset, whole seconds:
    /// `2026-03-08T03:30:00-04:00` (GoHighLevel, meetergo).
    pub fn to_rfc3339_offset(&self) -> String {
        let mut out = wall_clock(self.unix_seconds + i64::from(self.offset_seconds));
        out.push(if self.offset_seconds < 0 { '-' } else { '+' });
        let offset = self.offset_seconds.unsigned_abs();
        push_padded(&mut out, (offset / 3_600).into(), 2);
        out.push(':');
        push_padded(&mut out, (offset % 3_600 / 60).into(), 2);
        out
    }

    /// The instant `minutes` later, written with the offset `zone` has then (a meeting
    /// may end after a daylight-saving change); `None` when the zone is unknown.
    pub fn later_in_zone(&self, minutes: u32, zone: &str, offsets: &impl ZoneOffsets) -> Option<Self> {
        let unix_seconds = self.unix_seconds + i64::from(minutes) * 60;
        Some(Self {
            unix_seconds,
            nanos: self.nanos,
            offset_seconds: offsets.offset_seconds(zone, unix_seconds)?,
        })
    }

    /// Milliseconds since the epoch (GoHighLevel's free-slots query).
    pub fn unix_millis(&self) -> i64 {
        self.unix_seconds * 1_000 + i64::from(self.nanos / 1_000_000)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339_offset())
    }
}

/// Parses an ISO 8601 date-time with an offset, the form providers send and accept:
/// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM`.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    if b.len() < 17 || b[10] != b'T' {
        return None;
    }
    let (year, month, day) = parse_date(text.get(..10)?)?;
    let hour = two_digits(&b[11..13]).filter(|h| *h < 24)?;
    if b[13] != b':' {
        return None;
    }
    let minute = two_digits(&b[14..16]).filter(|m| *m < 60)?;
    let mut rest = &b[16..];
    let mut second = 0;
    let mut nanos = 0u32;
    if let [b':', s1, s2, tail @ ..] = rest {
        second = two_digits(&[*s1, *s2]).filter(|s| *s < 60)?;
        rest = tail;
        if let [b'.', tail @ ..] = rest {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            for (i, digit) in tail[..digits].iter().enumerate().take(9) {
                nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
            }
            rest = &tail[digits..];
        }
    }
    let offset_seconds = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = two_digits(&[*h1, *h2]).filter(|h| *h < 24)?;
            let minutes = two_digits(&[*m1, *m2]).filter(|m| *m < 60)?;
            let magnitude = i32::from(hours) * 3_600 + i32::from(minutes) * 60;
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    let wall = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3_600
        + i64::from(minute) * 60
        + i64::from(second);
    Some(Timestamp {
        unix_seconds: wall - i64::from(offset_seconds),
        nanos,
        offset_seconds,
    })
}

/// Parses `YYYY-MM-DD` (four-digit year) and checks the day exists.
pub fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = b[..4].iter().fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0'));
    let month = two_digits(&b[5..7])?;
    let day = two_digits(&b[8..10])?;
    (day >= 1 && day <= days_in_month(year, month)?).then_some((year, month, day))
}

/// Whether `year` is a leap year of the Gregorian calendar (the century rule included).
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` of `year`; `None` when `month` is not 1 to 12.
pub(crate) fn days_in_month(year: i32, month: u8) -> Option<u8> {
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => return None,
    })
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [t @ b'0'..=b'9', u @ b'0'..=b'9'] => Some((t - b'0') * 10 + (u - b'0')),
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS` of the UTC wall clock at `seconds`.
fn wall_clock(seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_seconds(seconds);
    let mut out = String::with_capacity(25);
    push_date(&mut out, y, mo, d);
    for (separator, value) in [('T', h), (':', mi), (':', s)] {
        out.push(separator);
        push_padded(&mut out, value.into(), 2);
    }
    out
}

/// `YYYY-MM-DD`.
pub(crate) fn push_date(out: &mut String, y: i64, mo: u8, d: u8) {
    push_padded(out, y, 4);
    out.push('-');
    push_padded(out, mo.into(), 2);
    out.push('-');
    push_padded(out, d.into(), 2);
}

/// `value` as `format!("{value:0width$}")` writes it (the sign counts toward the
/// width), without `format!`: see [`push_decimal`].
fn push_padded(out: &mut String, value: i64, width: usize) {
    push_decimal(out, value < 0, value.unsigned_abs(), width);
}

/// Year, month, day, hour, minute, second of a count of seconds since the epoch.
pub(crate) fn civil_from_seconds(seconds: i64) -> (i64, u8, u8, u8, u8, u8) {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (second_of_day / 3_600) as u8,
        (second_of_day % 3_600 / 60) as u8,
        (second_of_day % 60) as u8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(i32);
    impl ZoneOffsets for Fixed {
        fn offset_seconds(&self, zone: &str, _: i64) -> Option<i32> {
            (zone == "Fixed").then_some(self.0)
        }
    }

    #[test]
    fn civil_round_trip_over_eight_centuries() {
        for days in (-146_097 * 2..146_097 * 2).step_by(7) {
            let (y, m, d, ..) = civil_from_seconds(days * 86_400);
            assert_eq!(days_from_civil(y as i32, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn date_times_are_written_as_format_wrote_them() {
        for value in [
            0,
            5,
            42,
            999,
            1_000,
            9_999,
            10_000,
            123_456,
            -1,
            -42,
            -999,
            -1_000,
            i64::MIN,
            i64::MAX,
        ] {
            for width in [2, 4] {
                let mut out = String::new();
                push_padded(&mut out, value, width);
                assert_eq!(out, format!("{value:0width$}"));
            }
        }
        // Years before 0 and after 9999 too (the relay writes what visitors send).
        let far = 400 * 146_097 * 86_400;
        for seconds in (-far..far).step_by(86_400 * 3_653 + 3_599) {
            for offset_seconds in [0, 19_800, -12_600, -50_400] {
                let stamp = Timestamp {
                    unix_seconds: seconds,
                    nanos: 0,
                    offset_seconds,
                };
                let (y, mo, d, h, mi, s) = civil_from_seconds(seconds);
                assert_eq!(
                    stamp.to_utc_z(),
                    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
                );
                let (y, mo, d, h, mi, s) = civil_from_seconds(seconds + i64::from(offset_seconds));
                let sign = if offset_seconds < 0 { '-' } else { '+' };
                let offset = offset_seconds.unsigned_abs();
                assert_eq!(
                    stamp.to_rfc3339_offset(),
                    format!(
                        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{:02}:{:02}",
                        offset / 3_600,
                        offset % 3_600 / 60
                    )
                );
            }
        }
    }

    #[test]
    fn parse_local_date_and_time() {
        assert_eq!(
            LocalDateTime::parse("2028-02-29", "23:59"),
            Ok(LocalDateTime {
                year: 2028,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59
            })
        );
        assert_eq!(LocalDateTime::parse("2026-03-08", "02:30:00").map(|l| l.minute), Ok(30));
        for bad_date in [
            "2027-02-29",
            "2100-02-29",
            "2026-13-01",
            "2026-04-31",
            "26-01-01",
            "2026-1-01",
            "",
        ] {
            assert_eq!(
                LocalDateTime::parse(bad_date, "10:00"),
                Err(TimeError::InvalidDate),
                "{bad_date}"
            );
        }
        for bad_time in ["24:00", "10:60", "9:30", "10:30:15", "", "10-30"] {
            assert_eq!(
                LocalDateTime::parse("2026-01-01", bad_time),
                Err(TimeError::InvalidTime),
                "{bad_time}"
            );
        }
        assert_eq!(LocalDateTime::parse("2000-02-29", "00:00").map(|l| l.day), Ok(29));
    }

    #[test]
    fn fixed_offset_zone_formats_each_way() {
        let local = LocalDateTime::parse("2026-06-01", "09:05").unwrap();
        let instant = local.in_zone("Fixed", &Fixed(5 * 3_600 + 1_800)).unwrap();
        assert_eq!(instant.to_utc_z(), "2026-06-01T03:35:00Z");
        assert_eq!(instant.to_rfc3339_offset(), "2026-06-01T09:05:00+05:30");
        let west = local.in_zone("Fixed", &Fixed(-3 * 3_600)).unwrap();
        assert_eq!(west.to_rfc3339_offset(), "2026-06-01T09:05:00-03:00");
        assert_eq!(local.in_zone("Nowhere", &Fixed(0)), Err(TimeError::UnknownZone));
    }

    #[test]
    fn timestamp_parsing() {
        let t = parse_timestamp("2021-06-23T03:30:00+05:30").unwrap();
        assert_eq!(t.to_utc_z(), "2021-06-22T22:00:00Z");
        assert_eq!(t.to_rfc3339_offset(), "2021-06-23T03:30:00+05:30");
        let fraction = parse_timestamp("2026-02-27T12:00:00.125Z").unwrap();
        assert_eq!(fraction.nanos, 125_000_000);
        assert_eq!(fraction.unix_millis() % 1_000, 125);
        assert_eq!(
            parse_timestamp("2026-02-27T12:00Z").unwrap().to_utc_z(),
            "2026-02-27T12:00:00Z"
        );
        assert!(parse_timestamp("2026-02-27T12:00:00.125Z") > parse_timestamp("2026-02-27T12:00:00Z"));
        for bad in [
            "2026-02-27T12:00:00",       // no offset
            "2026-02-27 12:00:00Z",      // space
            "2026-02-30T12:00:00Z",      // no such day
            "2026-02-27T24:00:00Z",      // hour 24
            "2026-02-27T12:00:60Z",      // leap second
            "2026-02-27T12:00:00.Z",     // empty fraction
            "2026-02-27T12:00:00+0530",  // offset without colon
            "2026-02-27T12:00:00+24:00", // offset out of range
            "2026-02-27T12:00:00z",      // lowercase z
            "2026-02-27T12:00:00Zjunk",
            "",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn leap_years_follow_the_century_rule() {
        assert!(is_leap_year(2024) && is_leap_year(2000) && is_leap_year(1600) && is_leap_year(0));
        assert!(!is_leap_year(2026) && !is_leap_year(1900) && !is_leap_year(2100));
    }
}
