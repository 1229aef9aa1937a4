//! The thin fetch layer: one request of a submission to the configured endpoint, with
//! its `Idempotency-Key` and a timeout; what comes back goes to `booking-core`.

use booking_core::embed::{Failure, Method, Next, Request, Step, Submission, Success};
use gloo_net::http::RequestBuilder;

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
        let (status, reply_token, body) = send(&request, &step_key, timeout_seconds).await?;
        token = reply_token.or(token);
        match submission.answer(request.step, status, &body)? {
            Next::Send(next) => request = next,
            Next::Done(success) => return Ok(Booked { success, token }),
        }
    }
}

async fn send(request: &Request, key: &str, timeout_seconds: u32) -> Result<(u16, Option<String>, Vec<u8>), Failure> {
    let builder = match request.method {
        Method::Post => RequestBuilder::new(&request.url).method(gloo_net::http::Method::POST),
        Method::Put => RequestBuilder::new(&request.url).method(gloo_net::http::Method::PUT),
    };
    // `AbortSignal.timeout` aborts with a `TimeoutError`, which tells a slow answer
    // from a network that is down (a `TypeError`).
    let signal = web_sys::AbortSignal::timeout_with_u32(timeout_seconds.saturating_mul(1_000));
    let mut builder = builder
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .abort_signal(Some(&signal));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let failure = |error: gloo_net::Error| match error {
        gloo_net::Error::JsError(error) if error.name == "TimeoutError" || signal.aborted() => Failure::Timeout,
        _ => Failure::Offline,
    };
    let response = builder
        .body(request.body.as_str())
        .map_err(failure)?
        .send()
        .await
        .map_err(failure)?;
    let token = response.headers().get(RESCHEDULE_TOKEN);
    let body = response.binary().await.map_err(failure)?;
    Ok((response.status(), token, body))
}
