//! Saved segments: create, list (newest first), read, update and delete a named rule tree. Saving counts
//! the audience, so every segment carries its last count and when it was taken.
//!
//! Changing segments needs the `admin` scope until people have roles (the sign-in issue brings the
//! marketer role); reading needs `read`.

use super::{page_limit, segments::read_rules, ApiQuery};
use crate::body::JsonBody;
use crate::output::{trim_page, Page};
use crate::{ApiError, AppState, Caller};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::segments::{self, SegmentInput, SegmentRow};
use minicrm_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, remove))
}

#[derive(Serialize)]
struct SegmentOut {
    id: String,
    name: String,
    description: Option<String>,
    rules: Value,
    created_by: String,
    created_at: String,
    updated_at: String,
    last_count: Option<i64>,
    last_count_at: Option<String>,
}

impl From<SegmentRow> for SegmentOut {
    fn from(s: SegmentRow) -> Self {
        let time = crate::output::iso;
        Self {
            id: s.id,
            name: s.name,
            description: s.description,
            rules: s.rules.0,
            created_by: s.created_by,
            created_at: time(s.created_at),
            updated_at: time(s.updated_at),
            last_count: s.last_count,
            last_count_at: s.last_count_at.map(time),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentIn {
    name: String,
    description: Option<String>,
    rules: Value,
}

/// Reads and checks a segment from the body, and counts its audience now.
async fn input(state: &AppState, body: &[u8]) -> Result<SegmentInput, ApiError> {
    let value = crate::body::json(body)?;
    let rules = read_rules(&value, state)?;
    let segment: SegmentIn = serde_json::from_value(value).map_err(|e| ApiError::BadRequest {
        detail: format!("the body is not a segment: {e}"),
        field: None,
    })?;
    let name_len = segment.name.trim().chars().count();
    if !(1..=100).contains(&name_len) {
        return Err(ApiError::bad_field(
            "name",
            "the name must be 1 to 100 characters",
        ));
    }
    if segment
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 1000)
    {
        return Err(ApiError::bad_field(
            "description",
            "the description must be at most 1000 characters",
        ));
    }
    let count = minicrm_segments::count(&state.db, &rules, Timestamp::now()).await?;
    Ok(SegmentInput {
        name: segment.name.trim().to_owned(),
        description: segment.description,
        rules: segment.rules,
        count,
    })
}

fn not_found(id: &str) -> impl FnOnce(StoreError) -> ApiError + '_ {
    move |e| match e {
        StoreError::NotFound => ApiError::NotFound(format!("segment '{id}'")),
        other => other.into(),
    }
}

#[utoipa::path(post, path = "/segments", tag = "segments")]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<SegmentOut>), ApiError> {
    caller.require(Scope::Write)?;
    let fields = input(&state, &body).await?;
    let created_by = caller.label();
    let row = segments::create(&state.db, &fields, &created_by, Timestamp::now().millis()).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(put, path = "/segments/{id}", tag = "segments")]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<SegmentOut>, ApiError> {
    caller.require(Scope::Write)?;
    let fields = input(&state, &body).await?;
    let row = segments::update(&state.db, &id, &fields, Timestamp::now().millis())
        .await
        .map_err(not_found(&id))?;
    Ok(Json(row.into()))
}

#[utoipa::path(get, path = "/segments/{id}", tag = "segments")]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SegmentOut>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(
        segments::get(&state.db, &id)
            .await
            .map_err(not_found(&id))?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/segments/{id}", tag = "segments")]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Scope::Write)?;
    if minicrm_store::campaigns::uses_segment(&state.db, &id).await? {
        return Err(ApiError::Conflict(format!(
            "segment '{id}' is the audience of a campaign and cannot be deleted"
        )));
    }
    segments::delete(&state.db, &id)
        .await
        .map_err(not_found(&id))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    limit: Option<i64>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/segments", tag = "segments")]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<SegmentOut>>, ApiError> {
    caller.require(Scope::Read)?;
    let limit = page_limit(p.limit)?;
    let mut rows = segments::list(&state.db, p.cursor.as_deref(), limit + 1).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| r.id.clone());
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
