//! The relay's one error type. Every refusal has the contract's shape,
//! `{"errors":[{"field","code","message"}]}`, and says what the client can act on,
//! never the internals.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use booking_core::{Code, FieldError};
use serde_json::json;

/// Why the relay did not pass a provider's success back.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The body is not JSON (`400`).
    #[error("malformed request")]
    Malformed(FieldError),
    /// Broken rules, all of them (`422`).
    #[error("{} broken rule(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// A reschedule without a valid `Reschedule-Token`: missing, forged, for another
    /// booking, expired, or used already (`403`).
    #[error("missing or invalid reschedule token")]
    Forbidden,
    /// No such booking (`404`).
    #[error("not found")]
    NotFound,
    /// No route has this path (`404`).
    #[error("no such route")]
    NoRoute,
    /// The path exists, with other methods (`405`).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is over the limit (`413`).
    #[error("request too large")]
    TooLarge,
    /// Too many requests from this client (`429`, retry after the seconds given).
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a request will be let through.
        retry_after_seconds: u64,
    },
    /// A write from a page whose `Origin` is not in `allowed_origins` (`403`, serve mode).
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// A write whose body is not declared `application/json` (`415`).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body did not arrive within `limits.body_read_timeout_ms` (`408`).
    #[error("request body timeout")]
    BodyTimeout,
    /// More requests in flight than `limits.max_in_flight` (`503`, retry after a second).
    #[error("overloaded")]
    Overloaded,
    /// The Cal.com call flow's daily limit for this number or this site is spent (`429`).
    #[error("call limit reached")]
    CallsLimited {
        /// `numberToCall` or `Origin`: which limit.
        field: &'static str,
        /// Seconds until the next UTC day.
        retry_after_seconds: u64,
    },
    /// The provider did not answer in time (`504`).
    #[error("upstream timeout")]
    UpstreamTimeout,
    /// The provider failed, could not be reached, or answered something we cannot read (`502`).
    #[error("upstream failure: {0}")]
    Upstream(String),
    /// A write with this `Idempotency-Key` is still in flight (`409`, retry shortly).
    #[error("idempotency key in flight")]
    InProgress,
    /// A write with this `Idempotency-Key` may or may not have gone through, for good (`502`).
    #[error("outcome unknown")]
    OutcomeUnknown,
    /// No room for another `Idempotency-Key` right now (`503`, retry after the seconds given).
    #[error("busy")]
    Busy {
        /// Seconds to wait.
        retry_after_seconds: u64,
    },
}

impl RelayError {
    /// One broken rule.
    pub fn invalid(field: &str, code: Code, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } | Self::CallsLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::OriginNotAllowed => StatusCode::FORBIDDEN,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Upstream(_) | Self::OutcomeUnknown => StatusCode::BAD_GATEWAY,
            Self::InProgress => StatusCode::CONFLICT,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The contract's error body.
    pub fn body(&self) -> serde_json::Value {
        let one = |field: &str, code: &str, message: &str| json!({ "errors": [{ "field": field, "code": code, "message": message }] });
        match self {
            Self::Malformed(error) => json!({ "errors": [error] }),
            Self::Invalid(errors) => json!({ "errors": errors }),
            Self::Forbidden => one(
                "Reschedule-Token",
                "forbidden",
                "This reschedule link is not valid (links expire and work once). Open the link from your latest confirmation.",
            ),
            Self::NotFound => one("id", "not_found", "We could not find that booking."),
            Self::NoRoute => one("path", "not_found", "There is no such route."),
            Self::MethodNotAllowed => one("method", "not_allowed", "This route does not take this method."),
            Self::TooLarge => one("body", "too_large", "The request is too large."),
            Self::RateLimited { .. } => one(
                "body",
                "rate_limited",
                "Too many requests. Please wait a moment and try again.",
            ),
            Self::OriginNotAllowed => one(
                "Origin",
                "forbidden",
                "This page may not send bookings through this relay. Add its origin to allowed_origins.",
            ),
            Self::UnsupportedMediaType => one(
                "Content-Type",
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.",
            ),
            Self::BodyTimeout => one(
                "body",
                "timeout",
                "The request took too long to arrive. Please try again.",
            ),
            Self::Overloaded => one(
                "body",
                "overloaded",
                "The booking service is busy. Please try again in a moment.",
            ),
            Self::CallsLimited { field, .. } => one(
                field,
                "rate_limited",
                if *field == "numberToCall" {
                    "This number has had as many calls today as we place. Please try again tomorrow, or book a time instead."
                } else {
                    "This site has asked for as many calls today as we place. Please try again tomorrow, or book a time instead."
                },
            ),
            Self::UpstreamTimeout => one(
                "body",
                "upstream_timeout",
                "The booking service did not answer in time. Please try again.",
            ),
            Self::Upstream(_) => one(
                "body",
                "upstream_error",
                "The booking service is not available right now. Please try again in a moment.",
            ),
            Self::InProgress => one(
                "Idempotency-Key",
                "in_progress",
                "A request with this Idempotency-Key is still being handled. Try again in a moment; it will not run twice.",
            ),
            Self::OutcomeUnknown => one(
                "body",
                "outcome_unknown",
                "The booking service did not confirm this request, so it may have gone through. \
                 Check your email before booking again.",
            ),
            Self::Busy { .. } => one(
                "Idempotency-Key",
                "busy",
                "The relay is handling too many requests right now. Please try again in a moment.",
            ),
        }
    }

    /// The seconds this refusal asks the client to wait (`Retry-After`), at least 1.
    pub fn retry_after(&self) -> Option<u64> {
        let seconds = match self {
            Self::RateLimited { retry_after_seconds }
            | Self::Busy { retry_after_seconds }
            | Self::CallsLimited {
                retry_after_seconds, ..
            } => *retry_after_seconds,
            // A retry waits for the answer itself (up to the upstream timeout): it may come back at once.
            Self::Overloaded | Self::InProgress => 1,
            _ => return None,
        };
        Some(seconds.max(1))
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
