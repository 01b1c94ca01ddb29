//! The OpenAPI 3.1 document, generated from the code: the router's own routes (each handler's
//! `#[utoipa::path]` with its parameters, bodies and answers), the schemas of the real request and
//! response types, the shared problem answers and the security schemes. Served at `/api/openapi.json`,
//! shown at `/api/docs`.

pub mod docs;
pub mod examples;
pub mod problems;
pub mod security;

pub use problems::*;

use crate::problem::{Problem, ProblemError};
use security::Schemes;
use utoipa::openapi::OpenApi;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "minicrm",
        description = "A customer-engagement CRM. A brand's systems push customers and orders in \
            (`/api/v1/customers`, `/api/v1/orders`, CSV `/api/v1/imports`); marketers build segments from \
            rules, launch personalised campaigns through a messaging vendor, and watch delivery.\n\n\
            **Authentication.** Every route needs an API key (`Authorization: Bearer <key>`) or a \
            browser session (the session cookie, plus its `X-CSRF-Token` on writes), except health \
            checks, signed vendor receipts, the sign-in routes and this document.\n\n\
            **Errors** are `application/problem+json` (RFC 9457) with a stable `type`, a readable \
            `detail`, and the field to blame (`field`, or `errors` with JSON pointers).\n\n\
            **Money** travels in major units of the store's currency, as exact decimal numbers; \
            **times** are RFC 3339 in UTC; **lists** are `{items, next_cursor}` pages."
    ),
    tags(
        (name = "ingestion", description = "Customers and orders in, one record or a batch, idempotent by `external_id`."),
        (name = "imports", description = "Bulk CSV imports, streamed, with row errors and progress."),
        (name = "customers", description = "Customers with their aggregates, orders and messages."),
        (name = "orders", description = "Orders, newest first."),
        (name = "overview", description = "The dashboard's totals and daily series."),
        (name = "segments", description = "Segment rules: the field catalogue, audience previews and saved segments."),
        (name = "campaigns", description = "Campaigns, their delivery stats, communication log and performance."),
        (name = "receipts", description = "Delivery receipts from the messaging vendor, signed with the shared secret."),
        (name = "ai", description = "AI assistance: rules from a sentence, message variants, send times."),
        (name = "auth", description = "Signing in and out, and who is calling."),
        (name = "people", description = "People who sign in, and their roles (admins only)."),
        (name = "api-keys", description = "API keys (admins only)."),
        (name = "operations", description = "Health checks and this document."),
    ),
    components(
        schemas(Problem, ProblemError),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            UnprocessableEntity,
            TooManyRequests,
            ServiceUnavailable,
        ),
    ),
    modifiers(&Schemes),
)]
pub(crate) struct Document;

/// The OpenAPI document: every route of the router, guarded as the router guards it. Built once.
pub fn openapi() -> &'static OpenApi {
    static DOCUMENT: std::sync::OnceLock<OpenApi> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = crate::routes::routes().into_openapi();
        security::guard(&mut doc);
        json_bodies(&mut doc);
        doc
    })
}

/// Every operation that takes a JSON body can get what the body reader (`body::JsonBody`) refuses:
/// a malformed body (400), one too large (413), one that is not JSON (415). Added here, once, rather
/// than in each route's annotation.
fn json_bodies(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for (_, operation) in security::operations(item) {
            let takes_json = operation
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json"));
            if takes_json {
                let responses = &mut operation.responses;
                security::add::<BadRequest>(responses, 400);
                security::add::<PayloadTooLarge>(responses, 413);
                security::add::<UnsupportedMediaType>(responses, 415);
            }
        }
    }
}
