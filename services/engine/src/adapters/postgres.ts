/**
 * Adapter: the leaderboard in PostgreSQL. In AWS the engine connects as `game_engine`, which may
 * read `player_stats` and `players` (migration 0002); the query is served by the
 * `player_stats_leaderboard` index (total_score DESC, player_id).
 */
import { Signer, type SignerConfig } from '@aws-sdk/rds-signer';
import { createPool, type DatabaseSettings } from '@game-platform/shared/database';
import type { Logger } from '@game-platform/shared/log';
import type pg from 'pg';
import type { EngineDatabaseSettings } from '../config';
import type {
  ChangeSignal,
  DependencyProbe,
  LeaderboardReader,
  LeaderboardRow,
  RequestKeys,
} from '../domain/ports';

/** A query that takes longer than this fails (and the request gets a 503) instead of piling up. */
const QUERY_TIMEOUT_MS = 5_000;

/** pg honours a per-query `query_timeout`; @types/pg only declares it on the client's config. */
type TimedQuery = pg.QueryConfig & { query_timeout: number };

type IamAuthSettings = Extract<DatabaseSettings, { kind: 'iamAuth' }>;

/**
 * IAM database authentication tokens for a Fargate task: signed by `@aws-sdk/rds-signer` with the
 * SDK's default credential chain, which in ECS reads the task role's credentials from the
 * container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) and refreshes them
 * before they expire. The shared default signer reads `AWS_ACCESS_KEY_ID` from the environment,
 * which only Lambda sets. One signer per pool: a new token for each new connection (15 minutes).
 */
export const rdsSignerAuthToken = (
  credentials?: SignerConfig['credentials'],
): ((settings: IamAuthSettings) => Promise<string>) => {
  let signer: Signer | undefined;
  return (settings) => {
    signer ??= new Signer({
      hostname: settings.host,
      port: settings.port,
      username: settings.user,
      region: settings.region,
      ...(credentials ? { credentials } : {}),
    });
    return signer.getAuthToken();
  };
};

export const createDatabasePool = (
  settings: EngineDatabaseSettings,
  max: number,
  log: Logger,
): Promise<pg.Pool> =>
  createPool(settings, {
    max,
    ...(settings.kind === 'iamAuth' ? { authToken: rdsSignerAuthToken() } : {}),
    applicationName: 'engine',
    connectionTimeoutMillis: 3_000,
    // The pool replaces a connection the server dropped (restart, failover); worth a warning only.
    onIdleError: (error) => log.warn('database connection dropped; the pool will reconnect', { error }),
  });

const LEADERBOARD_SQL = `
  SELECT s.player_id, p.display_name, s.total_score, s.matches_played, s.wins, s.best_score
  FROM player_stats s
  LEFT JOIN players p ON p.player_id = s.player_id
  ORDER BY s.total_score DESC, s.player_id
  LIMIT $1`;

interface LeaderboardRecord {
  player_id: string;
  display_name: string | null;
  /** `bigint`: pg returns it as text to avoid losing precision. */
  total_score: string;
  matches_played: number;
  wins: number;
  best_score: number;
}

export const postgresLeaderboard = (pool: pg.Pool): LeaderboardReader => ({
  top: async (limit: number): Promise<LeaderboardRow[]> => {
    const query: TimedQuery = { text: LEADERBOARD_SQL, values: [limit], query_timeout: QUERY_TIMEOUT_MS };
    const { rows } = await pool.query<LeaderboardRecord>(query);
    return rows.map((row) => ({
      playerId: row.player_id,
      displayName: row.display_name,
      // Scores are capped at 1e9 per match: a total beyond 2^53 would take ~9 million max-score matches.
      totalScore: Number(row.total_score),
      matchesPlayed: row.matches_played,
      wins: row.wins,
      bestScore: row.best_score,
    }));
  },
});

/**
 * Idempotency keys in `request_keys` (datastore migration 0003), which `game_engine` may read and insert
 * into. Two statements, not one: when two tasks claim the same key at once, the second INSERT waits for
 * the first to commit and then does nothing, and only a new statement's snapshot sees the winner's row.
 */
