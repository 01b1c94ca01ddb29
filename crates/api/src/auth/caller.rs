//! The caller of a request, a person or an API key, and what it may do: its scopes, the scopes it may
//! grant, the name it goes by.

use crate::ApiError;
use minicrm_domain::Scope;
use minicrm_store::api_keys::ApiKey;
use minicrm_store::people::User;
use minicrm_store::sessions::Session;

/// The one who made a request.
#[derive(Debug, Clone)]
pub enum Principal {
    Key(Box<ApiKey>),
    Person(Box<Session>),
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
}

impl Caller {
    /// What the caller may do now: a person's role, or a key's scopes as far as its maker's role
    /// allows them.
    pub fn scopes(&self) -> Vec<Scope> {
        match &self.principal {
            Principal::Key(key) => key.effective_scopes(),
            Principal::Person(session) => session.user.role.scopes().to_vec(),
        }
    }

    /// The id of the person who answers for what the caller does: the signed-in person, or the key's
    /// maker (none for a key made on the command line). A key the caller makes answers to them too.
    pub fn maker_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::Person(session) => Some(&session.user.id),
            Principal::Key(key) => key.maker.as_ref().map(|m| m.id.as_str()),
        }
    }

    /// Refuses scopes beyond the caller's own (`scopes[i]` names the first), so that no one makes a
    /// key that does more than they may.
    pub fn may_grant(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        let own = self.scopes();
        match scopes.iter().position(|s| !s.allowed_by(&own)) {
            None => Ok(()),
            Some(i) => Err(ApiError::ForbiddenField {
                detail: format!(
                    "a key cannot have the '{}' scope: it is beyond what you may do yourself",
                    scopes[i].as_str()
                ),
                field: format!("scopes[{i}]"),
            }),
        }
    }

    /// The signed-in person, if the caller is one.
    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::Person(session) => Some(&session.user),
            Principal::Key(_) => None,
        }
    }

    /// A stable id for what the caller owns (idempotency keys are kept per caller): the key's id, or
    /// `user:<id>`.
    pub fn id(&self) -> String {
        match &self.principal {
            Principal::Key(key) => key.id.clone(),
            Principal::Person(session) => format!("user:{}", session.user.id),
        }
    }

    /// Who did something, for the records: `api-key:<name>` or `user:<email>`.
    pub fn label(&self) -> String {
        match &self.principal {
            Principal::Key(key) => format!("api-key:{}", key.name),
            Principal::Person(session) => format!("user:{}", session.user.email),
        }
    }

    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        self.require_any(&[scope])
    }

    pub fn require_any(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        let own = self.scopes();
        if scopes.iter().any(|s| s.allowed_by(&own)) {
            return Ok(());
        }
        let needed = scopes.first().map_or("read", |s| s.as_str());
        Err(ApiError::Forbidden(match &self.principal {
            Principal::Key(key) => match &key.maker {
                Some(maker) if scopes.iter().any(|s| s.allowed_by(&key.scopes)) => format!(
                    "this API key's '{needed}' scope is beyond what the {} role of the person who \
                     made it allows",
                    maker.role.as_str()
                ),
                _ => format!("this API key lacks the '{needed}' scope"),
            },
            Principal::Person(session) => format!(
                "the {} role does not allow this: it needs the '{needed}' permission",
                session.user.role.as_str()
            ),
        }))
    }
}
