//! Receipt signatures: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`.
//!
//! The timestamp is part of the signed text, so a receiver that checks the age of `t` is protected
//! against replays of old receipts as well as against forged or altered ones.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

/// The HTTP header that carries a receipt POST's signature.
pub const SIGNATURE_HEADER: &str = "minicrm-signature";

/// Why [`verify`] refused a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not of the form `t=<unix seconds>,v1=<64 hex digits>`.
    #[error("the signature header is malformed: expected `t=<unix seconds>,v1=<64 hex digits>`")]
    Malformed,
    /// No `v1` MAC matches the body and timestamp under the secret.
    #[error("the signature does not match the body (wrong secret or altered body)")]
    Mismatch,
    /// The signature is genuine but its timestamp is too far from now.
    #[error("the signature's timestamp is outside the allowed age")]
    Stale,
}

fn mac(secret: &str, unix_seconds: i64, body: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Signs `body` at `unix_seconds`: `t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "{t}.{body}")>`.
pub fn sign(secret: &str, unix_seconds: i64, body: &[u8]) -> String {
    let tag = mac(secret, unix_seconds, body).finalize().into_bytes();
    format!("t={unix_seconds},v1={}", hex::encode(tag))
}

/// Checks a header made by [`sign`].
///
/// The header must be well-formed (comma-separated `key=value` parts with exactly one `t` and at least
/// one `v1`; unknown keys are ignored so that new schemes can be added), one `v1` must match in
/// constant time, and `|now_unix_seconds - t|` must be at most `max_age` (whole seconds).
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now_unix_seconds: i64,
    max_age: Duration,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<i64> = None;
    let mut tags: Vec<Vec<u8>> = Vec::with_capacity(1);
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                let is_digits = !value.is_empty()
                    && value
                        .strip_prefix('-')
                        .unwrap_or(value)
                        .bytes()
                        .all(|b| b.is_ascii_digit());
                if timestamp.is_some() || !is_digits {
                    return Err(SignatureError::Malformed);
                }
                timestamp = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "v1" => {
                let tag = hex::decode(value).map_err(|_| SignatureError::Malformed)?;
                if tag.len() != 32 {
                    return Err(SignatureError::Malformed);
                }
                tags.push(tag);
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if tags.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let expected = mac(secret, timestamp, body);
    if !tags
        .iter()
        .any(|tag| expected.clone().verify_slice(tag).is_ok())
    {
        return Err(SignatureError::Mismatch);
    }
    if Duration::from_secs(now_unix_seconds.abs_diff(timestamp)) > max_age {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
