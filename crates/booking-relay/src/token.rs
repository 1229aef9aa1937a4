//! Reschedule tokens: proof that whoever moves a booking is whoever made it.
//!
//! # Format
//!
//! `v1.<kid>.<expires>.<nonce>.<mac>`, all URL-safe (letters, digits and dots), about
//! 120 characters, so it fits a header and a link unescaped:
//!
//! - `kid`: the first 4 bytes of SHA-256 of the signing key, as hex. It names the key
//!   without revealing it, so the operator configures nothing but the key itself.
//! - `expires`: Unix seconds after which the token is refused (`[tokens] lifetime_days`
//!   after it was issued, 30 by default).
//! - `nonce`: 16 random bytes, as hex. Every token is distinct, even two for the same
//!   booking in the same second, so "this token was used" means this token only.
//! - `mac`: HMAC-SHA256 with the key over `v1.<kid>.<expires>.<nonce>`, the provider
//!   and the booking id (newline-separated; the id comes last, so no id can pass for
//!   another field). Compared in constant time.
//!
//! Changing any field, or presenting the token for another booking or provider, makes
//! the MAC disagree; a token is never worth more than the one move of the one booking
//! it was issued for.
//!
//! # Rotation
//!
//! `RELAY_TOKEN_KEY` signs; `RELAY_TOKEN_KEY_PREVIOUS`, when set, only verifies. To
//! rotate: move the current key to `RELAY_TOKEN_KEY_PREVIOUS`, set a new
//! `RELAY_TOKEN_KEY`, restart. Links already mailed keep working; new ones are signed
//! with the new key. After one token lifetime every token of the old key has expired:
//! unset `RELAY_TOKEN_KEY_PREVIOUS`. A token whose key id is neither key's is refused.
//!
//! # Single use
//!
//! A token moves its booking once. The relay claims it in [`UsedTokens`] before the
//! provider is called (so two requests racing with one token cannot both reach the
//! provider: the second is refused `403`) and gives it back when the provider refuses
//! the move or fails, or the outcome is unknown (a timeout, a dropped request), so the
//! visitor can try again. A successful move keeps it claimed until it expires; the
//! answer carries a new token for the booking (for Cal.com, which moves a booking by
//! replacing it, for the new uid). A replay of the same `Idempotency-Key` never runs
//! again, so it is not a second use.
//!
//! # Tokens issued before versioning
//!
//! Links mailed before this format carry `hex(HMAC(provider, booking id))`, which never
//! expires. Refusing them would break every confirmation already in visitors' inboxes,
//! so they are accepted **exactly once** when they verify with the current or the
//! previous key; the move's answer carries a `v1` token, so the visitor's next move
//! has one that expires. They are remembered as used with no expiry (their number only
//! shrinks: none are issued any more). Rotating the key (and, one lifetime later,
//! unsetting `RELAY_TOKEN_KEY_PREVIOUS`) retires the last of them. Their risk is the
//! reason for the rest of this design: they sat in page URLs' queries, so server logs
//! and analytics may hold them; accepting each once bounds what a leaked one can do to
//! a single move, which the visitor's own use, if first, forecloses.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::ops::Provider;

/// The header carrying the token, both ways.
pub const HEADER: &str = "reschedule-token";

const VERSION: &str = "v1";
const KID_BYTES: usize = 4;
const NONCE_BYTES: usize = 16;
const MAC_BYTES: usize = 32;

/// Unix seconds, now (tests give the relay a clock they move).
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// One key and its id.
struct Key {
    id: String,
    secret: Vec<u8>,
}

impl Key {
    fn new(secret: Vec<u8>) -> Self {
        let id = hex::encode(&Sha256::digest(&secret)[..KID_BYTES]);
        Self { id, secret }
    }

    fn hmac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length")
    }

    fn mac(&self, signed: &str, provider: Provider, booking_id: &str) -> Hmac<Sha256> {
        let mut mac = self.hmac();
        mac.update(signed.as_bytes());
        mac.update(b"\n");
        mac.update(provider.key().as_bytes());
        mac.update(b"\n");
        mac.update(booking_id.as_bytes());
        mac
    }

    /// The unversioned MAC of links mailed before `v1`.
    fn legacy_mac(&self, provider: Provider, booking_id: &str) -> Hmac<Sha256> {
        let mut mac = self.hmac();
        mac.update(provider.key().as_bytes());
        mac.update(b"\n");
        mac.update(booking_id.as_bytes());
        mac
    }
}

