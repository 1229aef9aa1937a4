//! Reschedule tokens: proof that whoever moves a booking is whoever made it. A token
//! is HMAC-SHA256 over the provider and the booking id, so it cannot be forged without
//! the relay's key and is worthless for any other booking.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ops::Provider;

/// The header carrying the token, both ways.
pub const HEADER: &str = "reschedule-token";

/// Signs and checks tokens with one key.
#[derive(Clone)]
pub struct Tokens {
    key: Vec<u8>,
}

impl Tokens {
    /// Tokens signed with `key`.
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    /// Tokens signed with a random key (the sandbox: they last as long as the process).
    pub fn random() -> Self {
        Self::new(rand::random::<[u8; 32]>().to_vec())
    }

    fn mac(&self, provider: Provider, booking_id: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(provider.key().as_bytes());
        mac.update(b"\n");
        mac.update(booking_id.as_bytes());
        mac
    }

    /// The token for `booking_id` of `provider`, as hex.
    pub fn issue(&self, provider: Provider, booking_id: &str) -> String {
        hex::encode(self.mac(provider, booking_id).finalize().into_bytes())
    }

    /// Whether `token` was issued for exactly this booking (constant-time comparison).
    pub fn verify(&self, provider: Provider, booking_id: &str, token: &str) -> bool {
        hex::decode(token.trim()).is_ok_and(|bytes| self.mac(provider, booking_id).verify_slice(&bytes).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_bound_to_its_provider_and_booking() {
        let tokens = Tokens::new(b"k".repeat(32));
        let token = tokens.issue(Provider::Iclosed, "123");
        assert!(tokens.verify(Provider::Iclosed, "123", &token));
        assert!(!tokens.verify(Provider::Iclosed, "124", &token));
        assert!(!tokens.verify(Provider::Calcom, "123", &token));
        assert!(!tokens.verify(Provider::Iclosed, "123", "not hex"));
        assert!(!tokens.verify(Provider::Iclosed, "123", ""));
        assert!(!Tokens::new(b"other".repeat(8)).verify(Provider::Iclosed, "123", &token));
    }
}
