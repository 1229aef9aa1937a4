//! `Idempotency-Key` on writes: one upstream write per key, whatever happens to the
//! connections that carry it.
//!
//! # The rules
//!
//! - **A key is 16 to 255 printable ASCII characters** (`0x21..=0x7E`, e.g. a UUID);
//!   anything else is refused `422` naming `Idempotency-Key` ([`key_problem`]). Reads
//!   ignore the header.
//! - **Keys are global, not per client**: a retry may come from a new network. The same
//!   key with another route or body is refused `422` (`conflict`). The client that made
//!   the first request is kept with its answer; a replay to another client gets the same
//!   status and body without the `Reschedule-Token` (a leaked key is no way to steal the
//!   right to move someone's booking).
//! - **The upstream call belongs to the key, not to the connection.** The request that
//!   claims a key spawns the call and the recording of its answer as one task, then
//!   waits for it. A client that disconnects (the server drops its handler) does not
//!   stop the task: the answer is kept and the retry gets it.
//! - **A `504` does not end the call.** The visitor waits `limits.upstream_timeout_ms`
//!   and then gets `504`; the call goes on up to `limits.upstream_deadline_ms` and its
//!   real answer is kept. A retry while the call is in flight waits for it up to
//!   `upstream_timeout_ms` and then gets `409` (`in_progress`, field `Idempotency-Key`,
//!   `Retry-After: 1`: waiting is what paces the retries); never a second upstream write.
//! - **A key is released only when the provider certainly did nothing**: it could not
//!   be reached, it refused auth (`401`/`403`), asked us to slow down (`429`), was
//!   unavailable (`503`), redirected, or refused the request itself (other `4xx`).
//!   The requests waiting at that moment get that answer; the next one runs again. Our
//!   own refusals are never kept either: bad input, a rate limit or a forged token come
//!   before a key is claimed; a token in use or a phone call over its daily limit are
//!   found just before the upstream call, and release the key.
//! - **When the provider may have acted and we cannot tell** (a `5xx` other than `503`,
//!   a success we cannot read, a connection dropped after the request went out, or the
//!   deadline passed with no answer), the key is kept with a final `502`
//!   (`outcome_unknown`) that tells the visitor to check their email before booking
//!   again. That is never replaced by a second write with the same key.
//!
//! # Memory
//!
//! [`MemoryStore`] keeps at most `limits.idempotency_max_keys` keys. Answers expire
//! `limits.idempotency_retention_hours` after they were kept; expiry pops an
//! expiry-ordered queue as time passes (no scan of the map: O(1) amortised per write).
//! When the store is full, the oldest kept answer is forgotten early (a retry of that
//! key would run again): every kept key cost an upstream write, which the rate limit
//! paces, so evicting keeps the relay available where refusing new keys would let one
//! flood lock every visitor out. Only when every key is still in flight is a new key
//! refused `503` with `Retry-After`.
//!
//! # Other stores
//!
//! [`IdempotencyStore`] is shaped for a shared store. In Redis: [`claim`] is
//! `SET key {fingerprint, claim id} NX PX <deadline>` and, when the key exists, a `GET`
//! (another fingerprint: [`ClaimError::KeyReused`]; otherwise a future that waits for
//! the answer by `SUBSCRIBE` or polling); [`settle`] is a script that checks the claim
//! id, then stores the answer with `PX <retention>` (kept) or publishes it and `DEL`s
//! the key (released).
//!
//! [`claim`]: IdempotencyStore::claim
//! [`settle`]: IdempotencyStore::settle

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use booking_core::{Code, FieldError};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

/// Shortest accepted key.
pub const KEY_MIN_LEN: usize = 16;
/// Longest accepted key.
pub const KEY_MAX_LEN: usize = 255;

/// A kept answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: serde_json::Value,
    /// The `Reschedule-Token` it carried, if any.
    pub token: Option<String>,
    /// The client that made the request (a replay to another one gets no token).
    pub client: String,
    /// Seconds a refusal asks the client to wait (`Retry-After`).
    pub retry_after: Option<u64>,
}

/// What becomes of a claimed key once its request has an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Keep the answer for replays until it expires.
    Keep,
    /// The provider certainly did nothing: hand the answer to those already waiting,
    /// then forget the key so that the next request runs again.
    Release,
}

/// Identifies one claim of a key (a key released and claimed again is a new claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimId(u64);

