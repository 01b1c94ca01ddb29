//! A real OpenID Connect issuer for the tests, on a random port: discovery, JWKS, an authorization
//! endpoint that signs in whoever the test says (no login form) and a token endpoint that checks the
//! client's secret, the redirect URI, the code (once) and the PKCE verifier, and signs ID tokens with
//! a test RSA key. A test can make the next token wrong in one way at a time.

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
    CoreTokenResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalClaims, EmptyAdditionalProviderMetadata,
    EmptyExtraTokenFields, EndUserEmail, EndUserName, IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl,
    LocalizedClaim, Nonce, PrivateSigningKey, ResponseTypes, StandardClaims, SubjectIdentifier,
    TokenUrl,
};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "minicrm-test-client";
pub const CLIENT_SECRET: &str = "test-client-secret";
const KEY: &str = include_str!("../fixtures/issuer-key.pem");
const OTHER_KEY: &str = include_str!("../fixtures/other-key.pem");

/// Who the issuer signs in next, and what (if anything) is wrong with the token it makes.
#[derive(Clone, Debug)]
pub struct Person {
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    /// The token's nonce is not the one the client sent.
    pub wrong_nonce: bool,
    /// The token expired a minute ago.
    pub expired: bool,
    /// The token names another client as its audience.
    pub wrong_audience: bool,
    /// The token is signed by a key the issuer does not publish.
    pub wrong_key: bool,
}

impl Person {
    pub fn new(email: &str) -> Self {
        Self {
            email: email.into(),
            name: email.split('@').next().unwrap_or_default().into(),
            email_verified: true,
            wrong_nonce: false,
            expired: false,
            wrong_audience: false,
            wrong_key: false,
        }
    }
}

struct Grant {
    redirect_uri: String,
    nonce: String,
    challenge: String,
    person: Person,
    used: bool,
}

struct Inner {
    url: String,
    next: Person,
    grants: HashMap<String, Grant>,
    /// Codes refused as already used, for the tests to see.
    replays: usize,
}

#[derive(Clone)]
pub struct Issuer {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Issuer {
    pub async fn start() -> Issuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let issuer = Issuer {
            url: url.clone(),
            inner: Arc::new(Mutex::new(Inner {
                url,
                next: Person::new("first@example.com"),
                grants: HashMap::new(),
                replays: 0,
            })),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(issuer.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        issuer
    }

    /// The next sign-in is this person's.
    pub fn sign_in_as(&self, person: Person) {
        self.inner.lock().unwrap().next = person;
    }

    pub fn replays(&self) -> usize {
        self.inner.lock().unwrap().replays
    }
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("test-key".into())))
        .expect("the test key")
}

async fn discovery(State(issuer): State<Issuer>) -> Json<CoreProviderMetadata> {
    let url = issuer.url.clone();
    let metadata = CoreProviderMetadata::new(
        IssuerUrl::new(url.clone()).unwrap(),
        AuthUrl::new(format!("{url}/authorize")).unwrap(),
        JsonWebKeySetUrl::new(format!("{url}/jwks")).unwrap(),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        EmptyAdditionalProviderMetadata {},
    )
    .set_token_endpoint(Some(TokenUrl::new(format!("{url}/token")).unwrap()));
    Json(metadata)
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![
        signing_key(KEY).as_verification_key()
    ]))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

async fn authorize(State(issuer): State<Issuer>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.response_type != "code"
        || q.client_id != CLIENT_ID
        || !q.scope.split(' ').any(|s| s == "openid")
        || q.code_challenge_method != "S256"
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let mut inner = issuer.inner.lock().unwrap();
    let person = inner.next.clone();
    inner.grants.insert(
        code.clone(),
        Grant {
            redirect_uri: q.redirect_uri.clone(),
            nonce: q.nonce,
            challenge: q.code_challenge,
            person,
            used: false,
        },
    );
    let mut back = url::Url::parse(&q.redirect_uri).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &q.state);
    Redirect::to(back.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn token(
    State(issuer): State<Issuer>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&expected)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    if form.grant_type != "authorization_code" {
        return oauth_error("unsupported_grant_type", "only authorization_code");
    }
    let mut inner = issuer.inner.lock().unwrap();
    let url = inner.url.clone();
    let Some(grant) = inner.grants.get_mut(&form.code) else {
        return oauth_error("invalid_grant", "unknown code");
    };
    if grant.used {
        inner.replays += 1;
        return oauth_error("invalid_grant", "this code was already used");
    }
    grant.used = true;
    if grant.redirect_uri != form.redirect_uri {
        return oauth_error("invalid_grant", "the redirect URI differs");
    }
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(form.code_verifier.as_bytes()));
    if challenge != grant.challenge {
        return oauth_error("invalid_grant", "the PKCE verifier does not match");
    }
    let person = grant.person.clone();
    let nonce = match person.wrong_nonce {
        true => "someone-elses-nonce".to_owned(),
        false => grant.nonce.clone(),
    };
    drop(inner);
    let now = chrono::Utc::now();
    let (issued, expires) = match person.expired {
        true => (
            now - chrono::Duration::minutes(6),
            now - chrono::Duration::minutes(1),
        ),
        false => (now, now + chrono::Duration::minutes(5)),
    };
    let audience = match person.wrong_audience {
        true => "another-client",
        false => CLIENT_ID,
    };
    let access_token = AccessToken::new(uuid::Uuid::new_v4().to_string());
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(url).unwrap(),
        vec![Audience::new(audience.into())],
        expires,
        issued,
        StandardClaims::new(SubjectIdentifier::new(format!("sub-{}", person.email)))
            .set_email(Some(EndUserEmail::new(person.email.clone())))
            .set_email_verified(Some(person.email_verified))
            .set_name(Some(LocalizedClaim::from(EndUserName::new(
                person.name.clone(),
            )))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let key = signing_key(if person.wrong_key { OTHER_KEY } else { KEY });
    let id_token = CoreIdToken::new(
        claims,
        &key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access_token),
        None,
    )
    .expect("signed");
    Json(CoreTokenResponse::new(
        access_token,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    ))
    .into_response()
}
