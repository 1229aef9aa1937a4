//! The harness the integration tests share (`mod common;` in each test file): the
//! operator's secrets, serve-mode and sandbox relays driven through their router
//! (`app(state).oneshot(request)`), the relay's answers read as JSON (`Answer`) or as
//! bytes in the provider's shape (`Reply`), log capture, and (in `fake`) a recording
//! fake provider on 127.0.0.1.
//!
//! Each test binary uses a part of it.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use booking_core::calcom::{self, TemplateType};
use booking_relay::config::{CalcomPolicy, Config, IclosedPolicy, Limits};
use booking_relay::{AppState, Secrets};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------
// Secrets, origins and paths
// ---------------------------------------------------------------------------------------

/// iClosed's API key in serve mode.
pub const ICLOSED_KEY: &str = "iclosed-SECRETKEY123456";
/// HighLevel's private integration token in serve mode.
pub const GOHIGHLEVEL_TOKEN: &str = "pit-1234abcd-secret";
/// meetergo's API key in serve mode.
pub const MEETERGO_KEY: &str = "ak_live:SECRETMEETERGO";
/// Cal.com's API key in serve mode.
pub const CALCOM_KEY: &str = "cal_live_SECRETCALCOM";
/// The relay's token key in serve mode: 40 characters.
pub const TOKEN_KEY: &str = "RELAYTOKENKEY-0123456789abcdefghijklmnop";
/// The one page origin serve-mode configs allow.
pub const ALLOWED_ORIGIN: &str = "https://www.acme.example";
/// The visitor's (and the sandbox host's) time zone.
pub const NEW_YORK: &str = "America/New_York";

/// iClosed's create-call route on the relay.
pub const ICLOSED_CALLS: &str = "/iclosed/v1/eventCalls";
/// iClosed's reschedule route on the relay.
pub const ICLOSED_RESCHEDULE: &str = "/iclosed/v1/eventCalls/reschedule";
/// Cal.com's bookings route on the relay.
pub const CALCOM_BOOKINGS: &str = "/calcom/v2/bookings";

