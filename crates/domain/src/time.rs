//! `Timestamp`: an instant in UTC with millisecond precision, stored as milliseconds since the epoch.
//!
//! Both databases keep times as BIGINT milliseconds: one representation that compares, indexes and binds
//! the same way on SQLite and PostgreSQL, so one rule compiler serves both.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// How far in the future a client's clock may be before its timestamp is refused.
pub const MAX_CLOCK_SKEW_MS: i64 = 24 * 3600 * 1000;

impl Timestamp {
    pub fn now() -> Self {
        Self(Utc::now().timestamp_millis())
    }

    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or_default()
    }

    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// Parses an RFC 3339 / ISO 8601 time with an offset, as a client sends it.
    pub fn parse(text: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Self(t.timestamp_millis()))
            .map_err(|_| format!("'{text}' is not an RFC 3339 time such as 2024-05-01T10:30:00Z"))
    }

    /// Parses a client's time and refuses one before 1970 or more than a day after `now`.
    pub fn parse_sane(text: &str, now: Timestamp) -> Result<Self, String> {
        let t = Self::parse(text)?;
        if t.0 < 0 {
            return Err(format!("{text} is before 1970"));
        }
        if t.0 > now.0 + MAX_CLOCK_SKEW_MS {
            return Err(format!("{text} is in the future"));
        }
        Ok(t)
    }

    pub fn minus_days(self, days: i64) -> Self {
        Self(self.0 - days * 86_400_000)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
