/**
 * `npm run local:postgres`: a local PostgreSQL 17 with the game schema, for `serverless invoke local`
 * and manual testing, until `npm start` brings up the whole local platform. Data is kept in
 * `.local/postgres` across runs; Ctrl-C stops the server.
 */
import { mkdirSync } from 'node:fs';
import { MIGRATIONS_DIR, migrate, readMigrations } from '@game-platform/datastore/migrations';
import { startPostgres } from '@game-platform/scripts/local';
import pg from 'pg';

const DATA_DIR = new URL('../../../../.local/postgres/', import.meta.url).pathname;
const PORT = Number(process.env.PGPORT ?? 54329);

const main = async () => {
  mkdirSync(DATA_DIR, { recursive: true });
  const server = await startPostgres({ dataDir: DATA_DIR, port: PORT });
  const client = new pg.Client({ connectionString: server.connectionString });
  await client.connect();
  try {
    const report = await migrate(client, readMigrations(MIGRATIONS_DIR), (line) => console.log(line));
    console.log(`schema up to date (${JSON.stringify(report)})`);
  } finally {
    await client.end();
  }
  console.log(
    `\nPostgreSQL is running. In another shell:\n\n  export DATABASE_URL=${server.connectionString}\n`,
  );
  console.log('Ctrl-C stops it; the data stays in .local/postgres.');
  const stop = async () => {
    await server.pause();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
