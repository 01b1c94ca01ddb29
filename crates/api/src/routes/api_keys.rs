//! API keys over the API (admins only): create (the secret is in the answer once, never again), list,
//! revoke. A key answers to the person who made it (a key made by a key, to that key's maker): the
//! list shows them, the key's status and what it may do now.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, NotFound};
use crate::output::{iso, iso_opt, Page};
use crate::params::ApiPath;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use minicrm_domain::{Role, Scope};
use minicrm_store::api_keys::{self, ApiKey, KeyStatus, Maker};
use minicrm_store::StoreError;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// An API key, without its secret.
#[derive(Serialize, ToSchema)]
struct KeyOut {
    id: String,
    name: String,
    /// The visible start of the key (`mcrm_<prefix>_…`), to tell keys apart.
    prefix: String,
    /// The scopes it was made with.
    scopes: Vec<Scope>,
    /// What it may do now: its scopes as far as its maker's current role allows them; none unless
    /// it is active.
    effective_scopes: Vec<Scope>,
    status: KeyStatusOut,
    /// The person it answers to; null for keys made on the command line, which answer to no one.
    maker: Option<MakerOut>,
    /// Who made it: `user:<email>`, `api-key:<name>` (then it answers to that key's maker), or `cli`.
    created_by: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    last_used_at: Option<String>,
    /// When it stopped working; null while it works.
    #[schema(format = DateTime)]
    revoked_at: Option<String>,
}

/// Whether a key works: `suspended` while its maker is disabled (it works again once they are
/// enabled), `revoked` for good.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum KeyStatusOut {
    Active,
    Suspended,
    Revoked,
}

/// The person a key answers to, as they are now.
#[derive(Serialize, ToSchema)]
struct MakerOut {
    id: String,
    email: String,
    /// Bounds what the key may do.
    role: Role,
    /// When their access was disabled (their keys are suspended meanwhile); null while they have it.
    #[schema(format = DateTime)]
    disabled_at: Option<String>,
}

impl From<Maker> for MakerOut {
    fn from(m: Maker) -> Self {
        Self {
            id: m.id,
            email: m.email,
            role: m.role,
            disabled_at: iso_opt(m.disabled_at),
        }
    }
}

/// A new key, with its secret: shown this once.
#[derive(Serialize, ToSchema)]
struct KeyCreated {
    #[serde(flatten)]
    key: KeyOut,
    /// The key itself, for `Authorization: Bearer <secret>`.
    secret: String,
}

/// A key as an admin asks for it.
#[derive(ToSchema)]
#[allow(dead_code)]
struct KeyIn {
    /// 1 to 100 characters, trimmed.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(min_items = 1)]
    scopes: Vec<Scope>,
}

impl From<ApiKey> for KeyOut {
    fn from(k: ApiKey) -> Self {
        let status = match k.status() {
            KeyStatus::Active => KeyStatusOut::Active,
            KeyStatus::Suspended => KeyStatusOut::Suspended,
            KeyStatus::Revoked => KeyStatusOut::Revoked,
        };
        Self {
            effective_scopes: k.effective_scopes(),
            status,
            id: k.id,
            name: k.name,
            prefix: format!("mcrm_{}_", k.prefix),
            scopes: k.scopes,
            maker: k.maker.map(Into::into),
            created_by: k.created_by,
            created_at: iso(k.created_at),
            last_used_at: iso_opt(k.last_used_at),
            revoked_at: iso_opt(k.revoked_at),
        }
    }
}

/// List API keys.
///
/// Every key, newest first, revoked ones included (without their secrets), on one page, each with
/// the person it answers to, its status and what it may do now. Needs the `admin` scope.
#[utoipa::path(get, path = "/api-keys", tag = "api-keys", operation_id = "list_api_keys",
    responses(
        (status = 200, description = "The keys.", body = Page<KeyOut>),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<KeyOut>>, ApiError> {
    caller.require(Scope::Admin)?;
    let keys = api_keys::list(&state.db).await?;
    Ok(Json(Page {
        items: keys.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Create an API key.
///
/// Creates a key `{name, scopes: ["ingest" | "read" | "write" | "admin", …]}`; the answer carries
/// `secret`, shown this once. The key answers to the caller (a key made by a key, to that key's
/// maker) and never does more than their role allows; no scope beyond the caller's own is granted.
/// Needs the `admin` scope.
#[utoipa::path(post, path = "/api-keys", tag = "api-keys", operation_id = "create_api_key",
    request_body(content = KeyIn, content_type = "application/json", example = examples::api_key),
    responses(
        (status = 201, description = "The key with its secret.", body = KeyCreated),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<(StatusCode, Json<KeyCreated>), ApiError> {
    caller.require(Scope::Admin)?;
    let body = body.value()?;
    let (name, scopes) = (name_of(&body)?, scopes_of(&body)?);
    caller.may_grant(&scopes)?;
    let now = chrono::Utc::now().timestamp_millis();
    let (key, secret) = api_keys::create_made_by(
        &state.db,
        &name,
        &scopes,
        &caller.label(),
        caller.maker_id(),
        now,
    )
    .await?;
    tracing::info!(by = %caller.label(), key = %key.name, "an API key was created");
    Ok((
        StatusCode::CREATED,
        Json(KeyCreated {
            key: key.into(),
            secret,
        }),
    ))
}

/// The new key's name: 1 to 100 characters, trimmed.
fn name_of(body: &Value) -> Result<String, ApiError> {
    match body.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() && n.trim().chars().count() <= 100 => {
            Ok(n.trim().to_owned())
        }
        _ => Err(ApiError::bad_field(
            "name",
            "name is a text of 1 to 100 characters",
        )),
    }
}

/// The new key's scopes: at least one, each named once.
fn scopes_of(body: &Value) -> Result<Vec<Scope>, ApiError> {
    let Some(Value::Array(list)) = body.get("scopes") else {
        return Err(ApiError::bad_field(
            "scopes",
            "scopes is a list of ingest, read, write, admin",
        ));
    };
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
    Ok(scopes)
}

/// Revoke an API key.
///
/// Revokes a key: it stops working at once. Needs the `admin` scope.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "api-keys", operation_id = "revoke_api_key",
    params(("id" = String, Path, description = "The key's id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
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
