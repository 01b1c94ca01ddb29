//! The OpenID Connect authorization-code flow with PKCE, state and nonce (the openidconnect crate).
//! The issuer is found by discovery and its metadata (with the JWKS) kept for an hour, fetched again
//! at once when a token is signed by a key we do not know (the issuer rotated its keys).

use super::AuthSettings;
use minicrm_store::people::{Identity, OIDC_PROVIDER};
use minicrm_store::sessions::{self, AuthRequest};
use minicrm_store::Db;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// Google's issuer: the default.
pub const GOOGLE: &str = "https://accounts.google.com";

#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<secrecy::SecretString>,
}

/// Why a sign-in was refused, in words for the person at the browser.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("This sign-in has expired or was already used, or it was started in another browser. Please start again.")]
    State,
    #[error("The sign-in provider said: {0}")]
    Provider(String),
    #[error("The sign-in provider could not be reached: {0}")]
    Unreachable(String),
    #[error("The sign-in provider refused the sign-in code ({0}); it may have been used already. Please start again.")]
    Exchange(String),
    #[error("The identity token could not be trusted: {0}")]
    Token(String),
    #[error(
        "Your e-mail address is not verified by the sign-in provider, so it cannot be used here."
    )]
    Unverified,
    #[error("{0} is not allowed to sign in to this minicrm. Ask an admin to add you.")]
    NotAllowed(String),
    #[error("This account ({0}) has been disabled by an admin.")]
    Disabled(String),
}

impl SignInError {
    /// Whether the fault is ours or the issuer's rather than the browser's.
    pub fn is_upstream(&self) -> bool {
        matches!(self, SignInError::Unreachable(_))
    }
}

pub struct Oidc {
    settings: OidcSettings,
    redirect: RedirectUrl,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, CoreProviderMetadata)>>,
}

const METADATA_TTL: Duration = Duration::from_secs(3600);

impl Oidc {
    pub fn new(settings: OidcSettings, public_url: &str) -> Self {
        let redirect = RedirectUrl::new(format!(
            "{}/auth/callback",
            public_url.trim_end_matches('/')
        ))
        .expect("the public URL is a URL");
        let http = reqwest::Client::builder()
            // Following redirects would open the client to server-side request forgery.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client");
        Self {
            settings,
            redirect,
            http,
            metadata: RwLock::new(None),
        }
    }

    async fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, SignInError> {
        if !fresh {
            if let Some((at, metadata)) = &*self.metadata.read().await {
                if at.elapsed() < METADATA_TTL {
                    return Ok(metadata.clone());
                }
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| SignInError::Unreachable(format!("the issuer URL is not valid: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SignInError::Unreachable(format!("discovery failed: {e}")))?;
        *self.metadata.write().await = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
    ) -> openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings
                .client_secret
                .as_ref()
                .map(|s| ClientSecret::new(secrecy::ExposeSecret::expose_secret(s).to_owned())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Starts a sign-in: records state, nonce and PKCE verifier, and returns the issuer's URL to send
    /// the browser to with the state that its cookie must carry.
    pub async fn begin(
        &self,
        db: &Db,
        return_to: &str,
        now: i64,
    ) -> Result<(String, String), SignInError> {
        let client = self.client(self.metadata(false).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        sessions::begin_request(
            db,
            state.secret(),
            &AuthRequest {
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                return_to: return_to.to_owned(),
                created_at: now,
            },
        )
        .await
        .map_err(|e| SignInError::Unreachable(format!("the database: {e}")))?;
        Ok((url.to_string(), state.secret().clone()))
    }

    /// Finishes a sign-in: takes the request begun under `state`, exchanges the code (with the PKCE
    /// verifier), verifies the ID token (signature by JWKS, issuer, audience, expiry, nonce, the access
    /// token's hash) and returns who it names, if their address is verified and allowed.
    pub async fn finish(
        &self,
        db: &Db,
        settings: &AuthSettings,
        state: &str,
        code: &str,
        now: i64,
    ) -> Result<(Identity, String), SignInError> {
        let max_age = super::cookies::SIGN_IN_MAX_AGE.as_millis() as i64;
        let request = sessions::take_request(db, state, max_age, now)
            .await
            .map_err(|e| SignInError::Unreachable(format!("the database: {e}")))?
            .ok_or(SignInError::State)?;
        let client = self.client(self.metadata(false).await?);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| {
                SignInError::Unreachable(format!("the issuer has no token endpoint: {e}"))
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(request.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => SignInError::Exchange(
                    r.error_description()
                        .cloned()
                        .unwrap_or_else(|| r.error().to_string()),
                ),
                other => SignInError::Unreachable(format!("the token request failed: {other}")),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SignInError::Token("the provider sent no ID token".into()))?;
        let nonce = Nonce::new(request.nonce.clone());
        let mut client = client;
        let mut claims = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .cloned();
        if let Err(ClaimsVerificationError::SignatureVerification(_)) = claims {
            // Perhaps the issuer rotated its keys: fetch them again, once.
            client = self.client(self.metadata(true).await?);
            claims = id_token
                .claims(&client.id_token_verifier(), &nonce)
                .cloned();
        }
        let claims = claims.map_err(|e| SignInError::Token(explain(&e)))?;
        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let alg = id_token
                .signing_alg()
                .map_err(|e| SignInError::Token(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| SignInError::Token(e.to_string()))?;
            let actual = AccessTokenHash::from_token(response.access_token(), alg, key)
                .map_err(|e| SignInError::Token(e.to_string()))?;
            if actual != *expected {
                return Err(SignInError::Token(
                    "the access token does not match the ID token".into(),
                ));
            }
        }
        let email = claims
            .email()
            .map(|e| e.as_str().trim().to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .ok_or_else(|| SignInError::Token("the ID token names no e-mail address".into()))?;
        if claims.email_verified() != Some(true) {
            return Err(SignInError::Unverified);
        }
        if !settings.allows(&email) {
            return Err(SignInError::NotAllowed(email));
        }
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default();
        Ok((
            Identity {
                email,
                name,
                provider: OIDC_PROVIDER,
                subject: Some(claims.subject().as_str().to_owned()),
            },
            request.return_to,
        ))
    }
}

fn explain(e: &ClaimsVerificationError) -> String {
    match e {
        ClaimsVerificationError::Expired(_) => "it has expired".into(),
        ClaimsVerificationError::InvalidAudience(_) => {
            "it was issued for another application (wrong audience)".into()
        }
        ClaimsVerificationError::InvalidIssuer(_) => "it comes from another issuer".into(),
        ClaimsVerificationError::InvalidNonce(_) => {
            "it does not belong to this sign-in (wrong nonce)".into()
        }
        ClaimsVerificationError::SignatureVerification(_) => {
            "its signature does not verify with the issuer's keys".into()
        }
        other => other.to_string(),
    }
}
