//! Issue 14, findings 4, 5, 9 and 10: `Idempotency-Key` holds when a client leaves or the
//! provider is slow, keys and the store are bounded, a replay to another client carries
//! no `Reschedule-Token`, and a provider's reply is read only up to a cap.
//!
//! `serve` against a fake iClosed on 127.0.0.1 that counts the calls it receives.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use booking_relay::config::{Config, Limits};
use common::fake::{read_request, Fake};
use common::{iclosed_policy, send, Answer, ALLOWED_ORIGIN, ICLOSED_CALLS};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const ORIGIN: &str = ALLOWED_ORIGIN;
const PATH: &str = ICLOSED_CALLS;
/// What the widget sends: `crypto.randomUUID()`, and the same with `-contact`.
const UUID_KEY: &str = "3f2c9a1e-8d4b-4c6f-9a2e-7b1d5c8e0f3a";

fn visitor_body() -> Value {
    json!({
        "dateTime": "2026-03-09T14:30:00Z",
        "timeZone": "Europe/Berlin",
        "email": "ada.lovelace@example.com",
        "phoneNumber": "+442079460958",
        "firstName": "Ada",
        "lastName": "Lovelace",
    })
}

/// iClosed's reply to a booking, with `padding` bytes in a field the allow-list drops.
fn booked(padding: usize) -> Value {
    json!({
        "data": { "eventCall": {
            "message": "Call booked",
            "status": 201,
            "data": {
                "startTime": "2026-03-09T14:30:00.000Z",
                "endTime": "2026-03-09T15:00:00.000Z",
                "id": 4242,
                "timeZone": "Europe/Berlin",
                "guestEmail": "ada.lovelace@example.com",
                "padding": "x".repeat(padding)
            }
        } }
    })
}

// ---------------------------------------------------------------------------------------
// The fake provider
// ---------------------------------------------------------------------------------------

/// The fake iClosed, answering `booked(0)` at once until told otherwise.
async fn fake_iclosed() -> Fake {
    let fake = Fake::start().await;
    fake.answer(200, booked(0));
    fake
}

// ---------------------------------------------------------------------------------------
// The relay
// ---------------------------------------------------------------------------------------

fn config(base: &str, limits: Limits) -> Config {
    Config {
        allowed_origins: vec![ORIGIN.to_owned()],
        limits: Limits {
            requests_per_second: 100_000,
            burst: 100_000,
            ..limits
        },
        iclosed: Some(iclosed_policy(base)),
        ..Config::default()
    }
}

fn relay(config: &Config) -> Router {
    common::relay(config).app
}

fn timeouts(timeout_ms: u64, deadline_ms: u64) -> Limits {
    Limits {
        upstream_timeout_ms: timeout_ms,
        upstream_deadline_ms: deadline_ms,
        ..Limits::default()
    }
}

fn request(keys: &[&str], body: &Value, peer: Option<[u8; 4]>) -> Request<Body> {
    let mut builder = Request::post(PATH)
        .header("content-type", "application/json")
        .header("origin", ORIGIN);
    for key in keys {
        builder = builder.header("idempotency-key", *key);
    }
    let mut request = builder.body(Body::from(body.to_string())).unwrap();
    if let Some(ip) = peer {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    }
    request
}

impl Answer {
    fn replayed(&self) -> bool {
        self.headers.get("idempotent-replayed").is_some()
    }

