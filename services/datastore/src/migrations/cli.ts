/**
 * `npm run migrate`: applies pending migrations to the database in DATABASE_URL
 * (a local server, or RDS through a tunnel). Exits non-zero with one clear line on any problem.
 */
import pg from 'pg';
import { MigrationError, migrate, readMigrations } from './index';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    'migrate: DATABASE_URL is not set; expected a connection string such as postgres://user:password@127.0.0.1:5432/game',
  );
  process.exit(1);
}

const client = new pg.Client({ connectionString: url, application_name: 'game-migrate-cli' });
try {
  await client.connect();
  const report = await migrate(client, readMigrations(), { log: (line) => console.log(`migrate: ${line}`) });
  console.log(
    `migrate: ${report.applied.length} applied, ${report.alreadyApplied.length} already applied, in ${report.milliseconds} ms`,
  );
} catch (error) {
  console.error(
    `migrate: ${error instanceof MigrationError ? error.message : `could not migrate ${new URL(url).host}: ${(error as Error).message}`}`,
  );
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
