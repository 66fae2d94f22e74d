-- The game's data: what the event consumer writes and the engine reads.
-- Owned by the datastore service; other services never change the schema.

-- Idempotency: one row per event applied. The consumer inserts here in the same transaction as the
-- event's effect, so a redelivered message (SQS is at-least-once) has no second effect.
CREATE TABLE processed_events (
  event_id     uuid        PRIMARY KEY,
  event_type   text        NOT NULL,
  source       text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE players (
  player_id     text        PRIMARY KEY,
  display_name  text        NOT NULL,
  country       char(2),
  registered_at timestamptz NOT NULL
);

CREATE TABLE matches (
  match_id    uuid        PRIMARY KEY,
  mode        text        NOT NULL,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);

CREATE TABLE match_results (
  match_id  uuid    NOT NULL REFERENCES matches (match_id) ON DELETE CASCADE,
  -- No foreign key to players: a match can arrive before its players' registrations.
  player_id text    NOT NULL,
  score     integer NOT NULL CHECK (score >= 0),
  placement integer NOT NULL CHECK (placement >= 1),
  PRIMARY KEY (match_id, player_id)
);

CREATE INDEX match_results_by_player ON match_results (player_id);

-- Running totals per player, maintained by the consumer in the same transaction as match_results.
CREATE TABLE player_stats (
  player_id      text        PRIMARY KEY,
  matches_played integer     NOT NULL DEFAULT 0,
  wins           integer     NOT NULL DEFAULT 0,
  total_score    bigint      NOT NULL DEFAULT 0,
  best_score     integer     NOT NULL DEFAULT 0,
  last_played_at timestamptz
);

-- The leaderboard: highest total score first, ties broken by player id for a stable order.
CREATE INDEX player_stats_leaderboard ON player_stats (total_score DESC, player_id);
