//! What a request must pass before the relay spends anything on it: the client's rate,
//! the global ceiling, the origin and media type of writes, the in-flight cap, the time
//! to send its body, and (for the Cal.com call flow) the calls per number and per site.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::client::{Bucket, Client, Proxies};
use crate::config::{Config, Limits};
use crate::error::RelayError;
use crate::ops::{Operation, Route};

/// A request let in: who sent it, and from which page.
#[derive(Debug, Clone)]
pub struct Admitted {
    /// Who sent it.
    pub client: Client,
    /// The request's `Origin`, when it sent one.
    pub origin: Option<String>,
}

/// The checks of one relay, built from its config.
pub struct Admission {
    proxies: Proxies,
    limiter: ClientLimiter,
    /// `Some` in serve mode: writes from other origins are refused.
    allowed_origins: Option<Vec<String>>,
    /// `Some` in serve mode: the sandbox rings no one, so it counts no calls.
    calls: Option<CallLimits>,
    in_flight: Arc<Semaphore>,
    body_bytes: usize,
    body_read_timeout: Duration,
}

impl Admission {
    /// The checks `config` asks for; `serve` adds those that only protect real
    /// providers and real phones (the origin allow-list, the call limits).
    pub fn new(config: &Config, serve: bool) -> Self {
        let limits = &config.limits;
        Self {
            proxies: config.proxies(),
            limiter: ClientLimiter::new(limits),
            allowed_origins: serve.then(|| config.allowed_origins.clone()),
            calls: serve.then(|| CallLimits::new(limits, Arc::new(MemoryCallCounter::default()))),
            in_flight: Arc::new(Semaphore::new(limits.max_in_flight.max(1) as usize)),
            body_bytes: limits.body_bytes,
            body_read_timeout: limits.body_read_timeout(),
        }
    }

    /// The client's rate limiter (tests look at how many clients it remembers).
    pub fn limiter(&self) -> &ClientLimiter {
        &self.limiter
    }

    /// Lets a request in, or says why not, cheapest check first: the client's rate
    /// (`429`), the global ceiling (`429`), a write's `Origin` (`403`, serve mode) and a
    /// body's `Content-Type` (`415`). The in-flight cap comes once the body is read
    /// ([`Admission::answering`]).
    pub fn admit(&self, route: Route, parts: &Parts) -> Result<Admitted, RelayError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        let client = self.proxies.identify(peer, &parts.headers);
        self.limiter.check(client.bucket())?;
        let origins: Vec<&[u8]> = parts
            .headers
            .get_all(header::ORIGIN)
            .iter()
            .map(|value| value.as_bytes())
            .collect();
        if route.is_write() {
            if let Some(allowed) = &self.allowed_origins {
                // No `Origin` is a server or a tool, not a page a visitor was lured to.
                if !origins
                    .iter()
                    .all(|origin| allowed.iter().any(|allowed| allowed.as_bytes() == *origin))
                {
                    return Err(RelayError::OriginNotAllowed);
                }
            }
        }
        // A JSON body said to be anything else is a form a page could send without a
        // preflight; a `DELETE` carries none.
        if route.has_body() {
            let json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(is_json);
            if !json {
                return Err(RelayError::UnsupportedMediaType);
            }
        }
        Ok(Admitted {
            client,
            origin: origins
                .first()
                .and_then(|origin| std::str::from_utf8(origin).ok())
                .map(str::to_owned),
        })
    }

    /// One of the `max_in_flight` places for a request being answered (`503` when none
    /// is free), held until the returned permit drops.
    pub fn answering(&self) -> Result<OwnedSemaphorePermit, RelayError> {
        self.in_flight
            .clone()
            .try_acquire_owned()
            .map_err(|_| RelayError::Overloaded)
    }

    /// Reads the whole body within `limits.body_read_timeout_ms` (`408`) and
    /// `limits.body_bytes` (`413`). The deadline is for the whole body, not between
    /// chunks: a client trickling a byte at a time still has to finish in time.
    pub async fn read_body(&self, body: Body) -> Result<Bytes, RelayError> {
        match tokio::time::timeout(self.body_read_timeout, axum::body::to_bytes(body, self.body_bytes)).await {
            Err(_) => Err(RelayError::BodyTimeout),
            Ok(Err(_)) => Err(RelayError::TooLarge),
            Ok(Ok(bytes)) => Ok(bytes),
        }
    }

    /// Counts a Cal.com phone call against its number's and its site's daily limits
    /// (`429` when either is spent). Other operations, and the sandbox, pass.
    pub fn limit_calls(&self, operation: &Operation, admitted: &Admitted) -> Result<(), RelayError> {
        let (Some(calls), Operation::CalcomCreatePhoneCall { body, .. }) = (&self.calls, operation) else {
            return Ok(());
        };
        let number = body.number_to_call.as_deref().map(normalize_number).unwrap_or_default();
        // Without an Origin (a script, not a page) the client stands in for the site.
        let site = match &admitted.origin {
            Some(origin) => format!("origin {origin}"),
            None => format!("client {:?}", admitted.client.bucket()),
        };
        calls.charge(&number, &site, SystemTime::now())
    }
}

/// `application/json`, any case, with or without parameters (`; charset=utf-8`).
fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

