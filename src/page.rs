//! What the widget does to the host page: reads its attributes and URL, keeps the
//! visitor's draft in `sessionStorage`, tells the page what happened (events and
//! `window.dataLayer`), offers the calendar file, and leaves for a provider's page.

use booking_core::embed::{followable, fragment_query, Config};
use booking_core::VisitorForm;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// The page URL's query, decoded (`?utm_source=…`, and old links' `?booking=…`).
pub fn query() -> Vec<(String, String)> {
    decode(
        &web_sys::window()
            .and_then(|window| window.location().search().ok())
            .unwrap_or_default(),
    )
}

/// The page URL's reschedule parameters, decoded: the fragment's (`#booking=…`), or
/// the query's for links mailed before tokens left it.
pub fn link_parameters() -> Vec<(String, String)> {
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    booking_core::embed::link_parameters(decode(fragment_query(&hash)), query())
}

/// `a=1&b=2` decoded as the browser does (`URLSearchParams`: `+` is a space).
fn decode(text: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(text) else {
        return Vec::new();
    };
    js_sys::try_iter(&params)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let pair: Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The current page without its query and fragment, for the reschedule link.
pub fn current_page() -> String {
    web_sys::window()
        .and_then(|window| {
            let location = window.location();
            Some(format!("{}{}", location.origin().ok()?, location.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// The visitor's draft of one widget, kept for the browser tab's life.
#[derive(Clone)]
pub struct Draft {
    key: String,
}

impl Draft {
    /// The draft of the widget on `host`: one per provider, flow and element (its `id`,
    /// or its place among the page's widgets).
    pub fn of(host: &HtmlElement, config: &Config, index: usize) -> Self {
        let instance = Some(host.id())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| index.to_string());
        Self {
            key: format!(
                "booking-widget:{}:{}:{instance}",
                config.provider.key(),
                config.flow.key()
            ),
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    /// What the visitor had typed before a reload.
    pub fn load(&self) -> Option<VisitorForm> {
        let text = Self::storage()?.get_item(&self.key).ok()??;
        booking_core::json::read_json(text.as_bytes())
    }

    /// Keeps `form` (storage full or blocked: the form still works, unsaved).
    pub fn save(&self, form: &VisitorForm) {
        if let (Some(storage), Some(text)) = (Self::storage(), booking_core::json::to_json(form)) {
            let _ = storage.set_item(&self.key, &text);
        }
    }

    /// Forgets the draft once it is booked.
    pub fn clear(&self) {
        if let Some(storage) = Self::storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

/// Dispatches `booking-widget:{name}` on `host` (bubbling, composed, so listeners on
/// the document hear it) with `detail`, a JSON object, and pushes the same to
/// `window.dataLayer` when the page has one.
pub fn announce(host: &HtmlElement, name: &str, detail: &str) {
    let event_name = format!("booking-widget:{name}");
    let detail = js_sys::JSON::parse(detail).unwrap_or(JsValue::NULL);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&event_name, &init) {
        let _ = host.dispatch_event(&event);
    }
    let Some(window) = web_sys::window() else { return };
    let Ok(data_layer) = Reflect::get(&window, &JsValue::from_str("dataLayer")) else {
        return;
    };
    if let Some(data_layer) = data_layer.dyn_ref::<Array>() {
        let entry = js_sys::Object::assign(&js_sys::Object::new(), &detail.unchecked_into());
        let _ = Reflect::set(&entry, &JsValue::from_str("event"), &JsValue::from_str(&event_name));
        data_layer.push(&entry);
    }
}

/// Logs a message for the site owner in the console.
pub fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}

/// Logs a warning for the site owner in the console.
pub fn console_warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// A `blob:` address of the calendar file `ics`, for an `<a download>`.
pub fn calendar_url(ics: &str) -> Option<String> {
    let parts = Array::of1(&JsValue::from_str(ics));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/calendar");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Seconds since the epoch, now.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Sends the visitor to `link` after `delay_ms`, if it is a safe address; `false` when
/// it is refused.
pub fn follow_later(link: &str, delay_ms: i32) -> bool {
    let Ok(link) = followable(link) else {
        console_warn(&format!(
            "booking-widget: not following the provider's link \"{link}\": not an https address"
        ));
        return false;
    };
    let link = link.to_owned();
    let leave = Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(&link);
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(leave.unchecked_ref(), delay_ms);
    }
    true
}
