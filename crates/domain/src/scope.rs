//! `Scope`: what an API key may do. `admin` implies every other scope.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Push customers and orders in.
    Ingest,
    /// Read customers, orders, segments and campaigns.
    Read,
    /// Everything, including managing API keys.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Ingest, Scope::Read, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == t)
            .ok_or_else(|| format!("'{text}' is not a scope (ingest, read, admin)"))
    }

    /// Parses a comma-separated list such as `ingest,read`; at least one scope.
    pub fn parse_list(text: &str) -> Result<Vec<Scope>, String> {
        let mut scopes = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let s = Self::parse(part)?;
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
        if scopes.is_empty() {
            return Err("at least one scope is needed (ingest, read, admin)".into());
        }
        Ok(scopes)
    }

    /// Whether holding `granted` allows what `self` guards.
    pub fn allowed_by(self, granted: &[Scope]) -> bool {
        granted.contains(&self) || granted.contains(&Scope::Admin)
    }
}

pub fn join(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_admin() {
        assert_eq!(
            Scope::parse_list("ingest, read,ingest").unwrap(),
            vec![Scope::Ingest, Scope::Read]
        );
        assert!(Scope::parse_list("").is_err());
        assert!(Scope::parse_list("root").is_err());
        assert!(Scope::Read.allowed_by(&[Scope::Admin]));
        assert!(!Scope::Read.allowed_by(&[Scope::Ingest]));
    }
}