/// `+44 20 7946-0958` → `+442079460958`: one number, however it is written.
pub fn normalize_number(number: &str) -> String {
    number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

/// Per-client token buckets and one global bucket over all clients.
///
/// A bucket back at full is the same as no bucket, so the clients whose buckets have
/// refilled are forgotten, at most once per refill time (between 1 s and 1 min), by
/// whichever request finds the time has come: memory follows the clients of the last
/// moments, not every client ever seen.
pub struct ClientLimiter {
    per_client: DefaultKeyedRateLimiter<Bucket>,
    global: DefaultDirectRateLimiter,
    started: Instant,
    prune_every: Duration,
    /// When the last prune started, in nanoseconds since `started`.
    last_prune: AtomicU64,
}

impl ClientLimiter {
    /// `limits.requests_per_second`/`burst` per client, `global_requests_per_second`/`global_burst` in all.
    pub fn new(limits: &Limits) -> Self {
        let quota = |per_second: u32, burst: u32| {
            Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        let refill =
            Duration::from_secs_f64(f64::from(limits.burst.max(1)) / f64::from(limits.requests_per_second.max(1)));
        Self {
            per_client: RateLimiter::keyed(quota(limits.requests_per_second, limits.burst)),
            global: RateLimiter::direct(quota(limits.global_requests_per_second, limits.global_burst)),
            started: Instant::now(),
            prune_every: refill.clamp(Duration::from_secs(1), Duration::from_secs(60)),
            last_prune: AtomicU64::new(0),
        }
    }

    /// Takes a token from `bucket` and from the global bucket (`429` with the wait when either is empty).
    pub fn check(&self, bucket: Bucket) -> Result<(), RelayError> {
        self.prune_if_due();
        let wait = |not_until: governor::NotUntil<_>| RelayError::RateLimited {
            retry_after_seconds: not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs_f64()
                .ceil() as u64,
        };
        self.per_client.check_key(&bucket).map_err(wait)?;
        self.global.check().map_err(wait)
    }

    /// How many clients it remembers.
    pub fn len(&self) -> usize {
        self.per_client.len()
    }

    /// Whether it remembers no client.
    pub fn is_empty(&self) -> bool {
        self.per_client.is_empty()
    }

    fn prune_if_due(&self) {
        let now = self.started.elapsed().as_nanos() as u64;
        let last = self.last_prune.load(Ordering::Relaxed);
        if now.saturating_sub(last) < self.prune_every.as_nanos() as u64 {
            return;
        }
        // One request prunes; the others go on.
        if self
            .last_prune
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.per_client.retain_recent();
            self.per_client.shrink_to_fit();
        }
    }
}

/// Where the daily call counts live. In memory today; a shared store (Redis, see
/// DESIGN.md §8) implements the same so replicas count together.
pub trait CallCounter: Send + Sync {
    /// On UTC day `day`, adds one to every key if each is below its limit and returns
    /// `Ok`; otherwise adds nothing and returns the index of the first key at its limit.
    fn charge(&self, day: u64, keys: &[(&str, u32)]) -> Result<(), usize>;
}

/// [`CallCounter`] in this process's memory. A new day forgets the old one's counts.
#[derive(Debug, Default)]
pub struct MemoryCallCounter {
    counts: Mutex<(u64, HashMap<String, u32>)>,
}

impl CallCounter for MemoryCallCounter {
    fn charge(&self, day: u64, keys: &[(&str, u32)]) -> Result<(), usize> {
        let mut guard = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (counted_day, counts) = &mut *guard;
        if *counted_day != day {
            *counted_day = day;
            counts.clear();
        }
        if let Some(full) = keys
            .iter()
            .position(|(key, limit)| counts.get(*key).copied().unwrap_or(0) >= *limit)
        {
            return Err(full);
        }
        for (key, _) in keys {
            *counts.entry((*key).to_owned()).or_insert(0) += 1;
        }
        Ok(())
    }
}

/// The Cal.com call flow's daily limits: per number called, and per site asking.
pub struct CallLimits {
    per_number: u32,
    per_origin: u32,
    counter: Arc<dyn CallCounter>,
}

impl CallLimits {
    /// `limits.calls_per_number_per_day` and `calls_per_origin_per_day`, counted in `counter`.
    pub fn new(limits: &Limits, counter: Arc<dyn CallCounter>) -> Self {
        Self {
            per_number: limits.calls_per_number_per_day,
            per_origin: limits.calls_per_origin_per_day,
            counter,
        }
    }

    /// Counts one call to `number` asked for by `site` at `now`; `429` until the next
    /// UTC midnight when the number or the site has had its calls for the day.
    pub fn charge(&self, number: &str, site: &str, now: SystemTime) -> Result<(), RelayError> {
        let seconds = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let number_key = format!("number {number}");
        let keys = [(number_key.as_str(), self.per_number), (site, self.per_origin)];
        self.counter
            .charge(seconds / 86_400, &keys)
            .map_err(|full| RelayError::CallsLimited {
                field: if full == 0 { "numberToCall" } else { "Origin" },
                retry_after_seconds: 86_400 - seconds % 86_400,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_application_json_with_any_parameters() {
        for yes in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;x=y",
        ] {
            assert!(is_json(yes), "{yes}");
        }
        for no in [
            "",
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/ld+json",
        ] {
            assert!(!is_json(no), "{no}");
        }
    }

    #[test]
    fn a_refused_call_counts_against_neither_limit() {
        let counter = MemoryCallCounter::default();
        assert_eq!(counter.charge(1, &[("a", 1), ("site", 5)]), Ok(()));
        assert_eq!(counter.charge(1, &[("a", 1), ("site", 5)]), Err(0));
        assert_eq!(counter.charge(1, &[("b", 1), ("site", 5)]), Ok(()));
        assert_eq!(counter.counts.lock().unwrap().1["site"], 2);
        // A new day starts from nothing.
        assert_eq!(counter.charge(2, &[("a", 1), ("site", 5)]), Ok(()));
        assert_eq!(counter.counts.lock().unwrap().1.len(), 2);
    }

    #[test]
    fn numbers_are_counted_however_they_are_written() {
        assert_eq!(normalize_number("+44 20 7946-0958"), "+442079460958");
        assert_eq!(normalize_number("+442079460958"), "+442079460958");
    }
}
