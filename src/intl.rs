//! Time zones from the browser's own `Intl`: the visitor's zone, the list to choose
//! from, offsets for `booking-core`, and dates written the visitor's way. No zone
//! data ships in the wasm.

use std::cell::RefCell;

use booking_core::embed::picker::{weekday_order, Weekday};
use booking_core::ZoneOffsets;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, bound with `catch`: an unknown zone throws a `RangeError`,
    /// which must become `None`, not an exception through the wasm.
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type ZoneFormat;

    #[wasm_bindgen(constructor, catch, js_namespace = Intl, js_class = "DateTimeFormat")]
    fn new(locales: &JsValue, options: &JsValue) -> Result<ZoneFormat, JsValue>;

    #[wasm_bindgen(method, js_name = formatToParts)]
    fn format_to_parts(this: &ZoneFormat, epoch_millis: f64) -> Array;

    #[wasm_bindgen(method, js_name = format)]
    fn format(this: &ZoneFormat, epoch_millis: f64) -> String;

    #[wasm_bindgen(method, js_name = resolvedOptions)]
    fn resolved_options(this: &ZoneFormat) -> Object;
}

thread_local! {
    /// One offset formatter per zone: building one costs far more than using it, and
    /// validation asks on every keystroke. A list, not a `HashMap`: a visitor uses a
    /// zone or two, and the hasher and table cost the wasm a few KB.
    static OFFSET_FORMATS: RefCell<Vec<(String, Option<ZoneFormat>)>> = const { RefCell::new(Vec::new()) };
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object.into()
}

/// Offsets from the browser's time zone database.
#[derive(Debug, Clone, Copy, Default)]
pub struct IntlZones;

/// Runs `read` with the cached offset formatter of `zone` (made on first use), or `None`
/// when `Intl` does not know the zone.
fn with_offset_format<R>(zone: &str, read: impl FnOnce(Option<&ZoneFormat>) -> R) -> R {
    OFFSET_FORMATS.with(|formats| {
        let mut formats = formats.borrow_mut();
        let index = match formats.iter().position(|(known, _)| known == zone) {
            Some(index) => index,
            None => {
                let format = ZoneFormat::new(
                    &JsValue::from_str("en-US"),
                    &options(&[("timeZone", zone), ("timeZoneName", "longOffset")]),
                )
                .ok();
                formats.push((zone.to_owned(), format));
                formats.len() - 1
            }
        };
        read(formats[index].1.as_ref())
    })
}

impl ZoneOffsets for IntlZones {
    fn offset_seconds(&self, zone: &str, unix_seconds: i64) -> Option<i32> {
        if zone.is_empty() {
            return None;
        }
        let parts = with_offset_format(zone, |format| {
            Some(format?.format_to_parts(unix_seconds as f64 * 1000.0))
        })?;
        parts.iter().find_map(|part| {
            let kind = Reflect::get(&part, &JsValue::from_str("type")).ok()?.as_string()?;
            (kind == "timeZoneName")
                .then(|| Reflect::get(&part, &JsValue::from_str("value")).ok()?.as_string())
                .flatten()
                .and_then(|name| parse_gmt_offset(&name))
        })
    }

    /// Known when `Intl` could make a formatter for it: validation asks on every
    /// keystroke, and formatting a date to answer took a JS round trip each time.
    fn is_known(&self, zone: &str) -> bool {
        !zone.is_empty() && with_offset_format(zone, |format| format.is_some())
    }
}

/// Seconds east of UTC in `longOffset` form: `GMT`, `GMT+05:30`, `GMT-03:00`, and for
/// old local mean times `GMT+00:53:28`.
fn parse_gmt_offset(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    let sign = match rest.as_bytes().first()? {
        b'+' => 1,
        b'-' | 0xE2 => -1, // U+2212 MINUS SIGN, which some locales write
        _ => return None,
    };
    let digits = rest.trim_start_matches(['+', '-', '\u{2212}']);
    let mut seconds = 0;
    for (unit, part) in [3_600, 60, 1].into_iter().zip(digits.split(':')) {
        seconds += unit * part.parse::<i32>().ok()?;
    }
    Some(sign * seconds)
}