/// Why a token was refused. Every reason is the same `403` to the client (telling a
/// forger which part failed helps nobody else); tests and operators tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token of any version.
    Malformed,
    /// Signed by a key that is neither the current nor the previous one.
    UnknownKey,
    /// The MAC disagrees: forged, altered, or for another booking or provider.
    Mismatch,
    /// Past its expiry.
    Expired,
}

/// A token that checked out: what single use remembers it by, and until when.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Proof {
    id: String,
    expires: u64,
}

impl Proof {
    /// A stable name for this token (`v1:<nonce>`, or `v0:<mac>` for an unversioned one),
    /// never the token itself.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Unix seconds until which it must be remembered as used (`u64::MAX`: forever).
    pub fn expires(&self) -> u64 {
        self.expires
    }
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The nonce alone cannot be replayed, but logs have no use for it either.
        f.debug_struct("Proof")
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// Signs tokens with the current key and checks them against the current and the
/// previous key.
#[derive(Clone)]
pub struct Tokens {
    current: Arc<Key>,
    previous: Option<Arc<Key>>,
    lifetime_seconds: u64,
    clock: Clock,
}

/// Keys never reach `Debug` output: only their ids.
impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("current", &self.current.id)
            .field("previous", &self.previous.as_ref().map(|key| &key.id))
            .field("lifetime_seconds", &self.lifetime_seconds)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// Tokens signed with `key`, valid for `lifetime`, on the system clock.
    pub fn new(key: Vec<u8>, lifetime: Duration) -> Self {
        Self {
            current: Arc::new(Key::new(key)),
            previous: None,
            lifetime_seconds: lifetime.as_secs(),
            clock: Arc::new(system_clock),
        }
    }

    /// Tokens signed with a random key (the sandbox: they last as long as the process).
    pub fn random(lifetime: Duration) -> Self {
        Self::new(rand::random::<[u8; 32]>().to_vec(), lifetime)
    }

    /// Also accepts tokens of `key` (the one being rotated out); never signs with it.
    pub fn with_previous(mut self, key: Vec<u8>) -> Self {
        self.previous = Some(Arc::new(Key::new(key)));
        self
    }

    /// Reads the time from `clock` (Unix seconds) instead of the system's.
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Unix seconds, by this signer's clock.
    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    /// The id of the key that signs.
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    /// A new token for `booking_id` of `provider`, expiring one lifetime from now.
    pub fn issue(&self, provider: Provider, booking_id: &str) -> String {
        self.issue_expiring(provider, booking_id, self.now().saturating_add(self.lifetime_seconds))
    }

    /// A token expiring at `expires` (Unix seconds); tests mint expired ones with it.
    pub fn issue_expiring(&self, provider: Provider, booking_id: &str, expires: u64) -> String {
        let nonce = hex::encode(rand::random::<[u8; NONCE_BYTES]>());
        let signed = format!("{VERSION}.{}.{expires}.{nonce}", self.current.id);
        let mac = self.current.mac(&signed, provider, booking_id).finalize().into_bytes();
        format!("{signed}.{}", hex::encode(mac))
    }

    /// The unversioned token links carried before `v1` (tests of old links).
    pub fn issue_unversioned(&self, provider: Provider, booking_id: &str) -> String {
        hex::encode(self.current.legacy_mac(provider, booking_id).finalize().into_bytes())
    }

    /// Whether `token` proves the right to move `booking_id` of `provider` now: its
    /// key is known, its MAC matches, it has not expired. Whether it was used already
    /// is [`UsedTokens`]' to say.
    pub fn check(&self, provider: Provider, booking_id: &str, token: &str) -> Result<Proof, Refusal> {
        if !token.contains('.') {
            return self.check_unversioned(provider, booking_id, token);
        }
        let mut fields = token.split('.');
        let (Some(VERSION), Some(kid), Some(expires), Some(nonce), Some(mac), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(Refusal::Malformed);
        };
        let expires_at = Some(expires)
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u64>().ok())
            .ok_or(Refusal::Malformed)?;
        let nonce = lower_hex(nonce, NONCE_BYTES).ok_or(Refusal::Malformed)?;
        let mac = lower_hex(mac, MAC_BYTES).ok_or(Refusal::Malformed)?;
        let key = self.key(kid).ok_or(Refusal::UnknownKey)?;
        let signed = &token[..token.len() - MAC_BYTES * 2 - 1];
        key.mac(signed, provider, booking_id)
            .verify_slice(&mac)
            .map_err(|_| Refusal::Mismatch)?;
        // Judged after the MAC, so an altered expiry reads as what it is: a forgery.
        if self.now() >= expires_at {
            return Err(Refusal::Expired);
        }
        Ok(Proof {
            id: format!("{VERSION}:{}", hex::encode(nonce)),
            expires: expires_at,
        })
    }

    /// Whether `token` is valid for `booking_id` of `provider` now (not whether it was used).
    pub fn verify(&self, provider: Provider, booking_id: &str, token: &str) -> bool {
        self.check(provider, booking_id, token).is_ok()
    }

    fn key(&self, kid: &str) -> Option<&Key> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id == kid)
            .map(|key| &**key)
    }

    fn check_unversioned(&self, provider: Provider, booking_id: &str, token: &str) -> Result<Proof, Refusal> {
        let mac = lower_hex(token, MAC_BYTES).ok_or(Refusal::Malformed)?;
        let matches = std::iter::once(&self.current)
            .chain(&self.previous)
            .any(|key| key.legacy_mac(provider, booking_id).verify_slice(&mac).is_ok());
        if !matches {
            return Err(Refusal::Mismatch);
        }
        Ok(Proof {
            id: format!("v0:{}", hex::encode(mac)),
            expires: u64::MAX,
        })
    }
}

