/**
 * The migration runner against a real PostgreSQL 17: what the issue asks of it (empty to latest,
 * idempotent, safe under concurrency, refuses edited files, all-or-nothing per file) and the
 * guards added where these tests found gaps (out-of-order files, CRLF checkouts, bounded waits).
 */

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checksum,
  MIGRATION_LOCK_ID,
  MigrationError,
  type MigrationFile,
  migrate,
  parseMigrations,
  readMigrations,
} from '../src/migrations';
import { startTestPostgres, type TestPostgres } from './helpers/postgres';

const SCHEMA_TABLES = ['match_results', 'matches', 'player_stats', 'players', 'processed_events'];

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

/** A fresh database and a client connected to it as the master user. */
const freshDatabase = async (): Promise<pg.Client> => postgres.connect(await postgres.createDatabase());

const recorded = async (client: pg.Client) =>
  (await client.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;

const tableExists = async (client: pg.Client, table: string): Promise<boolean> =>
  (await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [table])).rows[0].present;

/** Everything a migration could change, in a comparable form. */
const schemaFingerprint = async (client: pg.Client) =>
  (
    await client.query(`
      SELECT table_name, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT tablename, indexname, indexdef, '', '' FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT version, name, checksum, applied_at::text, '' FROM schema_migrations
      ORDER BY 1, 2`)
  ).rows;

const withExtra = (...extra: Array<{ name: string; sql: string }>): MigrationFile[] =>
  parseMigrations([...readMigrations(), ...extra]);

const errorOf = async (run: Promise<unknown>): Promise<Error> => {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the run to fail, and it succeeded');
};