/// The answer of another request with the same key: resolves when it has one (at once
/// if it is kept already); `None` if that request vanished without one.
pub type Pending = Pin<Box<dyn Future<Output = Option<Stored>> + Send>>;

/// What a request with a key does.
pub enum Claim {
    /// The key is this request's: run it, then [`IdempotencyStore::settle`].
    Owner(ClaimId),
    /// Another request with this key and fingerprint ran or runs: wait for its answer.
    Follower(Pending),
}

impl std::fmt::Debug for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Owner(id) => f.debug_tuple("Owner").field(id).finish(),
            Self::Follower(_) => f.write_str("Follower(..)"),
        }
    }
}

/// Why a key cannot be claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    /// The same key arrived with a different request.
    KeyReused,
    /// The store holds its maximum of keys and all are in flight: try again shortly.
    Full,
}

/// Where answers are kept, one claim per key.
#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for the request with `fingerprint`, or follows the request that has it.
    async fn claim(&self, key: &str, fingerprint: [u8; 32]) -> Result<Claim, ClaimError>;
    /// Records the answer of `claim` (a no-op if the claim is no longer the key's).
    async fn settle(&self, key: &str, claim: ClaimId, answer: Stored, settle: Settle);
}

/// The fingerprint of a request: its route and its body, byte for byte.
pub fn fingerprint(path: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().into()
}

/// What is wrong with an `Idempotency-Key` header value, if anything.
pub fn key_problem(value: &[u8]) -> Option<FieldError> {
    let broken = |code, message: &str| Some(FieldError::new("Idempotency-Key", code, message));
    if !value.iter().all(|byte| (0x21..=0x7E).contains(byte)) {
        return broken(
            Code::Format,
            "Use printable ASCII characters only (letters, digits, punctuation; no spaces), like a UUID.",
        );
    }
    if value.len() < KEY_MIN_LEN {
        return broken(
            Code::Format,
            "Use at least 16 characters, like a UUID, so that keys do not collide.",
        );
    }
    if value.len() > KEY_MAX_LEN {
        return broken(Code::TooLong, "Use at most 255 characters, like a UUID.");
    }
    None
}

/// The time as the store sees it (tests turn it by hand).
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// [`IdempotencyStore`] in this process's memory.
pub struct MemoryStore {
    retention: Duration,
    max_keys: usize,
    clock: Clock,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("retention", &self.retention)
            .field("max_keys", &self.max_keys)
            .field("keys", &self.len())
            .finish()
    }
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Kept answers in the order they expire: the retention is one duration and the
    /// clock only moves on, so the order they were kept in is that order.
    expiry: VecDeque<(Instant, String, ClaimId)>,
    next_claim: u64,
    /// Queue entries looked at, for the test that expiry does not scan.
    #[cfg(test)]
    examined: usize,
}

struct Entry {
    fingerprint: [u8; 32],
    claim: ClaimId,
    /// `None` while in flight.
    answer: watch::Sender<Option<Arc<Stored>>>,
}

impl MemoryStore {
    /// Keeps answers for `retention`, at most `max_keys` keys at once.
    pub fn new(retention: Duration, max_keys: usize) -> Self {
        Self::with_clock(retention, max_keys, Arc::new(Instant::now))
    }

    /// [`MemoryStore::new`] with another clock.
    pub fn with_clock(retention: Duration, max_keys: usize, clock: Clock) -> Self {
        Self {
            retention,
            max_keys: max_keys.max(1),
            clock,
            inner: Mutex::default(),
        }
    }

