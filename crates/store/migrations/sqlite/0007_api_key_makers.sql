-- The person an API key answers to, its maker: a key never does more than the maker's current role
-- allows, and it is suspended while they are disabled (both worked out where the key is verified).
-- NULL: the key answers to no one (made on the command line). `created_by` stays as the record.
ALTER TABLE api_keys ADD COLUMN maker_id TEXT REFERENCES users (id);
CREATE INDEX api_keys_maker ON api_keys (maker_id);

-- Keys made by a person are labelled `user:<email>`.
UPDATE api_keys
   SET maker_id = (SELECT u.id FROM users u WHERE u.email = lower(substr(api_keys.created_by, 6)))
 WHERE substr(created_by, 1, 5) = 'user:';

-- Keys made by a key are labelled `api-key:<name>` and answer to that key's maker. Names are not
-- unique: the parent is the latest key of that name made no later than the child. The chain is
-- followed up to the first key with a maker (or none: a key made on the command line), 32 links at most.
WITH RECURSIVE chain (id, ancestor, depth) AS (
    SELECT k.id, k.id, 0
      FROM api_keys k
     WHERE k.maker_id IS NULL AND substr(k.created_by, 1, 8) = 'api-key:'
    UNION ALL
    SELECT c.id,
           (SELECT p.id FROM api_keys p
             WHERE p.name = substr(a.created_by, 9) AND p.id <> a.id AND p.created_at <= a.created_at
             ORDER BY p.created_at DESC, p.id DESC LIMIT 1),
           c.depth + 1
      FROM chain c JOIN api_keys a ON a.id = c.ancestor
     WHERE a.maker_id IS NULL AND substr(a.created_by, 1, 8) = 'api-key:' AND c.depth < 32
)
UPDATE api_keys
   SET maker_id = (SELECT a.maker_id FROM chain c JOIN api_keys a ON a.id = c.ancestor
                    WHERE c.id = api_keys.id AND a.maker_id IS NOT NULL)
 WHERE maker_id IS NULL AND substr(created_by, 1, 8) = 'api-key:';
