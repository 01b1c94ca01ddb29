//! API keys over the API (admins only): create (the secret is in the answer once, never again), list,
//! revoke.

use crate::body::JsonBody;
use crate::output::{iso, iso_opt};
use crate::{ApiError, AppState, Caller};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use minicrm_domain::Scope;
use minicrm_store::api_keys::{self, ApiKey};
use minicrm_store::StoreError;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

#[derive(Serialize)]
struct KeyOut {
    id: String,
    name: String,
    /// The visible start of the key (`mcrm_<prefix>_…`), to tell keys apart.
    prefix: String,
    scopes: Vec<Scope>,
    created_by: Option<String>,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<ApiKey> for KeyOut {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: format!("mcrm_{}_", k.prefix),
            scopes: k.scopes,
            created_by: k.created_by,
            created_at: iso(k.created_at),
            last_used_at: iso_opt(k.last_used_at),
            revoked_at: iso_opt(k.revoked_at),
        }
    }
}

/// Every key, newest first, revoked ones included (without their secrets).
#[utoipa::path(get, path = "/api-keys", tag = "api-keys", responses((status = 200, description = "the keys")))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    let keys: Vec<KeyOut> = api_keys::list(&state.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(json!({"items": keys, "next_cursor": null})))
}

/// Creates a key `{name, scopes: ["ingest" | "read" | "write" | "admin", …]}`; the answer carries
/// `secret`, shown this once.
#[utoipa::path(post, path = "/api-keys", tag = "api-keys", responses((status = 201, description = "the key with its secret")))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(Scope::Admin)?;
    let body = body.value()?;
    let name = match body.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() && n.trim().chars().count() <= 100 => {
            n.trim().to_owned()
        }
        _ => {
            return Err(ApiError::bad_field(
                "name",
                "name is a text of 1 to 100 characters",
            ))
        }
    };
    let scopes = match body.get("scopes") {
        Some(Value::Array(list)) => {
            let mut scopes = Vec::new();
            for (i, s) in list.iter().enumerate() {
                let field = format!("scopes[{i}]");
                let text = s
                    .as_str()
                    .ok_or_else(|| ApiError::bad_field(&field, "a scope is a text"))?;
                let scope = Scope::parse(text).map_err(|e| ApiError::bad_field(&field, e))?;
                if !scopes.contains(&scope) {
                    scopes.push(scope);
                }
            }
            if scopes.is_empty() {
                return Err(ApiError::bad_field(
                    "scopes",
                    "at least one scope is needed",
                ));
            }
            scopes
        }
        _ => {
            return Err(ApiError::bad_field(
                "scopes",
                "scopes is a list of ingest, read, write, admin",
            ))
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    let (key, secret) = api_keys::create(&state.db, &name, &scopes, &caller.label(), now).await?;
    tracing::info!(by = %caller.label(), key = %key.name, "an API key was created");
    let mut out = serde_json::to_value(KeyOut::from(key)).expect("a key serialises");
    out["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(out)))
}

/// Revokes a key: it stops working at once.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api-keys", responses((status = 204, description = "revoked"), (status = 404, description = "no such live key")))]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Scope::Admin)?;
    let now = chrono::Utc::now().timestamp_millis();
    api_keys::revoke(&state.db, &id, now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound(format!("live API key '{id}'")),
            other => other.into(),
        })?;
    tracing::info!(by = %caller.label(), key = %id, "an API key was revoked");
    Ok(StatusCode::NO_CONTENT)
}
