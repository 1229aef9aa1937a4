//! One pipeline for both modes: admit (rate limits, `Origin`, `Content-Type`) → read the
//! body → parse → refuse forbidden fields → apply policy → validate → check the
//! reschedule token → (replay, or) call the upstream once per `Idempotency-Key`, to its
//! end whatever the connection does; an availability read from the cache, or once for
//! all identical reads at the time ([`crate::cache`]) → pass the reply through the
//! allow-list → sign a token for the booking; a write that changed free times drops
//! its provider's cached availability.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use booking_core::{Code, FieldError};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::admission::{Admission, Admitted};
use crate::cache::AvailabilityCache;
use crate::config::{Config, Limits, Policy, Secrets};
use crate::error::RelayError;
use crate::http::{Failed, HttpUpstream};
use crate::idempotency::{
    self, fingerprint, Claim, ClaimError, ClaimId, IdempotencyStore, MemoryStore, Settle, Stored,
};
use crate::ops::{Operation, Route};
use crate::sandbox::{self, Received, Sandbox};
use crate::token::{self, MemoryUsedTokens, Proof, Tokens, UsedTokens};

/// The sandbox's business number for the Cal.com phone call (a fictional 555-01xx one).
pub const SANDBOX_BUSINESS_NUMBER: &str = "+12025550100";

/// Header naming a write's idempotency key.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Where operations go.
#[derive(Debug)]
pub enum Upstream {
    /// The in-memory providers.
    Sandbox(Arc<Sandbox>),
    /// The real providers.
    Http(HttpUpstream),
}

impl Upstream {
    async fn send(&self, operation: &Operation) -> Result<(u16, Vec<u8>), Failed> {
        match self {
            Self::Sandbox(sandbox) => {
                let (status, body) = sandbox.send(operation);
                let body = serde_json::to_vec(&body).map_err(|error| Failed {
                    error: RelayError::Upstream(error.to_string()),
                    may_have_acted: true,
                })?;
                // The sandbox decides a refusal before it changes anything.
                let may_have_acted = (200..300).contains(&status);
                crate::answer::interpret(operation, status, body).map_err(|error| Failed { error, may_have_acted })
            }
            Self::Http(http) => http.send(operation).await,
        }
    }
}

/// Everything a request needs.
pub struct AppState {
    policy: Policy,
    limits: Limits,
    allowed_origins: Vec<String>,
    tokens: Tokens,
    used_tokens: Box<dyn UsedTokens>,
    upstream: Upstream,
    idempotency: Box<dyn IdempotencyStore>,
    admission: Admission,
    availability: AvailabilityCache,
}

impl AppState {
    /// The sandbox: in-memory providers, a random token key, `config`'s policy and limits.
    /// With no business number configured, the phone agent "calls from" a fictional
    /// 555-01xx number, so the call flow works with no configuration at all.
    pub fn sandbox(config: &Config) -> Self {
        Self::sandbox_with_clock(config, sandbox::system_clock())
    }

    /// The sandbox with its host's time read from `clock` (tests fix it).
    pub fn sandbox_with_clock(config: &Config, clock: sandbox::Clock) -> Self {
        let sandbox = Sandbox::new(&config.sandbox.clone().unwrap_or_default(), clock);
        let tokens = Tokens::random(config.tokens.lifetime());
        let mut state = Self::new(config, tokens, Upstream::Sandbox(Arc::new(sandbox)), false);
        state
            .policy
            .calcom
            .your_phone_number
            .get_or_insert_with(|| SANDBOX_BUSINESS_NUMBER.to_owned());
        state
    }

    /// Serve mode: the real providers with `secrets`.
    pub fn serve(config: &Config, secrets: Secrets) -> Result<Self, reqwest::Error> {
        let mut tokens = Tokens::new(secrets.token_key.clone(), config.tokens.lifetime());
        if let Some(previous) = &secrets.previous_token_key {
            tokens = tokens.with_previous(previous.clone());
        }
        let upstream = HttpUpstream::new(config, secrets, config.limits.upstream_deadline())?;
        Ok(Self::new(config, tokens, Upstream::Http(upstream), true))
    }