    /// `(field, code)` of every error.
    fn errors(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors[] in {self:?}"))
            .iter()
            .map(|error| {
                for key in ["field", "code", "message"] {
                    assert!(error[key].as_str().is_some_and(|s| !s.is_empty()), "{error}");
                }
                (
                    error["field"].as_str().unwrap().to_owned(),
                    error["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn error(&self) -> (String, String) {
        let errors = self.errors();
        assert_eq!(errors.len(), 1, "{self:?}");
        errors[0].clone()
    }
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

// ---------------------------------------------------------------------------------------
// 4. The call belongs to the key, not to the connection
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_client_that_drops_its_request_mid_flight_is_not_booked_twice() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_millis(300), 200, booked(0));
    let app = relay(&config(&fake.url(), timeouts(5_000, 20_000)));
    let key = "drop-mid-flight-0001";
    // What the server does when the client hangs up: drops the handler's future.
    let dropped = tokio::spawn({
        let app = app.clone();
        async move { send(&app, request(&[key], &visitor_body(), None)).await }
    });
    fake.until_called(1).await;
    dropped.abort();
    let _ = dropped.await;

    let retry = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(retry.status, StatusCode::OK, "{retry:?}");
    assert_eq!(retry.body["data"]["eventCall"]["data"]["id"], json!(4242));
    assert!(retry.token().is_some(), "the same client gets the booking's token");
    assert_eq!(fake.calls(), 1, "one booking for one key");
}

#[tokio::test]
async fn a_client_that_closes_its_socket_mid_request_is_not_booked_twice() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_millis(300), 200, booked(0));
    let config = config(&fake.url(), timeouts(5_000, 20_000));
    let app = relay(&config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap()
    });
    let key = "socket-closed-00001";
    let body = visitor_body().to_string();
    let raw = format!(
        "POST {PATH} HTTP/1.1\r\nhost: {address}\r\norigin: {ORIGIN}\r\ncontent-type: application/json\r\n\
         idempotency-key: {key}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut socket = TcpStream::connect(address).await.unwrap();
    socket.write_all(raw.as_bytes()).await.unwrap();
    fake.until_called(1).await;
    drop(socket);

    let retry = reqwest::Client::new()
        .post(format!("http://{address}{PATH}"))
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), 200);
    assert!(retry.headers().get("reschedule-token").is_some());
    let answer: Value = retry.json().await.unwrap();
    assert_eq!(answer["data"]["eventCall"]["data"]["id"], json!(4242));
    assert_eq!(fake.calls(), 1, "one booking for one key");
}

#[tokio::test]
async fn a_write_slower_than_the_timeout_is_504_then_409_while_in_flight_then_its_booking() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_millis(1_500), 200, booked(0));
    let app = relay(&config(&fake.url(), timeouts(300, 10_000)));
    let key = "slow-provider-00001";

    let started = Instant::now();
    let first = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(first.status, StatusCode::GATEWAY_TIMEOUT, "{first:?}");
    assert_eq!(first.error(), pair("body", "upstream_timeout"));
    assert!(
        started.elapsed() < Duration::from_millis(1_000),
        "{:?}",
        started.elapsed()
    );

    // In flight: the retry waits the timeout, then is told to come back.
    let retry = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(retry.status, StatusCode::CONFLICT, "{retry:?}");
    assert_eq!(retry.error(), pair("Idempotency-Key", "in_progress"));
    assert_eq!(retry.headers.get("retry-after").unwrap(), "1");
    assert_eq!(fake.calls(), 1, "the retry made no second upstream write");

    fake.until_answered(1).await;
    let after = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(after.status, StatusCode::OK, "{after:?}");
    assert_eq!(after.body["data"]["eventCall"]["data"]["id"], json!(4242));
    assert!(after.token().is_some());
    assert!(after.replayed());
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn a_retry_while_in_flight_waits_for_the_answer() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_millis(900), 200, booked(0));
    let app = relay(&config(&fake.url(), timeouts(600, 10_000)));
    let key = "wait-for-it-000001";
    let first = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(first.status, StatusCode::GATEWAY_TIMEOUT, "{first:?}");
    // The answer comes 300 ms into this retry's wait of 600.
    let retry = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(retry.status, StatusCode::OK, "{retry:?}");
    assert!(retry.token().is_some());
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn past_the_deadline_the_key_keeps_an_unknown_outcome_for_good() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_secs(3), 200, booked(0));
    let app = relay(&config(&fake.url(), timeouts(100, 400)));
    let key = "past-the-deadline-1";
    let first = send(&app, request(&[key], &visitor_body(), None)).await;
    assert_eq!(first.status, StatusCode::GATEWAY_TIMEOUT, "{first:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    fake.answer_after(Duration::ZERO, 200, booked(0));
    for _ in 0..2 {
        let retry = send(&app, request(&[key], &visitor_body(), None)).await;
        assert_eq!(retry.status, StatusCode::BAD_GATEWAY, "{retry:?}");
        assert_eq!(retry.error(), pair("body", "outcome_unknown"));
        assert!(retry.replayed());
    }
    assert_eq!(fake.calls(), 1, "never a second write with that key");
    // Another key is another booking.
    let other = send(&app, request(&["past-the-deadline-2"], &visitor_body(), None)).await;
    assert_eq!(other.status, StatusCode::OK, "{other:?}");
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_releases_the_key() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = relay(&config(&url, timeouts(2_000, 10_000)));
    let key = "not-reached-000001";
    for _ in 0..2 {
        let answer = send(&app, request(&[key], &visitor_body(), None)).await;
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{answer:?}");
        assert_eq!(answer.error(), pair("body", "upstream_error"));
        assert!(!answer.replayed(), "nothing was kept: the retry ran again");
    }
}

