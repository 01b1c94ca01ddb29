-- Campaigns: one message to every customer of an audience, through the vendor. The counters are the
-- communication log's rows by status, moved in the same transaction as the rows they count.
CREATE TABLE campaigns (
    id            TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    segment_id    TEXT    REFERENCES segments (id),
    rules         TEXT    NOT NULL,
    channel       TEXT    NOT NULL,
    subject       TEXT,
    message       TEXT    NOT NULL,
    objective     TEXT,
    tags          TEXT    NOT NULL DEFAULT '[]',
    status        TEXT    NOT NULL,
    send_at       INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    snapshot_at   INTEGER,
    completed_at  INTEGER,
    cancelled_at  INTEGER,
    failed_at     INTEGER,
    failure       TEXT,
    audience      INTEGER,
    chunks        INTEGER,
    chunks_done   INTEGER NOT NULL DEFAULT 0,
    queued        INTEGER NOT NULL DEFAULT 0,
    sent          INTEGER NOT NULL DEFAULT 0,
    delivered     INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    cancelled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaigns_created ON campaigns (created_at, id);
CREATE INDEX campaigns_due ON campaigns (status, send_at);
CREATE INDEX campaigns_segment ON campaigns (segment_id);

-- One row per recipient: queued -> sending -> sent -> delivered | failed, or cancelled before sending.
CREATE TABLE communication_log (
    id                 INTEGER PRIMARY KEY,
    campaign_id        TEXT    NOT NULL REFERENCES campaigns (id),
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    recipient          TEXT,
    message            TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    claimed_at         INTEGER,
    vendor_message_id  TEXT,
    failure_reason     TEXT,
    queued_at          INTEGER NOT NULL,
    sent_at            INTEGER,
    delivered_at       INTEGER,
    failed_at          INTEGER,
    UNIQUE (campaign_id, customer_id)
);
CREATE INDEX communication_log_customer ON communication_log (customer_id, id);
-- Rows a sender left behind, found without scanning the log.
CREATE INDEX communication_log_sending ON communication_log (claimed_at) WHERE status = 'sending';
