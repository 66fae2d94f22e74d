/**
 * Pruning the idempotency records on a real PostgreSQL 17, through the `prune` handler logged in as
 * `game_pruner` (migration 0004): what is older than the bound goes, what a redelivery may still need
 * stays, and a key outlives its event's row. (`template.test.ts` checks each stage's bound.)
 */
import { randomUUID } from 'node:crypto';
import { loadStageProfile } from '@game-platform/shared/profiles';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate, readMigrations } from '../src/migrations';
import { idempotencyRetentionDays, pruneIdempotencyRecords } from '../src/retention';
import { startTestPostgres, type TestPostgres } from './helpers/postgres';

const DAY_MS = 86_400_000;

let postgres: TestPostgres;
let master: pg.Client;
let prunerUrl: string;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const url = await postgres.createDatabase();
  master = await postgres.connect(url);
  await migrate(master, readMigrations());
  await master.query("ALTER ROLE game_pruner PASSWORD 'pruner-local-only'");
  const login = new URL(url);
  login.username = 'game_pruner';
  login.password = 'pruner-local-only';
  prunerUrl = login.toString();
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await postgres?.stop();
});

const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

const recordEvent = async (id: string, appliedAt: Date) =>
  master.query(
    "INSERT INTO processed_events (event_id, event_type, source, occurred_at, processed_at) VALUES ($1, 'match.completed', 'engine', $2, $2)",
    [id, appliedAt],
  );
const recordKey = async (id: string, firstSeenAt: Date) =>
  master.query(
    'INSERT INTO request_keys (idempotency_key, body_sha256, first_seen_at) VALUES ($1, repeat($2, 64), $3)',
    [id, 'a', firstSeenAt],
  );
const remaining = async (table: 'processed_events' | 'request_keys', column: string) =>
  (await master.query<{ id: string }>(`SELECT ${column}::text AS id FROM ${table} ORDER BY 1`)).rows.map(
    (row) => row.id,
  );

describe('the prune function', () => {
  it('deletes the records no redelivery can need, keeps the others, and a key as long as its event row', async () => {
    // Prepare: the dev bound (queue 4 + DLQ 14 = 18 days), records on both sides of it
    const days = idempotencyRetentionDays(loadStageProfile('dev').integrations);
    const [oldEvent, youngEvent, keptKey, orphanKey, youngKey, oldPair] = Array.from({ length: 6 }, () =>
      randomUUID(),
    ) as [string, string, string, string, string, string];
    await recordEvent(oldEvent, daysAgo(days + 1));
    await recordEvent(youngEvent, daysAgo(days - 1));
    await recordEvent(keptKey, daysAgo(days - 1)); // applied late: its key is old, its row is not
    await recordKey(keptKey, daysAgo(days + 2));
    await recordKey(orphanKey, daysAgo(days + 1)); // its publish failed: no event row ever
    await recordKey(youngKey, daysAgo(1));
    await recordEvent(oldPair, daysAgo(days + 3));
    await recordKey(oldPair, daysAgo(days + 3));
    vi.stubEnv('DATABASE_URL', prunerUrl);
    vi.stubEnv('RETENTION_DAYS', String(days));
    const { handler } = await import('../src/handlers/prune');

    // Act
    const report = await handler();
    const again = await handler();

    // Assess
    expect(report).toMatchObject({ retentionDays: 18, processedEvents: 2, requestKeys: 2 });
    expect(again).toMatchObject({ processedEvents: 0, requestKeys: 0 });
    expect(await remaining('processed_events', 'event_id')).toEqual([youngEvent, keptKey].sort());
    expect(await remaining('request_keys', 'idempotency_key')).toEqual([keptKey, youngKey].sort());
  });

  it('deletes in batches until nothing older is left', async () => {
    // Prepare
    await master.query('TRUNCATE processed_events, request_keys');
    for (let i = 0; i < 25; i++) await recordEvent(randomUUID(), daysAgo(30));
    await recordEvent(randomUUID(), daysAgo(1));
    const pruner = await postgres.connect(prunerUrl);

    // Act
    const report = await pruneIdempotencyRecords(pruner, { retentionDays: 18, batchRows: 10 });

    // Assess
    expect(report.processedEvents).toBe(25);
    expect(await remaining('processed_events', 'event_id')).toHaveLength(1);
  });
});
