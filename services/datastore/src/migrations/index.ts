/**
 * The schema's migrations and the runner, for `npm run migrate`, tests and other services' tests
 * (`import { migrate, readMigrations, MIGRATIONS_DIR } from './index'`).
 * The `migrate` Lambda uses the same files bundled into it (`bundled.ts`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MigrationFile, parseMigrations } from './runner';

export {
  checksum,
  MIGRATION_LOCK_ID,
  type MigrateOptions,
  MigrationError,
  type MigrationFile,
  type MigrationReport,
  migrate,
  parseMigrations,
  type SqlClient,
} from './runner';

/** `services/datastore/migrations/`: the schema's source of truth. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Reads, checks and orders the `.sql` files of a directory (default: the datastore's migrations). */
export const readMigrations = (directory: string = MIGRATIONS_DIR): MigrationFile[] =>
  parseMigrations(
    readdirSync(directory)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => ({ name, sql: readFileSync(join(directory, name), 'utf8') })),
  );
