//! The thin fetch layer: one request of a submission to the configured endpoint, with
//! its `Idempotency-Key` and a timeout; what comes back goes to `booking-core`.
//!
//! `fetch` through web-sys directly: gloo-net's request builder went through `Request`,
//! `URL` and `URLSearchParams` objects to merge query parameters the widget never has,
//! which cost the wasm and its glue about 1 KB of brotli.

use booking_core::embed::{Failure, Next, Request, Step, Submission, Success};
use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, HtmlElement, RequestInit, Response};

/// Response header carrying the relay's proof for a later reschedule.
const RESCHEDULE_TOKEN: &str = "reschedule-token";

/// A finished submission and the relay's reschedule token, when it sent one.
pub struct Booked {
    /// What the provider answered.
    pub success: Success,
    /// `Reschedule-Token` of the booking reply.
    pub token: Option<String>,
}

/// Sends `submission` to its end (GoHighLevel: contact, then appointment). `key` is the
/// submission's idempotency key: a retry of the same form sends the same key, so the
/// relay answers with the first result instead of booking twice.
pub async fn submit(submission: &Submission<'_>, key: &str, timeout_seconds: u32) -> Result<Booked, Failure> {
    let mut request = submission.first();
    let mut token = None;
    loop {
        let step_key = match request.step {
            Step::Contact => format!("{key}-contact"),
            Step::Booking => key.to_owned(),
        };
        let (status, reply_token, body) = send(&request, Some(&step_key), timeout_seconds).await?;
        token = reply_token.or(token);
        match submission.answer(request.step, status, &body)? {
            Next::Send(next) => request = next,
            Next::Done(success) => return Ok(Booked { success, token }),
        }
    }
}

/// Where embed.js leaves the first month's free times it asked for while the wasm was
/// loading: `{ url, body, answer }` on the widget's element, `answer` the `fetch`
/// promise. A contract between the two files of the same build (embed.js
/// `askFirstMonth`), not with the page.
const FIRST_MONTH: &str = "bookingWidgetFirstMonth";

/// The answer embed.js is already waiting for, when it asked exactly `request` (the
/// same URL and body; any difference, such as a zone from the visitor's draft, and the
/// wasm asks itself). Taken once.
pub fn asked_by_embed(host: &HtmlElement, request: &Request) -> Option<Promise> {
    let key = JsValue::from_str(FIRST_MONTH);
    let asked = Reflect::get(host, &key).ok().filter(JsValue::is_object)?;
    let _ = Reflect::delete_property(host, &key);
    let field = |name: &str| Reflect::get(&asked, &JsValue::from_str(name)).ok();
    let same =
        field("url")?.as_string()? == request.url && field("body")?.as_string().unwrap_or_default() == request.body;
    same.then(|| field("answer")?.dyn_into().ok()).flatten()
}

/// Reads an answer `fetch` is already waiting for (see [`asked_by_embed`]).
pub async fn read_asked(answer: Promise) -> Result<(u16, Vec<u8>), Failure> {
    let response: Response = JsFuture::from(answer)
        .await
        .and_then(JsCast::dyn_into)
        .map_err(|_| Failure::Offline)?;
    let body = JsFuture::from(response.array_buffer().map_err(|_| Failure::Offline)?)
        .await
        .map_err(|_| Failure::Offline)?;
    Ok((response.status(), Uint8Array::new(&body).to_vec()))
}

/// Sends a read (availability): its status and body.
pub async fn read(request: &Request, timeout_seconds: u32) -> Result<(u16, Vec<u8>), Failure> {
    let (status, _, body) = send(request, None, timeout_seconds).await?;
    Ok((status, body))
}

/// Sends `request` and forgets it: it goes on even as the page is left (`keepalive`),
/// and nothing waits for its answer (a hold released).
pub fn forget(request: &Request) {
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    // `keepalive` has no setter in web-sys's stable API.
    let _ = Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    if let Ok(headers) = Headers::new() {
        for (name, value) in &request.headers {
            let _ = headers.set(name, value);
        }
        init.set_headers(&headers);
    }
    if let Some(window) = web_sys::window() {
        let _ = window.fetch_with_str_and_init(&request.url, &init);
    }
}

/// One request: a write carries its JSON body and idempotency `key`, a read neither.
async fn send(
    request: &Request,
    key: Option<&str>,
    timeout_seconds: u32,
) -> Result<(u16, Option<String>, Vec<u8>), Failure> {
    // `AbortSignal.timeout` aborts with a `TimeoutError`, which tells a slow answer
    // from a network that is down (a `TypeError`).
    let signal = AbortSignal::timeout_with_u32(timeout_seconds.saturating_mul(1_000));
    let failure = |error: JsValue| {
        let name = Reflect::get(&error, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string());
        if name.as_deref() == Some("TimeoutError") || signal.aborted() {
            Failure::Timeout
        } else {
            Failure::Offline
        }
    };
    let response: Response = async {
        let headers = Headers::new()?;
        if let Some(key) = key {
            headers.set("idempotency-key", key)?;
        }
        if !request.body.is_empty() {
            headers.set("content-type", "application/json")?;
        }
        for (name, value) in &request.headers {
            headers.set(name, value)?;
        }
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_headers(&headers);
        if !request.body.is_empty() {
            init.set_body(&JsValue::from_str(&request.body));
        }
        init.set_signal(Some(&signal));
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        JsFuture::from(window.fetch_with_str_and_init(&request.url, &init))
            .await?
            .dyn_into()
    }
    .await
    .map_err(failure)?;
    let token = response.headers().get(RESCHEDULE_TOKEN).ok().flatten();
    let body = JsFuture::from(response.array_buffer().map_err(failure)?)
        .await
        .map_err(failure)?;
    Ok((response.status(), token, Uint8Array::new(&body).to_vec()))
}

/// A fresh idempotency key: `crypto.randomUUID()` (every browser the wasm runs in
/// has it on https and localhost pages; elsewhere, two random numbers' digits, 32 in
/// all: the relay takes keys of 16 to 255 characters).
pub fn new_key() -> String {
    let digits = || (js_sys::Math::random() * 1e16) as u64;
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| format!("{:016}{:016}", digits(), digits()))
}
