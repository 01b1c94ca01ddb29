//! What crosses the wire between minicrm and a messaging provider, shared by both sides: the requests
//! a sender makes ([`OutboundMessage`], [`BatchRequest`]) and their answers, the delivery
//! [`Receipt`]s a provider posts back, and the HMAC [`sign`]ature that proves a receipt's origin.
//!
//! The API (which verifies receipts), the workers (which send) and the simulator (which plays the
//! provider) all speak these types; none of them needs the others to do so. The provider clients
//! (SMTP, Twilio, Meta) belong here too when they come.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod signature;
mod wire;

pub use signature::{sign, verify, SignatureError, SIGNATURE_HEADER};
pub use wire::{
    Accepted, BatchAccepted, BatchRequest, Channel, ErrorBody, FailureReason, OutboundMessage,
    Receipt, ReceiptStatus, VendorStats,
};

/// The most messages one `POST /v1/messages/batch` may carry; more are answered 413.
pub const MAX_BATCH: usize = 1000;

/// The most receipts one callback POST carries; a receiver refuses more.
pub const MAX_RECEIPTS_PER_CALLBACK: usize = 500;
