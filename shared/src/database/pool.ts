/**
 * A `pg` pool for the settings in `settings.ts`. With a managed secret, the credentials are fetched
 * once (per cold start) and cached; when PostgreSQL rejects them (the secret was rotated), the cache
 * is dropped so the next connection fetches the new ones.
 */
import pg from 'pg';
import type { DatabaseSettings } from './settings';

export interface DatabaseCredentials {
  username: string;
  password: string;
}

/** Reads the RDS-managed secret (a JSON document with `username` and `password`). */
export type CredentialsFetcher = () => Promise<DatabaseCredentials>;

/** PostgreSQL's "invalid password" / "invalid authorization" SQLSTATEs. */
const AUTHENTICATION_FAILURES = new Set(['28P01', '28000']);

export const isAuthenticationFailure = (error: unknown): boolean =>
  AUTHENTICATION_FAILURES.has(String((error as { code?: unknown })?.code));

/** Credentials cached until `invalidate()`, e.g. after an authentication failure. */
export class CachedCredentials {
  private current: Promise<DatabaseCredentials> | undefined;

  constructor(private readonly fetch: CredentialsFetcher) {}

  get(): Promise<DatabaseCredentials> {
    this.current ??= this.fetch().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  invalidate(): void {
    this.current = undefined;
  }
}

export interface PoolOptions {
  /** Connections this process may open; size it so all concurrent processes fit the database's budget. */
  max: number;
  /** Only for `managedSecret` settings. */
  credentials?: CachedCredentials;
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  applicationName?: string;
  /** Told when an idle connection fails (e.g. the database restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/**
 * Creates the pool. With a managed secret the first credentials are fetched here (the user name of
 * an RDS-managed secret never changes; rotation changes the password, which pg asks for on every new
 * connection). Callers that see `isAuthenticationFailure(error)` call `credentials.invalidate()`.
 */
export const createPool = async (settings: DatabaseSettings, options: PoolOptions): Promise<pg.Pool> => {
  const common = {
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    application_name: options.applicationName,
  };
  let pool: pg.Pool;
  if (settings.kind === 'url') {
    pool = new pg.Pool({ ...common, connectionString: settings.connectionString });
  } else {
    const credentials = options.credentials;
    if (!credentials) throw new Error('createPool: managedSecret settings need CachedCredentials');
    pool = new pg.Pool({
      ...common,
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: (await credentials.get()).username,
      password: async () => (await credentials.get()).password,
      // Verify the certificate chain and host name (the RDS CA comes from NODE_EXTRA_CA_CERTS).
      ssl: { rejectUnauthorized: true, servername: settings.host },
    });
  }
  // An idle connection dropped by the server (restart, failover) is an event, not a crash:
  // the pool discards it and the next query opens a new one.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
};
