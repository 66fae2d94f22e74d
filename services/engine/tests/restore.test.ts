/**
 * The datastore README's restore runbook, rehearsed on real PostgreSQL 17: a populated database is
 * backed up, restored as a new server, passes the migration runner's checksum check (nothing to
 * apply, every applied file unchanged) and serves the leaderboard to the engine over HTTP, as
 * `game_engine`, exactly as the original did.
 *
 * The backup is a copy of the stopped server's data directory, i.e. what an RDS snapshot or a
 * (replicated) automated backup is: storage, not SQL; a restore from one brings back the roles and
 * their grants too. (A logical pg_dump was the other option; no pg_dump for PostgreSQL 17 ships in
 * an npm package, and Debian's pg_dump 15 refuses a newer server.)
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MIGRATIONS_DIR, migrate, readMigrations } from '@game-platform/datastore/migrations';
import {
  freePort,
  type LocalAws,
  type LocalPostgres,
  startLocalAws,
  startPostgres,
} from '@game-platform/local';
import { createLogger } from '@game-platform/shared/log';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEngine, startEngine } from '../src/app';
import { readEngineConfig } from '../src/config';

const ENGINE_PASSWORD = 'engine-local-only';

let workDir: string;
let aws: LocalAws;
let queueUrl: string;
const servers: LocalPostgres[] = [];
const engines: RunningEngine[] = [];

/** A server on a data directory of ours (kept when it stops), reachable by the postgres user. */
const serverOn = async (dataDir: string): Promise<LocalPostgres> => {
  const server = await startPostgres({ dataDir });
  servers.push(server);
  return server;
};

const withClient = async <T>(connectionString: string, work: (client: pg.Client) => Promise<T>) => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/** The engine, as in AWS connected as game_engine, against a server. */
const engineOn = async (server: LocalPostgres): Promise<RunningEngine> => {
  const url = new URL(server.connectionString);
  url.username = 'game_engine';
  url.password = ENGINE_PASSWORD;
  const engine = await startEngine(
    readEngineConfig({
      DATABASE_URL: url.toString(),
      EVENTS_QUEUE_URL: queueUrl,
      AWS_REGION: aws.region,
      AWS_ENDPOINT_URL_SQS: aws.endpoint,
      DATABASE_POOL_MAX: '2',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
    }),
    createLogger('warn', { service: 'engine' }, () => {}),
  );
  engines.push(engine);
  return engine;
};

const leaderboardOf = async (engine: RunningEngine) => {
  const response = await fetch(`${engine.url}/api/leaderboard?limit=10`);
  return { status: response.status, body: (await response.json()) as { entries: unknown[] } };
};

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  workDir = mkdtempSync(join(tmpdir(), 'game-restore-'));
  // As root, PostgreSQL runs as its own user, who must be able to reach the data directories.
  chmodSync(workDir, 0o755);
  aws = await startLocalAws();
  const sqs = new SQSClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'game-restore-events' }))).QueueUrl ?? '';
  sqs.destroy();
}, 60_000);

afterAll(async () => {
  await Promise.all(engines.map((engine) => engine.stop(1_000)));
  await Promise.all(servers.map((server) => server.stop()));
  await aws?.stop();
  rmSync(workDir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('restore runbook (services/datastore/README.md, "Restore")', () => {
  it('a database restored from a backup of a populated one passes the checksum check and serves the same leaderboard', async () => {
    // Prepare: the production database, migrated and populated as the consumer writes it.
    const sourceDir = join(workDir, 'source');
    const source = await serverOn(sourceDir);
    const migrations = readMigrations(MIGRATIONS_DIR);
    await withClient(source.connectionString, async (client) => {
      await migrate(client, migrations);
      await client.query(`ALTER ROLE game_engine PASSWORD '${ENGINE_PASSWORD}'`);
      await client.query(`
        INSERT INTO players (player_id, display_name, registered_at)
          SELECT 'p-' || n, 'Player ' || n, now() FROM generate_series(1, 500) AS n;
        INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score)
          SELECT 'p-' || n, n % 20 + 1, n % 7, (n * 7919) % 100000, (n * 7919) % 100000 / 3
            FROM generate_series(1, 500) AS n`);
    });
    const before = await leaderboardOf(await engineOn(source));

    // Act: back up (the storage of the stopped server, as a snapshot is), restore as a new server.
    await source.pause();
    const restoredDir = join(workDir, 'restored');
    execFileSync('cp', ['-a', sourceDir, restoredDir]);
    const restored = await serverOn(restoredDir);
    const report = await withClient(restored.connectionString, (client) => migrate(client, migrations));
    const after = await leaderboardOf(await engineOn(restored));

    // Assess
    expect(restored.port).not.toBe(source.port);
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toEqual(migrations.map((migration) => migration.name));
    expect(before.status).toBe(200);
    expect(before.body.entries).toHaveLength(10);
    expect(after).toEqual(before);
  }, 120_000);

  it('a restored database whose applied migration differs from the repository fails the checksum check', async () => {
    // Prepare: a restored copy, on which a migration file applied long ago was edited since.
    const restored = servers.at(-1);
    if (!restored) throw new Error('the restore above did not run');
    const edited = readMigrations(MIGRATIONS_DIR).map((migration, index) =>
      index === 0 ? { ...migration, sql: `${migration.sql}\n-- edited after it was applied` } : migration,
    );

    // Act
    const failure = await withClient(restored.connectionString, (client) =>
      migrate(client, edited).then(
        () => undefined,
        (error: Error) => error.message,
      ),
    );

    // Assess
    expect(failure).toMatch(/^migration 0001_game_schema\.sql was edited after it was applied/);
  });
});
