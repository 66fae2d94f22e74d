import { fileURLToPath } from 'node:url';

export {
  checksum,
  MIGRATION_LOCK_ID,
  MigrationError,
  type MigrationFile,
  type MigrationReport,
  migrate,
  readMigrations,
  type SqlClient,
} from './runner';

/** `services/datastore/migrations/`: the schema's source of truth. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
