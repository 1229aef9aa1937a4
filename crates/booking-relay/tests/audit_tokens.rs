//! Issue 14, finding 8: reschedule tokens expire, name their key (so the key can be
//! rotated), move their booking once, and stay out of the relay's logs.
//!
//! Most tests run the sandbox through its router (`app(state).oneshot(request)`) with a
//! token clock the test moves; what needs an upstream that fails on demand runs `serve`
//! against a small fake iClosed on 127.0.0.1. Times follow tests/sandbox.rs: bookings in
//! the week of 2026-03-09, every move to a time of its own.

mod common;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use booking_core::iclosed;
use booking_relay::config::{Config, IclosedPolicy, Limits};
use booking_relay::ops::Provider;
use booking_relay::token::{Refusal, Tokens};
use booking_relay::{AppState, ConfigError, Secrets};
use common::{
    build, calcom_single, config_from_toml, iclosed_call, iclosed_move, roomy_limits, Logs, Reply, CALCOM_BOOKINGS,
    ICLOSED_CALLS, ICLOSED_KEY, ICLOSED_RESCHEDULE, NEW_YORK,
};
use serde_json::{json, Value};

const DAY: u64 = 86_400;
/// 2026-03-09T00:00:00Z, the token clock's start.
const T0: u64 = 1_773_014_400;

const KEY_OLD: &str = "old-token-key-0123456789abcdefghijklmnop";
const KEY_NEW: &str = "new-token-key-0123456789abcdefghijklmnop";
const KEY_STRANGER: &str = "someone-elses-key-0123456789abcdefghijkl";

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// The sandbox host's clock: 2026-03-01T00:00:00Z, before every time booked here (the
/// sandbox refuses the past). The token clock is separate, below.
fn sandbox_clock() -> booking_relay::sandbox::Clock {
    Arc::new(|| 1_772_323_200)
}

/// The token clock, in Unix seconds.
#[derive(Clone)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn new() -> Self {
        Self(Arc::new(AtomicU64::new(T0)))
    }

    fn set(&self, unix_seconds: u64) {
        self.0.store(unix_seconds, Ordering::SeqCst);
    }

    fn on(&self, tokens: Tokens) -> Tokens {
        let clock = self.0.clone();
        tokens.with_clock(move || clock.load(Ordering::SeqCst))
    }
}

struct Relay {
    state: Arc<AppState>,
    app: Router,
    clock: Clock,
}

impl Relay {
    /// The sandbox with `config`, its own random key and a clock the test moves.
    fn sandbox_with(config: &Config) -> Self {
        let clock = Clock::new();
        let state = AppState::sandbox_with_clock(config, sandbox_clock());
        let tokens = clock.on(state.tokens().clone());
        Self::of(state.with_tokens(tokens), clock)
    }

    fn sandbox() -> Self {
        Self::sandbox_with(&config_from_toml(""))
    }

    /// The sandbox signing with `current` and still accepting `previous`.
    fn sandbox_keys(current: &str, previous: Option<&str>) -> Self {
        let clock = Clock::new();
        let mut tokens = Tokens::new(current.into(), Duration::from_secs(30 * DAY));
        if let Some(previous) = previous {
            tokens = tokens.with_previous(previous.into());
        }
        let state = AppState::sandbox_with_clock(&config_from_toml(""), sandbox_clock()).with_tokens(clock.on(tokens));
        Self::of(state, clock)
    }

    fn of(state: AppState, clock: Clock) -> Self {
        let state = Arc::new(state);
        Self {
            app: booking_relay::app(state.clone()),
            state,
            clock,
        }
    }

    async fn call(&self, method: Method, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let body = serde_json::to_vec(body).unwrap();
        Reply::of(&self.app, build(method, path, headers, Some(body))).await
    }

    async fn received(&self) -> usize {
        let reply = Reply::of(
            &self.app,
            Request::get("/__sandbox/requests").body(Body::empty()).unwrap(),
        )
        .await;
        reply.json().as_array().expect("a list").len()
    }

