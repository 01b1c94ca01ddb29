-- CSV imports: a file streamed into ingestion batches of valid rows. Each batch is an ordinary ingestion
-- (its progress is its own); an import keeps the counts of its rows, its batches in order and the first
-- 1,000 row errors with their line numbers (the header is line 1).
CREATE TABLE imports (
    id             TEXT    PRIMARY KEY,
    kind           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    file_name      TEXT,
    rows_total     INTEGER NOT NULL DEFAULT 0,
    rows_valid     INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    rows_accepted  INTEGER NOT NULL DEFAULT 0,
    errors_total   INTEGER NOT NULL DEFAULT 0,
    accepted_through_line INTEGER,
    failure        TEXT,
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    finished_at    INTEGER
);

CREATE TABLE import_batches (
    import_id     TEXT    NOT NULL REFERENCES imports (id),
    seq           INTEGER NOT NULL,
    ingestion_id  TEXT    NOT NULL,
    row_count     INTEGER NOT NULL,
    first_line    INTEGER NOT NULL,
    last_line     INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE import_errors (
    id         INTEGER PRIMARY KEY,
    import_id  TEXT    NOT NULL REFERENCES imports (id),
    line       INTEGER NOT NULL,
    field      TEXT,
    reason     TEXT    NOT NULL
);
CREATE INDEX import_errors_import ON import_errors (import_id, line, id);
