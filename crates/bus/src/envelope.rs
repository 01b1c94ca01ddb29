//! `Envelope`: every message on the bus — id, type, version, payload and when it was produced. It is
//! kept as the JSON it travels as, written once: the payload is serialised straight into it and read
//! from a slice of it, so a large message is in memory once, not again as its own payload.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::value::RawValue;
use std::ops::Range;

#[derive(Clone)]
pub struct Envelope {
    /// Unique per message; the inbox deduplicates redeliveries by it.
    pub id: String,
    /// The message's type (`"type"` on the wire): the queue it was made for.
    pub kind: String,
    pub version: u32,
    /// Milliseconds since the epoch.
    pub produced_at: i64,
    /// `{"id", "type", "version", "produced_at", "payload"}`, as published.
    json: String,
    /// Where the payload is in `json`.
    payload: Range<usize>,
}

/// The envelope as read off the wire, its payload borrowed from the text.
#[derive(Deserialize)]
struct Wire<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    produced_at: i64,
    #[serde(borrow)]
    payload: &'a RawValue,
}

impl Envelope {
    pub fn new<T: Serialize>(kind: &str, version: u32, payload: &T) -> serde_json::Result<Self> {
        Self::with_id(uuid::Uuid::now_v7().to_string(), kind, version, payload)
    }

    /// An envelope whose id is already known (an ingestion's message carries the ingestion's id).
    pub fn with_id<T: Serialize>(
        id: String,
        kind: &str,
        version: u32,
        payload: &T,
    ) -> serde_json::Result<Self> {
        Self::sized(id, kind, version, payload, 0)
    }

    /// An envelope whose payload is expected to take about `size_hint` bytes: written into a buffer of
    /// that size, it is never copied as it grows.
    pub fn sized<T: Serialize>(
        id: String,
        kind: &str,
        version: u32,
        payload: &T,
        size_hint: usize,
    ) -> serde_json::Result<Self> {
        let produced_at = chrono::Utc::now().timestamp_millis();
        let mut json = Vec::with_capacity(size_hint + 160);
        json.extend_from_slice(b"{\"id\":");
        serde_json::to_writer(&mut json, &id)?;
        json.extend_from_slice(b",\"type\":");
        serde_json::to_writer(&mut json, kind)?;
        json.extend_from_slice(
            format!(",\"version\":{version},\"produced_at\":{produced_at},\"payload\":").as_bytes(),
        );
        let start = json.len();
        serde_json::to_writer(&mut json, payload)?;
        let end = json.len();
        json.push(b'}');
        let json = String::from_utf8(json).expect("serde_json writes UTF-8");
        Ok(Self {
            id,
            kind: kind.to_owned(),
            version,
            produced_at,
            json,
            payload: start..end,
        })
    }

    pub fn payload<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.payload_json())
    }

    /// The payload's JSON text.
    pub fn payload_json(&self) -> &str {
        &self.json[self.payload.clone()]
    }

    /// The whole envelope as it travels.
    pub fn to_json(&self) -> &str {
        &self.json
    }

    pub fn from_json(body: &[u8]) -> serde_json::Result<Self> {
        let text = std::str::from_utf8(body).map_err(serde::de::Error::custom)?;
        let wire: Wire = serde_json::from_str(text)?;
        // The payload borrows from `text`: where it starts there is where it is in the copy.
        let start = wire.payload.get().as_ptr() as usize - text.as_ptr() as usize;
        let end = start + wire.payload.get().len();
        Ok(Self {
            id: wire.id,
            kind: wire.kind,
            version: wire.version,
            produced_at: wire.produced_at,
            json: text.to_owned(),
            payload: start..end,
        })
    }
}

impl std::fmt::Debug for Envelope {
    /// The header and the payload's size: a payload may be megabytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .field("produced_at", &self.produced_at)
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

#[cfg(test)]
mod tests;
