/**
 * The PostgreSQL event store against a real PostgreSQL with the game schema: one statement applies a
 * whole batch, records each event id once, and a second delivery of any event has no effect.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isTransientDatabaseError, postgresEventStore } from '../src/postgres-event-store';
import { type GameDatabase, startGameDatabase } from './helpers/database';
import { matchCompleted, playerRegistered } from './helpers/events';

let db: GameDatabase;

beforeAll(async () => {
  db = await startGameDatabase();
}, 60_000);
afterAll(async () => db?.stop());
beforeEach(async () => db.reset());

describe('postgresEventStore', () => {
  it("signals leaderboard_changed when a batch's commit changed the standings, and not for a redelivered batch", async () => {
    // Prepare: a session listening as the engine does (datastore migration 0005 sends the signal).
    const store = postgresEventStore(db.pool);
    const listener = new pg.Client({ connectionString: db.server.connectionString });
    await listener.connect();
    const received: Array<string | undefined> = [];
    listener.on('notification', ({ payload }) => received.push(payload));
    await listener.query('LISTEN leaderboard_changed');
    // PostgreSQL sends pending notifications before it answers the listener's next query.
    const delivered = async () => {
      await listener.query('SELECT 1');
      return received.splice(0).sort();
    };
    const batch = [
      playerRegistered('gina', 'Gina'),
      matchCompleted([{ playerId: 'gina', score: 7, placement: 1 }]),
    ];

    try {
      // Act
      await store.applyEvents(batch);
      const afterFirst = await delivered();
      await store.applyEvents(batch);
      const afterRedelivery = await delivered();

      // Assess: one notification per changed table for the batch's one transaction, none for the duplicate.
      expect(afterFirst).toEqual(['player_stats', 'players']);
      expect(afterRedelivery).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('applies registrations and matches in one call: players, results and running totals', async () => {
    // Prepare
    const store = postgresEventStore(db.pool);
    const events = [
      playerRegistered('alice', 'Alice'),
      matchCompleted([
        { playerId: 'alice', score: 300, placement: 1 },
        { playerId: 'bob', score: 100, placement: 2 },
      ]),
      matchCompleted([
        { playerId: 'alice', score: 50, placement: 2 },
        { playerId: 'bob', score: 400, placement: 1 },
      ]),
    ];

    // Act
    const applied = await store.applyEvents(events);

    // Assess
    expect([...applied].sort()).toEqual(events.map((e) => e.id).sort());
    const { rows } = await db.pool.query(
      'SELECT player_id, matches_played, wins, total_score::int, best_score FROM player_stats ORDER BY player_id',
    );
    expect(rows).toEqual([
      { player_id: 'alice', matches_played: 2, wins: 1, total_score: 350, best_score: 300 },
      { player_id: 'bob', matches_played: 2, wins: 1, total_score: 500, best_score: 400 },
    ]);
    expect(await db.totals()).toMatchObject({ events: 3, matches: 2, results: 4, players: 1 });
  });

  it('gives a redelivered event no second effect and does not report it as applied', async () => {
    // Prepare
    const store = postgresEventStore(db.pool);
    const match = matchCompleted([{ playerId: 'carol', score: 10, placement: 1 }]);
    await store.applyEvents([match]);

    // Act
    const again = await store.applyEvents([match, playerRegistered('dave')]);

    // Assess
    expect(again.has(match.id)).toBe(false);
    expect(again.size).toBe(1);
    expect(await db.totals()).toMatchObject({ events: 2, matches: 1, results: 1, matchesPlayed: 1 });
  });

  it('counts a match once even when it arrives under two event ids, in one batch or two', async () => {
    // Prepare
    const store = postgresEventStore(db.pool);
    const players = [{ playerId: 'erin', score: 5, placement: 1 }];
    const first = matchCompleted(players, { matchId: '7f1f3c52-8d0f-4c43-9a57-1c3b0d7a8e01' });
    const resent = matchCompleted(players, { matchId: '7f1f3c52-8d0f-4c43-9a57-1c3b0d7a8e01' });
    const later = matchCompleted(players, { matchId: '7f1f3c52-8d0f-4c43-9a57-1c3b0d7a8e01' });

    // Act
    await store.applyEvents([first, resent]);
    await store.applyEvents([later]);

    // Assess
    expect(await db.totals()).toMatchObject({ events: 3, matches: 1, results: 1, matchesPlayed: 1 });
  });

  it('keeps the latest registration of a player, whatever order they arrive in', async () => {
    // Prepare
    const store = postgresEventStore(db.pool);
    const newer = playerRegistered('frank', 'Frank New', { minute: 20 });
    const older = playerRegistered('frank', 'Frank Old', { minute: 5 });

    // Act
    await store.applyEvents([newer]);
    await store.applyEvents([older]);

    // Assess
    const { rows } = await db.pool.query("SELECT display_name FROM players WHERE player_id = 'frank'");
    expect(rows).toEqual([{ display_name: 'Frank New' }]);
  });

  it('commits nothing of a batch when one event breaks a database rule', async () => {
    // Prepare: a match that ends before it starts (the table's CHECK rejects it; the store does not validate)
    const store = postgresEventStore(db.pool);
    const good = playerRegistered('gina');
    const bad = matchCompleted([{ playerId: 'gina', score: 1, placement: 1 }]);
    bad.payload.startedAt = '2026-11-26T13:00:00.000Z';

    // Act
    const error = await store.applyEvents([good, bad]).catch((e: unknown) => e);

    // Assess
    expect((error as { code?: string }).code).toBe('23514');
    expect(isTransientDatabaseError(error)).toBe(false);
    expect(await db.totals()).toMatchObject({ events: 0, players: 0 });
  });
});

describe('postgresEventStore privileges', () => {
  it('needs only these grants (what datastore migration 0002 must give game_consumer)', async () => {
    // Prepare: a role with exactly the grants listed, logging in like the consumer
    await db.pool.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'least_privilege_consumer') THEN
          CREATE ROLE least_privilege_consumer LOGIN PASSWORD 'probe';
        END IF;
      END $$`);
    await db.pool.query(`GRANT SELECT, INSERT ON processed_events, matches TO least_privilege_consumer;
      GRANT INSERT ON match_results TO least_privilege_consumer;
      GRANT SELECT, INSERT, UPDATE ON players, player_stats TO least_privilege_consumer`);
    const url = new URL(db.server.connectionString);
    url.username = 'least_privilege_consumer';
    url.password = 'probe';
    const consumer = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const store = postgresEventStore(consumer);
    const match = matchCompleted([{ playerId: 'hugo', score: 3, placement: 1 }]);

    try {
      // Act: first delivery, redelivery, a re-registration (upsert), a second match (totals upsert)
      await store.applyEvents([playerRegistered('hugo', 'Hugo', { minute: 1 }), match]);
      await store.applyEvents([match, playerRegistered('hugo', 'Hugo B', { minute: 9 })]);
      await store.applyEvents([matchCompleted([{ playerId: 'hugo', score: 4, placement: 2 }])]);

      // Assess
      expect(await db.totals()).toMatchObject({ events: 4, matches: 2, players: 1, matchesPlayed: 2 });
    } finally {
      await consumer.end();
    }
  });
});

describe('isTransientDatabaseError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [{ code: '57P01' }, true],
    [{ code: '53300' }, true],
    [{ code: '40P01' }, true],
    [{ code: '28P01' }, true],
    [{ code: '23505' }, false],
    [{ code: '22P02' }, false],
  ])('%j -> %s', (error, transient) => {
    expect(isTransientDatabaseError(error)).toBe(transient);
  });
});
