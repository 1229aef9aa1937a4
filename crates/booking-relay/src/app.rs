//! One pipeline for both modes: limit → parse → refuse forbidden fields → apply policy
//! → validate → check the reschedule token → (replay or) call the upstream → pass the
//! reply through the allow-list → sign a token for the booking.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use booking_core::Code;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::admission::Admission;
use crate::config::{Config, Policy, Secrets};
use crate::error::RelayError;
use crate::http::HttpUpstream;
use crate::idempotency::{fingerprint, IdempotencyStore, MemoryStore, Stored};
use crate::ops::{Operation, Route};
use crate::sandbox::{self, Received, Sandbox};
use crate::token::{self, Claim, MemoryUsedTokens, Proof, Tokens, UsedTokens};

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
    async fn send(&self, operation: &Operation) -> Result<(u16, Vec<u8>), RelayError> {
        match self {
            Self::Sandbox(sandbox) => {
                let (status, body) = sandbox.send(operation);
                let body = serde_json::to_vec(&body).map_err(|error| RelayError::Upstream(error.to_string()))?;
                crate::answer::interpret(operation, status, body)
            }
            Self::Http(http) => http.send(operation).await,
        }
    }
}

/// Everything a request needs.
pub struct AppState {
    policy: Policy,
    allowed_origins: Vec<String>,
    tokens: Tokens,
    used_tokens: Box<dyn UsedTokens>,
    upstream: Upstream,
    idempotency: Box<dyn IdempotencyStore>,
    admission: Admission,
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
        let upstream = HttpUpstream::new(config, secrets, config.limits.upstream_timeout())?;
        Ok(Self::new(config, tokens, Upstream::Http(upstream), true))
    }

    fn new(config: &Config, tokens: Tokens, upstream: Upstream, serve: bool) -> Self {
        let limits = config.limits.clone();
        Self {
            policy: config.policy(),
            idempotency: Box::new(MemoryStore::new(limits.idempotency_retention())),
            admission: Admission::new(config, serve),
            allowed_origins: config.allowed_origins.clone(),
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
        .allow_methods([Method::GET, Method::POST, Method::PUT])
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
    state: &AppState,
    route: Route,
    request: Request<Body>,
) -> Result<(Response, Option<String>), RelayError> {
    let (mut parts, body) = request.into_parts();
    // `admitted.client` is who sent it (behind trusted proxies, who they name).
    let admitted = state.admission.admit(route, &parts)?;
    let params: Vec<String> = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map(|params| params.iter().map(|(_, value)| value.to_owned()).collect())
        .unwrap_or_default();
    let bytes = state.admission.read_body(body).await?;
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
    if !errors.is_empty() {
        return Err(RelayError::Invalid(errors));
    }
    state.admission.limit_calls(&operation, &admitted)?;

    let received = || Received {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: (!query.is_empty()).then(|| query.clone()),
        headers: recorded_headers(&parts.headers),
        body: serde_json::from_slice(&bytes).unwrap_or_default(),
    };
    let key = parts
        .headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|key| route.is_write() && !key.is_empty());
    let Some(key) = key else {
        return Ok((respond(run(state, &operation, received(), proof).await, false), contact));
    };
    let slot = state
        .idempotency
        .slot(
            key,
            fingerprint(&format!("{} {}?{query}", parts.method, parts.uri.path()), &bytes),
        )
        .map_err(|_| {
            RelayError::invalid(
                "Idempotency-Key",
                Code::Conflict,
                "This request reuses the key of a different request. Send it with a new Idempotency-Key.",
            )
        })?;
    let mut ran_here = false;
    let stored = slot
        .answer
        .get_or_init(|| {
            ran_here = true;
            run(state, &operation, received(), proof)
        })
        .await
        .clone();
    // A timeout or an outage is not an answer worth replaying: the retry should try again.
    if stored.status >= 500 || stored.status == 429 {
        state.idempotency.release(key, &slot);
    }
    Ok((respond(stored, !ran_here), contact))
}

/// Calls the upstream once, and keeps what the visitor may see. A reschedule spends its
/// token here, where a replay of its `Idempotency-Key` does not come (see [`token`]).
async fn run(state: &AppState, operation: &Operation, received: Received, proof: Option<Proof>) -> Stored {
    let claim = match proof {
        Some(proof) => match Claim::new(&*state.used_tokens, proof, state.tokens.now()) {
            Some(claim) => Some(claim),
            None => return stored(RelayError::Forbidden),
        },
        None => None,
    };
    if let Some(sandbox) = state.sandbox_upstream() {
        sandbox.record(received);
    }
    let route = operation.route();
    let outcome = async {
        let (status, reply) = state.upstream.send(operation).await?;
        let (body, booking) = operation.allow_reply(&reply)?;
        let token = booking
            .filter(|_| route.issues_token())
            .map(|booking| state.tokens.issue(route.provider(), &booking));
        Ok::<_, RelayError>(Stored { status, body, token })
    };
    let stored = outcome.await.unwrap_or_else(stored);
    if let Some(claim) = claim.filter(|_| (200..300).contains(&stored.status)) {
        claim.keep();
    }
    stored
}

fn stored(error: RelayError) -> Stored {
    Stored {
        status: error.status().as_u16(),
        body: error.body(),
        token: None,
    }
}

fn respond(stored: Stored, replayed: bool) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, Json(stored.body)).into_response();
    if let Some(token) = stored.token.and_then(|token| HeaderValue::from_str(&token).ok()) {
        response.headers_mut().insert(token::HEADER, token);
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