    /// Keys held (in flight or kept).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// No key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    /// Forgets the oldest kept answer if `due` says so; whether one was forgotten.
    fn pop_kept(&mut self, due: impl Fn(Instant) -> bool) -> bool {
        while let Some((expires, _, _)) = self.expiry.front() {
            if !due(*expires) {
                return false;
            }
            #[cfg(test)]
            {
                self.examined += 1;
            }
            let Some((_, key, claim)) = self.expiry.pop_front() else {
                return false;
            };
            // Only the claim that was queued: the key may be another claim's by now.
            if self.entries.get(&key).is_some_and(|entry| entry.claim == claim) {
                self.entries.remove(&key);
                return true;
            }
        }
        false
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(&self, key: &str, fingerprint: [u8; 32]) -> Result<Claim, ClaimError> {
        let mut inner = self.lock();
        let now = (self.clock)();
        while inner.pop_kept(|expires| expires <= now) {}
        if let Some(entry) = inner.entries.get(key) {
            if entry.fingerprint != fingerprint {
                return Err(ClaimError::KeyReused);
            }
            let mut answer = entry.answer.subscribe();
            return Ok(Claim::Follower(Box::pin(async move {
                let kept = answer.wait_for(Option::is_some).await.ok()?;
                kept.as_deref().cloned()
            })));
        }
        if inner.entries.len() >= self.max_keys && !inner.pop_kept(|_| true) {
            return Err(ClaimError::Full);
        }
        inner.next_claim += 1;
        let claim = ClaimId(inner.next_claim);
        inner.entries.insert(
            key.to_owned(),
            Entry {
                fingerprint,
                claim,
                answer: watch::Sender::new(None),
            },
        );
        Ok(Claim::Owner(claim))
    }

    async fn settle(&self, key: &str, claim: ClaimId, answer: Stored, settle: Settle) {
        let mut inner = self.lock();
        let Some(entry) = inner.entries.get(key).filter(|entry| entry.claim == claim) else {
            return;
        };
        entry.answer.send_replace(Some(Arc::new(answer)));
        match settle {
            Settle::Keep => {
                let expires = (self.clock)() + self.retention;
                inner.expiry.push_back((expires, key.to_owned(), claim));
            }
            Settle::Release => {
                inner.entries.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock the test turns.
    fn clock() -> (Clock, Arc<Mutex<Instant>>) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let read = now.clone();
        (Arc::new(move || *read.lock().unwrap()), now)
    }

    fn answer(status: u16) -> Stored {
        Stored {
            status,
            body: serde_json::json!({ "status": status }),
            token: None,
            client: "198.51.100.7".into(),
            retry_after: None,
        }
    }

    async fn owner(store: &MemoryStore, key: &str, body: &[u8]) -> ClaimId {
        match store.claim(key, fingerprint("/a", body)).await {
            Ok(Claim::Owner(claim)) => claim,
            other => panic!("{key}: expected to own it, got {other:?}"),
        }
    }

    async fn follow(store: &MemoryStore, key: &str, body: &[u8]) -> Pending {
        match store.claim(key, fingerprint("/a", body)).await {
            Ok(Claim::Follower(pending)) => pending,
            other => panic!("{key}: expected to follow, got {other:?}"),
        }
    }

    fn key(n: usize) -> String {
        format!("key-{n:012}-0123456789")
    }

    #[test]
    fn keys_are_16_to_255_printable_ascii_characters() {
        for good in [
            "0123456789abcdef",
            "3f2c9a1e-8d4b-4c6f-9a2e-7b1d5c8e0f3a",
            "3f2c9a1e-8d4b-4c6f-9a2e-7b1d5c8e0f3a-contact",
            "!~#$%&'*+-.^_`|~0123456789",
        ] {
            assert_eq!(key_problem(good.as_bytes()), None, "{good}");
        }
        assert_eq!(key_problem(&[b'k'; 255]), None);
        for (bad, code) in [
            (&b"short-key"[..], Code::Format),
            (b"", Code::Format),
            (b"0123456789 abcdef", Code::Format),
            (b"0123456789abcdef\x7f", Code::Format),
            (b"0123456789abcdef\xc3\xa9", Code::Format),
            (&[b'k'; 256], Code::TooLong),
        ] {
            let problem = key_problem(bad).unwrap_or_else(|| panic!("{bad:?} passed"));
            assert_eq!(
                (problem.field.as_str(), problem.code),
                ("Idempotency-Key", code),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_key_is_bound_to_its_first_request_until_it_expires() {
        let (clock, now) = clock();
        let store = MemoryStore::with_clock(Duration::from_secs(60), 10, clock);
        let claim = owner(&store, "k", b"1").await;
        assert_eq!(
            store.claim("k", fingerprint("/a", b"2")).await.unwrap_err(),
            ClaimError::KeyReused
        );
        assert_eq!(
            store.claim("k", fingerprint("/b", b"1")).await.unwrap_err(),
            ClaimError::KeyReused
        );
        let waiting = follow(&store, "k", b"1").await;
        store.settle("k", claim, answer(201), Settle::Keep).await;
        assert_eq!(waiting.await, Some(answer(201)));
        assert_eq!(follow(&store, "k", b"1").await.await, Some(answer(201)));
        *now.lock().unwrap() += Duration::from_secs(59);
        assert!(store.claim("k", fingerprint("/a", b"2")).await.is_err());
        *now.lock().unwrap() += Duration::from_secs(1);
        owner(&store, "k", b"2").await;
    }

    #[tokio::test]
    async fn a_released_key_answers_its_waiters_then_runs_again() {
        let store = MemoryStore::new(Duration::from_secs(60), 10);
        let first = owner(&store, "k", b"1").await;
        let waiting = follow(&store, "k", b"1").await;
        store.settle("k", first, answer(502), Settle::Release).await;
        assert_eq!(waiting.await, Some(answer(502)));
        let second = owner(&store, "k", b"1").await;
        assert_ne!(first, second);
        // A late settle of the old claim does not touch the new one.
        store.settle("k", first, answer(201), Settle::Keep).await;
        let waiting = follow(&store, "k", b"1").await;
        store.settle("k", second, answer(200), Settle::Keep).await;
        assert_eq!(waiting.await, Some(answer(200)));
    }

    #[tokio::test]
    async fn in_flight_keys_are_not_expired() {
        let (clock, now) = clock();
        let store = MemoryStore::with_clock(Duration::from_secs(1), 10, clock);
        let claim = owner(&store, "k", b"1").await;
        *now.lock().unwrap() += Duration::from_secs(3_600);
        owner(&store, "other-key", b"1").await;
        let waiting = follow(&store, "k", b"1").await;
        store.settle("k", claim, answer(201), Settle::Keep).await;
        assert_eq!(waiting.await, Some(answer(201)));
    }

    #[tokio::test]
    async fn expiry_pops_only_what_is_due_without_scanning() {
        let (clock, now) = clock();
        let store = MemoryStore::with_clock(Duration::from_secs(100), 1_000_000, clock);
        for n in 0..10_000 {
            let claim = owner(&store, &key(n), b"1").await;
            store.settle(&key(n), claim, answer(201), Settle::Keep).await;
            if n == 4_999 {
                *now.lock().unwrap() += Duration::from_secs(50);
            }
        }
        assert_eq!(store.len(), 10_000);
        assert_eq!(store.lock().examined, 0, "no write looked at an answer not due");
        // The first half is due: the next write forgets exactly those, looking at no other.
        *now.lock().unwrap() += Duration::from_secs(50);
        owner(&store, "a-new-key-0123456789", b"1").await;
        assert_eq!(store.len(), 5_001);
        assert_eq!(store.lock().examined, 5_000);
        owner(&store, "another-new-key-0123456789", b"1").await;
        assert_eq!(
            store.lock().examined,
            5_000,
            "a write with nothing due looks at nothing"
        );
        owner(&store, &key(0), b"2").await;
    }

    #[tokio::test]
    async fn a_full_store_forgets_its_oldest_answer_and_never_grows() {
        let store = MemoryStore::new(Duration::from_secs(3_600), 100);
        for n in 0..1_000 {
            let claim = owner(&store, &key(n), b"1").await;
            store.settle(&key(n), claim, answer(201), Settle::Keep).await;
            assert!(store.len() <= 100);
        }
        assert_eq!(store.len(), 100);
        // The newest answers are kept, the oldest forgotten.
        assert_eq!(follow(&store, &key(999), b"1").await.await, Some(answer(201)));
        owner(&store, &key(0), b"1").await;
    }

    #[tokio::test]
    async fn a_store_full_of_requests_in_flight_refuses_new_keys() {
        let store = MemoryStore::new(Duration::from_secs(3_600), 3);
        let claims: Vec<_> = [
            owner(&store, &key(0), b"1").await,
            owner(&store, &key(1), b"1").await,
            owner(&store, &key(2), b"1").await,
        ]
        .into();
        assert_eq!(
            store.claim(&key(3), fingerprint("/a", b"1")).await.unwrap_err(),
            ClaimError::Full
        );
        // Followers of a key in flight still follow.
        let _still_waiting = follow(&store, &key(0), b"1").await;
        store.settle(&key(0), claims[0], answer(201), Settle::Keep).await;
        owner(&store, &key(3), b"1").await;
        assert_eq!(store.len(), 3);
    }
}