    async fn book_iclosed(&self, date_time: &str) -> (i64, String) {
        let reply = self
            .call(Method::POST, ICLOSED_CALLS, &[], &iclosed_call(date_time))
            .await;
        reply.expect_status(StatusCode::CREATED);
        let parsed: iclosed::CreateCallResponse = reply.parse();
        let id = parsed.data.event_call.data.and_then(|call| call.id).expect("call id");
        (id, reply.expect_token())
    }

    async fn move_iclosed(&self, id: i64, token: &str, date_time: &str) -> Reply {
        self.call(
            Method::PUT,
            ICLOSED_RESCHEDULE,
            &[("reschedule-token", token)],
            &iclosed_move(id, date_time),
        )
        .await
    }

    async fn book_calcom(&self, start: &str) -> (String, String) {
        let reply = self
            .call(
                Method::POST,
                CALCOM_BOOKINGS,
                &[("cal-api-version", "2024-08-13")],
                &calcom_booking(start),
            )
            .await;
        reply.expect_status(StatusCode::CREATED);
        (calcom_single(&reply).uid, reply.expect_token())
    }

    async fn move_calcom(&self, uid: &str, token: &str, start: &str) -> Reply {
        self.call(
            Method::POST,
            &format!("/calcom/v2/bookings/{uid}/reschedule"),
            &[("reschedule-token", token)],
            &json!({ "start": start, "rescheduledBy": "ada@example.com" }),
        )
        .await
    }
}

impl Reply {
    /// The refusal of a token: `403`, the contract's one error on `Reschedule-Token`,
    /// and no new token.
    #[track_caller]
    fn expect_token_refused(&self) {
        self.expect_status(StatusCode::FORBIDDEN);
        let body = self.json();
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
        assert_eq!(body["errors"][0]["field"], "Reschedule-Token", "{body}");
        assert_eq!(body["errors"][0]["code"], "forbidden", "{body}");
        assert_eq!(self.token(), None);
    }
}

fn calcom_booking(start: &str) -> Value {
    json!({
        "start": start,
        "eventTypeId": 123,
        "attendee": { "name": "Ada Lovelace", "email": "ada@example.com", "timeZone": NEW_YORK },
    })
}

