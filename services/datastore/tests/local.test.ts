/**
 * The local datastore part on a real embedded PostgreSQL: migrations applied on the first start, data
 * kept across a restart, `--fresh` starting empty, the application roles usable with exactly their
 * grants, a server killed with SIGKILL reported and stopped at once; and the clear refusals before anything starts (a server of another run still owning the
 * directory; as root, a directory the postgres user cannot enter).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishesWithin, freePort, PartError } from '@game-platform/local';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDatastore, startLocalDatastore } from '../local';
import { readMigrations } from '../src/migrations';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'game-local-datastore-'));
  // As root, PostgreSQL runs as the user postgres, who must be able to enter the directory.
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const query = async (url: string, sql: string): Promise<Array<Record<string, unknown>>> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

describe('local datastore', () => {
  it('migrates on the first start, keeps data across a restart, and starts empty with --fresh', async () => {
    // Prepare
    const dataDir = join(root, 'postgres');
    const options = { dataDir, port: await freePort(), logFile: join(root, 'postgres.log') };
    const runs: string[] = [];
    const withDatastore = async (fresh: boolean, use: (datastore: LocalDatastore) => Promise<void>) => {
      const datastore = await startLocalDatastore({ ...options, fresh });
      try {
        runs.push(datastore.summary);
        await use(datastore);
      } finally {
        await datastore.stop();
      }
    };
    let kept: unknown[] = [];
    let afterFresh: unknown[] = [];

    // Act
    await withDatastore(false, async ({ ownerUrl }) => {
      await query(
        ownerUrl,
        "INSERT INTO players (player_id, display_name, registered_at) VALUES ('ann', 'Ann', now())",
      );
    });
    await withDatastore(false, async ({ ownerUrl }) => {
      kept = await query(ownerUrl, 'SELECT player_id FROM players');
    });
    await withDatastore(true, async ({ ownerUrl }) => {
      afterFresh = await query(ownerUrl, 'SELECT player_id FROM players');
    });

    // Assess: every migration the datastore ships, whatever their number.
    const migrations = readMigrations().map((file) => file.name);
    expect(runs[0]).toContain(`applied ${migrations.join(', ')}`);
    expect(runs[1]).toContain(`schema up to date (${migrations.length} migrations)`);
    expect(runs[2]).toContain(`applied ${migrations.join(', ')}`);
    expect(kept).toEqual([{ player_id: 'ann' }]);
    expect(afterFresh).toEqual([]);
  }, 60_000);

  it('lets the engine and the consumer connect as their roles, with only their grants', async () => {
    // Prepare
    const dataDir = join(root, 'roles');
    const datastore = await startLocalDatastore({
      dataDir,
      port: await freePort(),
      fresh: false,
      logFile: join(root, 'roles.log'),
    });
    try {
      // Act
      const asEngine = (sql: string) => query(datastore.urlFor('game_engine'), sql);
      const asConsumer = (sql: string) => query(datastore.urlFor('game_consumer'), sql);
      const [engine] = await asEngine('SELECT current_user AS role');
      const engineWrite = await asEngine(
        "INSERT INTO players (player_id, display_name, registered_at) VALUES ('x', 'x', now())",
      ).catch((error: Error) => error.message);
      const [consumer] = await asConsumer(
        "INSERT INTO players (player_id, display_name, registered_at) VALUES ('ben', 'Ben', now()) RETURNING current_user AS role",
      );
      const consumerDelete = await asConsumer('DELETE FROM players').catch((error: Error) => error.message);

      // Assess
      expect(engine).toEqual({ role: 'game_engine' });
      expect(engineWrite).toBe('permission denied for table players');
      expect(consumer).toEqual({ role: 'game_consumer' });
      expect(consumerDelete).toBe('permission denied for table players');
    } finally {
      await datastore.stop();
    }
  }, 30_000);

  it('reports a PostgreSQL killed with SIGKILL as dead, and then stops at once instead of waiting for it', async () => {
    // Prepare
    const datastore = await startLocalDatastore({
      dataDir: join(root, 'killed'),
      port: await freePort(),
      fresh: false,
      logFile: join(root, 'killed.log'),
    });

    // Act
    process.kill(datastore.pid, 'SIGKILL');
    const died = await datastore.died;
    const began = performance.now();
    const stoppedInTime = await finishesWithin(datastore.stop(), 5_000);

    // Assess: a dead postmaster is stopped already; before, stop() waited for an exit that had happened
    expect(died).toBe(`PostgreSQL (pid ${datastore.pid}) is no longer running`);
    expect(stoppedInTime).toBe(true);
    console.log(`local datastore: stop after SIGKILL took ${(performance.now() - began).toFixed(0)} ms`);
  }, 30_000);

  it('refuses a data directory that a PostgreSQL of another run still uses, saying how to stop it', async () => {
    // Prepare: a postmaster.pid naming a live process (this one)
    const dataDir = join(root, 'taken');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);

    // Act
    const refused = await startLocalDatastore({
      dataDir,
      port: 1,
      fresh: true,
      logFile: join(root, 'x.log'),
    }).catch((error: unknown) => error);

    // Assess: refused before anything, and --fresh deleted nothing
    expect(refused).toBeInstanceOf(PartError);
    expect((refused as Error).message).toBe(
      `datastore: a PostgreSQL server from another run (pid ${process.pid}) is still using ${dataDir}\n  -> stop it with \`kill -INT ${process.pid}\` (a fast, clean shutdown), or use another --data-dir`,
    );
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, refuses a data directory the postgres user cannot enter, naming the directory to open',
    async () => {
      // Prepare
      const closed = join(root, 'closed');
      mkdirSync(closed, { mode: 0o700 });

      // Act
      const refused = await startLocalDatastore({
        dataDir: join(closed, 'postgres'),
        port: 1,
        fresh: false,
        logFile: join(root, 'y.log'),
      }).catch((error: unknown) => error);

      // Assess
      expect((refused as Error).message).toBe(
        `datastore: PostgreSQL runs as the user "postgres" (it refuses root) and cannot enter ${closed}\n  -> allow it with \`chmod o+x ${closed}\`, or use a --data-dir under a directory others may enter`,
      );
    },
  );
});
