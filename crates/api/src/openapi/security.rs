//! How callers authenticate, in the document's terms: an API key as a bearer token, or a browser's
//! session cookie with the session's CSRF token on unsafe methods. `guard` gives every route outside
//! `PUBLIC_ROUTES` these requirements and the answers authentication itself can give, so that no route
//! can forget them.

use super::problems::{Forbidden, ServiceUnavailable, TooManyRequests, Unauthorized};
use crate::auth::PUBLIC_ROUTES;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, PathItem, Ref, RefOr, Responses};
use utoipa::ToResponse;

pub const API_KEY: &str = "api_key";
pub const SESSION: &str = "session";
pub const CSRF: &str = "csrf";

/// Adds the security schemes to the document's components.
pub struct Schemes;

impl utoipa::Modify for Schemes {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("mcrm_<prefix>_<secret>")
            .description(Some(
                "An API key (`minicrm api-key create`, or `POST /api/v1/api-keys`) with the scopes the \
                 route needs: ingest, read, write, admin.",
            ))
            .build();
        components.add_security_scheme(API_KEY, SecurityScheme::Http(bearer));
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "minicrm_session",
                "A person's session, set at sign-in (`__Host-minicrm_session` under https). Its \
                 role decides what it may do.",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's CSRF token (`csrf_token` of `GET /api/v1/me`), required with the \
                 session cookie on every POST, PUT, PATCH and DELETE.",
            ))),
        );
    }
}

/// Gives every operation outside `PUBLIC_ROUTES` its security requirements and the problems
/// authentication can answer with: 401, 429 (the API key's rate limit), 503 (keys and sessions are
/// looked up in the database) and, on unsafe methods, 403 (the CSRF check).
pub fn guard(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            if PUBLIC_ROUTES.contains(&(method, path.as_str())) {
                continue;
            }
            let writes = method != "GET";
            operation.security = Some(requirements(writes));
            let responses = &mut operation.responses;
            add::<Unauthorized>(responses, 401);
            add::<TooManyRequests>(responses, 429);
            add::<ServiceUnavailable>(responses, 503);
            if writes {
                add::<Forbidden>(responses, 403);
            }
        }
    }
}

/// A path's operations with their methods.
pub fn operations(
    item: &mut PathItem,
) -> impl Iterator<Item = (&'static str, &mut utoipa::openapi::path::Operation)> {
    [
        ("GET", &mut item.get),
        ("POST", &mut item.post),
        ("PUT", &mut item.put),
        ("PATCH", &mut item.patch),
        ("DELETE", &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|o| (method, o)))
}

/// An API key, or a session (with its CSRF token when the method changes something).
fn requirements(writes: bool) -> Vec<SecurityRequirement> {
    let none = Vec::<String>::new;
    let session = SecurityRequirement::new(SESSION, none());
    vec![
        SecurityRequirement::new(API_KEY, none()),
        if writes {
            session.add(CSRF, none())
        } else {
            session
        },
    ]
}

/// Adds the shared response `R` under `status`, unless the route documents that status itself.
pub(super) fn add<'r, R: ToResponse<'r>>(responses: &mut Responses, status: u16) {
    let (name, _) = R::response();
    responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
}
