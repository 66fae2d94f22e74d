/** A real PostgreSQL with the game schema (datastore migrations), and the queries tests assert with. */
import { MIGRATIONS_DIR, migrate, readMigrations } from '@game-platform/datastore/migrations';
import { type LocalPostgres, startPostgres } from '@game-platform/local';
import pg from 'pg';

export interface GameDatabase {
  server: LocalPostgres;
  pool: pg.Pool;
  /** Empties every table the consumer writes. */
  reset(): Promise<void>;
  /** Rows in processed_events, matches, match_results, players, and the sum of matches_played. */
  totals(): Promise<{
    events: number;
    matches: number;
    results: number;
    players: number;
    matchesPlayed: number;
  }>;
  stop(): Promise<void>;
}

export const startGameDatabase = async (): Promise<GameDatabase> => {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.connectionString });
  await admin.connect();
  try {
    await migrate(admin, readMigrations(MIGRATIONS_DIR));
  } finally {
    await admin.end();
  }
  // Tests read and reset through this pool; the code under test opens its own connections.
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 2 });
  pool.on('error', () => {}); // idle connections die when outage tests stop the server
  return {
    server,
    pool,
    reset: async () => {
      await pool.query('TRUNCATE processed_events, players, matches, match_results, player_stats');
    },
    totals: async () => {
      const { rows } = await pool.query<Record<string, string>>(`SELECT
        (SELECT count(*) FROM processed_events) AS events,
        (SELECT count(*) FROM matches) AS matches,
        (SELECT count(*) FROM match_results) AS results,
        (SELECT count(*) FROM players) AS players,
        (SELECT coalesce(sum(matches_played), 0) FROM player_stats) AS "matchesPlayed"`);
      const row = rows[0] ?? {};
      return {
        events: Number(row.events),
        matches: Number(row.matches),
        results: Number(row.results),
        players: Number(row.players),
        matchesPlayed: Number(row.matchesPlayed),
      };
    },
    stop: async () => {
      await pool.end();
      await server.stop();
    },
  };
};