fn fields(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn key_id(key: &str) -> String {
    Tokens::new(key.into(), Duration::from_secs(DAY)).key_id().to_owned()
}

// ---------------------------------------------------------------------------------------
// Format and expiry
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bug_8_a_token_carries_version_key_id_and_expiry_and_expires_after_the_configured_lifetime() {
    let relay = Relay::sandbox_with(&config_from_toml("[tokens]\nlifetime_days = 2\n"));
    let (first, first_token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let (second, second_token) = relay.book_iclosed("2026-03-10T15:00:00Z").await;
    let parts = fields(&first_token);
    assert_eq!(parts.len(), 5, "{first_token}");
    assert_eq!(parts[0], "v1");
    assert_eq!(parts[1], relay.state.tokens().key_id());
    assert_eq!(parts[2], (T0 + 2 * DAY).to_string(), "issued at T0, two days' lifetime");
    assert!(
        first_token.len() <= 128 && first_token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'),
        "short and URL-safe: {first_token}"
    );

    // A second before it expires it still works…
    relay.clock.set(T0 + 2 * DAY - 1);
    relay
        .move_iclosed(first, &first_token, "2026-03-11T14:00:00Z")
        .await
        .expect_status(StatusCode::OK);
    // …from its expiry on it is refused, and the provider never hears of it.
    relay.clock.set(T0 + 2 * DAY);
    let before = relay.received().await;
    relay
        .move_iclosed(second, &second_token, "2026-03-11T15:00:00Z")
        .await
        .expect_token_refused();
    assert_eq!(relay.received().await, before);
    assert_eq!(
        relay
            .state
            .tokens()
            .check(Provider::Iclosed, &second.to_string(), &second_token),
        Err(Refusal::Expired)
    );
}

#[tokio::test]
async fn the_default_lifetime_is_30_days() {
    let relay = Relay::sandbox();
    let (_, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    assert_eq!(fields(&token)[2], (T0 + 30 * DAY).to_string());
}

#[test]
fn a_lifetime_out_of_range_is_refused_at_start_up_naming_the_setting() {
    for text in ["[tokens]\nlifetime_days = 0\n", "[tokens]\nlifetime_days = 367\n"] {
        let config: Config = toml::from_str(text).unwrap();
        let error = config.check().unwrap_err();
        assert!(matches!(error, ConfigError::Setting { ref setting, .. } if setting == "tokens.lifetime_days"));
        let message = error.to_string();
        assert!(
            message.contains("tokens.lifetime_days") && message.contains("30"),
            "{message}"
        );
    }
    let error = toml::from_str::<Config>("[tokens]\nlifetime = 3\n")
        .unwrap_err()
        .to_string();
    assert!(error.contains("lifetime"), "{error}");
    assert_eq!(config_from_toml("").tokens.lifetime_days, 30);
    assert_eq!(
        config_from_toml("[tokens]\nlifetime_days = 366\n").tokens.lifetime_days,
        366
    );
}

// ---------------------------------------------------------------------------------------
// Tampering
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bug_8_a_token_with_any_field_changed_is_refused_before_the_provider() {
    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let parts = fields(&token);
    let flip = |text: &str| {
        let last = if text.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &text[..text.len() - 1])
    };
    let replaced = |index: usize, value: String| {
        let mut changed = parts.clone();
        changed[index] = value;
        changed.join(".")
    };
    let later = (T0 + 3_650 * DAY).to_string();
    let tampered = [
        replaced(0, "v2".into()),
        replaced(0, "v0".into()),
        replaced(1, flip(&parts[1])),
        replaced(1, key_id(KEY_STRANGER)),
        replaced(2, later),
        replaced(2, flip(&parts[2])),
        replaced(3, flip(&parts[3])),
        replaced(4, flip(&parts[4])),
        replaced(4, parts[4].to_uppercase()),
        parts[..4].join("."),
        format!("{token}.{}", parts[4]),
        // The bare MAC, as if it were an unversioned token.
        parts[4].clone(),
    ];
    let before = relay.received().await;
    for changed in &tampered {
        assert_ne!(changed, &token);
        relay
            .move_iclosed(id, changed, "2026-03-11T14:00:00Z")
            .await
            .expect_token_refused();
    }
    // The genuine token for another booking or provider proves nothing either.
    let (other, _) = relay.book_iclosed("2026-03-10T15:00:00Z").await;
    relay
        .move_iclosed(other, &token, "2026-03-11T14:00:00Z")
        .await
        .expect_token_refused();
    relay
        .move_calcom(&id.to_string(), &token, "2026-03-11T14:00:00Z")
        .await
        .expect_token_refused();
    assert_eq!(
        relay.received().await,
        before + 1,
        "only the second booking reached the provider"
    );
    // The untouched token still works: refusals spent nothing.
    relay
        .move_iclosed(id, &token, "2026-03-11T14:00:00Z")
        .await
        .expect_status(StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// Rotation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bug_8_after_a_rotation_the_previous_key_s_tokens_work_an_unknown_key_s_do_not_and_the_new_key_signs() {
    let relay = Relay::sandbox_keys(KEY_NEW, Some(KEY_OLD));
    let (id, issued) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let (other, _) = relay.book_iclosed("2026-03-10T15:00:00Z").await;

    // Signing uses the current key only.
    assert_eq!(fields(&issued)[1], key_id(KEY_NEW));
    assert_ne!(key_id(KEY_NEW), key_id(KEY_OLD));
    let new_only = relay.clock.on(Tokens::new(KEY_NEW.into(), Duration::from_secs(DAY)));
    let old_only = relay.clock.on(Tokens::new(KEY_OLD.into(), Duration::from_secs(DAY)));
    assert!(new_only.verify(Provider::Iclosed, &id.to_string(), &issued));
    assert!(!old_only.verify(Provider::Iclosed, &id.to_string(), &issued));

    // A link mailed before the rotation (signed with the old key) still moves its booking.
    let mailed = old_only.issue(Provider::Iclosed, &id.to_string());
    let reply = relay.move_iclosed(id, &mailed, "2026-03-11T14:00:00Z").await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(
        fields(&reply.expect_token())[1],
        key_id(KEY_NEW),
        "the next link is signed anew"
    );

    // A key the relay does not have is refused, however well-formed its token.
    let stranger =
        Tokens::new(KEY_STRANGER.into(), Duration::from_secs(DAY)).issue(Provider::Iclosed, &other.to_string());
    relay
        .move_iclosed(other, &stranger, "2026-03-11T15:00:00Z")
        .await
        .expect_token_refused();

    // Once the previous key is dropped, its tokens are refused too.
    let rotated_out = Relay::sandbox_keys(KEY_NEW, None);
    let (id, _) = rotated_out.book_iclosed("2026-03-10T14:00:00Z").await;
    let mailed = old_only.issue(Provider::Iclosed, &id.to_string());
    rotated_out
        .move_iclosed(id, &mailed, "2026-03-11T14:00:00Z")
        .await
        .expect_token_refused();
}

fn serve_config() -> Config {
    Config {
        iclosed: Some(IclosedPolicy::default()),
        ..config_from_toml("")
    }
}

fn env_with(previous: Option<&str>) -> impl Fn(&str) -> Option<String> {
    let previous = previous.map(str::to_owned);
    move |name| match name {
        "ICLOSED_API_KEY" => Some(ICLOSED_KEY.into()),
        "RELAY_TOKEN_KEY" => Some(KEY_NEW.into()),
        "RELAY_TOKEN_KEY_PREVIOUS" => previous.clone(),
        _ => None,
    }
}

#[test]
fn serve_reads_the_previous_key_from_the_environment_and_refuses_a_short_one() {
    let config = serve_config();
    let error = Secrets::from_env(&config, env_with(Some("too-short"))).unwrap_err();
    assert!(matches!(error, ConfigError::ShortPreviousTokenKey), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("RELAY_TOKEN_KEY_PREVIOUS") && message.contains("32") && message.contains("unset it"),
        "{message}"
    );

    // Unset and empty both mean no previous key.
    for previous in [None, Some("")] {
        let secrets = Secrets::from_env(&config, env_with(previous)).unwrap();
        assert_eq!(secrets.previous_token_key, None);
    }

    let secrets = Secrets::from_env(&config, env_with(Some(KEY_OLD))).unwrap();
    let debug = format!("{secrets:?}");
    assert!(!debug.contains(KEY_OLD) && !debug.contains(KEY_NEW), "{debug}");
    let state = AppState::serve(&config, secrets).unwrap();
    let tokens = state.tokens();
    assert_eq!(tokens.key_id(), key_id(KEY_NEW));
    let old = Tokens::new(KEY_OLD.into(), Duration::from_secs(DAY)).issue(Provider::Iclosed, "7");
    assert!(tokens.verify(Provider::Iclosed, "7", &old));
    let debug = format!("{tokens:?}");
    assert!(!debug.contains(KEY_OLD) && !debug.contains(KEY_NEW), "{debug}");
}

// ---------------------------------------------------------------------------------------
// Single use
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bug_8_a_used_token_is_refused_and_the_answer_s_new_token_moves_the_booking_again() {
    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let reply = relay.move_iclosed(id, &token, "2026-03-11T14:00:00Z").await;
    reply.expect_status(StatusCode::OK);
    let next = reply.expect_token();
    assert_ne!(next, token);

    let before = relay.received().await;
    relay
        .move_iclosed(id, &token, "2026-03-12T14:00:00Z")
        .await
        .expect_token_refused();
    assert_eq!(
        relay.received().await,
        before,
        "a spent token never reaches the provider"
    );

    let reply = relay.move_iclosed(id, &next, "2026-03-12T14:00:00Z").await;
    reply.expect_status(StatusCode::OK);
    let moved = reply.parse::<iclosed::RescheduleCallResponse>().data.event_call;
    assert_eq!(moved.date_time_utc.as_deref(), Some("2026-03-12T14:00:00Z"));
    relay
        .move_iclosed(id, &next, "2026-03-13T14:00:00Z")
        .await
        .expect_token_refused();
}

#[tokio::test]
async fn bug_8_cal_com_s_new_uid_gets_the_new_token_and_the_old_one_is_spent() {
    let relay = Relay::sandbox();
    let (uid, token) = relay.book_calcom("2026-03-10T14:00:00Z").await;
    let reply = relay.move_calcom(&uid, &token, "2026-03-11T14:00:00Z").await;
    assert!(reply.status.is_success(), "{reply:?}");
    let moved = calcom_single(&reply).uid;
    assert_ne!(moved, uid);
    let next = reply.expect_token();
    assert!(relay.state.tokens().verify(Provider::Calcom, &moved, &next));
    assert!(!relay.state.tokens().verify(Provider::Calcom, &uid, &next));

    relay
        .move_calcom(&moved, &token, "2026-03-12T14:00:00Z")
        .await
        .expect_token_refused();
    let reply = relay.move_calcom(&moved, &next, "2026-03-12T14:00:00Z").await;
    assert!(reply.status.is_success(), "{reply:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bug_8_one_token_used_concurrently_moves_the_booking_exactly_once() {
    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let before = relay.received().await;
    let attempts = 12;
    let barrier = Arc::new(tokio::sync::Barrier::new(attempts));
    let mut tasks = tokio::task::JoinSet::new();
    for attempt in 0..attempts {
        // Each to a time of its own, so only the token, not the slot, can decide.
        let when = format!("2026-03-{:02}T{:02}:00:00Z", 11 + attempt / 6, 9 + attempt % 6);
        let request = build(
            Method::PUT,
            ICLOSED_RESCHEDULE,
            &[("reschedule-token", &token)],
            Some(iclosed_move(id, &when).to_string().into_bytes()),
        );
        let app = relay.app.clone();
        let barrier = barrier.clone();
        tasks.spawn(async move {
            barrier.wait().await;
            Reply::of(&app, request).await
        });
    }
    let mut replies = Vec::new();
    while let Some(reply) = tasks.join_next().await {
        replies.push(reply.unwrap());
    }
    let moved: Vec<&Reply> = replies.iter().filter(|reply| reply.status == StatusCode::OK).collect();
    assert_eq!(
        moved.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|reply| reply.status != StatusCode::OK) {
        reply.expect_token_refused();
    }
    assert_eq!(relay.received().await, before + 1, "one move reached the provider");
}

#[tokio::test]
async fn a_move_refused_before_the_provider_leaves_the_token_usable() {
    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let reply = relay.move_iclosed(id, &token, "not a time").await;
    reply.expect_status(StatusCode::UNPROCESSABLE_ENTITY);
    relay
        .move_iclosed(id, &token, "2026-03-11T14:00:00Z")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn a_replayed_move_is_not_a_second_use_but_a_new_key_is() {
    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let body = iclosed_move(id, "2026-03-11T14:00:00Z");
    let first_key = [
        ("reschedule-token", token.as_str()),
        ("idempotency-key", "move-0001-abcdef"),
    ];
    let first = relay.call(Method::PUT, ICLOSED_RESCHEDULE, &first_key, &body).await;
    first.expect_status(StatusCode::OK);
    // The visitor's retry (a lost answer) gets the answer, not a refusal.
    let retry = relay.call(Method::PUT, ICLOSED_RESCHEDULE, &first_key, &body).await;
    retry.expect_status(StatusCode::OK);
    assert_eq!(retry.json(), first.json());
    // Another key is another request: the token is spent.
    let other_key = [
        ("reschedule-token", token.as_str()),
        ("idempotency-key", "move-0002-abcdef"),
    ];
    relay
        .call(Method::PUT, ICLOSED_RESCHEDULE, &other_key, &body)
        .await
        .expect_token_refused();
}

// ---------------------------------------------------------------------------------------
// Tokens issued before versioning
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_unversioned_token_already_mailed_works_exactly_once_and_is_replaced_by_a_v1_token() {
    let relay = Relay::sandbox_keys(KEY_NEW, Some(KEY_OLD));
    let (id, _) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let (other, _) = relay.book_iclosed("2026-03-10T15:00:00Z").await;
    let mailed =
        Tokens::new(KEY_OLD.into(), Duration::from_secs(DAY)).issue_unversioned(Provider::Iclosed, &id.to_string());
    assert!(
        mailed.len() == 64 && mailed.bytes().all(|b| b.is_ascii_hexdigit()),
        "{mailed}"
    );

    // Years later (such links never expired), once.
    relay.clock.set(T0 + 3_000 * DAY);
    let reply = relay.move_iclosed(id, &mailed, "2026-03-11T14:00:00Z").await;
    reply.expect_status(StatusCode::OK);
    assert_eq!(fields(&reply.expect_token())[0], "v1");
    relay
        .move_iclosed(id, &mailed, "2026-03-12T14:00:00Z")
        .await
        .expect_token_refused();
    relay
        .move_iclosed(id, &mailed.to_uppercase(), "2026-03-12T14:00:00Z")
        .await
        .expect_token_refused();
    // One of a key the relay does not have is refused.
    let stranger = Tokens::new(KEY_STRANGER.into(), Duration::from_secs(DAY))
        .issue_unversioned(Provider::Iclosed, &other.to_string());
    relay
        .move_iclosed(other, &stranger, "2026-03-12T15:00:00Z")
        .await
        .expect_token_refused();
}

// ---------------------------------------------------------------------------------------
// serve: a move the provider refuses or fails leaves the token usable
// ---------------------------------------------------------------------------------------

/// A fake iClosed whose reschedule answers, in turn: 400 (slot taken), 503 (did
/// nothing), 500 (may have moved it), then success.
async fn flaky_iclosed() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = Router::new().route(
        "/v1/eventCalls/reschedule",
        axum::routing::put(move || {
            let call = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match call {
                    0 => (
                        StatusCode::BAD_REQUEST,
                        axum::Json(json!({ "message": "This slot is no longer available" })),
                    )
                        .into_response(),
                    1 => (StatusCode::SERVICE_UNAVAILABLE, "later").into_response(),
                    2 => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
                    _ => axum::Json(json!({ "data": { "eventCall": {
                        "id": 4242,
                        "dateTimeUTC": "2026-03-11T14:00:00Z",
                        "inviteTimeZone": NEW_YORK
                    } } }))
                    .into_response(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), calls)
}

#[tokio::test]
async fn bug_8_a_move_the_provider_refused_or_never_took_leaves_the_token_usable_one_it_may_have_made_spends_it() {
    let (base, calls) = flaky_iclosed().await;
    let origin = "https://www.acme.example";
    let config = Config {
        allowed_origins: vec![origin.to_owned()],
        limits: Limits {
            upstream_timeout_ms: 300,
            ..roomy_limits()
        },
        iclosed: Some(IclosedPolicy {
            base_url: Some(base),
            ..IclosedPolicy::default()
        }),
        ..config_from_toml("")
    };
    config.check().unwrap();
    let secrets = Secrets::from_env(&config, env_with(None)).unwrap();
    let state = Arc::new(AppState::serve(&config, secrets).unwrap());
    let app = booking_relay::app(state.clone());
    let token = state.tokens().issue(Provider::Iclosed, "4242");
    let attempt = || {
        Reply::of(
            &app,
            build(
                Method::PUT,
                ICLOSED_RESCHEDULE,
                &[("reschedule-token", &token), ("origin", origin)],
                Some(iclosed_move(4242, "2026-03-11T14:00:00Z").to_string().into_bytes()),
            ),
        )
    };
    let refused = attempt().await;
    assert!(
        refused.status.is_client_error() && refused.status != StatusCode::FORBIDDEN,
        "{refused:?}"
    );
    // 503: the provider took nothing; the token is still good.
    assert!(attempt().await.status.is_server_error());
    // 500: the provider may have moved the booking, so the token counts as used.
    assert!(attempt().await.status.is_server_error());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    attempt().await.expect_token_refused();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the spent token never reached the provider"
    );
}

// ---------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_relay_never_logs_a_token() {
    let captured = Logs::capture();

    let relay = Relay::sandbox();
    let (id, token) = relay.book_iclosed("2026-03-10T14:00:00Z").await;
    let reply = relay.move_iclosed(id, &token, "2026-03-11T14:00:00Z").await;
    reply.expect_status(StatusCode::OK);
    let next = reply.expect_token();
    relay
        .move_iclosed(id, &token, "2026-03-12T14:00:00Z")
        .await
        .expect_token_refused();

    let logs = captured.text();
    assert!(logs.contains("request"), "the relay logs its requests: {logs}");
    for (name, token) in [("issued", &token), ("next", &next)] {
        for needle in [token.clone(), fields(token)[3].clone(), fields(token)[4].clone()] {
            assert!(
                !logs.contains(&needle),
                "the {name} token ({needle}) is in the logs: {logs}"
            );
        }
    }
}
