//! `Caller`: who is calling, from `Authorization: Bearer <API key>`; handlers ask it for a scope.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use minicrm_domain::Scope;
use minicrm_store::api_keys::{self, ApiKey};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Caller {
    pub key: ApiKey,
}

impl Caller {
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if scope.allowed_by(&self.key.scopes) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(scope.as_str()))
        }
    }

    pub fn require_any(&self, scopes: &[Scope]) -> Result<(), ApiError> {
        match scopes.iter().find(|s| s.allowed_by(&self.key.scopes)) {
            Some(_) => Ok(()),
            None => Err(ApiError::Forbidden(
                scopes.first().map_or("read", |s| s.as_str()),
            )),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let key = api_keys::verify(&state.db, presented)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        state.key_usage.record(&state.db, &key.id).await;
        Ok(Caller { key })
    }
}

/// Writes a key's `last_used_at` at most once a minute, so that authentication stays a read.
#[derive(Default)]
pub struct UsageThrottle {
    last: Mutex<HashMap<String, i64>>,
}

const USAGE_RESOLUTION_MS: i64 = 60_000;

impl UsageThrottle {
    async fn record(&self, db: &minicrm_store::Db, key_id: &str) {
        let now = chrono::Utc::now().timestamp_millis();
        {
            let mut last = self.last.lock().expect("usage map poisoned");
            if last
                .get(key_id)
                .is_some_and(|t| now - t < USAGE_RESOLUTION_MS)
            {
                return;
            }
            last.insert(key_id.to_owned(), now);
        }
        if let Err(e) = api_keys::touch(db, key_id, now).await {
            tracing::warn!(error = %e, "could not record an API key's use");
        }
    }
}
