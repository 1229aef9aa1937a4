//! `Idempotency-Key` on writes: the first answer is kept for the retention window; a
//! replay gets it without a second upstream call; concurrent requests with one key
//! wait for the first; the same key with another body is refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

/// A kept answer.
#[derive(Debug, Clone)]
pub struct Stored {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: serde_json::Value,
    /// The `Reschedule-Token` it carried, if any.
    pub token: Option<String>,
}

/// One key's place: the fingerprint of the request that claimed it, and its answer
/// once there is one (waiters share the first caller's work through the cell).
#[derive(Debug)]
pub struct Slot {
    fingerprint: [u8; 32],
    created: Instant,
    /// The answer.
    pub answer: OnceCell<Stored>,
}

/// The same key arrived with a different request.
#[derive(Debug)]
pub struct KeyReused;

/// Where answers are kept. In memory for now; a shared store (Redis, a database) would
/// let several relays share keys.
pub trait IdempotencyStore: Send + Sync {
    /// The slot for `key`, claimed by `fingerprint` if new (or expired).
    fn slot(&self, key: &str, fingerprint: [u8; 32]) -> Result<Arc<Slot>, KeyReused>;
    /// Drops `slot` so that the key's next request runs again (for answers not worth
    /// keeping: a timeout or an upstream failure).
    fn release(&self, key: &str, slot: &Arc<Slot>);
}

/// The fingerprint of a request: its route and its body, byte for byte.
pub fn fingerprint(path: &str, body: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(path.as_bytes());
    hash.update([0]);
    hash.update(body);
    hash.finalize().into()
}

/// [`IdempotencyStore`] in this process's memory.
#[derive(Debug)]
pub struct MemoryStore {
    retention: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl MemoryStore {
    /// Keeps answers for `retention`.
    pub fn new(retention: Duration) -> Self {
        Self {
            retention,
            slots: Mutex::new(HashMap::new()),
        }
    }
}

impl IdempotencyStore for MemoryStore {
    fn slot(&self, key: &str, fingerprint: [u8; 32]) -> Result<Arc<Slot>, KeyReused> {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if slots.len() > 1_024 {
            slots.retain(|_, slot| now.duration_since(slot.created) < self.retention);
        }
        if let Some(slot) = slots.get(key) {
            if now.duration_since(slot.created) < self.retention {
                return if slot.fingerprint == fingerprint {
                    Ok(slot.clone())
                } else {
                    Err(KeyReused)
                };
            }
        }
        let slot = Arc::new(Slot {
            fingerprint,
            created: now,
            answer: OnceCell::new(),
        });
        slots.insert(key.to_owned(), slot.clone());
        Ok(slot)
    }

    fn release(&self, key: &str, slot: &Arc<Slot>) {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slots.get(key).is_some_and(|kept| Arc::ptr_eq(kept, slot)) {
            slots.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_bound_to_its_first_request_until_it_expires() {
        let store = MemoryStore::new(Duration::from_millis(50));
        let first = store.slot("k", fingerprint("/a", b"1")).unwrap();
        assert!(Arc::ptr_eq(&first, &store.slot("k", fingerprint("/a", b"1")).unwrap()));
        assert!(store.slot("k", fingerprint("/a", b"2")).is_err());
        assert!(store.slot("k", fingerprint("/b", b"1")).is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert!(store.slot("k", fingerprint("/a", b"2")).is_ok());
    }

    #[test]
    fn a_released_key_runs_again() {
        let store = MemoryStore::new(Duration::from_secs(60));
        let first = store.slot("k", fingerprint("/a", b"1")).unwrap();
        store.release("k", &first);
        assert!(!Arc::ptr_eq(&first, &store.slot("k", fingerprint("/a", b"1")).unwrap()));
    }
}
