//! `Scope`: what a caller may do — an API key holds scopes, a person holds a `Role` that grants them.
//! `admin` implies every other scope.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Push customers and orders in.
    Ingest,
    /// Read customers, orders, segments and campaigns.
    Read,
    /// Create and change segments and campaigns; launch and cancel campaigns.
    Write,
    /// Everything, including managing API keys and users.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Ingest, Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == t)
            .ok_or_else(|| format!("'{text}' is not a scope (ingest, read, write, admin)"))
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
            return Err("at least one scope is needed (ingest, read, write, admin)".into());
        }
        Ok(scopes)
    }

    /// Whether holding `granted` allows what `self` guards.
    pub fn allowed_by(self, granted: &[Scope]) -> bool {
        granted.contains(&self) || granted.contains(&Scope::Admin)
    }
}

/// What a person may do: a viewer reads; a marketer also imports, builds segments and launches
/// campaigns; an admin also manages API keys and users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Marketer,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Marketer, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Marketer => "marketer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == t)
            .ok_or_else(|| format!("'{text}' is not a role (admin, marketer, viewer)"))
    }

    /// The scopes the role grants.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Role::Admin => &[Scope::Admin],
            Role::Marketer => &[Scope::Ingest, Scope::Read, Scope::Write],
            Role::Viewer => &[Scope::Read],
        }
    }

    /// What of `scopes` this role allows: an API key made by a person does no more than this.
    pub fn limit(self, scopes: &[Scope]) -> Vec<Scope> {
        within(scopes, self.scopes())
    }
}

/// The scopes that both `a` and `b` allow, in their shortest form. `admin` stands for every scope, so
/// `[admin]` within a marketer's `[ingest, read, write]` is `[ingest, read, write]`.
pub fn within(a: &[Scope], b: &[Scope]) -> Vec<Scope> {
    let both: Vec<Scope> = Scope::ALL
        .into_iter()
        .filter(|s| s.allowed_by(a) && s.allowed_by(b))
        .collect();
    match both.contains(&Scope::Admin) {
        true => vec![Scope::Admin],
        false => both,
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
mod tests;