    fn new(config: &Config, tokens: Tokens, upstream: Upstream, serve: bool) -> Self {
        let limits = config.limits.clone();
        Self {
            policy: config.policy(),
            idempotency: Box::new(MemoryStore::new(
                limits.idempotency_retention(),
                limits.idempotency_max_keys,
            )),
            admission: Admission::new(config, serve),
            availability: AvailabilityCache::memory(limits.availability_cache(), limits.availability_cache_max_entries),
            allowed_origins: config.allowed_origins.clone(),
            limits,
            tokens,
            used_tokens: Box::new(MemoryUsedTokens::default()),
            upstream,
        }
    }

    /// The sandbox, when this is one.
    pub fn sandbox_upstream(&self) -> Option<&Arc<Sandbox>> {
        match &self.upstream {
            Upstream::Sandbox(sandbox) => Some(sandbox),
            Upstream::Http(_) => None,
        }
    }

    /// The admission checks (tests look at the rate limiter).
    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// The token signer (tests mint tokens with it).
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// This state with `availability` as its cache (tests: a store on a clock they turn).
    pub fn with_availability(mut self, availability: AvailabilityCache) -> Self {
        self.availability = availability;
        self
    }

    /// This state with `tokens` as its signer (tests: other keys, a clock they move).
    pub fn with_tokens(mut self, tokens: Tokens) -> Self {
        self.tokens = tokens;
        self
    }
}

/// The relay's routes, CORS and the sandbox's inspection routes.
pub fn app(state: Arc<AppState>) -> Router {
    let route = |route: Route| move |State(state): State<Arc<AppState>>, request| handle(state, route, request);
    let mut router = Router::new()
        .route("/iclosed/v1/eventCalls", post(route(Route::IclosedCreateCall)))
        .route(
            "/iclosed/v1/eventCalls/reschedule",
            put(route(Route::IclosedRescheduleCall)),
        )
        .route("/iclosed/v1/events/eventDates", post(route(Route::IclosedEventDates)))
        .route(
            "/gohighlevel/contacts/upsert",
            post(route(Route::GohighlevelUpsertContact)),
        )
        .route(
            "/gohighlevel/calendars/events/appointments",
            post(route(Route::GohighlevelCreateAppointment)),
        )
        .route(
            "/gohighlevel/calendars/events/appointments/{eventId}",
            put(route(Route::GohighlevelUpdateAppointment)),
        )
        .route(
            "/gohighlevel/calendars/{calendarId}/free-slots",
            get(route(Route::GohighlevelFreeSlots)),
        )
        .route("/meetergo/v4/booking", post(route(Route::MeetergoCreateBooking)))
        .route(
            "/meetergo/v4/appointment/{id}/reschedule",
            post(route(Route::MeetergoRescheduleAppointment)),
        )
        .route(
            "/meetergo/v4/booking-availability",
            get(route(Route::MeetergoBookingAvailability)),
        )
        .route("/calcom/v2/bookings", post(route(Route::CalcomCreateBooking)))
        .route(
            "/calcom/v2/bookings/{uid}/reschedule",
            post(route(Route::CalcomRescheduleBooking)),
        )
        .route("/calcom/v2/slots", get(route(Route::CalcomSlots)))
        .route("/calcom/v2/slots/reservations", post(route(Route::CalcomReserveSlot)))
        .route(
            "/calcom/v2/slots/reservations/{uid}",
            delete(route(Route::CalcomReleaseSlot)),
        )
        .route(
            "/calcom/v2/teams/{teamId}/event-types/{eventTypeId}/create-phone-call",
            post(route(Route::CalcomCreatePhoneCall)),
        );
    if state.sandbox_upstream().is_some() {
        router = router
            .route("/__sandbox/requests", get(sandbox_requests))
            .route("/__sandbox/reset", post(sandbox_reset));
    }
    let cors = cors(&state);
    router
        .fallback(|| async { RelayError::NoRoute })
        .method_not_allowed_fallback(|| async { RelayError::MethodNotAllowed })
        .layer(cors)
        .with_state(state)
}