/// `text` as exactly `bytes` bytes of lower-case hex: one spelling per value, so no
/// token has a second spelling that single use would count apart.
fn lower_hex(text: &str, bytes: usize) -> Option<Vec<u8>> {
    (text.len() == bytes * 2 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| hex::decode(text).ok())
        .flatten()
}

/// Tokens that moved their booking (or are moving it now), remembered until they
/// expire. In memory for now; a shared store (Redis) lets several relays agree.
pub trait UsedTokens: Send + Sync {
    /// Marks `proof` used, unless it is already: `false` means refuse the request.
    /// `now` (Unix seconds) lets a store forget what has expired.
    fn claim(&self, proof: &Proof, now: u64) -> bool;
    /// Makes `proof` usable again (its move was refused, failed, or never finished).
    fn release(&self, proof: &Proof);
}

/// [`UsedTokens`] in this process's memory: forgotten on restart.
#[derive(Debug, Default)]
pub struct MemoryUsedTokens {
    inner: Mutex<Used>,
}

#[derive(Debug, Default)]
struct Used {
    /// Every token claimed once, until it expires: whether it is used (or in use) now.
    /// A released token keeps its entry, so claiming and releasing it again and again
    /// (a move onto a taken time, retried) adds nothing.
    tokens: HashMap<String, bool>,
    /// One entry per token, soonest expiry first, so forgetting costs only what has expired.
    queue: BinaryHeap<Reverse<(u64, String)>>,
}

impl UsedTokens for MemoryUsedTokens {
    fn claim(&self, proof: &Proof, now: u64) -> bool {
        let mut used = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while used.queue.peek().is_some_and(|Reverse((expires, _))| *expires <= now) {
            if let Some(Reverse((_, id))) = used.queue.pop() {
                used.tokens.remove(&id);
            }
        }
        match used.tokens.get_mut(&proof.id) {
            Some(in_use) if *in_use => false,
            Some(in_use) => {
                *in_use = true;
                true
            }
            None => {
                used.tokens.insert(proof.id.clone(), true);
                // Unversioned tokens never expire: nothing to forget them by.
                if proof.expires != u64::MAX {
                    used.queue.push(Reverse((proof.expires, proof.id.clone())));
                }
                true
            }
        }
    }

    fn release(&self, proof: &Proof) {
        let mut used = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(in_use) = used.tokens.get_mut(&proof.id) {
            *in_use = false;
        }
    }
}

/// A claim on a token for the length of one upstream call: given back when dropped,
/// unless [`Claim::keep`] says the move happened. Dropping covers every way out,
/// including a request future cancelled mid-call.
pub struct Claim<'a> {
    store: &'a dyn UsedTokens,
    proof: Option<Proof>,
}

impl<'a> Claim<'a> {
    /// Claims `proof` in `store`; `None` when it is used or in use.
    pub fn new(store: &'a dyn UsedTokens, proof: Proof, now: u64) -> Option<Self> {
        // `then`, not `then_some`: a claim built eagerly and dropped on refusal would
        // release the winner's claim.
        store.claim(&proof, now).then(|| Self {
            store,
            proof: Some(proof),
        })
    }

