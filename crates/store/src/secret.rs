//! Secrets handed to clients (API keys, session cookies, sign-in links): random text from the OS's
//! generator, stored only as a SHA-256 — they carry ≥ 190 random bits, so a slow hash buys nothing.

use rand::{distributions::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

/// `n` random alphanumeric characters (≈ 5.95 bits each).
pub fn random(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets' bytes in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
