//! How the fate of a message is decided: failures that follow the recipient (always the same for the
//! same `to`), then a random draw against the success rate.

use minicrm_messaging::{Channel, FailureReason};
use rand::Rng;

/// Share of phone numbers on the simulated do-not-disturb registry, in basis points (3 %).
const DND_BASIS_POINTS: u64 = 300;
/// Share of e-mail addresses whose mailbox is full, in basis points (1 %).
const MAILBOX_FULL_BASIS_POINTS: u64 = 100;
/// Share of random failures that are `carrier_rejected` (the rest are `expired`).
const CARRIER_REJECTED_SHARE: f64 = 0.6;

/// The failure that `to` always gets on `channel`, whatever the luck: `None` when the recipient can be
/// delivered to (subject to the random success rate).
///
/// * SMS and WhatsApp: `to` must be E.164 (`+` then 8–15 digits) and a `+91` number's national part
///   must be 10 digits starting with 6–9, else `invalid_number`. About 3 % of valid numbers, chosen
///   by a stable hash, are on the DND registry: SMS to them fails with `dnd_registry`.
/// * E-mail: `to` must look like `local@domain.tld`, and domains ending in `.invalid`, `.test` or
///   `.example` are refused, else `invalid_address`. About 1 % of valid addresses, chosen by a stable
///   hash, fail with `mailbox_full`.
pub fn deterministic_failure(channel: Channel, to: &str) -> Option<FailureReason> {
    match channel {
        Channel::Sms | Channel::Whatsapp => {
            if !is_valid_number(to) {
                Some(FailureReason::InvalidNumber)
            } else if channel == Channel::Sms && on_dnd_registry(to) {
                Some(FailureReason::DndRegistry)
            } else {
                None
            }
        }
        Channel::Email => {
            if !is_valid_address(to) {
                Some(FailureReason::InvalidAddress)
            } else if stable_hash(b"mailbox:", to.to_ascii_lowercase().as_bytes()) % 10_000
                < MAILBOX_FULL_BASIS_POINTS
            {
                Some(FailureReason::MailboxFull)
            } else {
                None
            }
        }
    }
}

/// Whether `number` is on the simulated DND registry (about 3 % of numbers, stable across runs).
pub fn on_dnd_registry(number: &str) -> bool {
    stable_hash(b"dnd:", number.as_bytes()) % 10_000 < DND_BASIS_POINTS
}

/// The final outcome of an accepted message: `None` for delivered.
pub(crate) fn decide(
    deterministic: Option<FailureReason>,
    success_rate: f64,
    rng: &mut impl Rng,
) -> Option<FailureReason> {
    if deterministic.is_some() {
        return deterministic;
    }
    if rng.gen::<f64>() < success_rate {
        None
    } else if rng.gen::<f64>() < CARRIER_REJECTED_SHARE {
        Some(FailureReason::CarrierRejected)
    } else {
        Some(FailureReason::Expired)
    }
}

fn is_valid_number(to: &str) -> bool {
    let Some(digits) = to.strip_prefix('+') else {
        return false;
    };
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match digits.strip_prefix("91") {
        Some(national) => national.len() == 10 && matches!(national.as_bytes()[0], b'6'..=b'9'),
        None => true,
    }
}

fn is_valid_address(to: &str) -> bool {
    let Some((local, domain)) = to.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'@' | b'(' | b')' | b'<' | b'>' | b','));
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !local_ok || !domain_ok {
        return false;
    }
    let domain = domain.to_ascii_lowercase();
    ![".invalid", ".test", ".example"]
        .iter()
        .any(|tld| domain.ends_with(tld))
}

/// FNV-1a over `domain ‖ data`, finished with the SplitMix64 mixer: stable across runs and platforms.
fn stable_hash(domain: &[u8], data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in domain.iter().chain(data) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests;
