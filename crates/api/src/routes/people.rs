//! People (admins only): list everyone who has signed in, change a role, disable or enable access.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, NotFound};
use crate::output::{iso, iso_opt, Page};
use crate::params::ApiPath;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::{Role, Scope};
use minicrm_store::people::{self, Change, User};
use minicrm_store::StoreError;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(update))
}

/// A person who has signed in.
#[derive(Serialize, ToSchema)]
struct UserOut {
    id: String,
    email: String,
    name: String,
    role: Role,
    /// How they sign in: `local` or the OpenID Connect issuer.
    provider: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    last_login_at: Option<String>,
    /// When their access was disabled; null while they have it.
    #[schema(format = DateTime)]
    disabled_at: Option<String>,
}

/// What an admin may change about a person; at least one of the two.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct UserChange {
    #[schema(value_type = Role, required = false)]
    role: Option<Role>,
    /// True takes their access away, ends their sessions and suspends the API keys they made; false
    /// gives it all back.
    #[schema(value_type = bool, required = false)]
    disabled: Option<bool>,
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

/// List people.
///
/// Everyone who has signed in, oldest first, on one page. Needs the `admin` scope.
#[utoipa::path(get, path = "/users", tag = "people", operation_id = "list_users",
    responses(
        (status = 200, description = "The people.", body = Page<UserOut>),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<UserOut>>, ApiError> {
    caller.require(Scope::Admin)?;
    let users = people::list(&state.db).await?;
    Ok(Json(Page {
        items: users.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Change a person's role or access.
///
/// Changes a person's `role` (admin, marketer, viewer) or `disabled` (true ends their sessions and
/// suspends their API keys). The API keys they made follow from the next request on: never more than
/// the role allows, nothing while they are disabled. The last active admin stays one. Needs the
/// `admin` scope.
#[utoipa::path(patch, path = "/users/{id}", tag = "people", operation_id = "update_user",
    params(("id" = String, Path, description = "The person's id.")),
    request_body(content = UserChange, content_type = "application/json", example = examples::user_change),
    responses(
        (status = 200, description = "The person.", body = UserOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
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
