/**
 * Versioned schema migrations: plain SQL files `NNNN_description.sql`, applied in order, each in
 * its own transaction, recorded with a checksum in `schema_migrations`. An advisory lock makes
 * concurrent runs (two deploys, a deploy and a developer) apply each file exactly once.
 *
 * The same function serves `npm run migrate` (files read from `migrations/`) and the `migrate`
 * Lambda (the same files bundled as text): both hand `migrate` a list of `MigrationFile`s that
 * went through `parseMigrations`.
 */
import { createHash } from 'node:crypto';

/** The part of a `pg` client the runner needs. */
export interface SqlClient {
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface MigrationFile {
  /** `0001` */
  version: string;
  /** `0001_game_schema.sql` */
  name: string;
  sql: string;
}

export interface MigrationReport {
  /** Files applied by this run, in order. */
  applied: string[];
  /** Files a previous run applied (their checksums still match). */
  alreadyApplied: string[];
  /** How long the run took, waiting for the lock included. */
  milliseconds: number;
}

export interface MigrateOptions {
  /** Progress lines (`applied 0002_application_roles.sql in 12 ms`). */
  log?: (line: string) => void;
  /**
   * How long to wait for another run holding the migration lock before giving up. Default: 60 s
   * (a deploy and a developer migrating at once); the `migrate` Lambda's timeout is longer.
   */
  waitForOtherRunMs?: number;
  /**
   * `lock_timeout` inside each migration: a DDL statement that cannot get its table lock within
   * this time fails the migration instead of queueing every query of the game behind it.
   * Default: 10 s.
   */
  lockTimeoutMs?: number;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;
const LOCK_POLL_MS = 250;

/** Arbitrary constant: the advisory lock id every migration run takes ("game" in ASCII). */
export const MIGRATION_LOCK_ID = 0x67616d65;

/**
 * SHA-256 of the file with line endings normalized, so a checkout that turns LF into CRLF
 * (git `autocrlf` on Windows) is not mistaken for an edit.
 */
export const checksum = (sql: string): string =>
  createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');

/**
 * Orders migration files by version and checks their names; refuses a badly named file or two
 * files with the same version. Every way of loading migrations goes through here.
 */
export const parseMigrations = (files: ReadonlyArray<{ name: string; sql: string }>): MigrationFile[] => {
  const seen = new Map<string, string>();
  return [...files]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, sql }) => {
      const version = FILE_NAME.exec(name)?.[1];
      if (!version)
        throw new MigrationError(
          `migration file "${name}" is badly named; expected NNNN_lowercase_description.sql`,
        );
      const other = seen.get(version);
      if (other)
        throw new MigrationError(
          `migrations "${other}" and "${name}" share version ${version}; each version must be unique`,
        );
      seen.set(version, name);
      return { version, name, sql };
    });
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the advisory lock, waiting at most `waitMs` for a run that holds it. */
const acquireLock = async (client: SqlClient, waitMs: number, log: (line: string) => void) => {
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_ID]);
    if (rows[0]?.locked === true) return;
    if (Date.now() >= deadline)
      throw new MigrationError(
        `another migration run has held the migration lock (advisory lock ${MIGRATION_LOCK_ID}) for more than ${waitMs} ms; wait for it to finish, or find it in pg_stat_activity`,
      );
    if (!announced) log('another migration run is in progress; waiting for it');
    announced = true;
    await sleep(Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now())));
  }
};

interface AppliedRecord {
  name: string;
  checksum: string;
}

const readApplied = async (client: SqlClient): Promise<Map<string, AppliedRecord>> => {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text        PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return new Map(
    rows.map((row) => [String(row.version), { name: String(row.name), checksum: String(row.checksum) }]),
  );
};

/** Refuses to go on when what was applied and the files disagree: nothing is applied in that case. */
const checkHistory = (migrations: MigrationFile[], applied: Map<string, AppliedRecord>): void => {
  const files = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const [version, record] of applied) {
    const file = files.get(version);
    if (!file)
      throw new MigrationError(
        `migration ${record.name} is recorded as applied but its file is missing; restore the file`,
      );
    const current = checksum(file.sql);
    if (current !== record.checksum)
      throw new MigrationError(
        `migration ${file.name} was edited after it was applied (checksum ${current.slice(0, 12)}, applied ${record.checksum.slice(0, 12)}); revert the edit and add a new migration instead`,
      );
  }
  const latest = [...applied.keys()].sort().at(-1);
  const late = migrations.find(
    (migration) => !applied.has(migration.version) && latest && migration.version < latest,
  );
  if (late && latest)
    throw new MigrationError(
      `migration ${late.name} is not applied but ${applied.get(latest)?.name} (a later version) is; renumber it after ${latest} so every database applies migrations in the same order`,
    );
};

const applyOne = async (client: SqlClient, migration: MigrationFile, lockTimeoutMs: number) => {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      checksum(migration.sql),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    // If the connection itself failed, the server has rolled back already; keep the first error.
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationError(
      `migration ${migration.name} failed and was rolled back, nothing of it applied: ${(error as Error).message}`,
    );
  }
};

/**
 * Applies every pending migration in order. Throws `MigrationError` on the first problem: an
 * edited or missing applied file, a file older than the latest applied one, a failing migration
 * (rolled back whole), or a lock held too long by another run. Nothing after the problem is applied.
 */
export const migrate = async (
  client: SqlClient,
  migrations: MigrationFile[],
  optionsOrLog: MigrateOptions | MigrateOptions['log'] = {},
): Promise<MigrationReport> => {
  const options = typeof optionsOrLog === 'function' ? { log: optionsOrLog } : (optionsOrLog ?? {});
  const log = options.log ?? (() => {});
  const runStarted = performance.now();
  await acquireLock(client, options.waitForOtherRunMs ?? 60_000, log);
  try {
    const applied = await readApplied(client);
    checkHistory(migrations, applied);
    const report: MigrationReport = { applied: [], alreadyApplied: [], milliseconds: 0 };
    for (const migration of migrations) {
      if (applied.has(migration.version)) {
        report.alreadyApplied.push(migration.name);
        continue;
      }
      const started = performance.now();
      await applyOne(client, migration, options.lockTimeoutMs ?? 10_000);
      const milliseconds = Math.round(performance.now() - started);
      log(`applied ${migration.name} in ${milliseconds} ms`);
      report.applied.push(migration.name);
    }
    report.milliseconds = Math.round(performance.now() - runStarted);
    return report;
  } finally {
    // A dead connection has released the session's lock already; do not hide the first error.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
  }
};
