-- The application roles: each workload connects as its own role with only what it needs, so
-- neither the consumer nor the engine ever holds the master secret.
--
--   game_consumer  the integrations consumer: records each event and writes its effects
--   game_engine    the engine: reads players, matches and the leaderboard; writes nothing
--
-- In AWS both log in with IAM database authentication (the rds_iam role): a 15-minute token
-- signed by the workload's IAM role replaces the password. Locally (plain PostgreSQL, no rds_iam)
-- they are created without a password; tests give them one to connect.
--
-- Roles belong to the server, not to the database: creating them tolerates their existing already.
-- A later migration that adds a table grants what each role needs on it, explicitly.

DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['game_consumer', 'game_engine'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        -- LOGIN and nothing else: no superuser, no CREATEDB, no CREATEROLE, no replication.
        EXECUTE format('CREATE ROLE %I LOGIN', role_name);
      EXCEPTION WHEN duplicate_object THEN
        NULL; -- created meanwhile by a migration of another database on the same server
      END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN
      EXECUTE format('GRANT rds_iam TO %I', role_name);
    END IF;
  END LOOP;
END
$$;

-- Objects are created by the migration runner only (PostgreSQL 15+ already withholds CREATE on
-- public from PUBLIC; stated here so the intent survives a restore into an older server).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO game_consumer, game_engine;

-- The consumer: one transaction per event inserts its processed_events row (the idempotency key)
-- and its effects. Registrations can be replayed with a new display name (UPDATE players);
-- player_stats are running totals (INSERT ... ON CONFLICT DO UPDATE). No DELETE, no TRUNCATE.
GRANT SELECT, INSERT ON processed_events TO game_consumer;
GRANT SELECT, INSERT, UPDATE ON players TO game_consumer;
GRANT SELECT, INSERT ON matches TO game_consumer;
GRANT SELECT, INSERT ON match_results TO game_consumer;
GRANT SELECT, INSERT, UPDATE ON player_stats TO game_consumer;

-- The engine: reads only.
GRANT SELECT ON players, matches, match_results, player_stats TO game_engine;
