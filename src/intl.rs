//! Time zones from the browser's own `Intl`: the visitor's zone, the list to choose
//! from, offsets for `booking-core`, and dates written the visitor's way. No zone
//! data ships in the wasm.

use std::cell::RefCell;

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
