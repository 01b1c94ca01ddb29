//! CSV imports: `POST /imports?kind=customers|orders` streams a `text/csv` file through the same edge as
//! `POST /customers` and `/orders`. Its header names the columns; each row becomes the JSON object a
//! client would have sent and is parsed by the same record parser; valid rows go out in batches of
//! `BATCH_ROWS`, each an ordinary ingestion published durably, while bad rows are recorded with their
//! line number and never stop the others. `GET /imports/{id}` adds the progress of its ingestions.
//!
//! The file is never held whole: the body's chunks feed a CSV reader on a blocking thread through a
//! small channel, and the reader hands over one batch at a time, so a slow bus slows the upload down.

use super::page_limit;
use crate::openapi::{
    examples, BadRequest, Forbidden, NotFound, PayloadTooLarge, UnprocessableEntity,
    UnsupportedMediaType,
};
use crate::output::{trim_page, Page};
use crate::params::{ApiPath, ApiQuery};
use crate::{ApiError, AppState, Caller};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use minicrm_domain::ingest::Context;
use minicrm_domain::{RecordKind, Scope, Timestamp};
use minicrm_store::imports;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

mod columns;
mod import_out;
mod publish;
mod reader;
mod rows;
#[cfg(test)]
mod tests;
mod upload;

use import_out::{load, ImportOut};
use publish::{run, Job};
use upload::{clean_file_name, csv_content_type, disposition_file_name};
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CreateParams {
    /// What the file holds.
    #[param(value_type = RecordKind, required = true, example = "customers")]
    kind: Option<String>,
    /// The file's name (else Content-Disposition's `filename`), for the record.
    name: Option<String>,
}

/// Import a CSV file.
///
/// Takes a CSV file of customers or orders. Answers 202 with the import once every batch of valid rows
/// is durably published; bad rows are listed in `errors` with their line (the header is line 1).
/// The header names the columns: customers take `external_id`, `name`, `email`, `phone`, `city`,
/// `created_at`, `updated_at` and `attributes.<key>`; orders take `external_id`,
/// `customer_external_id`, `amount`, `currency`, `status`, `ordered_at`. Needs the `ingest` scope.
#[utoipa::path(post, path = "/imports", tag = "imports", operation_id = "create_import",
    params(CreateParams),
    request_body(description = "A CSV file in UTF-8 with a header row.", content = String, content_type = "text/csv",
        example = examples::customers_csv),
    responses(
        (status = 202, description = "The import, every batch of valid rows published.", body = ImportOut,
            headers(("Location" = String, description = "The import: `/api/v1/imports/{id}`."))),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<CreateParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Scope::Ingest)?;
    let kind = match p.kind.as_deref().map(str::trim) {
        Some("customers") => RecordKind::Customers,
        Some("orders") => RecordKind::Orders,
        Some(other) => {
            return Err(ApiError::bad_field(
                "kind",
                format!("'{other}' is not a kind of import: customers or orders"),
            ))
        }
        None => {
            return Err(ApiError::bad_field(
                "kind",
                "say what the file holds: ?kind=customers or ?kind=orders",
            ))
        }
    };
    csv_content_type(&headers)?;
    let file_name = p
        .name
        .as_deref()
        .or(disposition_file_name(&headers).as_deref())
        .and_then(clean_file_name);
    let limit = state.settings.import_max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    let job = Job {
        state: state.clone(),
        kind,
        file_name,
        api_key_id: caller.id(),
        created_by: caller.label(),
        limit,
        ctx: Context {
            now: Timestamp::now(),
            currency: state.settings.currency,
        },
    };
    // Its own task: a client that goes away mid-file stops the body, and the import is recorded as
    // failed (with what was taken) instead of being dropped half-way through a batch.
    let id = tokio::spawn(run(job, body))
        .await
        .map_err(anyhow::Error::from)??;
    let out = load(&state, &id).await?;
    let location = format!("/api/v1/imports/{id}");
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

/// Get an import.
///
/// An import with its row errors (the first 1,000), its ingestions and its progress. Needs the `read`
/// or `ingest` scope.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", operation_id = "read_import",
    params(("id" = String, Path, description = "The import's id.")),
    responses(
        (status = 200, description = "The import.", body = ImportOut),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportOut>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    Ok(Json(load(&state, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Imports per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

/// List imports.
///
/// Imports, newest first, without their row errors and ingestion ids (`GET /imports/{id}` has them).
/// Needs the `read` or `ingest` scope.
#[utoipa::path(get, path = "/imports", tag = "imports", operation_id = "list_imports",
    params(ListParams),
    responses(
        (status = 200, description = "Imports, newest first.", body = Page<ImportOut>),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Page<ImportOut>>, ApiError> {
    caller.require_any(&[Scope::Read, Scope::Ingest])?;
    let limit = page_limit(p.limit)?;
    let mut rows = imports::list(&state.db, p.cursor.as_deref(), limit + 1).await?;
    let next_cursor = trim_page(&mut rows, limit, |r| r.id.clone());
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let progress = imports::progress(&state.db, &row.id).await?;
        items.push(ImportOut::new(row, progress, None, None));
    }
    Ok(Json(Page { items, next_cursor }))
}