fn cors(state: &AppState) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(IDEMPOTENCY_HEADER),
            HeaderName::from_static(token::HEADER),
            HeaderName::from_static("cal-api-version"),
            HeaderName::from_static("version"),
        ])
        .expose_headers([HeaderName::from_static(token::HEADER)]);
    if state.sandbox_upstream().is_some() {
        layer.allow_origin(Any)
    } else {
        let origins: Vec<HeaderValue> = state
            .allowed_origins
            .iter()
            .filter_map(|origin| HeaderValue::from_str(origin).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(origins))
    }
}

async fn sandbox_requests(State(state): State<Arc<AppState>>) -> Json<Vec<Received>> {
    Json(
        state
            .sandbox_upstream()
            .map(|sandbox| sandbox.received())
            .unwrap_or_default(),
    )
}

async fn sandbox_reset(State(state): State<Arc<AppState>>) -> StatusCode {
    if let Some(sandbox) = state.sandbox_upstream() {
        sandbox.reset();
    }
    // Answers about bookings that no longer exist.
    state.availability.clear().await;
    StatusCode::NO_CONTENT
}

async fn handle(state: Arc<AppState>, route: Route, request: Request<Body>) -> Response {
    let started = Instant::now();
    let (response, contact) = match pipeline(&state, route, request).await {
        Ok((response, contact)) => (response, contact),
        Err(error) => (error.into_response(), None),
    };
    tracing::info!(
        provider = route.provider().key(),
        route = ?route,
        status = response.status().as_u16(),
        visitor = contact.as_deref().map(mask).unwrap_or_default(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn pipeline(
    state: &Arc<AppState>,
    route: Route,
    request: Request<Body>,
) -> Result<(Response, Option<String>), RelayError> {
    let (mut parts, body) = request.into_parts();
    // `admitted.client` is who sent it (behind trusted proxies, who they name).
    let admitted = state.admission.admit(route, &parts)?;
    // Who a kept answer's `Reschedule-Token` may be replayed to.
    let client = admitted.client.to_string();
    let params: Vec<String> = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map(|params| params.iter().map(|(_, value)| value.to_owned()).collect())
        .unwrap_or_default();
    let bytes = state.admission.read_body(body).await?;
    // Taken only now: a body still on its way holds no place (the body timeout and
    // `max_connections` bound those), so slow senders cannot crowd out the rest.
    let _answering = state.admission.answering()?;
    let query = parts.uri.query().unwrap_or_default().to_owned();

    let (mut operation, mut errors) = Operation::parse(route, params, &bytes, &query)?;
    let contact = operation.visitor_contact();
    let mut proof = None;
    if route.is_reschedule() {
        if let Some(booking) = operation.booking_to_move().filter(|id| !id.is_empty()) {
            let token = parts
                .headers
                .get(token::HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            let checked = state.tokens.check(route.provider(), &booking, token);
            proof = Some(checked.map_err(|_| RelayError::Forbidden)?);
        }
    }
    operation.apply_policy(&state.policy);
    errors.extend(operation.validate());
    let key = if route.is_write() {
        idempotency_key(&parts.headers).unwrap_or_else(|problem| {
            errors.push(problem);
            None
        })
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(RelayError::Invalid(errors));
    }

    let received = || Received {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: (!query.is_empty()).then(|| query.clone()),
        headers: recorded_headers(&parts.headers),
        body: serde_json::from_slice(&bytes).unwrap_or_default(),
    };
    let wait = state.limits.upstream_timeout();
    let Some(key) = key else {
        let stored = if proof.is_some() {
            // A move runs to its end even when its visitor leaves or gets the 504: the
            // token it spends stays spent if the provider moved the booking.
            let task = spawn_run(state, operation, received(), proof, admitted);
            match tokio::time::timeout(wait, task).await {
                Ok(Ok((stored, _))) => stored,
                Ok(Err(_)) => return Err(RelayError::OutcomeUnknown),
                Err(_) => return Err(RelayError::UpstreamTimeout),
            }
        } else {
            let running = async {
                match operation.availability_key() {
                    Some(query) => {
                        let fetch = || async { run(state, &operation, received(), None, &admitted).await.0 };
                        state.availability.answer(route.provider(), query, fetch).await
                    }
                    None => run(state, &operation, received(), proof, &admitted).await.0,
                }
            };
            tokio::time::timeout(wait, running)
                .await
                .map_err(|_| RelayError::UpstreamTimeout)?
        };
        return Ok((respond(stored, false, &client), contact));
    };
    let claim = state
        .idempotency
        .claim(
            &key,
            fingerprint(&format!("{} {}?{query}", parts.method, parts.uri.path()), &bytes),
        )
        .await
        .map_err(|error| match error {
            ClaimError::KeyReused => RelayError::invalid(
                "Idempotency-Key",
                Code::Conflict,
                "This request reuses the key of a different request. Send it with a new Idempotency-Key.",
            ),
            ClaimError::Full => RelayError::Busy { retry_after_seconds: 1 },
        })?;
    let response = match claim {
        Claim::Follower(answer) => match tokio::time::timeout(wait, answer).await {
            Ok(Some(stored)) => respond(stored, true, &client),
            // Still in flight (or its request vanished, and the key is free again).
            _ => return Err(RelayError::InProgress),
        },
        Claim::Owner(claim) => {
            // The call is the key's, not this connection's: it goes on if the visitor
            // leaves or gets the 504, and the retry finds its answer.
            let task = tokio::spawn(run_for_key(
                state.clone(),
                key,
                claim,
                operation,
                received(),
                proof,
                admitted,
            ));
            match tokio::time::timeout(wait, task).await {
                Ok(Ok(stored)) => respond(stored, false, &client),
                Ok(Err(_)) => return Err(RelayError::OutcomeUnknown),
                Err(_) => return Err(RelayError::UpstreamTimeout),
            }
        }
    };
    Ok((response, contact))
}

/// The `Idempotency-Key` of a write: none, one valid key, or what is wrong with it.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, FieldError> {
    let mut values = headers.get_all(IDEMPOTENCY_HEADER).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(FieldError::new(
            "Idempotency-Key",
            Code::TooMany,
            "Send one Idempotency-Key header, not several.",
        ));
    }
    match idempotency::key_problem(value.as_bytes()) {
        Some(problem) => Err(problem),
        // Printable ASCII, checked just above.
        None => Ok(Some(String::from_utf8_lossy(value.as_bytes()).into_owned())),
    }
}

/// Runs a keyed write to its end, within the hard deadline, and settles its key:
/// kept with its answer, kept as "outcome unknown" when the provider may have acted
/// without a readable answer, or released when it certainly did nothing.
async fn run_for_key(
    state: Arc<AppState>,
    key: String,
    claim: ClaimId,
    operation: Operation,
    received: Received,
    proof: Option<Proof>,
    admitted: Admitted,
) -> Stored {
    let client = admitted.client.to_string();
    let unknown = || Stored {
        status: RelayError::OutcomeUnknown.status().as_u16(),
        body: RelayError::OutcomeUnknown.body(),
        token: None,
        client: client.clone(),
        retry_after: None,
    };
    // Its own task, so that a panic in it still settles the key.
    let mut work = spawn_run(&state, operation, received, proof, admitted);
    let (stored, settle) = match tokio::time::timeout(state.limits.upstream_deadline(), &mut work).await {
        Ok(Ok((stored, Ran::Answered))) => (stored, Settle::Keep),
        Ok(Ok((stored, Ran::DidNothing))) => (stored, Settle::Release),
        Ok(Ok((_, Ran::MayHaveActed))) | Ok(Err(_)) => (unknown(), Settle::Keep),
        Err(_) => {
            work.abort();
            (unknown(), Settle::Keep)
        }
    };
    state.idempotency.settle(&key, claim, stored.clone(), settle).await;
    stored
}

/// [`run`] as a task of its own: it goes on whatever happens to the connection that
/// asked, and a panic in it ends only it.
fn spawn_run(
    state: &Arc<AppState>,
    operation: Operation,
    received: Received,
    proof: Option<Proof>,
    admitted: Admitted,
) -> tokio::task::JoinHandle<(Stored, Ran)> {
    let state = state.clone();
    tokio::spawn(async move { run(&state, &operation, received, proof, &admitted).await })
}

/// How a call to the upstream ended.
enum Ran {
    /// With an answer to keep (a success, or nothing else to say).
    Answered,
    /// Without an answer, and the provider certainly did nothing.
    DidNothing,
    /// Without an answer we can read, and the provider may have acted.
    MayHaveActed,
}

/// Calls the upstream once, and keeps what the visitor may see. A reschedule spends its
/// token here, and a phone call its daily allowance, where a replay of the request's
/// `Idempotency-Key` does not come (see [`token`]). The token stays spent when the
/// provider moved the booking or may have (no answer to read); otherwise the claim is
/// given back as it drops.
async fn run(
    state: &AppState,
    operation: &Operation,
    received: Received,
    proof: Option<Proof>,
    admitted: &Admitted,
) -> (Stored, Ran) {
    let route = operation.route();
    let failed = |error: RelayError, ran| {
        let stored = Stored {
            status: error.status().as_u16(),
            body: error.body(),
            token: None,
            client: admitted.client.to_string(),
            retry_after: error.retry_after(),
        };
        (stored, ran)
    };
    let claim = match proof {
        Some(proof) => match token::Claim::new(&*state.used_tokens, proof, state.tokens.now()) {
            Some(claim) => Some(claim),
            None => return failed(RelayError::Forbidden, Ran::DidNothing),
        },
        None => None,
    };
    if let Err(limited) = state.admission.limit_calls(operation, admitted) {
        return failed(limited, Ran::DidNothing);
    }
    if let Some(sandbox) = state.sandbox_upstream() {
        sandbox.record(received);
    }
    let acted = |claim: Option<token::Claim>| {
        if let Some(claim) = claim {
            claim.keep();
        }
    };
    let (status, reply) = match state.upstream.send(operation).await {
        Ok(answer) => answer,
        Err(Failed { error, may_have_acted }) if may_have_acted => {
            acted(claim);
            if route.changes_availability() {
                state.availability.forget(route.provider()).await;
            }
            return failed(error, Ran::MayHaveActed);
        }
        Err(Failed { error, .. }) => return failed(error, Ran::DidNothing),
    };
    acted(claim);
    // Before the visitor hears of it: the next visitor must not be offered this slot.
    if route.changes_availability() {
        state.availability.forget(route.provider()).await;
    }
    match operation.allow_reply(&reply) {
        Ok((body, booking)) => {
            let token = booking
                .filter(|_| route.issues_token())
                .map(|booking| state.tokens.issue(route.provider(), &booking));
            let stored = Stored {
                status,
                body,
                token,
                client: admitted.client.to_string(),
                retry_after: None,
            };
            (stored, Ran::Answered)
        }
        // A success we cannot read: the provider did act.
        Err(error) => failed(error, Ran::MayHaveActed),
    }
}

/// The answer as the visitor sees it: a replay to another client than the one that
/// made the request has no `Reschedule-Token` (keys are global; the right to move a
/// booking is not).
fn respond(stored: Stored, replayed: bool, client: &str) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, Json(stored.body)).into_response();
    let token = stored.token.filter(|_| stored.client == client);
    if let Some(token) = token.and_then(|token| HeaderValue::from_str(&token).ok()) {
        response.headers_mut().insert(token::HEADER, token);
    }
    if let Some(seconds) = stored.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// The headers a test of the wire wants to see (never `Authorization`).
fn recorded_headers(headers: &HeaderMap) -> HashMap<String, String> {
    ["cal-api-version", "version", IDEMPOTENCY_HEADER, "content-type"]
        .into_iter()
        .filter_map(|name| Some((name.to_owned(), headers.get(name)?.to_str().ok()?.to_owned())))
        .collect()
}

/// `ada@example.com` → `a***@example.com`; `+442079460958` → `+44*******58`.
pub fn mask(contact: &str) -> String {
    if let Some((local, domain)) = contact.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = contact.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_only_enough_to_recognise() {
        assert_eq!(mask("ada@example.com"), "a***@example.com");
        assert_eq!(mask("+442079460958"), "+44********58");
        assert_eq!(mask("123"), "***");
    }
}
