//! Saved segments: create, list (newest first), read, update and delete a named rule tree. Saving counts
//! the audience, so every segment carries its last count and when it was taken.
//!
//! Changing segments needs the `admin` scope until people have roles (the sign-in issue brings the
//! marketer role); reading needs `read`.

use super::preview::read_rules;
use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity};
use crate::output::{trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::routes::page_limit;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use minicrm_domain::rules::RuleGroup;
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::segments::{self, SegmentInput, SegmentRow};
use minicrm_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, remove))
}

/// A saved segment: a named rule tree, with its audience when it was last counted.
#[derive(Serialize, ToSchema)]
struct SegmentOut {
    id: String,
    name: String,
    description: Option<String>,
    #[schema(value_type = RuleGroup)]
    rules: Value,
    /// `api-key:<name>` or `user:<email>`.
    created_by: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    /// The audience when the segment was last saved.
    last_count: Option<i64>,
    #[schema(format = DateTime)]
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

/// A segment as a client saves it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SegmentIn {
    /// 1 to 100 characters, trimmed.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(max_length = 1000)]
    description: Option<String>,
    #[schema(value_type = RuleGroup)]
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
    let count = minicrm_audience::count(&state.db, &rules, Timestamp::now()).await?;
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

/// Save a segment.
///
/// Saves a segment, counting its audience. Needs the `write` scope.
#[utoipa::path(post, path = "/segments", tag = "segments", operation_id = "create_segment",
    request_body(content = SegmentIn, content_type = "application/json", example = examples::segment),
    responses(
        (status = 201, description = "The segment.", body = SegmentOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
    ))]
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

/// Change a segment.
///
/// Replaces a segment's name, description and rules, counting its audience again. Needs the `write`
/// scope.
#[utoipa::path(put, path = "/segments/{id}", tag = "segments", operation_id = "update_segment",
    params(("id" = String, Path, description = "The segment's id.")),
    request_body(content = SegmentIn, content_type = "application/json", example = examples::segment),
    responses(
        (status = 200, description = "The segment.", body = SegmentOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<SegmentOut>, ApiError> {
    caller.require(Scope::Write)?;
    let fields = input(&state, &body).await?;
    let row = segments::update(&state.db, &id, &fields, Timestamp::now().millis())
        .await
        .map_err(not_found(&id))?;
    Ok(Json(row.into()))
}

/// Get a segment.
///
/// One segment. Needs the `read` scope.
#[utoipa::path(get, path = "/segments/{id}", tag = "segments", operation_id = "read_segment",
    params(("id" = String, Path, description = "The segment's id.")),
    responses(
        (status = 200, description = "The segment.", body = SegmentOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SegmentOut>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(
        segments::get(&state.db, &id)
            .await
            .map_err(not_found(&id))?
            .into(),
    ))
}

/// Delete a segment.
///
/// Deletes a segment that no campaign uses. Needs the `write` scope.
#[utoipa::path(delete, path = "/segments/{id}", tag = "segments", operation_id = "delete_segment",
    params(("id" = String, Path, description = "The segment's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Segments per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// List segments.
///
/// Saved segments, newest first. Needs the `read` scope.
#[utoipa::path(get, path = "/segments", tag = "segments", operation_id = "list_segments",
    params(ListParams),
    responses(
        (status = 200, description = "A page of segments.", body = Page<SegmentOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
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
