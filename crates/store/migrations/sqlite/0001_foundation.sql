-- minicrm foundation (SQLite). Times are INTEGER milliseconds since the epoch (UTC); money is INTEGER
-- minor units. Each backend has its own folder; an applied migration is never edited. Indexes on the
-- aggregates are left to the segment rules that need them: every order moves them, at ingestion cost.

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    email           TEXT,
    phone           TEXT,
    city            TEXT,
    attributes      TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    total_spend     INTEGER NOT NULL DEFAULT 0,
    order_count     INTEGER NOT NULL DEFAULT 0,
    first_order_at  INTEGER,
    last_order_at   INTEGER
);
CREATE INDEX customers_city ON customers (lower(city));
CREATE INDEX customers_email ON customers (lower(email));
CREATE INDEX customers_phone ON customers (phone);

CREATE TABLE orders (
    id                    INTEGER PRIMARY KEY,
    external_id           TEXT    NOT NULL UNIQUE,
    customer_id           INTEGER NOT NULL REFERENCES customers (id),
    customer_external_id  TEXT    NOT NULL,
    amount                INTEGER NOT NULL CHECK (amount >= 0),
    currency              TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    ordered_at            INTEGER NOT NULL,
    ingestion_id          TEXT
);
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
CREATE INDEX orders_ordered_at ON orders (ordered_at);

CREATE TABLE order_items (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL REFERENCES orders (id),
    sku       TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    category  TEXT,
    quantity  INTEGER NOT NULL,
    price     INTEGER NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE INDEX order_items_sku ON order_items (sku);
CREATE INDEX order_items_category ON order_items (lower(category));

-- Orders that arrived before their customer: retried with backoff, rejected after the retry window.
CREATE TABLE parked_orders (
    id                    INTEGER PRIMARY KEY,
    external_id           TEXT    NOT NULL UNIQUE,
    customer_external_id  TEXT    NOT NULL,
    ingestion_id          TEXT    NOT NULL,
    row_index             INTEGER NOT NULL,
    payload               TEXT    NOT NULL,
    attempts              INTEGER NOT NULL DEFAULT 0,
    parked_at             INTEGER NOT NULL,
    next_attempt_at       INTEGER NOT NULL
);
CREATE INDEX parked_orders_customer ON parked_orders (customer_external_id);
CREATE INDEX parked_orders_next ON parked_orders (next_attempt_at);

CREATE TABLE ingestions (
    id            TEXT    PRIMARY KEY,
    kind          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    accepted      INTEGER NOT NULL,
    persisted     INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    pending       INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    api_key_id    TEXT,
    request_hash  TEXT,
    created_at    INTEGER NOT NULL,
    processed_at  INTEGER,
    completed_at  INTEGER
);

CREATE TABLE ingestion_rejections (
    id            INTEGER PRIMARY KEY,
    ingestion_id  TEXT    NOT NULL REFERENCES ingestions (id),
    row_index     INTEGER NOT NULL,
    external_id   TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    rejected_at   INTEGER NOT NULL
);
CREATE INDEX ingestion_rejections_ingestion ON ingestion_rejections (ingestion_id, row_index);

CREATE TABLE api_keys (
    id            TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL UNIQUE,
    secret_hash   TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);

-- The durable queue of the embedded default: a row per message, leased with a visibility timeout. The
-- body lives in its own table, so that leasing a message rewrites a narrow row, not the whole batch.
CREATE TABLE queue_messages (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,
    message_id   TEXT    NOT NULL UNIQUE,
    attempts     INTEGER NOT NULL DEFAULT 0,
    visible_at   INTEGER NOT NULL,
    lease        TEXT,
    enqueued_at  INTEGER NOT NULL,
    last_error   TEXT
);
CREATE INDEX queue_messages_ready ON queue_messages (queue, visible_at, id);

CREATE TABLE queue_bodies (
    message_id   TEXT    PRIMARY KEY,
    body         TEXT    NOT NULL
);

CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY,
    queue       TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    dead_at     INTEGER NOT NULL
);

-- Messages whose effects have committed (the inbox): a redelivery is recognised and skipped. Kept a week.
CREATE TABLE processed_messages (
    message_id    TEXT    PRIMARY KEY,
    processed_at  INTEGER NOT NULL
);
CREATE INDEX processed_messages_at ON processed_messages (processed_at);
