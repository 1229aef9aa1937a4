//! The availability cache: a busy landing page asks for the same free times many times
//! a minute, and the providers allow few calls (meetergo 100 a minute per key,
//! HighLevel 100 per 10 s, iClosed 20 a second), so answers are kept briefly and
//! shared.
//!
//! # The rules
//!
//! - **Per query, after policy.** The key is the route and the query as it goes
//!   upstream ([`crate::ops::Operation::availability_key`]): two visitors who ask for
//!   the same days in the same zone share an answer; another zone, range or reschedule
//!   is another query.
//! - **Briefly.** `limits.availability_cache_ms` (default 5 s; `0` turns the cache
//!   off). A slot taken at the provider by someone else (not through this relay) may
//!   be offered that long; the provider then refuses it and the widget refreshes the day.
//! - **One upstream call per query at a time.** Concurrent identical queries wait for
//!   the first one's call and all get its answer, a failure included. Only a success is
//!   kept: the request after a failure calls again.
//! - **A write drops its provider's answers.** A booking, move, hold or release that
//!   succeeded (or may have) through this relay bumps the provider's generation: no
//!   answer kept before it is read again, and a call that was in flight when it
//!   happened is not kept either (it may predate the write), so the next visitor does
//!   not see a just-taken slot.
//! - **Bounded.** At most `limits.availability_cache_max_entries` answers, and at most
//!   [`MAX_BYTES`] of them in all (the queries are the visitors', and each answer may
//!   be as large as `limits.upstream_reply_bytes`: a count alone let varied queries
//!   hold gigabytes); when either is full, the oldest goes first, and an answer larger
//!   than the whole budget is not kept.
//!
//! # Other stores
//!
//! [`AvailabilityStore`] is shaped for a shared store (issue 17). In Redis: the
//! generation is a counter per provider (`INCR` to forget); an answer lives under
//! `{provider}:{generation}:{query}` with `PX <ttl>`, so forgetting costs one command
//! and old answers expire on their own; [`AvailabilityStore::put`] is a script that
//! writes only while the generation is still the one the call started in. The
//! single-flight stays per process: replicas each make at most one call per query per
//! TTL, which is what the providers' limits need.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::idempotency::{Clock, Stored};
use crate::ops::Provider;

/// Where availability answers are kept.
#[async_trait::async_trait]
pub trait AvailabilityStore: Send + Sync {
    /// The provider's generation: it moves on with every [`AvailabilityStore::forget`].
    async fn generation(&self, provider: Provider) -> u64;
    /// The fresh answer kept for `query` in `generation`, if any.
    async fn get(&self, provider: Provider, generation: u64, query: &str) -> Option<Stored>;
    /// Keeps `answer` for `ttl`, unless the provider's generation moved past
    /// `generation` meanwhile (a write happened while it was being fetched).
    async fn put(&self, provider: Provider, generation: u64, query: &str, answer: Stored, ttl: Duration);
    /// Drops every answer of `provider`.
    async fn forget(&self, provider: Provider);
    /// Drops every answer (the sandbox's reset).
    async fn clear(&self);
}

/// The cache the pipeline asks: a store, its time to live, and the calls in flight.
pub struct AvailabilityCache {
    ttl: Duration,
    store: Box<dyn AvailabilityStore>,
    /// One cell per query being fetched; its first caller fills it, the others wait.
    flights: Mutex<HashMap<String, Arc<OnceCell<Stored>>>>,
}

impl std::fmt::Debug for AvailabilityCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvailabilityCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl AvailabilityCache {
    /// Answers kept for `ttl` in `store`; a zero `ttl` keeps nothing and shares nothing.
    pub fn new(ttl: Duration, store: Box<dyn AvailabilityStore>) -> Self {
        Self {
            ttl,
            store,
            flights: Mutex::default(),
        }
    }

    /// Answers kept for `ttl` in this process's memory, at most `max_entries` of them.
    pub fn memory(ttl: Duration, max_entries: usize) -> Self {
        Self::new(ttl, Box::new(MemoryAvailability::new(max_entries)))
    }

    /// The answer to `query` of `provider`: a kept one, the one a call in flight is
    /// getting, or the one `fetch` gets (kept if it is a success).
    pub async fn answer<F, Fut>(&self, provider: Provider, query: String, fetch: F) -> Stored
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Stored>,
    {
        if self.ttl.is_zero() {
            return fetch().await;
        }
        let generation = self.store.generation(provider).await;
        if let Some(kept) = self.store.get(provider, generation, &query).await {
            return kept;
        }
        // The generation is part of the flight: a query after a write does not join a
        // call that started before it.
        let flight = format!("{}:{generation}:{query}", provider.key());
        let cell = self.flights().entry(flight.clone()).or_default().clone();
        let answer = cell
            .get_or_init(|| async {
                let answer = fetch().await;
                if (200..300).contains(&answer.status) {
                    self.store
                        .put(provider, generation, &query, answer.clone(), self.ttl)
                        .await;
                }
                answer
            })
            .await
            .clone();
        // The call is over (its success is in the store): later requests must not
        // share it, least of all a failure.
        let mut flights = self.flights();
        if flights.get(&flight).is_some_and(|current| Arc::ptr_eq(current, &cell)) {
            flights.remove(&flight);
        }
        answer
    }

