//! Who is calling. A machine sends `Authorization: Bearer <API key>`; a person's browser sends the
//! session cookie set at sign-in (OpenID Connect, or the local one-time link), and with every unsafe
//! method the session's CSRF token in `X-CSRF-Token`. Handlers take a `Caller` and ask it for a scope;
//! the routes that take none are listed in `PUBLIC_ROUTES`, and a test holds the router to that list.
//! A key answers to the person who made it: it is refused while they are disabled, and does no more
//! than their current role allows (`ApiKey::effective_scopes`), on every route.

mod activity;
mod caller;
pub mod cookies;
pub mod forwarded;
mod identify;
pub mod limits;
pub mod oidc;
mod settings;

pub use activity::Activity;
pub use caller::{Caller, Principal};
pub use identify::csrf_matches;
pub use settings::AuthSettings;

/// Every route that answers without a session or an API key, as `(method, path)`. Anything else
/// answers 401 without credentials.
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    // Signed by the vendor with the shared secret instead.
    ("POST", "/api/v1/receipts"),
    ("GET", "/auth/config"),
    ("GET", "/auth/login"),
    ("GET", "/auth/callback"),
    ("GET", "/auth/link"),
    // Spends the link only with the nonce of the page the GET showed (a cookie of that browser).
    ("POST", "/auth/link"),
    // Ends the session the cookie names, if any (and checks its CSRF token); harmless without one.
    ("POST", "/auth/logout"),
    ("GET", "/api/openapi.json"),
    // The docs page (Swagger UI) and its assets: pages, not API operations, so not in the document.
    ("GET", "/api/docs"),
    ("GET", "/api/docs/"),
    ("GET", "/api/docs/{*rest}"),
];

/// The header a browser session sends its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What the API keeps for signing people in: the OIDC client, rate limits, activity.
pub struct Auth {
    pub oidc: Option<oidc::Oidc>,
    pub limits: limits::Limits,
    pub activity: Activity,
}

impl Auth {
    pub fn new(settings: &AuthSettings) -> Self {
        Self {
            oidc: settings
                .oidc
                .clone()
                .map(|o| oidc::Oidc::new(o, &settings.public_url)),
            limits: limits::Limits::new(settings),
            activity: Activity::default(),
        }
    }
}

#[cfg(test)]
mod tests;
