-- Retention of the idempotency records: processed_events (the consumer's) and request_keys (the
-- engine's) would grow forever. The `prune` function deletes, on a schedule, what no redelivery can
-- still need (src/retention.ts derives the bound from the queue and DLQ retention), as its own role.
--
--   game_pruner  the prune function: reads and deletes idempotency records, nothing else

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'game_pruner') THEN
    BEGIN
      -- LOGIN and nothing else: no superuser, no CREATEDB, no CREATEROLE, no replication.
      CREATE ROLE game_pruner LOGIN;
    EXCEPTION WHEN duplicate_object THEN
      NULL; -- created meanwhile by a migration of another database on the same server
    END;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN
    GRANT rds_iam TO game_pruner;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO game_pruner;
-- SELECT because a DELETE's WHERE reads the rows; DELETE to prune. No INSERT, no UPDATE.
GRANT SELECT, DELETE ON processed_events, request_keys TO game_pruner;

-- The prune deletes the oldest first, in small batches: these indexes find them without a scan.
CREATE INDEX processed_events_by_processed_at ON processed_events (processed_at);
CREATE INDEX request_keys_by_first_seen_at ON request_keys (first_seen_at);
