-- A queued message's body in parts of at most 1 MiB, in order. SQLite copies a bound text twice on
-- its way into a row (the bind, then the record), so a 32 MiB batch written as one value cost 64 MiB
-- beyond itself while it was written; written in parts, a few MiB.
CREATE TABLE queue_body_parts (
    message_id   TEXT    NOT NULL,
    part         INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    PRIMARY KEY (message_id, part)
);
INSERT INTO queue_body_parts (message_id, part, body) SELECT message_id, 0, body FROM queue_bodies;
DROP TABLE queue_bodies;