export const postgresRequestKeys = (pool: pg.Pool): RequestKeys => ({
  claim: async (key, fingerprint) => {
    const claim: TimedQuery = {
      text: `INSERT INTO request_keys (idempotency_key, body_sha256) VALUES ($1, $2)
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING body_sha256`,
      values: [key, fingerprint],
      query_timeout: QUERY_TIMEOUT_MS,
    };
    const claimed = await pool.query<{ body_sha256: string }>(claim);
    if (claimed.rows[0]) return claimed.rows[0].body_sha256;
    const known: TimedQuery = {
      text: 'SELECT body_sha256 FROM request_keys WHERE idempotency_key = $1',
      values: [key],
      query_timeout: QUERY_TIMEOUT_MS,
    };
    const { rows } = await pool.query<{ body_sha256: string }>(known);
    if (!rows[0]) throw new Error(`idempotency key ${key} was neither recorded nor found`);
    return rows[0].body_sha256;
  },
});

/** Readiness probe: the database answers `SELECT 1`. */
export const postgresProbe = (pool: pg.Pool): DependencyProbe => ({
  name: 'database',
  ping: async () => {
    const query: TimedQuery = { text: 'SELECT 1', query_timeout: QUERY_TIMEOUT_MS };
    await pool.query(query);
  },
});

/**
 * The channel datastore migration 0005 notifies when a commit changed `player_stats` or `players`
 * (the rows the leaderboard shows). PostgreSQL delivers a NOTIFY only when its transaction commits,
 * once per transaction, to every session LISTENing at that moment.
 */
export const LEADERBOARD_CHANGED_CHANNEL = 'leaderboard_changed';

/** Waits this long before reconnecting after the listening connection failed or was lost. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * The database's change signal: one dedicated connection per task (outside the request pool, same
 * credentials: IAM authentication in AWS) that LISTENs on `leaderboard_changed`. LISTEN needs no
 * privilege. When the connection fails or drops (restart, failover) it reports the loss, so the
 * cache falls back to its time bound, and reconnects every second until it is back.
 */
export const postgresChangeSignal = (settings: EngineDatabaseSettings, log: Logger): ChangeSignal => {
  let pool: pg.Pool | undefined;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  /** Only the first of a run of failed attempts is logged: an outage is one warning, not one a second. */
  let failing = false;
  return {
    start: ({ onChange, onConnection }) => {
      const reconnectLater = () => {
        if (!closed) retry = setTimeout(connect, RECONNECT_DELAY_MS);
      };
      const lost = (connection: pg.PoolClient, error?: Error) => {
        if (client !== connection) return;
        client = undefined;
        connection.release(error ?? true);
        onConnection(false);
        if (!closed) log.warn('leaderboard change signal lost; reconnecting', { error });
        reconnectLater();
      };
      const connect = async () => {
        if (closed) return;
        let connection: pg.PoolClient | undefined;
        try {
          pool ??= await createDatabasePool(settings, 1, log);
          connection = await pool.connect();
          connection.on('notification', (message) => {
            if (message.channel === LEADERBOARD_CHANGED_CHANNEL) onChange();
          });
          const current = connection;
          current.on('error', (error) => lost(current, error));
          current.on('end', () => lost(current));
          await connection.query(`LISTEN ${LEADERBOARD_CHANGED_CHANNEL}`);
          if (closed) return connection.release(true);
          client = connection;
          failing = false;
          log.info('listening for leaderboard changes', { channel: LEADERBOARD_CHANGED_CHANNEL });
          onConnection(true);
        } catch (error) {
          connection?.release(error as Error);
          if (!failing && !closed)
            log.warn('leaderboard change signal unavailable; retrying every second', { error });
          failing = true;
          reconnectLater();
        }
      };
      void connect();
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const connection = client;
      client = undefined;
      connection?.release(true);
      await pool?.end();
    },
  };
};
