-- The leaderboard's change signal: every commit that changes player_stats or players (the rows the
-- leaderboard shows) sends NOTIFY leaderboard_changed, so the engine refreshes its in-memory board
-- right away instead of querying on every request (services/engine/app, "Leaderboard").
--
-- Triggers, not the consumer's code: any writer (the consumer, a redrive, an operator's fix) signals,
-- and PostgreSQL delivers a notification only when its transaction commits, once per transaction and
-- payload (duplicates are folded). Statement-level with transition tables: one check per statement,
-- and a statement that changed no row (a redelivered batch) signals nothing. The payload is the
-- table's name; no data leaves through it. LISTEN and NOTIFY need no privilege.

CREATE FUNCTION notify_leaderboard_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM changed_rows) THEN
    PERFORM pg_notify('leaderboard_changed', TG_TABLE_NAME);
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE has no transition table: it always changed the board.
CREATE FUNCTION notify_leaderboard_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('leaderboard_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

-- On both tables: <table>_inserted, _updated, _deleted, _truncated. INSERT ... ON CONFLICT DO UPDATE
-- fires both the INSERT and the UPDATE statement triggers.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['player_stats', 'players'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_leaderboard_changed()', table_name || '_inserted', table_name);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_leaderboard_changed()', table_name || '_updated', table_name);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION notify_leaderboard_changed()', table_name || '_deleted', table_name);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION notify_leaderboard_truncated()', table_name || '_truncated', table_name);
  END LOOP;
END
$$;
