//! Native answers to [`ZoneOffsets`] for the integration tests.
//!
//! In the browser the widget asks `Intl` for a zone's offset; natively there is no
//! `Intl`, so these tests ask the IANA database compiled into chrono-tz instead. It is a
//! dev-dependency only: the crate itself carries no zone data, and the wasm build never
//! sees chrono or chrono-tz.

use booking_core::time::ZoneOffsets;
use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// [`ZoneOffsets`] backed by chrono-tz: exact IANA names (`"Europe/Berlin"`), `None` for
/// anything the database does not know.
pub struct ChronoTz;

impl ZoneOffsets for ChronoTz {
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32> {
        let tz = zone.parse::<Tz>().ok()?;
        let utc = DateTime::from_timestamp(unix_seconds, 0)?.naive_utc();
        Some(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
    }
}