    /// The move succeeded: the token stays used.
    pub fn keep(mut self) {
        self.proof = None;
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Some(proof) = self.proof.take() {
            self.store.release(&proof);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    const DAY: u64 = 86_400;
    const NOW: u64 = 1_773_000_000;

    fn key(fill: u8) -> Vec<u8> {
        vec![fill; 32]
    }

    /// Tokens on a clock the test moves.
    fn at(clock: &Arc<AtomicU64>, tokens: Tokens) -> Tokens {
        let clock = clock.clone();
        tokens.with_clock(move || clock.load(Ordering::SeqCst))
    }

    fn thirty_days(fill: u8) -> Tokens {
        Tokens::new(key(fill), Duration::from_secs(30 * DAY))
    }

    #[test]
    fn a_token_is_bound_to_its_provider_and_booking() {
        let tokens = thirty_days(1);
        let token = tokens.issue(Provider::Iclosed, "123");
        assert!(tokens.verify(Provider::Iclosed, "123", &token));
        assert_eq!(tokens.check(Provider::Iclosed, "124", &token), Err(Refusal::Mismatch));
        assert_eq!(tokens.check(Provider::Calcom, "123", &token), Err(Refusal::Mismatch));
        assert_eq!(
            tokens.check(Provider::Iclosed, "123", "not hex"),
            Err(Refusal::Malformed)
        );
        assert_eq!(tokens.check(Provider::Iclosed, "123", ""), Err(Refusal::Malformed));
        assert_eq!(
            thirty_days(2).check(Provider::Iclosed, "123", &token),
            Err(Refusal::UnknownKey)
        );
    }

    #[test]
    fn a_token_is_versioned_url_safe_and_names_its_key_and_expiry() {
        let clock = Arc::new(AtomicU64::new(NOW));
        let tokens = at(&clock, thirty_days(1));
        let token = tokens.issue(Provider::Calcom, "uid_1");
        let fields: Vec<&str> = token.split('.').collect();
        assert_eq!(fields.len(), 5, "{token}");
        assert_eq!(fields[0], "v1");
        assert_eq!(fields[1], tokens.key_id());
        assert_eq!(fields[1], hex::encode(&Sha256::digest(key(1))[..4]));
        assert_eq!(fields[2], (NOW + 30 * DAY).to_string());
        assert_eq!(fields[3].len(), 32);
        assert_eq!(fields[4].len(), 64);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'), "{token}");
        assert_ne!(
            token,
            tokens.issue(Provider::Calcom, "uid_1"),
            "every token is distinct"
        );
    }

    #[test]
    fn a_token_expires_after_its_lifetime() {
        let clock = Arc::new(AtomicU64::new(NOW));
        let tokens = at(&clock, thirty_days(1));
        let token = tokens.issue(Provider::Meetergo, "m-1");
        clock.store(NOW + 30 * DAY - 1, Ordering::SeqCst);
        assert!(tokens.verify(Provider::Meetergo, "m-1", &token));
        clock.store(NOW + 30 * DAY, Ordering::SeqCst);
        assert_eq!(tokens.check(Provider::Meetergo, "m-1", &token), Err(Refusal::Expired));
    }

    #[test]
    fn every_field_changed_is_refused() {
        let tokens = thirty_days(1);
        let token = tokens.issue(Provider::Gohighlevel, "appt");
        let fields: Vec<&str> = token.split('.').collect();
        let far = (u64::from(u32::MAX) * 4).to_string();
        let other_kid = thirty_days(2).key_id().to_owned();
        let flip = |text: &str| {
            let last = if text.ends_with('0') { '1' } else { '0' };
            format!("{}{last}", &text[..text.len() - 1])
        };
        let cases = [
            (0, "v2".to_owned(), Refusal::Malformed),
            (1, other_kid, Refusal::UnknownKey),
            (2, far, Refusal::Mismatch),
            (3, flip(fields[3]), Refusal::Mismatch),
            (4, flip(fields[4]), Refusal::Mismatch),
            (3, fields[3].to_uppercase(), Refusal::Malformed),
            (2, format!("0{}", fields[2]), Refusal::Mismatch),
            (2, format!("+{}", fields[2]), Refusal::Malformed),
        ];
        for (index, value, refusal) in cases {
            let mut changed = fields.clone();
            changed[index] = &value;
            let changed = changed.join(".");
            assert_eq!(
                tokens.check(Provider::Gohighlevel, "appt", &changed),
                Err(refusal),
                "{changed}"
            );
        }
        for changed in [
            format!("{token}."),
            format!("{token}.x"),
            token.replacen('.', "..", 1),
            format!(" {token}"),
        ] {
            assert_eq!(
                tokens.check(Provider::Gohighlevel, "appt", &changed),
                Err(Refusal::Malformed),
                "{changed}"
            );
        }
    }

    #[test]
    fn the_previous_key_verifies_but_never_signs() {
        let old = thirty_days(1);
        let rotated = thirty_days(2).with_previous(key(1));
        let before = old.issue(Provider::Iclosed, "7");
        assert!(rotated.verify(Provider::Iclosed, "7", &before));
        let after = rotated.issue(Provider::Iclosed, "7");
        assert_eq!(after.split('.').nth(1), Some(thirty_days(2).key_id()));
        assert!(thirty_days(2).verify(Provider::Iclosed, "7", &after));
        assert_eq!(old.check(Provider::Iclosed, "7", &after), Err(Refusal::UnknownKey));
        assert_eq!(
            thirty_days(3).check(Provider::Iclosed, "7", &before),
            Err(Refusal::UnknownKey)
        );
    }

    #[test]
    fn an_unversioned_token_verifies_with_either_key_and_never_expires() {
        let clock = Arc::new(AtomicU64::new(NOW));
        let old = thirty_days(1);
        let legacy = old.issue_unversioned(Provider::Iclosed, "7");
        assert_eq!(legacy.len(), 64);
        let rotated = at(&clock, thirty_days(2).with_previous(key(1)));
        clock.store(NOW + 3_650 * DAY, Ordering::SeqCst);
        let proof = rotated.check(Provider::Iclosed, "7", &legacy).unwrap();
        assert_eq!(proof.expires(), u64::MAX);
        assert!(old.verify(Provider::Iclosed, "7", &legacy));
        assert_eq!(
            thirty_days(2).check(Provider::Iclosed, "7", &legacy),
            Err(Refusal::Mismatch)
        );
        assert_eq!(old.check(Provider::Iclosed, "8", &legacy), Err(Refusal::Mismatch));
        // One spelling only: an upper-case copy would otherwise be a second use.
        assert_eq!(
            old.check(Provider::Iclosed, "7", &legacy.to_uppercase()),
            Err(Refusal::Malformed)
        );
    }

    #[test]
    fn a_used_token_is_refused_until_it_expires_and_a_released_one_is_usable() {
        let used = MemoryUsedTokens::default();
        let tokens = thirty_days(1);
        let proof = tokens
            .check(Provider::Calcom, "u", &tokens.issue(Provider::Calcom, "u"))
            .unwrap();
        let claim = Claim::new(&used, proof.clone(), NOW).expect("first use");
        assert!(Claim::new(&used, proof.clone(), NOW).is_none(), "in use");
        assert!(
            Claim::new(&used, proof.clone(), NOW).is_none(),
            "a refused claim releases nothing"
        );
        drop(claim);
        let claim = Claim::new(&used, proof.clone(), NOW).expect("released: usable again");
        claim.keep();
        assert!(Claim::new(&used, proof.clone(), NOW).is_none(), "used");
        // Once expired it is forgotten (the token itself is refused as expired by then).
        assert!(used.claim(&proof, proof.expires()));
        assert_eq!(used.inner.lock().unwrap().tokens.len(), 1);
    }

    /// Regression: each claim of a released token queued another entry, kept until the
    /// token expired, so moves onto a taken time, retried, grew memory without bound.
    #[test]
    fn claiming_a_released_token_again_and_again_keeps_one_entry() {
        let used = MemoryUsedTokens::default();
        let proof = Proof {
            id: "v1:once".to_owned(),
            expires: NOW + DAY,
        };
        for _ in 0..10_000 {
            let claim = Claim::new(&used, proof.clone(), NOW).expect("released each time");
            drop(claim);
        }
        let inner = used.inner.lock().unwrap();
        assert_eq!((inner.tokens.len(), inner.queue.len()), (1, 1));
    }

    #[test]
    fn expired_entries_are_forgotten_and_unversioned_ones_never_are() {
        let used = MemoryUsedTokens::default();
        let proof = |id: &str, expires| Proof {
            id: id.to_owned(),
            expires,
        };
        for n in 0..100 {
            assert!(used.claim(&proof(&format!("v1:{n}"), NOW + n), NOW));
        }
        assert!(used.claim(&proof("v0:old", u64::MAX), NOW));
        assert!(used.claim(&proof("v1:late", NOW + 1_000), NOW + 50));
        let left = used.inner.lock().unwrap().tokens.len();
        assert_eq!(left, 49 + 1 + 1, "the 51 expired by NOW + 50 are gone");
        assert!(!used.claim(&proof("v0:old", u64::MAX), u64::MAX - 1));
    }
}
