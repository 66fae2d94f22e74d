/**
 * Migration 0002's roles on a real PostgreSQL 17: each can do what its workload needs and nothing
 * else. Locally the roles get a password so the test can log in as them; in AWS they log in with
 * IAM tokens (rds_iam), which the last test shows is granted where that role exists.
 */

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../src/migrations';
import { startTestPostgres, type TestPostgres } from './helpers/postgres';

const PERMISSION_DENIED = '42501';

let postgres: TestPostgres;
let consumer: pg.Client;
let engine: pg.Client;
let pruner: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const url = await postgres.createDatabase();
  const master = await postgres.connect(url);
  await migrate(master, readMigrations());
  // Local only: a password to log in with (in AWS the roles authenticate with IAM tokens).
  await master.query("ALTER ROLE game_consumer PASSWORD 'consumer-local-only'");
  await master.query("ALTER ROLE game_engine PASSWORD 'engine-local-only'");
  await master.query("ALTER ROLE game_pruner PASSWORD 'pruner-local-only'");
  consumer = await postgres.connect(url, { name: 'game_consumer', password: 'consumer-local-only' });
  engine = await postgres.connect(url, { name: 'game_engine', password: 'engine-local-only' });
  pruner = await postgres.connect(url, { name: 'game_pruner', password: 'pruner-local-only' });
});
afterAll(async () => {
  await postgres?.stop();
});

const MATCH_ID = '6f1c1f0e-8b7a-4c4e-9a51-3f2d2b8c9a10';

describe('game_consumer', () => {
  it("writes an event's effects in one transaction, replays included", async () => {
    // Act: what the consumer does for a registration and a completed match.
    await consumer.query('BEGIN');
    await consumer.query(
      "INSERT INTO processed_events (event_id, event_type, source, occurred_at) VALUES ('0b0c4a36-5d0c-4d8e-8f57-2f0f6f1f8f11', 'match.completed', 'engine', now()) ON CONFLICT DO NOTHING",
    );
    await consumer.query(
      "INSERT INTO players (player_id, display_name, registered_at) VALUES ('p-1', 'Ada', now()) ON CONFLICT (player_id) DO UPDATE SET display_name = excluded.display_name",
    );
    await consumer.query(
      `INSERT INTO matches (match_id, mode, started_at, ended_at) VALUES ('${MATCH_ID}', 'ranked', now(), now())`,
    );
    await consumer.query(
      `INSERT INTO match_results (match_id, player_id, score, placement) VALUES ('${MATCH_ID}', 'p-1', 120, 1)`,
    );
    await consumer.query(`INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score, last_played_at)
      VALUES ('p-1', 1, 1, 120, 120, now())
      ON CONFLICT (player_id) DO UPDATE SET matches_played = player_stats.matches_played + 1,
        total_score = player_stats.total_score + excluded.total_score`);
    await consumer.query('COMMIT');

    // Assess
    const { rows } = await consumer.query('SELECT total_score FROM player_stats WHERE player_id = $1', [
      'p-1',
    ]);
    expect(rows).toEqual([{ total_score: '120' }]);
  });
});

describe('game_engine', () => {
  it('reads the leaderboard', async () => {
    // Act
    const { rows } = await engine.query(
      'SELECT p.display_name, s.total_score FROM player_stats s JOIN players p USING (player_id) ORDER BY s.total_score DESC, s.player_id LIMIT 10',
    );

    // Assess: what the consumer wrote above.
    expect(rows).toEqual([{ display_name: 'Ada', total_score: '120' }]);
  });
});

/** Statements each role must be refused (permission denied, SQLSTATE 42501). */
const FORBIDDEN: Array<
  [role: 'game_consumer' | 'game_engine' | 'game_pruner', what: string, statement: string]
> = [
  ['game_consumer', 'delete a player', "DELETE FROM players WHERE player_id = 'p-1'"],
  ['game_consumer', 'empty a table', 'TRUNCATE match_results'],
  ['game_consumer', 'drop a table', 'DROP TABLE player_stats'],
  ['game_consumer', 'create a table', 'CREATE TABLE scratch (id int)'],
  ['game_consumer', 'read the migration history', 'SELECT * FROM schema_migrations'],
  ['game_consumer', 'create a role', 'CREATE ROLE intruder'],
  ['game_engine', 'write stats', "UPDATE player_stats SET total_score = 1000000 WHERE player_id = 'p-1'"],
  [
    'game_engine',
    'add a player',
    "INSERT INTO players (player_id, display_name, registered_at) VALUES ('p-2', 'Bob', now())",
  ],
  ['game_engine', 'read the idempotency records', 'SELECT * FROM processed_events'],
  ['game_engine', 'drop a table', 'DROP TABLE players'],
  [
    'game_engine',
    'rebind an idempotency key to another body',
    `UPDATE request_keys SET body_sha256 = repeat('0', 64)`,
  ],
  ['game_engine', 'forget an idempotency key', 'DELETE FROM request_keys'],
  ['game_consumer', 'read the engine idempotency keys', 'SELECT * FROM request_keys'],
  [
    'game_pruner',
    'record an event',
    "INSERT INTO processed_events (event_id, event_type, source, occurred_at) VALUES (gen_random_uuid(), 't', 's', now())",
  ],
  ['game_pruner', 'rebind an idempotency key', `UPDATE request_keys SET body_sha256 = repeat('0', 64)`],
  ['game_pruner', 'read the players', 'SELECT * FROM players'],
  ['game_pruner', 'delete match results', 'DELETE FROM match_results'],
];

describe.each(FORBIDDEN)('%s', (role, what, statement) => {
  it(`may not ${what}`, async () => {
    // Act / Assess
    const client = { game_consumer: consumer, game_engine: engine, game_pruner: pruner }[role];
    await expect(client.query(statement)).rejects.toMatchObject({ code: PERMISSION_DENIED });
  });
});

describe('application roles', () => {
  it('have LOGIN and no other attribute', async () => {
    // Act
    const { rows } = await consumer.query(
      "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname LIKE 'game\\_%' ORDER BY rolname",
    );

    // Assess
    const attributes = { rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false };
    expect(rows).toEqual([
      { rolname: 'game_consumer', ...attributes, rolreplication: false, rolbypassrls: false },
      { rolname: 'game_engine', ...attributes, rolreplication: false, rolbypassrls: false },
      { rolname: 'game_pruner', ...attributes, rolreplication: false, rolbypassrls: false },
    ]);
  });

  it('are granted rds_iam where it exists (RDS), so they log in with IAM tokens', async () => {
    // Prepare: RDS has an rds_iam role; plain PostgreSQL does not, so play RDS's part.
    const master = await postgres.connect(postgres.server.connectionString);
    await master.query('CREATE ROLE rds_iam');
    try {
      // Act: migrate a new database of the same server (the roles exist already).
      const rdsLike = await postgres.connect(await postgres.createDatabase());
      await migrate(rdsLike, readMigrations());

      // Assess
      const { rows } = await rdsLike.query(
        "SELECT member::regrole::text AS member FROM pg_auth_members WHERE roleid = 'rds_iam'::regrole ORDER BY 1",
      );
      expect(rows).toEqual([
        { member: 'game_consumer' },
        { member: 'game_engine' },
        { member: 'game_pruner' },
      ]);
    } finally {
      await master.query('DROP ROLE rds_iam');
    }
  });
});