describe('migrate', () => {
  it('takes an empty database to the latest schema, each file recorded with its checksum', async () => {
    // Prepare
    const client = await freshDatabase();
    const files = readMigrations();

    // Act
    const report = await migrate(client, files);

    // Assess
    expect(report.applied).toEqual(files.map((file) => file.name));
    expect(report.alreadyApplied).toEqual([]);
    expect(await recorded(client)).toEqual(
      files.map((file) => ({ version: file.version, name: file.name, checksum: checksum(file.sql) })),
    );
    for (const table of SCHEMA_TABLES) expect(await tableExists(client, table)).toBe(true);
  });

  it('changes nothing when run again', async () => {
    // Prepare
    const client = await freshDatabase();
    await migrate(client, readMigrations());
    const before = await schemaFingerprint(client);

    // Act
    const report = await migrate(client, readMigrations());

    // Assess
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toEqual(readMigrations().map((file) => file.name));
    expect(await schemaFingerprint(client)).toEqual(before);
  });

  it('applies each file exactly once when two runs start together', async () => {
    // Prepare: a slow last file keeps the first run inside the lock while the second arrives.
    const url = await postgres.createDatabase();
    const [first, second] = [await postgres.connect(url), await postgres.connect(url)];
    const files = withExtra({ name: '0900_slow.sql', sql: 'SELECT pg_sleep(0.5);' });
    const logs: string[] = [];

    // Act
    const reports = await Promise.all([
      migrate(first, files, { log: (line) => logs.push(`first: ${line}`) }),
      migrate(second, files, { log: (line) => logs.push(`second: ${line}`) }),
    ]);

    // Assess: every file applied by exactly one of the runs; the other one waited.
    const applied = reports.flatMap((report) => report.applied);
    expect(applied.toSorted()).toEqual(files.map((file) => file.name));
    expect(await recorded(first)).toHaveLength(files.length);
    expect(logs.some((line) => line.endsWith('another migration run is in progress; waiting for it'))).toBe(
      true,
    );
  });

  it('refuses a file edited after it was applied, naming it, and applies nothing', async () => {
    // Prepare
    const client = await freshDatabase();
    await migrate(client, readMigrations());
    const edited = readMigrations().map((file) =>
      file.name === '0001_game_schema.sql' ? { ...file, sql: `${file.sql}\n-- an innocent comment\n` } : file,
    );
    const files = parseMigrations([...edited, { name: '0900_new.sql', sql: 'CREATE TABLE added (id int);' }]);

    // Act
    const error = await errorOf(migrate(client, files));

    // Assess
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(
      /^migration 0001_game_schema\.sql was edited after it was applied \(checksum [0-9a-f]{12}, applied [0-9a-f]{12}\); revert the edit and add a new migration instead$/,
    );
    expect(await tableExists(client, 'added')).toBe(false);
    expect(await recorded(client)).toHaveLength(readMigrations().length);
  });

  it('rolls a failing file back whole, stops there, and applies it once fixed', async () => {
    // Prepare: the broken file's first statement succeeds, its second fails.
    const client = await freshDatabase();
    const broken = withExtra(
      {
        name: '0900_broken.sql',
        sql: 'CREATE TABLE half_done (id int);\nINSERT INTO missing_table VALUES (1);',
      },
      { name: '0901_after.sql', sql: 'CREATE TABLE after_broken (id int);' },
    );

    // Act
    const error = await errorOf(migrate(client, broken));

    // Assess: nothing of 0900 (not even its first statement), nothing after it, all before it.
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toBe(
      'migration 0900_broken.sql failed and was rolled back, nothing of it applied: relation "missing_table" does not exist',
    );
    expect(await tableExists(client, 'half_done')).toBe(false);
    expect(await tableExists(client, 'after_broken')).toBe(false);
    expect((await recorded(client)).map((row) => row.name)).toEqual(
      readMigrations().map((file) => file.name),
    );

    // Act: the file is fixed before it was ever applied, so the fix is not an "edit".
    const fixed = withExtra(
      { name: '0900_broken.sql', sql: 'CREATE TABLE half_done (id int);' },
      { name: '0901_after.sql', sql: 'CREATE TABLE after_broken (id int);' },
    );
    const report = await migrate(client, fixed);

    // Assess
    expect(report.applied).toEqual(['0900_broken.sql', '0901_after.sql']);
    expect(await tableExists(client, 'after_broken')).toBe(true);
  });

  it('commits a file and its record together: if recording fails, the file is rolled back too', async () => {
    // Prepare: a file that succeeds but makes its own record fail (the version is taken).
    const client = await freshDatabase();
    const files = withExtra({
      name: '0900_conflict.sql',
      sql: "CREATE TABLE recorded_apart (id int);\nINSERT INTO schema_migrations (version, name, checksum) VALUES ('0900', 'squatter', '-');",
    });

    // Act
    const error = await errorOf(migrate(client, files));

    // Assess
    expect(error.message).toMatch(/^migration 0900_conflict\.sql failed and was rolled back.*duplicate key/);
    expect(await tableExists(client, 'recorded_apart')).toBe(false);
    expect((await recorded(client)).map((row) => row.version)).not.toContain('0900');
  });

  it('refuses a new file numbered before the latest applied one', async () => {
    // Prepare: 0901 is applied; 0900 arrives later (e.g. merged from an older branch).
    const client = await freshDatabase();
    await migrate(client, withExtra({ name: '0901_later.sql', sql: 'CREATE TABLE later (id int);' }));
    const files = withExtra(
      { name: '0900_older.sql', sql: 'CREATE TABLE older (id int);' },
      { name: '0901_later.sql', sql: 'CREATE TABLE later (id int);' },
    );

    // Act
    const error = await errorOf(migrate(client, files));

    // Assess
    expect(error.message).toBe(
      'migration 0900_older.sql is not applied but 0901_later.sql (a later version) is; renumber it after 0901 so every database applies migrations in the same order',
    );
    expect(await tableExists(client, 'older')).toBe(false);
  });

  it('refuses to run when an applied file is missing', async () => {
    // Prepare
    const client = await freshDatabase();
    await migrate(client, withExtra({ name: '0900_gone.sql', sql: 'CREATE TABLE gone (id int);' }));

    // Act
    const error = await errorOf(migrate(client, readMigrations()));

    // Assess
    expect(error.message).toBe(
      'migration 0900_gone.sql is recorded as applied but its file is missing; restore the file',
    );
  });

  it('does not take a CRLF checkout of an applied file for an edit', async () => {
    // Prepare
    const client = await freshDatabase();
    await migrate(client, readMigrations());
    const crlf = readMigrations().map((file) => ({ ...file, sql: file.sql.replace(/\n/g, '\r\n') }));

    // Act
    const report = await migrate(client, crlf);

    // Assess
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toHaveLength(crlf.length);
  });

  it('gives up after waitForOtherRunMs when another run holds the lock', async () => {
    // Prepare: another session holds the migration lock.
    const url = await postgres.createDatabase();
    const other = await postgres.connect(url);
    await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const client = await postgres.connect(url);

    // Act
    const started = Date.now();
    const error = await errorOf(migrate(client, readMigrations(), { waitForOtherRunMs: 300 }));

    // Assess
    expect(error.message).toBe(
      `another migration run has held the migration lock (advisory lock ${MIGRATION_LOCK_ID}) for more than 300 ms; wait for it to finish, or find it in pg_stat_activity`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await tableExists(client, 'players')).toBe(false);
    await other.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  });

  it('fails a migration that cannot lock its table within lockTimeoutMs instead of queueing behind it', async () => {
    // Prepare: a long transaction reads players, so ALTER TABLE players must wait for it.
    const url = await postgres.createDatabase();
    const client = await postgres.connect(url);
    await migrate(client, readMigrations());
    const reader = await postgres.connect(url);
    await reader.query('BEGIN; SELECT count(*) FROM players;');
    const files = withExtra({ name: '0900_alter.sql', sql: 'ALTER TABLE players ADD COLUMN level integer;' });

    // Act
    const error = await errorOf(migrate(client, files, { lockTimeoutMs: 200 }));

    // Assess
    expect(error.message).toBe(
      'migration 0900_alter.sql failed and was rolled back, nothing of it applied: canceling statement due to lock timeout',
    );
    await reader.query('ROLLBACK');
    expect((await migrate(client, files)).applied).toEqual(['0900_alter.sql']);
  });
});

describe('parseMigrations', () => {
  it('orders files by version', () => {
    // Act
    const files = parseMigrations([
      { name: '0002_b.sql', sql: '' },
      { name: '0001_a.sql', sql: '' },
    ]);

    // Assess
    expect(files.map((file) => file.version)).toEqual(['0001', '0002']);
  });

  it.each([
    ['1_a.sql', 'migration file "1_a.sql" is badly named; expected NNNN_lowercase_description.sql'],
    [
      '0001_Add Table.sql',
      'migration file "0001_Add Table.sql" is badly named; expected NNNN_lowercase_description.sql',
    ],
  ])('refuses the badly named %s', (name, message) => {
    // Act / Assess
    expect(() => parseMigrations([{ name, sql: '' }])).toThrow(message);
  });

  it('refuses two files with the same version', () => {
    // Act / Assess
    expect(() =>
      parseMigrations([
        { name: '0001_a.sql', sql: '' },
        { name: '0001_b.sql', sql: '' },
      ]),
    ).toThrow('migrations "0001_a.sql" and "0001_b.sql" share version 0001; each version must be unique');
  });
});
