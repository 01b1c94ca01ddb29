//! `ExternalId`: the id a brand's own systems give a customer or an order; it makes ingestion idempotent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExternalId(String);

pub const MAX_EXTERNAL_ID_LEN: usize = 128;

impl ExternalId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > MAX_EXTERNAL_ID_LEN {
            return Err(format!("must be at most {MAX_EXTERNAL_ID_LEN} characters"));
        }
        if text.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for ExternalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_refuses_blank_long_or_control() {
        assert_eq!(ExternalId::parse("  C-1 ").unwrap().as_str(), "C-1");
        assert!(ExternalId::parse("   ").is_err());
        assert!(ExternalId::parse(&"x".repeat(129)).is_err());
        assert!(ExternalId::parse("a\u{0}b").is_err());
    }
}
