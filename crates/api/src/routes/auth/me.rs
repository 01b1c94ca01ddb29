//! `/api/v1/me`: who is calling, a signed-in person or an API key.

use crate::auth::{Caller, Principal};
use axum::Json;
use minicrm_domain::{Role, Scope};
use serde::Serialize;
use utoipa::ToSchema;

/// The caller: a signed-in person or an API key.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Me {
    User {
        id: String,
        email: String,
        name: String,
        role: Role,
        provider: String,
        /// What the role allows.
        scopes: Vec<Scope>,
        /// Send it as `X-CSRF-Token` with every POST, PUT, PATCH and DELETE.
        csrf_token: String,
        #[schema(format = DateTime)]
        session_expires_at: String,
    },
    ApiKey {
        id: String,
        name: String,
        /// What it may do now: its scopes as far as the role of the person who made it allows.
        scopes: Vec<Scope>,
    },
}

/// Who is calling.
///
/// Who is calling: a person (with their role and the session's CSRF token) or an API key.
#[utoipa::path(get, path = "/me", tag = "auth", operation_id = "me",
    responses((status = 200, description = "The caller.", body = Me)))]
pub(super) async fn me(caller: Caller) -> Json<Me> {
    let scopes = caller.scopes();
    Json(match caller.principal {
        Principal::Person(session) => Me::User {
            id: session.user.id,
            email: session.user.email,
            name: session.user.name,
            role: session.user.role,
            provider: session.user.provider,
            scopes,
            csrf_token: session.csrf_token,
            session_expires_at: crate::output::iso(session.expires_at),
        },
        Principal::Key(key) => Me::ApiKey {
            id: key.id,
            name: key.name,
            scopes,
        },
    })
}
