/**
 * `npm run migrate`: applies pending migrations to the database in DATABASE_URL
 * (a local server, or RDS through a tunnel). Exits non-zero with one clear line on any problem.
 */
import { processCommandLine } from '@game-platform/shared/cli';
import pg from 'pg';
import { MigrationError, migrate, readMigrations } from '../src/migrations';

// No options (the database is DATABASE_URL's); still read, so `--help` answers and a stray `--stage`
// is refused rather than ignored (it would suggest the stage's database is migrated).
processCommandLine({
  command: 'npm run migrate',
  name: 'migrate',
  summary:
    'Applies pending migrations to the database in DATABASE_URL (a local server, or RDS through a tunnel).',
  options: {},
});

const EXPECTED = 'expected a connection string such as postgres://user:password@127.0.0.1:5432/game';

/** What is wrong with DATABASE_URL, or undefined. Its value is shown only when it holds no password. */
const problemWith = (url: string | undefined): string | undefined => {
  if (!url) return `DATABASE_URL is not set; ${EXPECTED}`;
  const shown = url.includes('@') ? '' : ` ("${url}")`;
  if (!URL.canParse(url)) return `DATABASE_URL${shown} is not a URL; ${EXPECTED}`;
  const { protocol } = new URL(url);
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    return `DATABASE_URL${shown} starts with ${protocol}//; ${EXPECTED}`;
  }
  return undefined;
};

const url = process.env.DATABASE_URL ?? '';
const problem = problemWith(url);
if (problem) {
  console.error(`migrate: ${problem}`);
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
