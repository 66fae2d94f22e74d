/**
 * Migration 0005 on a real PostgreSQL 17: a commit that changes the rows the leaderboard shows
 * (player_stats, players) notifies `leaderboard_changed` once, to a session LISTENing as game_engine;
 * nothing is sent before the commit, for a rollback, or for a statement that changed no row.
 */

import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../src/migrations';
import { startTestPostgres, type TestPostgres } from './helpers/postgres';

let postgres: TestPostgres;
let master: pg.Client;
let consumer: pg.Client;
let engine: pg.Client;
const received: Array<{ channel: string; payload: string | undefined }> = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  const url = await postgres.createDatabase();
  master = await postgres.connect(url);
  await migrate(master, readMigrations());
  await master.query("ALTER ROLE game_consumer PASSWORD 'consumer-local-only'");
  await master.query("ALTER ROLE game_engine PASSWORD 'engine-local-only'");
  consumer = await postgres.connect(url, { name: 'game_consumer', password: 'consumer-local-only' });
  engine = await postgres.connect(url, { name: 'game_engine', password: 'engine-local-only' });
  engine.on('notification', ({ channel, payload }) => received.push({ channel, payload }));
  await engine.query('LISTEN leaderboard_changed');
});
afterAll(async () => {
  await postgres?.stop();
});
beforeEach(() => {
  received.length = 0;
});

/**
 * What the listener has received so far: PostgreSQL sends pending notifications before it answers
 * the listener's next query, so a round trip makes the check deterministic.
 */
const delivered = async () => {
  await engine.query('SELECT 1');
  return [...received];
};

const upsertStats = (client: pg.Client, playerId: string, score: number) =>
  client.query(
    `INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score) VALUES ($1, 1, 0, $2::bigint, $3::integer)
     ON CONFLICT (player_id) DO UPDATE SET total_score = player_stats.total_score + EXCLUDED.total_score`,
    [playerId, score, score],
  );

describe('leaderboard_changed', () => {
  it("is sent once when the consumer's transaction commits, not before", async () => {
    // Act
    await consumer.query('BEGIN');
    await upsertStats(consumer, 'p-1', 100);
    await upsertStats(consumer, 'p-2', 50);
    await upsertStats(consumer, 'p-1', 10);
    const beforeCommit = await delivered();
    await consumer.query('COMMIT');

    // Assess
    expect(beforeCommit).toEqual([]);
    expect(await delivered()).toEqual([{ channel: 'leaderboard_changed', payload: 'player_stats' }]);
  });

  it('is not sent for a rolled back transaction or a statement that changed no row', async () => {
    // Act
    await consumer.query('BEGIN');
    await upsertStats(consumer, 'p-3', 100);
    await consumer.query('ROLLBACK');
    await consumer.query("UPDATE player_stats SET wins = wins + 1 WHERE player_id = 'nobody'");
    await consumer.query(
      "INSERT INTO players (player_id, display_name, registered_at) SELECT 'p-9', 'Nine', now() WHERE false",
    );

    // Assess
    expect(await delivered()).toEqual([]);
  });

  it('is sent when a display name changes, and when an operator deletes or truncates', async () => {
    // Act
    await consumer.query(
      "INSERT INTO players (player_id, display_name, registered_at) VALUES ('p-1', 'Ada', now())",
    );
    const registered = await delivered();
    received.length = 0;
    await master.query("DELETE FROM player_stats WHERE player_id = 'p-2'");
    const deleted = await delivered();
    received.length = 0;
    await master.query('TRUNCATE player_stats');

    // Assess
    expect(registered).toEqual([{ channel: 'leaderboard_changed', payload: 'players' }]);
    expect(deleted).toEqual([{ channel: 'leaderboard_changed', payload: 'player_stats' }]);
    expect(await delivered()).toEqual([{ channel: 'leaderboard_changed', payload: 'player_stats' }]);
  });
});
