/**
 * Adapter: the event store in PostgreSQL (schema: datastore migration 0001). A whole batch is one
 * statement, so one round trip and one implicit transaction: the processed-events keys and every
 * effect commit together or not at all.
 *
 * How the statement stays exactly-once in effect:
 * - `processed_events` takes each event id once (`ON CONFLICT DO NOTHING ... RETURNING`); only the
 *   events that statement inserted (`applied`) have effects, so a redelivered event has none;
 * - a match is recorded once even if it arrives under two event ids, and players' running totals
 *   count only matches this statement inserted;
 * - rows are aggregated per player before the upserts (an upsert may touch a row once per statement)
 *   and written in key order, so concurrent consumers lock rows in the same order and do not deadlock.
 */
import type { GameEvent } from '@game-platform/shared/events';
import type pg from 'pg';
import type { EventStore } from './consumer';

/** The prepared statement's name on each connection. */
export const APPLY_EVENTS_STATEMENT = 'apply-game-events';

export const APPLY_EVENTS_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
    AS i (event_id, event_type, source, occurred_at, payload)
),
fresh AS (
  INSERT INTO processed_events (event_id, event_type, source, occurred_at)
  SELECT event_id, event_type, source, occurred_at FROM input ORDER BY event_id
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id
),
applied AS (
  SELECT input.* FROM input JOIN fresh USING (event_id)
),
registered AS (
  INSERT INTO players (player_id, display_name, country, registered_at)
  SELECT DISTINCT ON (payload->>'playerId')
    payload->>'playerId', payload->>'displayName', payload->>'country', occurred_at
  FROM applied WHERE event_type = 'player.registered'
  ORDER BY payload->>'playerId', occurred_at DESC
  ON CONFLICT (player_id) DO UPDATE
    SET display_name = EXCLUDED.display_name, country = EXCLUDED.country, registered_at = EXCLUDED.registered_at
    WHERE players.registered_at <= EXCLUDED.registered_at
),
new_matches AS (
  INSERT INTO matches (match_id, mode, started_at, ended_at)
  SELECT DISTINCT ON ((payload->>'matchId')::uuid)
    (payload->>'matchId')::uuid, payload->>'mode', (payload->>'startedAt')::timestamptz, (payload->>'endedAt')::timestamptz
  FROM applied WHERE event_type = 'match.completed'
  ORDER BY (payload->>'matchId')::uuid, occurred_at
  ON CONFLICT (match_id) DO NOTHING
  RETURNING match_id, ended_at
),
results AS (
  SELECT DISTINCT ON (m.match_id, p."playerId")
    m.match_id, m.ended_at, p."playerId" AS player_id, p.score, p.placement
  FROM new_matches m
  JOIN applied a ON a.event_type = 'match.completed' AND (a.payload->>'matchId')::uuid = m.match_id
  CROSS JOIN LATERAL jsonb_to_recordset(a.payload->'players') AS p ("playerId" text, score integer, placement integer)
  ORDER BY m.match_id, p."playerId"
),
recorded_results AS (
  INSERT INTO match_results (match_id, player_id, score, placement)
  SELECT match_id, player_id, score, placement FROM results
),
totals AS (
  INSERT INTO player_stats AS s (player_id, matches_played, wins, total_score, best_score, last_played_at)
  SELECT player_id, count(*), count(*) FILTER (WHERE placement = 1), sum(score), max(score), max(ended_at)
  FROM results GROUP BY player_id ORDER BY player_id
  ON CONFLICT (player_id) DO UPDATE SET
    matches_played = s.matches_played + EXCLUDED.matches_played,
    wins = s.wins + EXCLUDED.wins,
    total_score = s.total_score + EXCLUDED.total_score,
    best_score = GREATEST(s.best_score, EXCLUDED.best_score),
    last_played_at = GREATEST(s.last_played_at, EXCLUDED.last_played_at)
)
SELECT event_id FROM fresh`;

/** The statement's parameters: one array per column, one element per event. */
export const applyEventsParameters = (events: readonly GameEvent[]) => {
  const columns = {
    ids: [] as string[],
    types: [] as string[],
    sources: [] as string[],
    at: [] as string[],
    payloads: [] as string[],
  };
  for (const event of events) {
    columns.ids.push(event.id);
    columns.types.push(event.type);
    columns.sources.push(event.source);
    columns.at.push(event.occurredAt);
    columns.payloads.push(JSON.stringify(event.payload));
  }
  return [columns.ids, columns.types, columns.sources, columns.at, columns.payloads];
};

/**
 * SQLSTATE classes and codes that say nothing about the data: connection exceptions (08), insufficient
 * resources such as too many connections (53), operator intervention such as a shutdown (57P),
 * system errors (58), authentication (28: a rotated secret, refreshed on the next connection),
 * serialization failures and deadlocks (40).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57P|58|28|40)/;

export const isTransientDatabaseError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  // No SQLSTATE: the failure happened below PostgreSQL (ECONNREFUSED, a reset socket, a timeout).
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return TRANSIENT_SQLSTATE.test(code);
};

/** The event store on a `pg` pool (or anything with its `query`). */
export const postgresEventStore = (database: Pick<pg.Pool, 'query'>): EventStore => ({
  applyEvents: async (events) => {
    if (events.length === 0) return new Set();
    const result = await database.query<{ event_id: string }>({
      // Named: PostgreSQL parses and plans it once per connection instead of once per batch.
      name: APPLY_EVENTS_STATEMENT,
      text: APPLY_EVENTS_SQL,
      values: applyEventsParameters(events),
    });
    return new Set(result.rows.map((row) => row.event_id));
  },
  isTransient: isTransientDatabaseError,
});

/**
 * When each of `eventIds` was applied, for those `processed_events` holds (the DLQ tool's question:
 * did this dead-lettered event's write fail, or only its deletion from the queue?).
 */
export const appliedEvents = async (
  database: Pick<pg.Pool, 'query'>,
  eventIds: readonly string[],
): Promise<Map<string, Date>> => {
  if (eventIds.length === 0) return new Map();
  const { rows } = await database.query<{ event_id: string; processed_at: Date }>(
    'SELECT event_id, processed_at FROM processed_events WHERE event_id = ANY($1::uuid[])',
    [eventIds],
  );
  return new Map(rows.map((row) => [row.event_id, row.processed_at]));
};
