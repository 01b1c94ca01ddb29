-- Saved segments: a named rule tree, who made it, and the audience size when it was last counted.
CREATE TABLE segments (
    id             TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    description    TEXT,
    rules          TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_count     INTEGER,
    last_count_at  INTEGER
);
CREATE UNIQUE INDEX segments_name ON segments (lower(name));
CREATE INDEX segments_created ON segments (created_at, id);
