//! People (admins only): list everyone who has signed in, change a role, disable or enable access.

use crate::body::JsonBody;
use crate::output::{iso, iso_opt};
use crate::{ApiError, AppState, Caller};
use axum::extract::{Path, State};
use axum::Json;
use minicrm_domain::{Role, Scope};
use minicrm_store::people::{self, Change, User};
use minicrm_store::StoreError;
use serde::Serialize;
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(update))
}

#[derive(Serialize)]
struct UserOut {
    id: String,
    email: String,
    name: String,
    role: Role,
    provider: String,
    created_at: String,
    last_login_at: Option<String>,
    disabled_at: Option<String>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            provider: u.provider,
            created_at: iso(u.created_at),
            last_login_at: iso_opt(u.last_login_at),
            disabled_at: iso_opt(u.disabled_at),
        }
    }
}

/// Everyone who has signed in, oldest first.
#[utoipa::path(get, path = "/users", tag = "people", responses((status = 200, description = "the people")))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Admin)?;
    let users = people::list(&state.db).await?;
    let items: Vec<UserOut> = users.into_iter().map(Into::into).collect();
    Ok(Json(
        serde_json::json!({"items": items, "next_cursor": null}),
    ))
}

/// Changes a person's `role` (admin, marketer, viewer) or `disabled` (true ends their sessions).
#[utoipa::path(patch, path = "/users/{id}", tag = "people", responses((status = 200, description = "the person"), (status = 409, description = "the last admin")))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<UserOut>, ApiError> {
    caller.require(Scope::Admin)?;
    let body = body.value()?;
    let Some(fields) = body.as_object() else {
        return Err(ApiError::bad_field(
            "",
            "send an object: {\"role\"?, \"disabled\"?}",
        ));
    };
    if let Some(unknown) = fields.keys().find(|k| *k != "role" && *k != "disabled") {
        return Err(ApiError::bad_field(
            unknown,
            format!("'{unknown}' cannot be changed: only role and disabled"),
        ));
    }
    let role = match fields.get("role") {
        None => None,
        Some(Value::String(r)) => Some(Role::parse(r).map_err(|e| ApiError::bad_field("role", e))?),
        Some(_) => {
            return Err(ApiError::bad_field(
                "role",
                "role is one of admin, marketer, viewer",
            ))
        }
    };
    let disabled = match fields.get("disabled") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ApiError::bad_field("disabled", "disabled is true or false")),
    };
    let now = chrono::Utc::now().timestamp_millis();
    let user = people::update(&state.db, &id, &Change { role, disabled }, now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound(format!("user '{id}'")),
            other => other.into(),
        })?;
    tracing::info!(by = %caller.label(), user = %user.email, role = user.role.as_str(), disabled = user.disabled_at.is_some(), "a person's access changed");
    Ok(Json(user.into()))
}
