//! The widget in a real browser (headless Chromium through wasm-bindgen-test): what
//! only the DOM can show. `window.fetch` is replaced by a scripted fake, so each test
//! decides what the endpoint answers and sees exactly what was sent.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
let replies = [];
let sent = [];
let release = null;
export function fake_fetch() {
  replies = [];
  sent = [];
  release = null;
  window.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return request.text().then((body) => {
      sent.push({
        url: request.url,
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body,
      });
      const reply = replies.shift() || { hold: true };
      return new Promise((resolve, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
        const answer = () => {
          if (reply.offline) reject(new TypeError("Failed to fetch"));
          else resolve(new Response(reply.body, { status: reply.status, headers: reply.headers || {} }));
        };
        if (reply.hold) release = answer;
        else answer();
      });
    });
  };
}
export function reply(status, body, headers) { replies.push({ status, body, headers }); }
export function reply_offline() { replies.push({ offline: true }); }
export function hold_next(status, body) { replies.push({ hold: true, status, body }); }
export function release_held() { if (release) { const answer = release; release = null; answer(); } }
export function sent_requests() { return JSON.stringify(sent); }
"#)]
extern "C" {
    fn fake_fetch();
    fn reply(status: u16, body: &str, headers: JsValue);
    fn reply_offline();
    fn hold_next(status: u16, body: &str);
    fn release_held();
    fn sent_requests() -> String;
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A host element with these attributes, mounted, once the tasks after mounting (the
/// browser's zone, then the list of zones) have run; its shadow root.
async fn mount(id: &str, attributes: &[(&str, &str)]) -> ShadowRoot {
    let host: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    host.set_id(id);
    host.set_attribute("data-booking-widget", "").unwrap();
    for (name, value) in attributes {
        host.set_attribute(name, value).unwrap();
    }
    document().body().unwrap().append_child(&host).unwrap();
    booking_widget::mount(&host, 0).unwrap();
    sleep(0).await;
    let root = host.shadow_root().unwrap();
    if root.query_selector("select").unwrap().is_some() {
        until("the list of zones", || {
            root.query_selector("select option").unwrap().is_some()
        })
        .await;
    }
    root
}

const ICLOSED: &[(&str, &str)] = &[
    ("data-provider", "iclosed"),
    ("data-endpoint", "https://relay.test/iclosed"),
    ("data-event-id", "42"),
];

/// Typed date and time (the slot picker's own test gives it free times).
const CALCOM: &[(&str, &str)] = &[
    ("data-provider", "calcom"),
    ("data-endpoint", "https://relay.test/calcom"),
    ("data-event-type-id", "1001"),
    ("data-availability", "off"),
];

/// Lets timers, fetches and the reactive system run for `ms`.
async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to two seconds) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn find(root: &ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// Types `value` into the input labelled `label`, as a visitor would.
fn type_into(root: &ShadowRoot, label: &str, value: &str) {
    let labels = root.query_selector_all("label").unwrap();
    let id = (0..labels.length())
        .filter_map(|i| labels.get(i)?.dyn_into::<Element>().ok())
        .find(|element| element.text_content().as_deref() == Some(label))
        .and_then(|element| element.get_attribute("for"))
        .unwrap_or_else(|| panic!("no label {label:?}"));
    let input = find(root, &format!("#{id}"));
    Reflect::set(&input, &"value".into(), &value.into()).unwrap();
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let kind = if input.tag_name() == "SELECT" {
        "change"
    } else {
        "input"
    };
    input
        .dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

fn fill_iclosed(root: &ShadowRoot) {
    type_into(root, "First name", "Ada");
    type_into(root, "Last name", "Lovelace");
    type_into(root, "Email", "ada@example.com");
    type_into(root, "Phone", "+1 212 555 0100");
    type_into(root, "Date", "2030-03-12");
    type_into(root, "Time", "10:30");
    type_into(root, "Time zone", "America/New_York");
}

fn submit(root: &ShadowRoot) {
    find(root, "button[type=submit]")
        .unchecked_into::<HtmlElement>()
        .click();
}

fn submit_disabled(root: &ShadowRoot) -> bool {
    find(root, "button[type=submit]").has_attribute("disabled")
}

fn sent() -> Vec<serde_json::Value> {
    serde_json::from_str(&sent_requests()).unwrap()
}

const ICLOSED_CREATED: &str =
    r#"{"status":"success","data":{"eventCall":{"data":{"id":501,"startTime":"2030-03-12T14:30:00.000Z"}}}}"#;

#[wasm_bindgen_test]
async fn embed_mistakes_render_in_the_widget() {
    let root = mount(
        "config-errors",
        &[("data-provider", "calendly"), ("data-endpoint", "relay.example.com")],
    )
    .await;
    let alert = text(&root, "[role=alert]");
    assert!(alert.contains("not set up correctly"), "{alert}");
    assert!(alert.contains("data-provider") && alert.contains("calendly"), "{alert}");

    let root = mount(
        "config-errors-2",
        &[
            ("data-provider", "iclosed"),
            ("data-flow", "call"),
            ("data-endpoint", "relay.example.com"),
        ],
    )
    .await;
    let alert = text(&root, "[role=alert]");
    assert!(alert.contains("data-flow") && alert.contains("no call flow"), "{alert}");
    assert!(
        alert.contains("data-endpoint") && alert.contains("is not a web address"),
        "{alert}"
    );
    assert!(
        root.query_selector("form").unwrap().is_none(),
        "no form for a broken embed"
    );
}

#[wasm_bindgen_test]
async fn every_input_has_a_visible_label_and_the_button_says_what_it_does() {
    let root = mount("labels", ICLOSED).await;
    for label in ["First name", "Last name", "Email", "Phone", "Date", "Time", "Time zone"] {
        let labels = root.query_selector_all("label").unwrap();
        let found = (0..labels.length()).any(|i| labels.get(i).unwrap().text_content().as_deref() == Some(label));
        assert!(found, "label {label:?}");
    }
    assert_eq!(text(&root, "button[type=submit]"), "Book call");
    let call = mount(
        "labels-call",
        &[
            ("data-provider", "calcom"),
            ("data-flow", "call"),
            ("data-endpoint", "https://relay.test/calcom"),
            ("data-team-id", "7"),
            ("data-event-type-id", "1001"),
        ],
    )
    .await;
    assert_eq!(text(&call, "button[type=submit]"), "Call me");
    assert!(call.query_selector("#date").unwrap().is_none(), "a call has no date");
}

#[wasm_bindgen_test]
async fn messages_appear_by_the_field_as_the_visitor_types() {
    let root = mount("typing", ICLOSED).await;
    let email = find(&root, "#email");
    assert_eq!(
        email.get_attribute("aria-invalid"),
        None,
        "nothing typed, nothing flagged"
    );
    type_into(&root, "Email", "ada@");
    sleep(0).await;
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(email.get_attribute("aria-describedby").as_deref(), Some("email-error"));
    assert!(!text(&root, "#email-error").is_empty());
    assert_eq!(
        find(&root, "#first-name").get_attribute("aria-invalid"),
        None,
        "untouched fields stay quiet"
    );

    type_into(&root, "Email", "ada@example.com");
    sleep(0).await;
    assert_eq!(email.get_attribute("aria-invalid"), None);
    assert_eq!(email.get_attribute("aria-describedby"), None);
    assert_eq!(text(&root, "#email-error"), "");
}

#[wasm_bindgen_test]
async fn submit_flags_every_problem_and_focuses_the_first() {
    fake_fetch();
    let root = mount("submit-empty", ICLOSED).await;
    type_into(&root, "Date", "");
    submit(&root);
    sleep(0).await;
    assert_eq!(
        find(&root, "#email").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        find(&root, "#date").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    let focused = root.active_element().expect("something focused");
    assert_eq!(focused.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(focused.id(), "email", "the first invalid input in the order shown");
    assert!(sent().is_empty(), "nothing is sent while the form has problems");
}

#[wasm_bindgen_test]
async fn a_spring_forward_gap_is_explained() {
    let root = mount("dst-gap", ICLOSED).await;
    type_into(&root, "Time zone", "America/New_York");
    type_into(&root, "Date", "2026-03-08");
    type_into(&root, "Time", "02:30");
    sleep(0).await;
    let message = text(&root, "#time-error");
    assert!(
        message.contains("does not exist") && message.contains("02:00") && message.contains("03:00"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn submit_is_disabled_while_the_request_is_in_flight() {
    fake_fetch();
    let root = mount("in-flight", ICLOSED).await;
    fill_iclosed(&root);
    hold_next(201, ICLOSED_CREATED);
    submit(&root);
    until("the request", || sent().len() == 1).await;
    assert!(submit_disabled(&root));
    submit(&root);
    submit(&root);
    sleep(50).await;
    assert_eq!(sent().len(), 1, "clicks while in flight send nothing");
    release_held();
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    let request = &sent()[0];
    assert_eq!(request["url"], "https://relay.test/iclosed/v1/eventCalls");
    assert_eq!(request["method"], "POST");
    let body: serde_json::Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["dateTime"], "2030-03-12T14:30:00Z");
    assert_eq!(body["eventId"], 42);
    assert_eq!(body["phoneNumber"], "+12125550100");
}

#[wasm_bindgen_test]
async fn a_retry_after_a_failure_reuses_the_idempotency_key_and_keeps_the_form() {
    fake_fetch();
    let root = mount("retry", ICLOSED).await;
    fill_iclosed(&root);
    reply_offline();
    submit(&root);
    until("the offline message", || {
        text(&root, "#bw-alert").contains("could not reach")
    })
    .await;
    assert_eq!(
        find(&root, "#email").unchecked_into::<HtmlInputElement>().value(),
        "ada@example.com"
    );
    assert!(!submit_disabled(&root));

    reply(503, r#"{"errors":[]}"#, JsValue::UNDEFINED);
    submit(&root);
    until("the 5xx message", || text(&root, "#bw-alert").contains("error 503")).await;

    reply(201, ICLOSED_CREATED, JsValue::UNDEFINED);
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    let keys: Vec<String> = sent()
        .iter()
        .map(|request| request["headers"]["idempotency-key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|key| *key == keys[0] && !key.is_empty()), "{keys:?}");

    // A changed form is a new submission with a new key.
    let root = mount("retry-edit", ICLOSED).await;
    fill_iclosed(&root);
    reply_offline();
    submit(&root);
    until("the offline message", || {
        text(&root, "#bw-alert").contains("could not reach")
    })
    .await;
    type_into(&root, "Last name", "Byron");
    reply(201, ICLOSED_CREATED, JsValue::UNDEFINED);
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    let requests = sent();
    let last_two = &requests[requests.len() - 2..];
    assert_ne!(
        last_two[0]["headers"]["idempotency-key"],
        last_two[1]["headers"]["idempotency-key"]
    );
}

#[wasm_bindgen_test]
async fn a_timeout_gets_its_own_message() {
    fake_fetch();
    let mut attributes = ICLOSED.to_vec();
    attributes.push(("data-timeout", "1"));
    let root = mount("timeout", &attributes).await;
    fill_iclosed(&root);
    hold_next(201, ICLOSED_CREATED);
    submit(&root);
    for _ in 0..30 {
        if text(&root, "#bw-alert").contains("too long") {
            break;
        }
        sleep(100).await;
    }
    assert!(
        text(&root, "#bw-alert").contains("too long"),
        "{}",
        text(&root, "#bw-alert")
    );
    assert!(!submit_disabled(&root));
}

#[wasm_bindgen_test]
async fn field_errors_of_a_422_land_on_their_fields() {
    fake_fetch();
    let root = mount("server-422", ICLOSED).await;
    fill_iclosed(&root);
    reply(
        422,
        r#"{"errors":[{"field":"email","code":"format","message":"This address does not receive mail."}]}"#,
        JsValue::UNDEFINED,
    );
    submit(&root);
    until("the field message", || {
        text(&root, "#email-error").contains("does not receive mail")
    })
    .await;
    assert_eq!(
        find(&root, "#email").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        root.active_element().map(|element| element.id()).as_deref(),
        Some("email")
    );
    type_into(&root, "Email", "ada@example.org");
    sleep(0).await;
    assert_eq!(
        text(&root, "#email-error"),
        "",
        "editing the field clears the provider's message"
    );
}

#[wasm_bindgen_test]
async fn the_draft_survives_a_reload_and_is_cleared_on_success() {
    fake_fetch();
    let root = mount("draft", ICLOSED).await;
    type_into(&root, "First name", "Grace");
    type_into(&root, "Email", "grace@example.com");
    // The draft is kept when the page is left: a reload fires `pagehide`.
    web_sys::window()
        .unwrap()
        .dispatch_event(&Event::new("pagehide").unwrap())
        .unwrap();
    root.host().remove();

    // The same widget on the next page load.
    let root = mount("draft", ICLOSED).await;
    assert_eq!(
        find(&root, "#first-name").unchecked_into::<HtmlInputElement>().value(),
        "Grace"
    );
    assert_eq!(
        find(&root, "#email").unchecked_into::<HtmlInputElement>().value(),
        "grace@example.com"
    );

    fill_iclosed(&root);
    reply(201, ICLOSED_CREATED, JsValue::UNDEFINED);
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    root.host().remove();
    let root = mount("draft", ICLOSED).await;
    assert_eq!(
        find(&root, "#first-name").unchecked_into::<HtmlInputElement>().value(),
        ""
    );
}

#[wasm_bindgen_test]
async fn a_javascript_redirect_is_refused() {
    fake_fetch();
    let before = web_sys::window().unwrap().location().href().unwrap();
    let root = mount("redirect", ICLOSED).await;
    fill_iclosed(&root);
    reply(
        201,
        r#"{"status":"success","data":{"eventCall":{"data":{"id":77,"redirectUrl":"javascript:alert(document.cookie)"}}}}"#,
        JsValue::UNDEFINED,
    );
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    assert!(text(&root, ".bw-done").contains("not a secure web address"));
    let links = root.query_selector_all("a").unwrap();
    for i in 0..links.length() {
        let href = links
            .get(i)
            .unwrap()
            .unchecked_into::<Element>()
            .get_attribute("href")
            .unwrap_or_default();
        assert!(!href.to_ascii_lowercase().starts_with("javascript:"), "{href}");
    }
    sleep(50).await;
    assert_eq!(web_sys::window().unwrap().location().href().unwrap(), before);
}

#[wasm_bindgen_test]
async fn provider_strings_are_shown_as_text() {
    fake_fetch();
    let root = mount("as-text", CALCOM).await;
    type_into(&root, "First name", "Ada");
    type_into(&root, "Email", "ada@example.com");
    type_into(&root, "Date", "2030-03-12");
    type_into(&root, "Time", "10:30");
    type_into(&root, "Time zone", "Europe/Berlin");
    let hostile = "<img src=x onerror=alert(1)>";
    let body = serde_json::json!({
        "status": "success",
        "data": {"id": 1, "uid": hostile, "start": "2030-03-12T09:30:00.000Z", "status": "accepted"}
    });
    reply(201, &body.to_string(), JsValue::UNDEFINED);
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    assert_eq!(text(&root, ".bw-id"), hostile);
    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element was made from the provider's text"
    );
    let request = &sent()[0];
    assert_eq!(request["headers"]["cal-api-version"], "2024-08-13");
    let when = text(&root, ".bw-when");
    assert!(when.contains("2030") && when.contains("Europe/Berlin"), "{when}");
}

#[wasm_bindgen_test]
async fn success_announces_itself_and_offers_a_calendar_file_and_a_reschedule_link() {
    fake_fetch();
    let data_layer = Array::new();
    Reflect::set(&web_sys::window().unwrap(), &"dataLayer".into(), &data_layer).unwrap();
    let heard = std::rc::Rc::new(std::cell::RefCell::new(None::<JsValue>));
    let listener = {
        let heard = heard.clone();
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            *heard.borrow_mut() = Some(event.detail());
        })
    };
    document()
        .add_event_listener_with_callback("booking-widget:booked", listener.as_ref().unchecked_ref())
        .unwrap();

    let root = mount("announce", ICLOSED).await;
    fill_iclosed(&root);
    let headers = js_sys::Object::new();
    Reflect::set(&headers, &"reschedule-token".into(), &"tok en/+".into()).unwrap();
    reply(201, ICLOSED_CREATED, headers.into());
    submit(&root);
    until("the event", || heard.borrow().is_some()).await;

    let detail = heard.borrow().clone().unwrap();
    let detail: serde_json::Value =
        serde_json::from_str(&String::from(js_sys::JSON::stringify(&detail).unwrap())).unwrap();
    assert_eq!(detail["provider"], "iclosed");
    assert_eq!(detail["bookingId"], "501");
    assert_eq!(detail["start"], "2030-03-12T14:30:00Z");
    assert_eq!(detail["timeZone"], "America/New_York");
    assert_eq!(detail["email"], "ada@example.com");
    assert_eq!(data_layer.length(), 1);
    assert_eq!(
        Reflect::get(&data_layer.get(0), &"event".into()).unwrap(),
        "booking-widget:booked"
    );

    let calendar = find(&root, "a[download]");
    assert!(calendar.get_attribute("href").unwrap().starts_with("blob:"));
    assert_eq!(calendar.text_content().as_deref(), Some("Add to calendar"));
    let reschedule = root.query_selector_all("a").unwrap();
    let reschedule = (0..reschedule.length())
        .filter_map(|i| reschedule.get(i)?.dyn_into::<Element>().ok())
        .find(|a| a.text_content().as_deref() == Some("Reschedule"))
        .expect("a reschedule link");
    let href = reschedule.get_attribute("href").unwrap();
    assert!(
        href.contains("booking=501") && href.contains("token=tok%20en%2F%2B") && href.contains("provider=iclosed"),
        "{href}"
    );
    Reflect::delete_property(&web_sys::window().unwrap(), &"dataLayer".into()).unwrap();
}

#[wasm_bindgen_test]
async fn gohighlevel_books_as_contact_upsert_then_appointment() {
    fake_fetch();
    let root = mount(
        "ghl",
        &[
            ("data-provider", "gohighlevel"),
            ("data-endpoint", "https://relay.test/gohighlevel"),
            ("data-calendar-id", "cal-1"),
            ("data-location-id", "loc-1"),
            ("data-availability", "off"),
        ],
    )
    .await;
    fill_iclosed(&root);
    reply(200, r#"{"new":true,"contact":{"id":"contact-9"}}"#, JsValue::UNDEFINED);
    reply(
        201,
        r#"{"id":"appt-1","calendarId":"cal-1","contactId":"contact-9","startTime":"2030-03-12T10:30:00-04:00","appointmentStatus":"confirmed"}"#,
        JsValue::UNDEFINED,
    );
    submit(&root);
    until("the success view", || {
        root.query_selector(".bw-done").unwrap().is_some()
    })
    .await;
    let requests = sent();
    assert_eq!(requests[0]["url"], "https://relay.test/gohighlevel/contacts/upsert");
    assert_eq!(requests[0]["headers"]["version"], "2021-07-28");
    assert_eq!(
        requests[1]["url"],
        "https://relay.test/gohighlevel/calendars/events/appointments"
    );
    assert_eq!(requests[1]["headers"]["version"], "2021-04-15");
    let body: serde_json::Value = serde_json::from_str(requests[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["contactId"], "contact-9");
    assert_eq!(body["startTime"], "2030-03-12T10:30:00-04:00");
    assert_ne!(
        requests[0]["headers"]["idempotency-key"],
        requests[1]["headers"]["idempotency-key"]
    );
}

/// A Cal.com slots answer with two free times two days from now, at 10:00 and 10:30 UTC.
fn two_free_times() -> String {
    let day = js_sys::Date::now() + 2.0 * 86_400_000.0;
    let date = js_sys::Date::new(&JsValue::from_f64(day))
        .to_iso_string()
        .as_string()
        .unwrap()[..10]
        .to_owned();
    format!(
        r#"{{"status":"success","data":{{"{date}":[{{"start":"{date}T10:00:00.000Z"}},{{"start":"{date}T10:30:00.000Z"}}]}}}}"#
    )
}

#[wasm_bindgen_test]
async fn the_picker_is_an_aria_grid_with_one_tab_stop_and_a_named_group_of_times() {
    fake_fetch();
    let body = two_free_times();
    for _ in 0..3 {
        reply(200, &body, JsValue::UNDEFINED);
    }
    let root = mount(
        "picker",
        &[
            ("data-provider", "calcom"),
            ("data-endpoint", "https://relay.test/calcom"),
            ("data-event-type-id", "1001"),
            ("data-time-zone", "UTC"),
            ("data-hour-cycle", "h23"),
        ],
    )
    .await;
    until("the times", || root.query_selector(".bw-time").unwrap().is_some()).await;

    let grid = find(&root, "[role=grid]");
    let title = find(&root, &format!("#{}", grid.get_attribute("aria-labelledby").unwrap()));
    assert!(
        title.text_content().unwrap().contains(' '),
        "the grid is named by its month and year"
    );
    assert_eq!(grid.query_selector_all("th[scope=col][abbr]").unwrap().length(), 7);
    assert_eq!(
        grid.query_selector_all("tbody tr").unwrap().length(),
        6,
        "six rows in every month"
    );
    let stops = grid.query_selector_all("[tabindex='0']").unwrap();
    assert_eq!(stops.length(), 1, "one day is in the tab order");
    let opened: Element = stops.get(0).unwrap().dyn_into().unwrap();
    assert_eq!(
        opened.get_attribute("aria-disabled"),
        None,
        "the tab stop is the first free day"
    );
    assert!(
        opened.get_attribute("aria-label").unwrap().len() > 12,
        "a day is named with its whole date"
    );
    assert_eq!(
        opened
            .parent_element()
            .unwrap()
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    let disabled = grid
        .query_selector_all(".bw-day[aria-disabled='true']")
        .unwrap()
        .length();
    let days = grid.query_selector_all(".bw-day").unwrap().length();
    assert_eq!(disabled, days - 1, "only the day with free times is enabled");

    let group = find(&root, "[role=group]");
    let name = find(&root, &format!("#{}", group.get_attribute("aria-labelledby").unwrap()));
    assert!(name.text_content().unwrap().starts_with("Times on "));
    let times: Vec<String> = (0..2)
        .map(|index| {
            group
                .query_selector_all(".bw-time")
                .unwrap()
                .get(index)
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(
        times,
        ["10:00", "10:30"],
        "labelled in the visitor's zone and hour cycle"
    );

    let later: HtmlElement = group
        .query_selector_all(".bw-time")
        .unwrap()
        .get(1)
        .unwrap()
        .dyn_into()
        .unwrap();
    later.click();
    until("the time marked", || {
        root.query_selector(".bw-time[aria-pressed='true']")
            .unwrap()
            .is_some_and(|pressed| pressed.text_content().as_deref() == Some("10:30"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_refusal_s_text_is_shown_by_the_picker_as_text() {
    fake_fetch();
    let body = two_free_times();
    // The first month and the one asked ahead.
    reply(200, &body, JsValue::UNDEFINED);
    reply(200, &body, JsValue::UNDEFINED);
    let root = mount(
        "picker-as-text",
        &[
            ("data-provider", "calcom"),
            ("data-endpoint", "https://relay.test/calcom"),
            ("data-event-type-id", "1001"),
            ("data-time-zone", "UTC"),
        ],
    )
    .await;
    until("the times", || root.query_selector(".bw-time").unwrap().is_some()).await;
    type_into(&root, "First name", "Ada");
    type_into(&root, "Email", "ada@example.com");
    // The hold fails (the visitor books without one), then the booking is refused as
    // taken with markup in the provider's words; the month is asked again.
    reply(500, "{}", JsValue::UNDEFINED);
    let hostile = "<img src=x onerror=alert(1)> is taken";
    let refusal = serde_json::json!({
        "errors": [{"field": "start", "code": "slot_unavailable", "message": hostile}]
    });
    reply(422, &refusal.to_string(), JsValue::UNDEFINED);
    reply(200, &body, JsValue::UNDEFINED);
    find(&root, ".bw-time").unchecked_into::<HtmlElement>().click();
    sleep(0).await;
    submit(&root);
    until("the notice", || text(&root, ".bw-notice").contains("is taken")).await;
    assert!(
        text(&root, ".bw-notice").starts_with(hostile),
        "{}",
        text(&root, ".bw-notice")
    );
    assert_eq!(text(&root, "#date-error"), hostile);
    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element was made from the provider's text"
    );
}