// ---------------------------------------------------------------------------------------
// 5. Bounded keys, bounded store
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bad_idempotency_keys_are_refused_before_the_provider() {
    let fake = fake_iclosed().await;
    let app = relay(&config(&fake.url(), Limits::default()));
    let long = "k".repeat(256);
    let bad: [(&[&str], &str); 6] = [
        (&[""], "format"),
        (&["short-key"], "format"),
        (&["0123456789 abcdef"], "format"),
        (&["0123456789abcdef\t"], "format"),
        (&[long.as_str()], "too_long"),
        (&["0123456789abcdef-1", "0123456789abcdef-2"], "too_many"),
    ];
    for (keys, code) in bad {
        let answer = send(&app, request(keys, &visitor_body(), None)).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{keys:?}: {answer:?}");
        assert_eq!(answer.errors(), [pair("Idempotency-Key", code)], "{keys:?}");
    }
    // Listed with every other broken rule.
    let mut body = visitor_body();
    body["email"] = json!("not an email");
    let answer = send(&app, request(&["short-key"], &body, None)).await;
    let errors = answer.errors();
    assert!(errors.contains(&pair("Idempotency-Key", "format")), "{errors:?}");
    assert!(errors.iter().any(|(field, _)| field == "email"), "{errors:?}");
    assert_eq!(fake.calls(), 0);

    // The widget's keys: a UUID, the same with `-contact`, and its fallback of 32 digits.
    let k255 = "k".repeat(255);
    for key in [
        UUID_KEY,
        &format!("{UUID_KEY}-contact"),
        "00000004503599627370496000001234",
        "0123456789abcdef",
        &k255,
    ] {
        let answer = send(&app, request(&[key], &visitor_body(), None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{key}: {answer:?}");
    }
    assert_eq!(fake.calls(), 5);
}

#[tokio::test]
async fn many_keys_keep_the_store_bounded_forgetting_the_oldest_answers() {
    let fake = fake_iclosed().await;
    let app = relay(&config(
        &fake.url(),
        Limits {
            idempotency_max_keys: 20,
            ..Limits::default()
        },
    ));
    let key = |n: usize| format!("bounded-store-{n:06}");
    for n in 0..60 {
        let answer = send(&app, request(&[&key(n)], &visitor_body(), None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{n}: {answer:?}");
    }
    assert_eq!(fake.calls(), 60);
    let recent = send(&app, request(&[&key(59)], &visitor_body(), None)).await;
    assert!(recent.replayed(), "a recent answer is kept");
    assert_eq!(fake.calls(), 60);
    let oldest = send(&app, request(&[&key(0)], &visitor_body(), None)).await;
    assert!(!oldest.replayed(), "the oldest answer made room for newer ones");
    assert_eq!(fake.calls(), 61);
}

// ---------------------------------------------------------------------------------------
// 9. Replays to another client
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_replay_to_another_client_gets_the_answer_without_the_reschedule_token() {
    let fake = fake_iclosed().await;
    fake.answer_after(Duration::from_millis(200), 200, booked(0));
    let app = relay(&config(&fake.url(), Limits::default()));
    let key = "leaked-key-0000001";
    let visitor = Some([198, 51, 100, 7]);
    let stranger = Some([203, 0, 113, 66]);

    // A stranger's request while the first is in flight waits for the same answer.
    let (first, concurrent) = tokio::join!(send(&app, request(&[key], &visitor_body(), visitor)), async {
        fake.until_called(1).await;
        send(&app, request(&[key], &visitor_body(), stranger)).await
    });
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    let token = first.token().expect("the booking's token").to_owned();

    let again = send(&app, request(&[key], &visitor_body(), visitor)).await;
    let later = send(&app, request(&[key], &visitor_body(), stranger)).await;
    assert_eq!(again.token(), Some(token.as_str()), "its own client gets the token");
    for replay in [&concurrent, &later] {
        assert_eq!((replay.status, &replay.body), (first.status, &first.body));
        assert!(replay.replayed());
        assert_eq!(replay.token(), None, "no token for another client: {replay:?}");
    }
    assert_eq!(fake.calls(), 1);
}

// ---------------------------------------------------------------------------------------
// 10. A cap on the provider's reply
// ---------------------------------------------------------------------------------------

const CAP: usize = 64 * 1024;

fn capped(base: &str) -> Router {
    relay(&config(
        base,
        Limits {
            upstream_reply_bytes: CAP,
            upstream_timeout_ms: 5_000,
            ..Limits::default()
        },
    ))
}

#[tokio::test]
async fn a_reply_over_the_cap_is_502_and_one_under_it_passes() {
    let fake = fake_iclosed().await;
    let app = capped(&fake.url());
    fake.answer_after(Duration::ZERO, 200, booked(CAP - 1_024));
    let under = send(&app, request(&[], &visitor_body(), None)).await;
    assert_eq!(under.status, StatusCode::OK, "{under:?}");
    assert_eq!(under.body["data"]["eventCall"]["data"].get("padding"), None);
    fake.answer_after(Duration::ZERO, 200, booked(CAP + 1));
    let over = send(&app, request(&[], &visitor_body(), None)).await;
    assert_eq!(over.status, StatusCode::BAD_GATEWAY, "{over:?}");
    assert_eq!(over.error(), pair("body", "upstream_error"));
}

/// A provider that streams without end: chunked, so no length is declared.
#[tokio::test]
async fn an_endless_chunked_reply_is_cut_at_the_cap() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let app = Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            let chunks = futures_stream(counter);
            ([("content-type", "application/json")], Body::from_stream(chunks))
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let started = Instant::now();
    let answer = send(&capped(&url), request(&[], &visitor_body(), None)).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{answer:?}");
    assert_eq!(answer.error(), pair("body", "upstream_error"));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < 64 * 1024 * 1024, "the relay kept reading: {sent} bytes sent");
}

/// An endless stream of 16 KiB chunks of a JSON string, counting what it produced.
fn futures_stream(
    counter: Arc<AtomicUsize>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    futures_util::stream::unfold(counter, |counter| async move {
        let chunk = if counter.fetch_add(16 * 1024, Ordering::SeqCst) == 0 {
            let mut chunk = b"{\"data\":\"".to_vec();
            chunk.resize(16 * 1024, b'x');
            chunk
        } else {
            vec![b'x'; 16 * 1024]
        };
        Some((Ok(chunk), counter))
    })
}

/// What the raw provider sends after reading the request.
#[derive(Clone, Copy, Debug)]
enum RawReply {
    /// Declares 300 MB, sends a little, then waits.
    HugeLength,
    /// No length: the body ends when the connection closes, and it never does.
    CloseDelimited,
    /// Declares 20 bytes, then sends megabytes.
    LyingLength,
}

async fn raw_provider(reply: RawReply) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_request(&mut stream).await;
                let head: &[u8] = match reply {
                    RawReply::HugeLength => {
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 314572800\r\n\r\n"
                    }
                    RawReply::CloseDelimited => {
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                    }
                    RawReply::LyingLength => {
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n"
                    }
                };
                if stream.write_all(head).await.is_err() {
                    return;
                }
                let chunk = [b'x'; 16 * 1024];
                match reply {
                    RawReply::HugeLength => {
                        let _ = stream.write_all(&chunk).await;
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    RawReply::CloseDelimited | RawReply::LyingLength => {
                        let _ = stream.write_all(b"{\"data\":\"").await;
                        for _ in 0..(64 * 1024) {
                            if stream.write_all(&chunk).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_declared_huge_missing_or_lying_length_is_no_way_past_the_cap() {
    for reply in [RawReply::HugeLength, RawReply::CloseDelimited, RawReply::LyingLength] {
        let url = raw_provider(reply).await;
        let started = Instant::now();
        let answer = send(&capped(&url), request(&[], &visitor_body(), None)).await;
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{reply:?}: {answer:?}");
        assert_eq!(answer.error(), pair("body", "upstream_error"), "{reply:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{reply:?}: answered after {:?} (the timeout is 5 s)",
            started.elapsed()
        );
    }
}
