//! Issue 14, findings 2, 3, 5 (the rate limiter) and 6: the connections, origins, media
//! types, call limits and client identity the audit attacked.
//!
//! Server tests run `booking_relay::server::serve` on 127.0.0.1:0 and talk to it over
//! real sockets; the rest call `app(...).oneshot(...)`, with a `ConnectInfo` where a
//! peer address matters. Timeouts are small in the configs and bounds are generous
//! (seconds), so a slow machine makes a test slower, not red.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use booking_relay::client::{ForwardedHeader, Proxies};
use booking_relay::config::{Config, Limits};
use booking_relay::AppState;
use common::fake::Fake;
use common::{calcom_policy, roomy_limits, send, serve_state, Answer, ALLOWED_ORIGIN};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;

const PHONE_CALL: &str = "/calcom/v2/teams/12/event-types/34/create-phone-call";
const VISITOR_PHONE: &str = "+442079460958";
/// Long enough for anything a test waits for on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(15);

/// Rate limits no test trips unless it means to.
fn roomy() -> Limits {
    Limits {
        global_requests_per_second: 100_000,
        global_burst: 100_000,
        ..roomy_limits()
    }
}

fn phone_call(number: &str) -> Value {
    json!({
        "numberToCall": number,
        "guestName": "Ada Lovelace",
        "guestEmail": "ada@example.com",
    })
}

// ---------------------------------------------------------------------------------------
// A fake Cal.com that counts what reaches it
// ---------------------------------------------------------------------------------------

/// A fake Cal.com that answers every phone call after `delay`; returns its URL.
async fn calcom_fake(delay: Duration) -> (Fake, String) {
    let fake = Fake::start().await;
    fake.answer_after(
        delay,
        200,
        json!({ "status": "success", "data": { "callId": "call-1", "agentId": "agent-1" } }),
    );
    let url = fake.url();
    (fake, url)
}

/// Serve mode with Cal.com at `base`, the allowed origin, and `limits`.
fn serve_config(base: &str, limits: Limits) -> Config {
    Config {
        allowed_origins: vec![ALLOWED_ORIGIN.to_owned()],
        limits,
        calcom: Some(calcom_policy(base)),
        ..Config::default()
    }
}

fn sandbox_state(limits: Limits) -> Arc<AppState> {
    let config = Config {
        limits,
        ..Config::default()
    };
    config.check().expect("the test config is valid");
    Arc::new(AppState::sandbox(&config))
}

// ---------------------------------------------------------------------------------------
// Oneshot requests
// ---------------------------------------------------------------------------------------

impl Answer {
    /// The contract's error shape with this one field.
    fn assert_error(&self, status: StatusCode, field: &str) {
        assert_eq!(self.status, status, "{self:?}");
        let errors = self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors[]: {self:?}"));
        assert_eq!(errors.len(), 1, "{self:?}");
        assert_eq!(errors[0]["field"], field, "{self:?}");
        for key in ["code", "message"] {
            assert!(errors[0][key].as_str().is_some_and(|t| !t.is_empty()), "{self:?}");
        }
    }

    fn retry_after(&self) -> u64 {
        self.headers
            .get("retry-after")
            .unwrap_or_else(|| panic!("no Retry-After: {self:?}"))
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }
}

/// A JSON write with these extra headers.
fn write(path: &str, body: &Value, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

/// `request` as if it came from `peer` over a socket.
fn from(peer: &str, mut request: Request<Body>) -> Request<Body> {
    let address: IpAddr = peer.parse().unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(address, 40_000)));
    request
}

/// A read every route answers without a provider (the sandbox refuses the missing query).
fn read() -> Request<Body> {
    Request::builder().uri("/calcom/v2/slots").body(Body::empty()).unwrap()
}

// ---------------------------------------------------------------------------------------
// Real sockets
// ---------------------------------------------------------------------------------------

struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(state: Arc<AppState>, limits: Limits) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            booking_relay::server::serve(listener, booking_relay::app(state), &limits, async {
                let _ = stopped.await;
            })
            .await
        });
        Self {
            address,
            stop: Some(stop),
            task,
        }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).await.unwrap()
    }

    /// A connection that sent half a request's headers and then nothing.
    async fn stalled(&self) -> TcpStream {
        let mut stream = self.connect().await;
        stream
            .write_all(b"POST /iclosed/v1/eventCalls HTTP/1.1\r\nHost: relay\r\nContent-Ty")
            .await
            .unwrap();
        stream
    }
}

/// Sends a `GET` on `stream` (kept alive) and reads the answer: status and body.
async fn get(stream: &mut TcpStream, path: &str) -> (u16, String) {
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: relay\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_answer(stream).await
}

/// Reads one answer with a `Content-Length`.
async fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                return (
                    status,
                    String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned(),
                );
            }
        }
        let n = stream.read(&mut chunk).await.expect("the answer arrives");
        assert!(
            n > 0,
            "closed before a whole answer: {}",
            String::from_utf8_lossy(&data)
        );
        data.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until the server closes `stream`; what it said before.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&data).into_owned(),
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Finding 2: slow clients hold the server
// ---------------------------------------------------------------------------------------

/// The audit's attack: hundreds of half-sent requests from one host. Another client's
/// request is still answered at once.
#[tokio::test]
async fn hundreds_of_half_sent_requests_do_not_keep_another_client_waiting() {
    let limits = Limits {
        header_read_timeout_ms: 60_000,
        ..roomy()
    };
    let server = Server::start(sandbox_state(limits.clone()), limits).await;
    let mut stalled = Vec::new();
    for _ in 0..300 {
        stalled.push(server.stalled().await);
    }
    let mut other = server.connect().await;
    let (status, body) = timeout(PATIENCE, get(&mut other, "/__sandbox/requests"))
        .await
        .expect("another client is answered while 300 connections stall");
    assert_eq!(status, 200, "{body}");
}

/// A connection that never finishes its headers is closed after the header-read
/// timeout; beyond `max_connections` the relay accepts no more until one closes, and
/// the timeout is what lets a waiting client in.
#[tokio::test]
async fn stalled_headers_are_cut_off_and_the_connection_cap_holds() {
    let limits = Limits {
        max_connections: 4,
        header_read_timeout_ms: 4_000,
        ..roomy()
    };
    let server = Server::start(sandbox_state(limits.clone()), limits).await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        stalled.push(server.stalled().await);
    }
    // The fifth connection waits in the kernel's queue: no answer while four stall.
    let mut waiting = server.connect().await;
    waiting
        .write_all(b"GET /__sandbox/requests HTTP/1.1\r\nHost: relay\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        timeout(Duration::from_millis(300), waiting.read(&mut byte))
            .await
            .is_err(),
        "a fifth connection is answered while max_connections = 4 are open"
    );
    // The header timeout closes the stalled ones...
    for stream in &mut stalled {
        let said = timeout(PATIENCE, read_to_close(stream))
            .await
            .expect("a stalled connection is closed after the header timeout");
        assert!(!said.starts_with("HTTP/1.1 2"), "{said}");
    }
    // ...and the waiting client is answered.
    let (status, body) = timeout(PATIENCE, read_answer(&mut waiting))
        .await
        .expect("the waiting client is answered once slots free up");
    assert_eq!(status, 200, "{body}");
}

