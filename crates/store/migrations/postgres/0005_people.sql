-- People who sign in (OpenID Connect or the local one-time link), their server-side sessions, and the
-- short-lived secrets of a sign-in in progress. Every secret is stored as a SHA-256, never as itself.
CREATE TABLE users (
    id             TEXT    PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL DEFAULT '',
    role           TEXT    NOT NULL,
    provider       TEXT    NOT NULL,
    subject        TEXT,
    created_at     BIGINT  NOT NULL,
    last_login_at  BIGINT,
    disabled_at    BIGINT
);

CREATE TABLE sessions (
    token_hash     TEXT    PRIMARY KEY,
    user_id        TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token     TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    last_seen_at   BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    user_agent     TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time sign-in links of the local mode.
CREATE TABLE login_links (
    token_hash     TEXT    PRIMARY KEY,
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    used_at        BIGINT
);

-- An OpenID Connect sign-in between the redirect to the issuer and its return: state, nonce and the
-- PKCE verifier, taken once.
CREATE TABLE auth_requests (
    state_hash     TEXT    PRIMARY KEY,
    nonce          TEXT    NOT NULL,
    pkce_verifier  TEXT    NOT NULL,
    return_to      TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL
);

ALTER TABLE api_keys ADD COLUMN created_by TEXT;
