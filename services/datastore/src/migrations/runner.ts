/**
 * Versioned schema migrations: plain SQL files `NNNN_description.sql`, applied in order, each in
 * its own transaction, recorded with a checksum in `schema_migrations`. An advisory lock makes
 * concurrent runs (two deploys, a deploy and a developer) apply each file exactly once.
 *
 * The same function serves `npm run migrate` (any DATABASE_URL) and the `migrate` Lambda.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Arbitrary constant: the advisory lock id every migration run takes ("game" in ASCII). */
export const MIGRATION_LOCK_ID = 0x67616d65;

export const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/** Reads and orders the migration files of a directory; refuses badly named or duplicate versions. */
export const readMigrations = (directory: string): MigrationFile[] => {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.sql'))
    .sort();
  const seen = new Map<string, string>();
  return files.map((name) => {
    const match = FILE_NAME.exec(name);
    if (!match?.[1])
      throw new MigrationError(
        `migration file "${name}" is badly named; expected NNNN_lowercase_description.sql`,
      );
    const version = match[1];
    const other = seen.get(version);
    if (other)
      throw new MigrationError(
        `migrations "${other}" and "${name}" share version ${version}; each version must be unique`,
      );
    seen.set(version, name);
    return { version, name, sql: readFileSync(join(directory, name), 'utf8') };
  });
};

/** Applies every pending migration; throws `MigrationError` (and applies nothing further) on the first problem. */
export const migrate = async (
  client: SqlClient,
  migrations: MigrationFile[],
  log: (line: string) => void = () => {},
): Promise<MigrationReport> => {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text        PRIMARY KEY,
      name       text        NOT NULL,
      checksum   text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(
      rows.map((row) => [String(row.version), { name: String(row.name), checksum: String(row.checksum) }]),
    );

    const known = new Set(migrations.map((m) => m.version));
    for (const [version, { name }] of applied) {
      if (!known.has(version))
        throw new MigrationError(
          `migration ${name} is recorded as applied but its file is missing; restore the file`,
        );
    }
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const record = applied.get(migration.version);
      if (record) {
        if (record.checksum !== checksum(migration.sql)) {
          throw new MigrationError(
            `migration ${migration.name} was edited after it was applied (checksum ${checksum(migration.sql).slice(0, 12)}, applied ${record.checksum.slice(0, 12)}); revert the edit and add a new migration instead`,
          );
        }
        report.alreadyApplied.push(migration.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          checksum(migration.sql),
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(
          `migration ${migration.name} failed and was rolled back, nothing of it applied: ${(error as Error).message}`,
        );
      }
      log(`applied ${migration.name}`);
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
};
