/**
 * `npm run migrate`: applies pending migrations to the database in DATABASE_URL
 * (e.g. the one `npm start` runs, or a tunnel to RDS).
 */
import pg from 'pg';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from './index';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    'migrate: DATABASE_URL is not set; expected a connection string such as postgres://user:password@127.0.0.1:5432/game',
  );
  process.exit(1);
}

const client = new pg.Client({ connectionString: url });
try {
  await client.connect();
  const report = await migrate(client, readMigrations(MIGRATIONS_DIR), (line) =>
    console.log(`migrate: ${line}`),
  );
  console.log(`migrate: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied`);
} catch (error) {
  console.error(
    `migrate: ${error instanceof MigrationError ? error.message : `could not migrate ${new URL(url).host}: ${(error as Error).message}`}`,
  );
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
