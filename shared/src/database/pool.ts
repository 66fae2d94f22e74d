/**
 * A `pg` pool for the settings in `settings.ts`. With a managed secret, the credentials are fetched
 * once (per cold start) and cached; when PostgreSQL rejects them (the secret was rotated), the cache
 * is dropped so the next connection fetches the new ones.
 */
import pg from 'pg';
import { environmentCredentials, rdsAuthToken } from './rds-auth-token';
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
  /**
   * Only for `iamAuth` settings: signs a token per new connection. Default: `rdsAuthToken` with the
   * execution role's credentials from the environment.
   */
  authToken?: (settings: Extract<DatabaseSettings, { kind: 'iamAuth' }>) => string | Promise<string>;
  /**
   * Certificate authorities (PEM) that TLS to the database trusts, in place of the process's trust store.
   * Default: the trust store, which includes `NODE_EXTRA_CA_CERTS` (the RDS CAs in Lambda).
   */
  ca?: string;
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  applicationName?: string;
  /** Told when an idle connection fails (e.g. the database restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/**
 * A client that drops the cached credentials when PostgreSQL rejects them, so the next connection
 * fetches the rotated secret. The pool connects its clients with a callback, the caller may not.
 */
const refreshingClient = (credentials: CachedCredentials): typeof pg.Client =>
  class RefreshingClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: one signature for both of pg's connect() overloads.
    override connect(callback?: (...args: any[]) => void): any {
      const watch = (error: unknown) => {
        if (isAuthenticationFailure(error)) credentials.invalidate();
      };
      if (callback)
        return super.connect((error: Error | null, client?: pg.Client) => {
          if (error) watch(error);
          callback(error, client);
        });
      return super.connect().catch((error: unknown) => {
        watch(error);
        throw error;
      });
    }
  };

/**
 * Creates the pool.
 *
 * - `url`: the connection string as given (local runs, tests).
 * - `iamAuth`: `options.authToken` is called for every new connection (tokens live 15 minutes;
 *   connections outlive them, which RDS allows). TLS is required and verified.
 * - `managedSecret`: the first credentials are fetched here (the user name of an RDS-managed secret
 *   never changes; rotation changes the password, which pg asks for on every new connection). When
 *   PostgreSQL rejects them, the cache is dropped and the next connection fetches the secret again.
 */
export const createPool = async (settings: DatabaseSettings, options: PoolOptions): Promise<pg.Pool> => {
  const common = {
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    application_name: options.applicationName,
    // Idle connections do not keep a local process (a script, `invoke local`) alive; Lambda is unaffected.
    allowExitOnIdle: true,
  };
  let pool: pg.Pool;
  if (settings.kind === 'url') {
    pool = new pg.Pool({ ...common, connectionString: settings.connectionString });
  } else {
    // Verify the certificate chain and the host name.
    const ssl = {
      rejectUnauthorized: true,
      servername: settings.host,
      ...(options.ca ? { ca: options.ca } : {}),
    };
    const endpoint = { host: settings.host, port: settings.port, database: settings.database, ssl };
    if (settings.kind === 'iamAuth') {
      const sign =
        options.authToken ??
        ((s: typeof settings) => rdsAuthToken({ ...s, user: s.user, credentials: environmentCredentials() }));
      pool = new pg.Pool({
        ...common,
        ...endpoint,
        user: settings.user,
        password: async () => sign(settings),
      });
    } else {
      const credentials = options.credentials;
      if (!credentials) throw new Error('createPool: managedSecret settings need CachedCredentials');
      pool = new pg.Pool({
        ...common,
        ...endpoint,
        Client: refreshingClient(credentials),
        user: (await credentials.get()).username,
        password: async () => (await credentials.get()).password,
      });
    }
  }
  // An idle connection dropped by the server (restart, failover) is an event, not a crash:
  // the pool discards it and the next query opens a new one.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
};