    /// Drops `provider`'s answers: a write changed its free times.
    pub async fn forget(&self, provider: Provider) {
        self.store.forget(provider).await;
    }

    /// Drops every answer.
    pub async fn clear(&self) {
        self.store.clear().await;
    }

    fn flights(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<Stored>>>> {
        // Plain data behind the lock: a panic while holding it leaves nothing half-done.
        self.flights.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Most bytes of answers (queries and bodies as JSON) the memory store keeps at once.
pub const MAX_BYTES: usize = 64 << 20;

/// [`AvailabilityStore`] in this process's memory.
pub struct MemoryAvailability {
    max_entries: usize,
    max_bytes: usize,
    clock: Clock,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generations: HashMap<Provider, u64>,
    /// `{provider}:{generation}:{query}` → when it expires, the answer, its size.
    entries: HashMap<String, (Instant, Stored, usize)>,
    /// The sizes of `entries`, summed.
    bytes: usize,
    /// Keys in the order they were kept, which is the order they expire (one TTL, a
    /// clock that only moves on); a key kept again or forgotten leaves a stale item,
    /// skipped when it comes up.
    order: VecDeque<(Instant, String)>,
}

impl MemoryAvailability {
    /// At most `max_entries` answers and [`MAX_BYTES`], on the system's clock.
    pub fn new(max_entries: usize) -> Self {
        Self::with_clock(max_entries, MAX_BYTES, Arc::new(Instant::now))
    }

    /// At most `max_entries` answers and `max_bytes`, on `clock` (tests turn it).
    pub fn with_clock(max_entries: usize, max_bytes: usize, clock: Clock) -> Self {
        Self {
            max_entries: max_entries.max(1),
            max_bytes,
            clock,
            inner: Mutex::default(),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many answers are kept (tests).
    pub fn len(&self) -> usize {
        self.inner().entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn entry_key(provider: Provider, generation: u64, query: &str) -> String {
    format!("{}:{generation}:{query}", provider.key())
}

impl Inner {
    /// Pops the oldest item; forgets its entry if the item is that entry's.
    fn pop_oldest(&mut self) -> bool {
        let Some((expires, key)) = self.order.pop_front() else {
            return false;
        };
        if self.entries.get(&key).is_some_and(|(at, ..)| *at == expires) {
            self.remove(&key);
        }
        true
    }

    fn remove(&mut self, key: &str) {
        if let Some((.., size)) = self.entries.remove(key) {
            self.bytes -= size;
        }
    }
}

#[async_trait::async_trait]
impl AvailabilityStore for MemoryAvailability {
    async fn generation(&self, provider: Provider) -> u64 {
        self.inner().generations.get(&provider).copied().unwrap_or_default()
    }

    async fn get(&self, provider: Provider, generation: u64, query: &str) -> Option<Stored> {
        let now = (self.clock)();
        let inner = self.inner();
        let (expires, answer, _) = inner.entries.get(&entry_key(provider, generation, query))?;
        (now < *expires).then(|| answer.clone())
    }

    async fn put(&self, provider: Provider, generation: u64, query: &str, answer: Stored, ttl: Duration) {
        let now = (self.clock)();
        let mut inner = self.inner();
        if inner.generations.get(&provider).copied().unwrap_or_default() != generation {
            return;
        }
        while inner.order.front().is_some_and(|(expires, _)| *expires <= now) {
            inner.pop_oldest();
        }
        let key = entry_key(provider, generation, query);
        let size = key.len() + answer.body.to_string().len();
        if size > self.max_bytes {
            return;
        }
        inner.remove(&key);
        while (inner.entries.len() >= self.max_entries || inner.bytes + size > self.max_bytes) && inner.pop_oldest() {}
        let expires = now + ttl;
        inner.order.push_back((expires, key.clone()));
        inner.bytes += size;
        inner.entries.insert(key, (expires, answer, size));
    }

    async fn forget(&self, provider: Provider) {
        let mut inner = self.inner();
        *inner.generations.entry(provider).or_default() += 1;
        let prefix = format!("{}:", provider.key());
        let gone: Vec<String> = inner
            .entries
            .keys()
            .filter(|key| key.starts_with(&prefix))
            .cloned()
            .collect();
        for key in gone {
            inner.remove(&key);
        }
    }

    async fn clear(&self) {
        let mut inner = self.inner();
        for provider in Provider::ALL {
            *inner.generations.entry(provider).or_default() += 1;
        }
        inner.entries.clear();
        inner.order.clear();
        inner.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn answer(status: u16, text: &str) -> Stored {
        Stored {
            status,
            body: serde_json::json!({ "text": text }),
            token: None,
            client: "c".into(),
            retry_after: None,
        }
    }

    /// A memory store on a clock the test turns, and the clock's hand.
    fn turned() -> (MemoryAvailability, Arc<Mutex<Instant>>) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let hand = now.clone();
        let store = MemoryAvailability::with_clock(3, MAX_BYTES, Arc::new(move || *hand.lock().unwrap()));
        (store, now)
    }

    #[tokio::test]
    async fn the_answers_kept_stay_within_their_bytes_and_one_too_large_is_not_kept() {
        let size = |query: &str, text: &str| {
            entry_key(Provider::Calcom, 0, query).len() + answer(200, text).body.to_string().len()
        };
        let budget = 2 * size("a", "aaaa");
        let store = MemoryAvailability::with_clock(100, budget, Arc::new(Instant::now));
        let ttl = Duration::from_secs(60);
        for query in ["a", "b", "c"] {
            store.put(Provider::Calcom, 0, query, answer(200, "aaaa"), ttl).await;
        }
        assert_eq!(store.len(), 2, "two answers fill the budget");
        assert_eq!(store.get(Provider::Calcom, 0, "a").await, None, "the oldest went first");
        assert!(store.get(Provider::Calcom, 0, "c").await.is_some());
        // The same query kept again replaces its answer instead of counting it twice.
        store.put(Provider::Calcom, 0, "c", answer(200, "aaaa"), ttl).await;
        assert!(store.get(Provider::Calcom, 0, "b").await.is_some());
        let huge = "x".repeat(budget);
        store.put(Provider::Calcom, 0, "d", answer(200, &huge), ttl).await;
        assert_eq!(
            store.get(Provider::Calcom, 0, "d").await,
            None,
            "larger than the whole budget"
        );
        assert_eq!(store.len(), 2, "and nothing was evicted for it");
        store.forget(Provider::Calcom).await;
        assert!(store.is_empty());
        for query in ["e", "f"] {
            store.put(Provider::Calcom, 1, query, answer(200, "aaaa"), ttl).await;
        }
        assert_eq!(store.len(), 2, "forgetting gave the bytes back");
    }

    #[tokio::test]
    async fn answers_expire_after_their_ttl_and_the_oldest_goes_when_full() {
        let (store, now) = turned();
        let ttl = Duration::from_secs(5);
        store.put(Provider::Calcom, 0, "a", answer(200, "a"), ttl).await;
        *now.lock().unwrap() += Duration::from_secs(4);
        assert_eq!(store.get(Provider::Calcom, 0, "a").await, Some(answer(200, "a")));
        *now.lock().unwrap() += Duration::from_secs(1);
        assert_eq!(store.get(Provider::Calcom, 0, "a").await, None);
        for query in ["b", "c", "d", "e"] {
            store.put(Provider::Calcom, 0, query, answer(200, query), ttl).await;
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.get(Provider::Calcom, 0, "b").await, None, "the oldest went first");
        assert!(store.get(Provider::Calcom, 0, "e").await.is_some());
    }

    #[tokio::test]
    async fn a_forget_drops_only_its_provider_and_refuses_answers_fetched_before_it() {
        let (store, _) = turned();
        let ttl = Duration::from_secs(5);
        store.put(Provider::Calcom, 0, "q", answer(200, "cal"), ttl).await;
        store.put(Provider::Meetergo, 0, "q", answer(200, "meet"), ttl).await;
        store.forget(Provider::Calcom).await;
        assert_eq!(store.generation(Provider::Calcom).await, 1);
        assert_eq!(store.get(Provider::Calcom, 1, "q").await, None);
        assert!(store.get(Provider::Meetergo, 0, "q").await.is_some());
        // A call that started in generation 0 ends after the write: not kept.
        store.put(Provider::Calcom, 0, "q", answer(200, "stale"), ttl).await;
        assert_eq!(store.get(Provider::Calcom, 0, "q").await, None);
        assert_eq!(store.get(Provider::Calcom, 1, "q").await, None);
    }

    #[tokio::test]
    async fn a_zero_ttl_shares_and_keeps_nothing() {
        let cache = AvailabilityCache::memory(Duration::ZERO, 10);
        let calls = AtomicUsize::new(0);
        for _ in 0..3 {
            cache
                .answer(Provider::Calcom, "q".into(), || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    answer(200, "a")
                })
                .await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
