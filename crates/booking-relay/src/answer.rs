//! What a provider's answer means for the visitor, the same for both upstreams: a 2xx
//! passes on (through the allow-list, later); a refusal because the time is not free
//! is `422` with code `slot_unavailable` on the start field, so the widget can tell
//! "choose another time" from "your input is wrong"; a 404 is ours; the provider's
//! other 4xx name the fields it refused; everything else is the provider's problem.

use booking_core::{Code, FieldError};
use reqwest::StatusCode;

use crate::error::RelayError;
use crate::http::refusal;
use crate::ops::{Operation, Route};

/// Words each provider uses when it refuses a time that is not free (lower case).
/// Cal.com: `no_available_users_found_error`, `booking_time_out_of_bounds_error` and
/// "Attempting to book a meeting in the past." (its booking errors), and a `422` on a
/// slot reservation when the slot is "already reserved" or "already booked"; HighLevel:
/// "The slot you have selected is no longer available."; iClosed and meetergo answer in
/// NestJS's shape with "not available" or "no longer available" in the message.
const SLOT_REFUSALS: [&str; 7] = [
    "no_available_users_found",
    "booking_time_out_of_bounds",
    "in the past",
    "not available",
    "no longer available",
    "already reserved",
    "already booked",
];

/// The provider's `status` and reply `body` to `operation`: the 2xx status and body to
/// pass on, or why not.
pub fn interpret(operation: &Operation, status: u16, body: Vec<u8>) -> Result<(u16, Vec<u8>), RelayError> {
    let status = StatusCode::from_u16(status).map_err(|_| RelayError::Upstream(format!("status {status}")))?;
    match status {
        s if s.is_success() => Ok((s.as_u16(), body)),
        StatusCode::NOT_FOUND => Err(RelayError::NotFound),
        // 401/403: the operator's key is wrong; 408/429: the provider is busy; 3xx: a
        // moved API; 5xx: an outage. Nothing the visitor can fix, and worth a retry.
        s if !s.is_client_error()
            || matches!(
                s,
                StatusCode::UNAUTHORIZED
                    | StatusCode::FORBIDDEN
                    | StatusCode::REQUEST_TIMEOUT
                    | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            Err(RelayError::Upstream(format!("the provider answered {s}")))
        }
        _ => Err(slot_refusal(operation.route(), &body).unwrap_or_else(|| refusal(operation, &body))),
    }
}

/// A refusal of the time itself, on the route's start field; `None` for any other 4xx.
fn slot_refusal(route: Route, body: &[u8]) -> Option<RelayError> {
    let field = start_field(route)?;
    let text = String::from_utf8_lossy(body).to_lowercase();
    if !SLOT_REFUSALS.iter().any(|words| text.contains(words)) {
        return None;
    }
    let message = if text.contains("in the past") {
        "This time has already passed. Please choose a later time."
    } else {
        "The host is not free at this time. Please choose another time."
    };
    Some(RelayError::Invalid(vec![FieldError::new(
        field,
        Code::SlotUnavailable,
        message,
    )]))
}

/// The wire name of the start a route books or moves to.
fn start_field(route: Route) -> Option<&'static str> {
    match route {
        Route::IclosedCreateCall | Route::IclosedRescheduleCall => Some("dateTime"),
        Route::GohighlevelCreateAppointment | Route::GohighlevelUpdateAppointment => Some("startTime"),
        Route::MeetergoCreateBooking
        | Route::MeetergoRescheduleAppointment
        | Route::CalcomCreateBooking
        | Route::CalcomRescheduleBooking => Some("start"),
        Route::CalcomReserveSlot => Some("slotStart"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iclosed_booking() -> Operation {
        Operation::IclosedCreateCall(booking_core::iclosed::CreateCallRequest::default())
    }

    fn codes(result: Result<(u16, Vec<u8>), RelayError>) -> Vec<(String, Code)> {
        match result {
            Err(RelayError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("not a 422: {other:?}"),
        }
    }

    #[test]
    fn each_provider_s_words_for_a_time_that_is_not_free_are_slot_unavailable() {
        for body in [
            r#"{"statusCode":400,"message":"The slot you have selected is no longer available."}"#,
            r#"{"status":"error","error":{"code":"BadRequestException","message":"no_available_users_found_error"}}"#,
            r#"{"status":"error","error":{"message":"Attempting to book a meeting in the past."}}"#,
        ] {
            let result = interpret(&iclosed_booking(), 400, body.as_bytes().to_vec());
            assert_eq!(
                codes(result),
                [("dateTime".to_owned(), Code::SlotUnavailable)],
                "{body}"
            );
        }
    }

    #[test]
    fn other_refusals_are_not_blamed_on_the_time() {
        let body = br#"{"message":["email must be an email"]}"#.to_vec();
        let result = interpret(&iclosed_booking(), 400, body.clone());
        assert_eq!(codes(result), [("email".to_owned(), Code::Format)]);
        // A route that books nothing has no time to blame.
        let contact = Operation::GohighlevelUpsertContact(Default::default());
        let slot_words = br#"{"message":"The slot you have selected is no longer available."}"#.to_vec();
        assert!(!codes(interpret(&contact, 400, slot_words))
            .iter()
            .any(|(_, code)| *code == Code::SlotUnavailable));
    }
}