/// The visitor's zone as the browser reports it (`Europe/Berlin`), or `UTC`.
pub fn browser_zone() -> String {
    ZoneFormat::new(&JsValue::UNDEFINED, &JsValue::UNDEFINED)
        .ok()
        .and_then(|format| Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone")).ok())
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// Every zone the browser knows, with `current` in it even when the browser lists it
/// under another name (`UTC`, old aliases).
pub fn zone_names(current: &str) -> Vec<String> {
    let mut names: Vec<String> = js_sys::Intl::supported_values_of(js_sys::Intl::SupportedValuesKey::TimeZone)
        .iter()
        .filter_map(|name| name.as_string())
        .collect();
    if !current.is_empty() && !names.iter().any(|name| name == current) {
        names.insert(0, current.to_owned());
    }
    names
}

/// `epoch_millis` written for the visitor in `zone`: "Monday, 9 March 2026 at 10:30 GMT+1".
pub fn describe_instant(epoch_millis: f64, zone: &str) -> Option<String> {
    let format = ZoneFormat::new(
        &JsValue::UNDEFINED,
        &options(&[("timeZone", zone), ("dateStyle", "full"), ("timeStyle", "short")]),
    )
    .ok()?;
    Some(format.format(epoch_millis))
}

/// Formatting options as `Intl` takes them.
fn format_in(zone: &str, pairs: &[(&str, &str)]) -> Option<ZoneFormat> {
    let object = options(pairs);
    let _ = Reflect::set(&object, &JsValue::from_str("timeZone"), &JsValue::from_str(zone));
    ZoneFormat::new(&JsValue::UNDEFINED, &object).ok()
}

thread_local! {
    /// The picker's formatters, made on first use and kept: making one costs far more
    /// than using it, and a month grid names some forty days. Times are kept for one
    /// zone and hour cycle at a time (the visitor's), remade when they switch.
    static DATE_FORMATS: RefCell<Option<(ZoneFormat, ZoneFormat)>> = const { RefCell::new(None) };
    static TIME_FORMAT: RefCell<Option<(String, bool, ZoneFormat)>> = const { RefCell::new(None) };
}

/// The local time of `unix_seconds` in `zone` as the visitor reads it ("9:30 AM",
/// "09:30"); `hour12` from `data-hour-cycle`, else the locale's habit.
pub fn time_label(zone: &str, hour12: bool, unix_seconds: i64) -> String {
    TIME_FORMAT.with(|cached| {
        let mut cached = cached.borrow_mut();
        if !matches!(&*cached, Some((known, cycle, _)) if known == zone && *cycle == hour12) {
            let cycle = if hour12 { "h12" } else { "h23" };
            *cached = format_in(
                zone,
                &[("hour", "numeric"), ("minute", "2-digit"), ("hourCycle", cycle)],
            )
            .map(|format| (zone.to_owned(), hour12, format));
        }
        cached
            .as_ref()
            .map(|(_, _, format)| format.format(unix_seconds as f64 * 1000.0))
            .unwrap_or_default()
    })
}

/// Calendar days in the visitor's language: the whole date ("Tuesday, 9 March 2027")
/// with `full`, else the month and year ("March 2027"). The date is formatted at noon
/// UTC and read in UTC, so no zone moves it to another day.
pub fn date_label(year: i32, month: u8, day: u8, full: bool) -> String {
    DATE_FORMATS.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.is_none() {
            *cached = format_in("UTC", &[("dateStyle", "full")])
                .zip(format_in("UTC", &[("month", "long"), ("year", "numeric")]));
        }
        cached
            .as_ref()
            .map(|(whole, month_year)| {
                let format = if full { whole } else { month_year };
                format.format(noon_utc(year, month, day))
            })
            .unwrap_or_default()
    })
}

fn noon_utc(year: i32, month: u8, day: u8) -> f64 {
    js_sys::Date::utc(f64::from(year), f64::from(month) - 1.0) + (f64::from(day) - 0.5) * 86_400_000.0
}

/// The seven weekday names from `first`, short and long: ("Mon", "Monday").
pub fn weekday_names(first: Weekday) -> Vec<(String, String)> {
    let (Some(short), Some(long)) = (
        format_in("UTC", &[("weekday", "short")]),
        format_in("UTC", &[("weekday", "long")]),
    ) else {
        return Vec::new();
    };
    // 2024-01-01 was a Monday.
    weekday_order(first)
        .into_iter()
        .map(|weekday| {
            let at = noon_utc(2024, 1, 1 + weekday.days_from_monday());
            (short.format(at), long.format(at))
        })
        .collect()
}

/// Whether the visitor's locale writes times with AM/PM.
pub fn locale_hour12() -> bool {
    ZoneFormat::new(&JsValue::UNDEFINED, &options(&[("hour", "numeric")]))
        .ok()
        .and_then(|format| Reflect::get(&format.resolved_options(), &JsValue::from_str("hourCycle")).ok())
        .and_then(|cycle| cycle.as_string())
        .is_some_and(|cycle| cycle == "h12" || cycle == "h11")
}

/// The first day of the week where the visitor lives, from `Intl.Locale`'s week info
/// (`getWeekInfo()`, or the older `weekInfo` getter); Monday where the browser does
/// not say.
pub fn week_start() -> Weekday {
    let read = || -> Option<Weekday> {
        let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
        let language = Reflect::get(&navigator, &JsValue::from_str("language"))
            .ok()?
            .as_string()?;
        let locale = js_sys::Reflect::construct(
            &Reflect::get(&js_sys::global(), &JsValue::from_str("Intl"))
                .ok()
                .and_then(|intl| Reflect::get(&intl, &JsValue::from_str("Locale")).ok())?
                .dyn_into::<js_sys::Function>()
                .ok()?,
            &Array::of1(&JsValue::from_str(&language)),
        )
        .ok()?;
        let getter = Reflect::get(&locale, &JsValue::from_str("getWeekInfo"))
            .ok()
            .and_then(|getter| getter.dyn_into::<js_sys::Function>().ok());
        let info = match getter {
            Some(getter) => getter.call0(&locale).ok()?,
            None => Reflect::get(&locale, &JsValue::from_str("weekInfo")).ok()?,
        };
        let first = Reflect::get(&info, &JsValue::from_str("firstDay")).ok()?.as_f64()?;
        Weekday::from_iso(first as u8)
    };
    read().unwrap_or(Weekday::DEFAULT_WEEK_START)
}

#[cfg(test)]
mod tests {
    use super::parse_gmt_offset;

    #[test]
    fn long_offsets_parse_with_either_minus() {
        assert_eq!(parse_gmt_offset("GMT"), Some(0));
        assert_eq!(parse_gmt_offset("GMT+05:30"), Some(19_800));
        assert_eq!(parse_gmt_offset("GMT-03:00"), Some(-10_800));
        assert_eq!(parse_gmt_offset("GMT\u{2212}04:00"), Some(-14_400));
        assert_eq!(parse_gmt_offset("GMT+00:53:28"), Some(3_208));
        assert_eq!(parse_gmt_offset("UTC"), None);
    }
}
