//! Zone offsets for `booking-core` from the IANA database compiled into chrono-tz
//! (the widget asks the browser's `Intl` instead; natively chrono-tz costs nothing).

use booking_core::ZoneOffsets;
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// [`ZoneOffsets`] from chrono-tz: exact IANA names, `None` for anything else.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChronoTz;

impl ZoneOffsets for ChronoTz {
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32> {
        let tz: Tz = zone.parse().ok()?;
        let utc = DateTime::from_timestamp(unix_seconds, 0)?.naive_utc();
        Some(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
    }
}