/// The environment `serve` reads: every provider's secret and the token key, no
/// previous token key.
pub fn env() -> HashMap<String, String> {
    [
        ("ICLOSED_API_KEY", ICLOSED_KEY),
        ("GOHIGHLEVEL_API_TOKEN", GOHIGHLEVEL_TOKEN),
        ("MEETERGO_API_KEY", MEETERGO_KEY),
        ("CALCOM_API_KEY", CALCOM_KEY),
        ("RELAY_TOKEN_KEY", TOKEN_KEY),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

/// The secrets `config` needs, read from `env()`.
pub fn secrets(config: &Config) -> Secrets {
    let env = env();
    Secrets::from_env(config, |name| env.get(name).cloned()).expect("all secrets are set")
}

// ---------------------------------------------------------------------------------------
// Configs and limits
// ---------------------------------------------------------------------------------------

/// Per-client limits no test trips unless it means to (the default burst is 40 per
/// client, and every `oneshot` request without a `ConnectInfo` is the same client).
pub fn roomy_limits() -> Limits {
    Limits {
        requests_per_second: 100_000,
        burst: 100_000,
        ..Limits::default()
    }
}

/// A config from the operator's TOML, checked as `Config::load` checks it, with roomy limits.
pub fn config_from_toml(text: &str) -> Config {
    let mut config: Config = toml::from_str(text).unwrap_or_else(|error| panic!("config does not parse: {error}"));
    config
        .check()
        .unwrap_or_else(|error| panic!("config is refused: {error}"));
    config.limits = roomy_limits();
    config
}

/// iClosed at `base`, with the operator's event 4711.
pub fn iclosed_policy(base: &str) -> IclosedPolicy {
    IclosedPolicy {
        base_url: Some(base.to_owned()),
        event_id: Some(4711),
        link_prefix: None,
    }
}

/// Cal.com at `base`, with the operator's phone number, prompt, greeting, scheduler
/// and template (event type and team left to the visitor).
pub fn calcom_policy(base: &str) -> CalcomPolicy {
    CalcomPolicy {
        base_url: Some(base.to_owned()),
        your_phone_number: Some("+12125550100".into()),
        general_prompt: Some("Operator prompt".into()),
        begin_message: Some("Operator hello".into()),
        scheduler_name: Some("Acme Scheduler".into()),
        template_type: Some(TemplateType::CustomTemplate),
        event_type_id: None,
        team_id: None,
    }
}

// ---------------------------------------------------------------------------------------
// The relay
// ---------------------------------------------------------------------------------------

/// The relay's state in serve mode with `config` (checked) and the secrets of `env()`.
pub fn serve_state(config: &Config) -> Arc<AppState> {
    config.check().expect("the test config is valid");
    Arc::new(AppState::serve(config, secrets(config)).expect("the HTTP client starts"))
}

/// A relay's state and its router.
pub struct Relay {
    pub state: Arc<AppState>,
    pub app: Router,
}

impl Relay {
    /// The router over `state`.
    pub fn of(state: Arc<AppState>) -> Self {
        Self {
            app: booking_relay::app(state.clone()),
            state,
        }
    }
}

/// The relay in serve mode with `config`.
pub fn relay(config: &Config) -> Relay {
    Relay::of(serve_state(config))
}

/// The relay's answer, read as JSON (`Value::Null` when it is not).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The exact body.
    pub text: String,
    pub body: Value,
}

impl Answer {
    /// The `Reschedule-Token` header.
    pub fn token(&self) -> Option<&str> {
        self.headers.get("reschedule-token").map(|v| v.to_str().unwrap())
    }

    /// The error fields, in order (none when there is no `errors[]`).
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| error["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Sends `request` to `app` and reads the answer (checking nothing).
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

// ---------------------------------------------------------------------------------------
// Replies read in the provider's shape
// ---------------------------------------------------------------------------------------

/// The relay's answer as bytes, to be read in a provider's documented shape.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// `method path` with `headers` and a JSON body (none when `body` is `None`).
pub fn build(method: Method, path: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.map_or_else(Body::empty, Body::from)).unwrap()
}

impl Reply {
    /// Sends `request` to `app` and reads the reply.
    pub async fn of(app: &Router, request: Request<Body>) -> Self {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Self { status, headers, body }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("{} body is not JSON ({error}): {:?}", self.status, self.body))
    }

    /// The body read as the provider's documented reply type.
    pub fn parse<T: DeserializeOwned>(&self) -> T {
        booking_core::parse_response::<T>(&self.body).unwrap_or_else(|error| {
            panic!(
                "{} body is not in the documented shape: {error}\n{}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    /// The `Reschedule-Token` header.
    pub fn token(&self) -> Option<String> {
        self.header("reschedule-token").map(str::to_owned)
    }

    /// The `Reschedule-Token` header, which must be there.
    #[track_caller]
    pub fn expect_token(&self) -> String {
        self.token()
            .unwrap_or_else(|| panic!("no reschedule-token header on {self:?}"))
    }

    /// The contract's error body, as sorted `(field, code)` pairs; every error has
    /// exactly `field`, `code` and a non-empty `message`.
    pub fn errors(&self) -> Vec<(String, String)> {
        let body = self.json();
        let object = body
            .as_object()
            .unwrap_or_else(|| panic!("error body is not an object: {body}"));
        assert_eq!(object.len(), 1, "error body has more than `errors`: {body}");
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors list: {body}"));
        assert!(!errors.is_empty(), "empty errors list: {body}");
        let mut pairs: Vec<(String, String)> = errors
            .iter()
            .map(|error| {
                let keys: BTreeSet<&str> = error.as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, BTreeSet::from(["code", "field", "message"]), "{body}");
                assert!(!error["message"].as_str().unwrap().is_empty(), "empty message: {body}");
                (
                    error["field"].as_str().unwrap().to_owned(),
                    error["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    }

    /// Asserts `status` and exactly these broken rules (in any order, each once).
    #[track_caller]
    pub fn expect_errors(&self, status: StatusCode, expected: &[(&str, &str)]) {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        let mut expected: Vec<(String, String)> = expected
            .iter()
            .map(|(field, code)| ((*field).to_owned(), (*code).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(self.errors(), expected, "{}", String::from_utf8_lossy(&self.body));
    }

    /// Asserts `status`.
    #[track_caller]
    pub fn expect_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        self
    }
}

/// The one booking of a Cal.com booking reply.
pub fn calcom_single(reply: &Reply) -> calcom::Booking {
    match reply.parse::<calcom::BookingResponse>().data {
        calcom::BookingData::One(booking) => *booking,
        calcom::BookingData::Many(many) => panic!("expected one booking, got {many:?}"),
    }
}

/// A valid iClosed call at `date_time`, the visitor in New York.
pub fn iclosed_call(date_time: &str) -> Value {
    json!({
        "dateTime": date_time,
        "timeZone": NEW_YORK,
        "email": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "eventId": 42,
    })
}

/// A valid move of iClosed call `id` to `date_time`.
pub fn iclosed_move(id: i64, date_time: &str) -> Value {
    json!({ "id": id, "dateTime": date_time, "timeZone": NEW_YORK, "rescheduleReason": "Clash" })
}

// ---------------------------------------------------------------------------------------
// Log capture
// ---------------------------------------------------------------------------------------

/// Where captured log lines go.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

/// A writer into a `LogBuffer`.
pub struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter(self.0.clone())
    }
}

/// Everything this test binary logs from the moment of [`Logs::capture`], at every
/// level, whichever thread logs it. One subscriber for the whole process: a
/// thread-scoped one missed events at random (tracing caches each callsite's interest
/// across threads), which made a test that looks for a line flaky. Other tests' lines
/// may be in it too, which only makes the "never logged" checks stricter.
pub struct Logs {
    buffer: LogBuffer,
    from: usize,
}

impl Logs {
    /// Captures from now on.
    pub fn capture() -> Self {
        static BUFFER: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
        let buffer = BUFFER
            .get_or_init(|| {
                let buffer = LogBuffer::default();
                let subscriber = tracing_subscriber::fmt()
                    .with_max_level(tracing::Level::TRACE)
                    .with_ansi(false)
                    .with_writer(buffer.clone())
                    .finish();
                tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
                buffer
            })
            .clone();
        let from = buffer.0.lock().unwrap().len();
        Self { buffer, from }
    }

    /// What was logged since the capture began.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.0.lock().unwrap()[self.from..]).into_owned()
    }
}

// ---------------------------------------------------------------------------------------
// The fake provider
// ---------------------------------------------------------------------------------------

/// A fake provider on 127.0.0.1 that records every request and answers per scenario,
/// and a reader of raw HTTP/1.1 requests for providers that misbehave on the wire.
pub mod fake {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{Request, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::Router;
    use serde_json::{json, Value};
    use tokio::io::AsyncReadExt;
    use tokio::net::{TcpListener, TcpStream};

    /// One request the fake received.
    #[derive(Debug, Clone)]
    pub struct Recorded {
        pub method: String,
        pub path: String,
        pub query: Option<String>,
        /// Lowercase names, in arrival order.
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Recorded {
        /// The header `name` (lowercase).
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, value)| value.as_str())
        }

        /// The body as JSON.
        pub fn json(&self) -> Value {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|error| panic!("upstream body is not JSON ({error}): {:?}", self.body))
        }

        /// The whole request as text (for echoing it back).
        pub fn as_text(&self) -> String {
            format!(
                "{} {}?{} {:?} {}",
                self.method,
                self.path,
                self.query.as_deref().unwrap_or_default(),
                self.headers,
                String::from_utf8_lossy(&self.body)
            )
        }
    }

    /// How the fake answers.
    #[derive(Debug, Clone)]
    pub enum Reply {
        /// This status and JSON body.
        Json(u16, Value),
        /// This status and these bytes as `application/json`.
        Raw(u16, &'static [u8]),
        /// Waits, then answers.
        Delayed(Duration, Box<Reply>),
        /// A redirect to this path on the fake itself.
        Redirect(u16, &'static str),
        /// This status, with the request it got (auth headers, body) echoed in the places
        /// an API's error and success bodies carry text: NestJS `message[]`, `errors[]`.
        EchoError(u16),
        /// This success body, with the request it got echoed in fields the documented shape
        /// does not have.
        EchoSuccess(Value),
    }

    /// The fake's shared state.
    struct FakeInner {
        url: String,
        requests: Mutex<Vec<Recorded>>,
        /// Requests answered (after any delay).
        answered: AtomicUsize,
        replies: Mutex<(HashMap<String, Reply>, Reply)>,
    }

    /// The fake provider: until told otherwise, every path answers 500.
    #[derive(Clone)]
    pub struct Fake(Arc<FakeInner>);

    impl Fake {
        /// Starts the fake on a port of its own.
        pub async fn start() -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let fake = Fake(Arc::new(FakeInner {
                url,
                requests: Mutex::default(),
                answered: AtomicUsize::new(0),
                replies: Mutex::new((
                    HashMap::new(),
                    Reply::Json(500, json!({"message": "the test set no reply"})),
                )),
            }));
            let app = Router::new().fallback(fake_handler).with_state(fake.clone());
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            fake
        }

        /// Its base URL.
        pub fn url(&self) -> String {
            self.0.url.clone()
        }

        /// Answers `path` with `reply`.
        pub fn on(&self, path: &str, reply: Reply) {
            self.0.replies.lock().unwrap().0.insert(path.to_owned(), reply);
        }

        /// Answers every path with `reply`.
        pub fn always(&self, reply: Reply) {
            let mut replies = self.0.replies.lock().unwrap();
            replies.0.clear();
            replies.1 = reply;
        }

        /// Answers every path with `status` and `body`.
        pub fn answer(&self, status: u16, body: Value) {
            self.answer_after(Duration::ZERO, status, body);
        }

        /// Answers every path with `status` and `body` after `delay`.
        pub fn answer_after(&self, delay: Duration, status: u16, body: Value) {
            self.always(Reply::Delayed(delay, Box::new(Reply::Json(status, body))));
        }

        /// Every request received (recorded once its body is in), in order.
        pub fn requests(&self) -> Vec<Recorded> {
            self.0.requests.lock().unwrap().clone()
        }

        /// Forgets the requests received.
        pub fn clear(&self) {
            self.0.requests.lock().unwrap().clear();
        }

        /// How many requests were received.
        pub fn calls(&self) -> usize {
            self.0.requests.lock().unwrap().len()
        }

        /// Waits (up to 5 s) until `calls` requests were received.
        pub async fn until_called(&self, calls: usize) {
            let started = Instant::now();
            while self.calls() < calls {
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "the provider was never called"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }

        /// Waits (up to 10 s) until `answered` requests were answered, then a little
        /// more for the relay to read and keep the answer.
        pub async fn until_answered(&self, answered: usize) {
            let started = Instant::now();
            while self.0.answered.load(Ordering::SeqCst) < answered {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the provider never answered"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // Time for the relay to read and keep the answer.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Records the request, then answers as the fake was told.
    async fn fake_handler(State(fake): State<Fake>, request: Request<Body>) -> Response {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        let recorded = Recorded {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        };
        fake.0.requests.lock().unwrap().push(recorded.clone());
        let mut reply = {
            let replies = fake.0.replies.lock().unwrap();
            replies.0.get(&recorded.path).unwrap_or(&replies.1).clone()
        };
        while let Reply::Delayed(delay, inner) = reply {
            tokio::time::sleep(delay).await;
            reply = *inner;
        }
        fake.0.answered.fetch_add(1, Ordering::SeqCst);
        let status = |code: u16| StatusCode::from_u16(code).unwrap();
        match reply {
            Reply::Json(code, value) => (status(code), axum::Json(value)).into_response(),
            Reply::Raw(code, bytes) => (status(code), [("content-type", "application/json")], bytes).into_response(),
            Reply::Redirect(code, path) => {
                (status(code), [("location", format!("{}{path}", fake.url()))]).into_response()
            }
            Reply::EchoError(code) => {
                let echo = recorded.as_text();
                let body = json!({
                    "message": [
                        format!("authorization {echo}"),
                        format!("calApiKey {echo}"),
                        format!("email {echo}"),
                    ],
                    "errors": [
                        { "field": "calApiKey", "message": echo.clone() },
                        { "field": "email", "message": format!("email must be an email, got {echo}") },
                    ],
                    "error": format!("Bad Request: {echo}"),
                    "statusCode": code,
                });
                (status(code), axum::Json(body)).into_response()
            }
            Reply::EchoSuccess(mut value) => {
                let echo = recorded.as_text();
                fn salt(value: &mut Value, echo: &str) {
                    if let Value::Object(fields) = value {
                        fields.insert("debugRequest".into(), Value::String(echo.to_owned()));
                        fields.insert("calApiKey".into(), Value::String(echo.to_owned()));
                        fields.insert("apiKey".into(), Value::String(echo.to_owned()));
                        for child in fields.values_mut() {
                            salt(child, echo);
                        }
                    } else if let Value::Array(items) = value {
                        for item in items {
                            salt(item, echo);
                        }
                    }
                }
                salt(&mut value, &echo);
                (StatusCode::OK, axum::Json(value)).into_response()
            }
            Reply::Delayed(..) => unreachable!(),
        }
    }

    /// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes of body).
    pub async fn read_request(stream: &mut TcpStream) {
        let mut data = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or(0);
                if data.len() >= end + 4 + length {
                    return;
                }
            }
            match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
                Ok(Ok(n)) => data.extend_from_slice(&chunk[..n]),
            }
        }
    }
}
