-- Idempotency keys of the engine's POST /matches: the first request body each key came with.
--
-- A client that retries sends the same Idempotency-Key, which becomes the event id; the consumer
-- applies an event id once. A key reused for a DIFFERENT match result would be answered 202 and then
-- dropped by the consumer as a duplicate, so the engine records each key's body fingerprint here before
-- it publishes, and refuses (422) a key that comes back with another body.
--
-- Kept as long as processed_events keeps the event the key names (migration 0004 prunes both).
CREATE TABLE request_keys (
  idempotency_key    uuid        PRIMARY KEY,
  -- SHA-256 of the validated match result, hex: equal bodies (whatever their key order or spacing) match.
  body_sha256        text        NOT NULL CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
  first_seen_at      timestamptz NOT NULL DEFAULT now()
);

-- The engine claims keys and reads the fingerprint of a key claimed before; it never changes one.
GRANT SELECT, INSERT ON request_keys TO game_engine;