/// A body announced and never finished holds no connection past the body timeout,
/// however it trickles.
#[tokio::test]
async fn a_body_that_never_finishes_is_408_after_the_body_timeout() {
    let limits = Limits {
        body_read_timeout_ms: 300,
        ..roomy()
    };
    let server = Server::start(sandbox_state(limits.clone()), limits).await;
    let mut stream = server.connect().await;
    stream
        .write_all(
            b"POST /iclosed/v1/eventCalls HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let (status, body) = timeout(PATIENCE, read_answer(&mut stream))
        .await
        .expect("an answer after the body timeout");
    assert_eq!(status, 408, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["errors"][0]["field"], "body", "{body}");
}

/// A request body that never sends a byte and never ends.
struct Endless;

impl axum::body::HttpBody for Endless {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

/// The same, in-process: a body stream that never ends.
#[tokio::test]
async fn a_body_stream_that_never_ends_is_408_in_process_too() {
    let app = booking_relay::app(sandbox_state(Limits {
        body_read_timeout_ms: 200,
        ..roomy()
    }));
    let request = Request::builder()
        .method(Method::POST)
        .uri("/iclosed/v1/eventCalls")
        .header("content-type", "application/json")
        .body(Body::new(Endless))
        .unwrap();
    let answer = timeout(PATIENCE, send(&app, request)).await.expect("an answer");
    answer.assert_error(StatusCode::REQUEST_TIMEOUT, "body");
}

/// Regression (found in review): the in-flight place was taken before the body was
/// read, so requests whose bodies never finish held every place for the body timeout,
/// and every other visitor got `503`.
#[tokio::test]
async fn bodies_still_arriving_hold_no_in_flight_place() {
    let app = booking_relay::app(sandbox_state(Limits {
        max_in_flight: 2,
        body_read_timeout_ms: 60_000,
        ..roomy()
    }));
    let stalled: Vec<_> = (0..4)
        .map(|_| {
            let request = Request::builder()
                .method(Method::POST)
                .uri("/iclosed/v1/eventCalls")
                .header("content-type", "application/json")
                .body(Body::new(Endless))
                .unwrap();
            let app = app.clone();
            tokio::spawn(async move { send(&app, request).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = timeout(PATIENCE, send(&app, read())).await.expect("an answer");
    assert_ne!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{answer:?}");
    for request in stalled {
        request.abort();
    }
}

/// A connection on which nothing moves is closed after the idle timeout, whether it
/// never sent a byte or went quiet after an answer; a slow provider is not a quiet client.
#[tokio::test]
async fn a_quiet_connection_is_closed_after_the_idle_timeout_but_a_slow_answer_is_not() {
    let limits = Limits {
        header_read_timeout_ms: 60_000,
        idle_timeout_ms: 300,
        ..roomy()
    };
    let (fake, base) = calcom_fake(Duration::from_millis(1_000)).await;
    let state = serve_state(&serve_config(&base, limits.clone()));
    let server = Server::start(state, limits).await;

    let mut silent = server.connect().await;
    timeout(PATIENCE, read_to_close(&mut silent))
        .await
        .expect("a connection that never speaks is closed");

    let mut kept_alive = server.connect().await;
    let (status, _) = timeout(PATIENCE, get(&mut kept_alive, "/calcom/v2/slots"))
        .await
        .unwrap();
    assert_eq!(status, 422);
    timeout(PATIENCE, read_to_close(&mut kept_alive))
        .await
        .expect("a keep-alive connection that goes quiet is closed");

    // The provider takes a second, more than three idle timeouts: the answer still comes.
    let mut slow = server.connect().await;
    let body = phone_call(VISITOR_PHONE).to_string();
    slow.write_all(
        format!(
            "POST {PHONE_CALL} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (status, body) = timeout(PATIENCE, read_answer(&mut slow)).await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(fake.calls(), 1);
}

/// Shutdown stops accepting, lets a request in flight finish, closes idle
/// connections, and returns.
#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_and_returns() {
    let limits = roomy();
    let (fake, base) = calcom_fake(Duration::from_millis(1_000)).await;
    let mut server = Server::start(serve_state(&serve_config(&base, limits.clone())), limits).await;

    let mut idle = server.connect().await;
    let (status, _) = timeout(PATIENCE, get(&mut idle, "/calcom/v2/slots")).await.unwrap();
    assert_eq!(status, 422);

    let mut busy = server.connect().await;
    let body = phone_call(VISITOR_PHONE).to_string();
    busy.write_all(
        format!(
            "POST {PHONE_CALL} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    timeout(PATIENCE, async {
        while fake.calls() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();

    server.stop.take().unwrap().send(()).unwrap();
    let (status, body) = timeout(PATIENCE, read_answer(&mut busy)).await.unwrap();
    assert_eq!(status, 200, "the request in flight is answered: {body}");
    timeout(PATIENCE, read_to_close(&mut idle))
        .await
        .expect("an idle connection is closed on shutdown");
    timeout(PATIENCE, &mut server.task)
        .await
        .expect("serve returns once every connection is closed")
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(server.address).await.is_err(), "no longer accepting");
}

// ---------------------------------------------------------------------------------------
// Finding 2: requests in flight
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn beyond_max_in_flight_a_request_is_503_with_retry_after() {
    let (fake, base) = calcom_fake(Duration::from_millis(1_500)).await;
    let app = booking_relay::app(serve_state(&serve_config(
        &base,
        Limits {
            max_in_flight: 1,
            ..roomy()
        },
    )));
    let first = tokio::spawn({
        let app = app.clone();
        async move { send(&app, write(PHONE_CALL, &phone_call(VISITOR_PHONE), &[])).await }
    });
    timeout(PATIENCE, async {
        while fake.calls() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    let refused = send(&app, read()).await;
    refused.assert_error(StatusCode::SERVICE_UNAVAILABLE, "body");
    assert!(refused.retry_after() >= 1);
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    assert_ne!(send(&app, read()).await.status, StatusCode::SERVICE_UNAVAILABLE);
}

// ---------------------------------------------------------------------------------------
// Finding 3: any website can make its visitors' browsers write through the relay
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_write_from_a_page_not_in_allowed_origins_is_403_and_reaches_no_provider() {
    let (fake, base) = calcom_fake(Duration::ZERO).await;
    let app = booking_relay::app(serve_state(&serve_config(&base, roomy())));
    for origin in [
        "https://evil.example",
        "https://www.acme.example.evil.example",
        "http://www.acme.example",
        "null",
    ] {
        // text/plain is what a page can send without a preflight; JSON is refused too.
        for content_type in ["text/plain", "application/json"] {
            let request = Request::builder()
                .method(Method::POST)
                .uri(PHONE_CALL)
                .header("origin", origin)
                .header("content-type", content_type)
                .body(Body::from(phone_call(VISITOR_PHONE).to_string()))
                .unwrap();
            send(&app, request).await.assert_error(StatusCode::FORBIDDEN, "Origin");
        }
    }
    assert_eq!(fake.calls(), 0, "a refused write reaches no provider");

    let allowed = send(
        &app,
        write(PHONE_CALL, &phone_call(VISITOR_PHONE), &[("origin", ALLOWED_ORIGIN)]),
    )
    .await;
    assert_eq!(allowed.status, StatusCode::OK, "{allowed:?}");
    // No Origin: a server or curl, not a page a visitor was lured to.
    let server = send(&app, write(PHONE_CALL, &phone_call("+442079460959"), &[])).await;
    assert_eq!(server.status, StatusCode::OK, "{server:?}");
    assert_eq!(fake.calls(), 2);
}

#[tokio::test]
async fn a_write_that_is_not_json_is_415_and_reaches_no_provider() {
    let (fake, base) = calcom_fake(Duration::ZERO).await;
    let serve = booking_relay::app(serve_state(&serve_config(&base, roomy())));
    let sandbox_state = sandbox_state(roomy());
    let sandbox = booking_relay::app(sandbox_state.clone());
    let body = phone_call(VISITOR_PHONE).to_string();
    for app in [&serve, &sandbox] {
        for content_type in [
            Some("text/plain"),
            Some("text/plain;charset=UTF-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonp"),
            None,
        ] {
            let mut builder = Request::builder()
                .method(Method::POST)
                .uri(PHONE_CALL)
                .header("origin", ALLOWED_ORIGIN);
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            send(app, builder.body(Body::from(body.clone())).unwrap())
                .await
                .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type");
        }
    }
    assert_eq!(fake.calls(), 0, "a refused write reaches no provider");
    let sandbox_requests = send(
        &sandbox,
        Request::get("/__sandbox/requests").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(sandbox_requests.body, json!([]), "nor the sandbox's providers");

    for (content_type, number) in [
        ("application/json; charset=utf-8", "+442079460001"),
        ("Application/JSON", "+442079460002"),
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri(PHONE_CALL)
            .header("content-type", content_type)
            .body(Body::from(phone_call(number).to_string()))
            .unwrap();
        let accepted = send(&serve, request).await;
        assert_eq!(accepted.status, StatusCode::OK, "{content_type}: {accepted:?}");
    }
    // Reads carry no body and need no Content-Type.
    assert_eq!(send(&serve, read()).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The sandbox takes any origin (it is for trying things out) but not a body that is
/// not JSON: the providers would refuse it.
#[tokio::test]
async fn the_sandbox_takes_writes_from_any_origin() {
    let app = booking_relay::app(sandbox_state(roomy()));
    let answer = send(
        &app,
        write(
            PHONE_CALL,
            &phone_call(VISITOR_PHONE),
            &[("origin", "https://evil.example")],
        ),
    )
    .await;
    assert!(answer.status.is_success(), "{answer:?}");
}

#[tokio::test]
async fn calls_to_one_number_are_limited_per_day() {
    let (fake, base) = calcom_fake(Duration::ZERO).await;
    let app = booking_relay::app(serve_state(&serve_config(
        &base,
        Limits {
            calls_per_number_per_day: 3,
            ..roomy()
        },
    )));
    for _ in 0..3 {
        let answer = send(
            &app,
            write(PHONE_CALL, &phone_call(VISITOR_PHONE), &[("origin", ALLOWED_ORIGIN)]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    }
    let refused = send(
        &app,
        write(PHONE_CALL, &phone_call(VISITOR_PHONE), &[("origin", ALLOWED_ORIGIN)]),
    )
    .await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "numberToCall");
    assert!((1..=86_400).contains(&refused.retry_after()), "{refused:?}");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("tomorrow"),
        "{refused:?}"
    );
    // Not from another site or without an Origin either: the limit is the number's.
    let other = send(&app, write(PHONE_CALL, &phone_call(VISITOR_PHONE), &[])).await;
    other.assert_error(StatusCode::TOO_MANY_REQUESTS, "numberToCall");
    assert_eq!(fake.calls(), 3, "a refused call reaches no provider");
    // Another number still rings.
    let another = send(
        &app,
        write(PHONE_CALL, &phone_call("+12025550199"), &[("origin", ALLOWED_ORIGIN)]),
    )
    .await;
    assert_eq!(another.status, StatusCode::OK, "{another:?}");
}

/// Regression (found in review): a retry with the same `Idempotency-Key` was charged
/// again, so the visitor's retry got `429` instead of the call it had placed.
#[tokio::test]
async fn a_retried_call_with_its_key_is_charged_once() {
    let (fake, base) = calcom_fake(Duration::ZERO).await;
    let app = booking_relay::app(serve_state(&serve_config(
        &base,
        Limits {
            calls_per_number_per_day: 1,
            ..roomy()
        },
    )));
    let key = [("origin", ALLOWED_ORIGIN), ("idempotency-key", "call-attempt-0001")];
    let first = send(&app, write(PHONE_CALL, &phone_call(VISITOR_PHONE), &key)).await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    let retry = send(&app, write(PHONE_CALL, &phone_call(VISITOR_PHONE), &key)).await;
    assert_eq!(retry.status, StatusCode::OK, "the replay, not a 429: {retry:?}");
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn calls_from_one_site_are_limited_per_day() {
    let (fake, base) = calcom_fake(Duration::ZERO).await;
    let app = booking_relay::app(serve_state(&serve_config(
        &base,
        Limits {
            calls_per_origin_per_day: 2,
            ..roomy()
        },
    )));
    for number in ["+442079460001", "+442079460002"] {
        let answer = send(
            &app,
            write(PHONE_CALL, &phone_call(number), &[("origin", ALLOWED_ORIGIN)]),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    }
    let refused = send(
        &app,
        write(PHONE_CALL, &phone_call("+442079460003"), &[("origin", ALLOWED_ORIGIN)]),
    )
    .await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "Origin");
    assert!((1..=86_400).contains(&refused.retry_after()), "{refused:?}");
    assert_eq!(fake.calls(), 2, "a refused call reaches no provider");
    // A refused call did not spend the number's own allowance: a script (no Origin,
    // counted per client) can still ring it.
    let script = send(&app, write(PHONE_CALL, &phone_call("+442079460003"), &[])).await;
    assert_eq!(script.status, StatusCode::OK, "{script:?}");
    // Other operations are not calls.
    assert_ne!(send(&app, read()).await.status, StatusCode::TOO_MANY_REQUESTS);
}

// ---------------------------------------------------------------------------------------
// Finding 5: the rate limiter never forgets a client; IPv6 by /64
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_rate_limiter_forgets_clients_whose_buckets_have_refilled() {
    // A bucket of one that refills in a millisecond.
    let state = sandbox_state(Limits {
        requests_per_second: 1_000,
        burst: 1,
        ..roomy()
    });
    let app = booking_relay::app(state.clone());
    for i in 0..500u32 {
        let peer = format!("198.51.{}.{}", i / 250, i % 250 + 1);
        assert_ne!(
            send(&app, from(&peer, read())).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert!(
        state.admission().limiter().len() >= 500,
        "every client is remembered for a moment"
    );
    // Pruning runs at most once a second, from a request.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    send(&app, from("203.0.113.1", read())).await;
    let left = state.admission().limiter().len();
    assert!(left <= 2, "{left} clients remembered after their buckets refilled");
}

#[tokio::test]
async fn ipv6_clients_share_a_bucket_per_64_and_ipv4_clients_per_address() {
    let app = booking_relay::app(sandbox_state(Limits {
        requests_per_second: 1,
        burst: 1,
        ..roomy()
    }));
    let status = |peer: &'static str| {
        let app = app.clone();
        async move { send(&app, from(peer, read())).await.status }
    };
    assert_ne!(status("2001:db8:1:2::1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        status("2001:db8:1:2:ffff:ffff:ffff:ffff").await,
        StatusCode::TOO_MANY_REQUESTS,
        "same /64, same bucket"
    );
    assert_ne!(
        status("2001:db8:1:3::1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another /64"
    );
    assert_ne!(status("198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(
        status("198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "IPv4: per address"
    );
    assert_eq!(status("198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        status("::ffff:198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "an IPv4-mapped address is its IPv4 address"
    );
}

// ---------------------------------------------------------------------------------------
// Finding 6: behind a proxy every visitor shares one bucket
// ---------------------------------------------------------------------------------------

fn proxies(header: ForwardedHeader) -> Proxies {
    Proxies {
        trusted: ["10.0.0.0/8", "2001:db8:ffff::/48", "::1/128"]
            .iter()
            .map(|net| net.parse().unwrap())
            .collect(),
        header,
    }
}

fn client_of(proxies: &Proxies, peer: &str, headers: &[(&str, &str)]) -> String {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    proxies.identify(Some(peer.parse().unwrap()), &map).to_string()
}

#[test]
fn a_forwarded_for_from_an_untrusted_peer_is_ignored() {
    for header in [ForwardedHeader::XForwardedFor, ForwardedHeader::Forwarded] {
        let proxies = proxies(header);
        assert_eq!(
            client_of(
                &proxies,
                "198.51.100.7",
                &[("x-forwarded-for", "203.0.113.1"), ("forwarded", "for=203.0.113.1")]
            ),
            "198.51.100.7"
        );
    }
}

#[test]
fn behind_trusted_proxies_the_client_is_the_right_most_untrusted_hop() {
    let proxies = proxies(ForwardedHeader::XForwardedFor);
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("x-forwarded-for", "203.0.113.1")], "203.0.113.1"),
        // Whatever the client wrote on the left is past the last hop we trust.
        (&[("x-forwarded-for", "1.1.1.1, 203.0.113.1")], "203.0.113.1"),
        // Two proxies of ours.
        (&[("x-forwarded-for", "1.1.1.1, 203.0.113.1, 10.1.1.1")], "203.0.113.1"),
        // Several header lines are one list, in order.
        (
            &[
                ("x-forwarded-for", "1.1.1.1"),
                ("x-forwarded-for", "203.0.113.2, 10.1.1.1"),
            ],
            "203.0.113.2",
        ),
        // Every hop trusted: the left-most.
        (&[("x-forwarded-for", "10.9.9.9, 10.1.1.1")], "10.9.9.9"),
        // Ports and brackets.
        (&[("x-forwarded-for", "[2001:db8::17]:4711")], "2001:db8::17"),
        (&[("x-forwarded-for", "203.0.113.3:5555")], "203.0.113.3"),
        // Malformed or missing: the peer.
        (&[("x-forwarded-for", "203.0.113.1, not-an-address")], "10.0.0.1"),
        // Garbage left of the client is the client's own, and not read.
        (&[("x-forwarded-for", "not-an-address, 203.0.113.1")], "203.0.113.1"),
        (&[("x-forwarded-for", "unknown")], "10.0.0.1"),
        (&[("x-forwarded-for", "")], "10.0.0.1"),
        (&[], "10.0.0.1"),
        // The header this proxy does not set is the client's own invention.
        (&[("forwarded", "for=203.0.113.9")], "10.0.0.1"),
    ];
    for (headers, expected) in cases {
        assert_eq!(client_of(&proxies, "10.0.0.1", headers), *expected, "{headers:?}");
    }
    assert_eq!(
        client_of(&proxies, "::1", &[("x-forwarded-for", "203.0.113.4")]),
        "203.0.113.4"
    );
}

#[test]
fn rfc_7239_forwarded_with_quoted_ipv6_and_ports() {
    let proxies = proxies(ForwardedHeader::Forwarded);
    let cases: &[(&str, &str)] = &[
        ("for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60"),
        (r#"for="[2001:db8:cafe::17]:4711""#, "2001:db8:cafe::17"),
        (r#"for="[2001:db8:cafe::17]""#, "2001:db8:cafe::17"),
        (r#"For="192.0.2.43:47011""#, "192.0.2.43"),
        (
            r#"for=192.0.2.43, for="[2001:db8:cafe::17]", for=10.1.1.1"#,
            "2001:db8:cafe::17",
        ),
        (
            r#"for=198.18.0.1;by="[2001:db8:ffff::1]", for="[2001:db8:ffff::2]""#,
            "198.18.0.1",
        ),
        (r#"proto=https;for=192.0.2.61"#, "192.0.2.61"),
        // Not an address we can count: the peer.
        ("for=unknown", "10.0.0.1"),
        ("for=_hidden, for=192.0.2.1", "192.0.2.1"),
        ("for=192.0.2.1, for=_hidden", "10.0.0.1"),
        (r#"for="[2001:db8:cafe::17"#, "10.0.0.1"),
        (r#"for="[2001:db8:cafe::17, for=192.0.2.1"#, "10.0.0.1"),
        (r#"for=nonsense;;, for=192.0.2.1"#, "192.0.2.1"),
        ("proto=https", "10.0.0.1"),
        ("for", "10.0.0.1"),
    ];
    for (value, expected) in cases {
        assert_eq!(
            client_of(&proxies, "10.0.0.1", &[("forwarded", value)]),
            *expected,
            "Forwarded: {value}"
        );
    }
}

/// The same, through the relay: behind a trusted proxy each visitor has a bucket of
/// their own, and a visitor cannot get a fresh one by writing `X-Forwarded-For`.
#[tokio::test]
async fn each_visitor_behind_a_trusted_proxy_has_a_bucket_of_their_own() {
    let config = Config {
        trusted_proxies: vec!["10.0.0.0/8".into()],
        limits: Limits {
            requests_per_second: 1,
            burst: 1,
            ..roomy()
        },
        ..Config::default()
    };
    config.check().unwrap();
    let app = booking_relay::app(Arc::new(AppState::sandbox(&config)));
    let status = |peer: &'static str, forwarded_for: &'static str| {
        let app = app.clone();
        async move {
            let mut request = from(peer, read());
            request
                .headers_mut()
                .insert("x-forwarded-for", HeaderValue::from_static(forwarded_for));
            send(&app, request).await.status
        }
    };
    assert_ne!(status("10.0.0.2", "203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(
        status("10.0.0.2", "203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "another visitor through the same proxy"
    );
    assert_eq!(
        status("10.0.0.2", "198.18.0.1, 203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up hop on the left changes nothing"
    );
    // Straight from the internet, the header is the client's own word.
    assert_ne!(
        status("198.51.100.9", "203.0.113.3").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        status("198.51.100.9", "203.0.113.4").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed X-Forwarded-For from an untrusted peer is ignored"
    );
}

#[tokio::test]
async fn a_global_ceiling_holds_across_all_clients() {
    let app = booking_relay::app(sandbox_state(Limits {
        global_requests_per_second: 1,
        global_burst: 3,
        ..roomy()
    }));
    for peer in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_ne!(
            send(&app, from(peer, read())).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let refused = send(&app, from("198.51.100.4", read())).await;
    refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "body");
    assert!(refused.retry_after() >= 1);
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

#[test]
fn bad_connection_and_proxy_settings_are_refused_naming_them() {
    for entry in ["10.0.0.0/33", "10.0.0", "proxy.internal", "", "0.0.0.0/0", "::/0"] {
        let config = Config {
            trusted_proxies: vec!["10.0.0.0/8".into(), entry.into()],
            ..Config::default()
        };
        let message = config.check().expect_err(entry).to_string();
        assert!(message.contains("trusted_proxies"), "{entry}: {message}");
        assert!(message.contains(&format!("\"{entry}\"")), "{entry}: {message}");
    }
    for fine in ["10.0.0.0/8", "192.0.2.7", "::1/128", "2001:db8::/32", "fd00::1"] {
        let config = Config {
            trusted_proxies: vec![fine.into()],
            ..Config::default()
        };
        assert!(config.check().is_ok(), "{fine}");
    }
    for name in [
        "header_read_timeout_ms",
        "body_read_timeout_ms",
        "idle_timeout_ms",
        "max_connections",
        "max_in_flight",
        "global_requests_per_second",
        "global_burst",
        "calls_per_number_per_day",
        "calls_per_origin_per_day",
    ] {
        let config: Config = toml::from_str(&format!("[limits]\n{name} = 0\n")).unwrap();
        let message = config.check().expect_err(name).to_string();
        assert!(message.contains(&format!("limits.{name}")), "{message}");
    }
    let config: Config = toml::from_str(
        "trusted_proxies = [\"10.0.0.0/8\"]\nforwarded_header = \"forwarded\"\n[limits]\nmax_connections = 64\n",
    )
    .unwrap();
    assert_eq!(config.forwarded_header, ForwardedHeader::Forwarded);
    assert_eq!(config.limits.max_connections, 64);
    let error = toml::from_str::<Config>("forwarded_header = \"x-real-ip\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("forwarded_header") || error.contains("x-real-ip"),
        "{error}"
    );
}
