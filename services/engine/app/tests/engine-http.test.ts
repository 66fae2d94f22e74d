/**
 * The engine through HTTP, in process, against real servers started here: embedded PostgreSQL 17
 * with the datastore's migrations and fauxqs with the events queue. Proves what the issue asks:
 * a posted match result becomes exactly one message with the right body, bad input is a 400 that
 * names each problem, an unreachable queue is a 503 (nothing reported accepted), the leaderboard
 * is what PostgreSQL holds, and a database outage is a 503 the engine recovers from.
 */
import { freePort } from '@game-platform/scripts/local';
import { parseGameEventJson } from '@game-platform/shared/events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEngine, startEngine } from '../src/app';
import { readEngineConfig } from '../src/config';
import { createLogger } from '../src/log';
import { loadEvent } from './helpers/events';
import { type LocalPlatform, startLocalPlatform } from './helpers/local-platform';

const NOW = new Date('2026-11-26T12:30:00.000Z');
const match = loadEvent('http', 'match-result');

let platform: LocalPlatform;
let engine: RunningEngine;
const logLines: string[] = [];

const startTestEngine = async (env: Record<string, string>): Promise<RunningEngine> =>
  startEngine(
    readEngineConfig({ ...env, HOST: '127.0.0.1', PORT: String(await freePort()) }),
    createLogger('info', { service: 'engine' }, (line) => logLines.push(line)),
    { now: () => NOW },
  );

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/matches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  // The engine's SQS client takes credentials from the environment, as in AWS; fauxqs accepts any.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  platform = await startLocalPlatform();
  engine = await startTestEngine(platform.env);
}, 60_000);

afterAll(async () => {
  await engine?.stop(1_000);
  await platform?.stop();
  vi.unstubAllEnvs();
});

describe('engine over HTTP', () => {
  it('answers liveness, and readiness once the database and the queue answer', async () => {
    // Act
    const live = await fetch(`${engine.url}/health`);
    const ready = await fetch(`${engine.url}/health/ready`);

    // Assess
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', checks: { database: 'ok', queue: 'ok' } },
    ]);
  });

  it('publishes a posted match result as exactly one match.completed message carrying the validated event', async () => {
    // Act
    const response = await post(engine.url, match);
    const body = (await response.json()) as { eventId: string };
    const messages = await platform.drainQueue();

    // Assess
    expect(response.status).toBe(202);
    expect(body).toEqual({ eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'match.completed' });
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Body ?? '')).toEqual({
      id: body.eventId,
      type: 'match.completed',
      version: 1,
      occurredAt: NOW.toISOString(),
      source: 'engine',
      payload: match,
    });
    // The consumer's view: the body passes the shared contract.
    expect(parseGameEventJson(messages[0]?.Body ?? '').ok).toBe(true);
  });

  it('gives a retried request with the same Idempotency-Key the same event id, so the consumer applies it once', async () => {
    // Prepare
    const key = '0b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e34';

    // Act
    const first = await post(engine.url, match, { 'idempotency-key': key });
    const retry = await post(engine.url, match, { 'idempotency-key': key });
    const messages = await platform.drainQueue();

    // Assess
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect([await first.json(), await retry.json()]).toEqual([
      { eventId: key, type: 'match.completed' },
      { eventId: key, type: 'match.completed' },
    ]);
    expect(messages.map((message) => JSON.parse(message.Body ?? '').id)).toEqual([key, key]);
  });

  it('refuses 422 a used Idempotency-Key with a different match result, publishes nothing, and still accepts the retry', async () => {
    // Prepare: the key's first request
    const key = '5d0c8a41-2b7e-4f96-a3c1-8e9f0d2b4a67';
    const first = await post(engine.url, match, { 'idempotency-key': key });
    await platform.drainQueue();
    const other = { ...(match as object), mode: 'casual' };

    // Act
    const reused = await post(engine.url, other, { 'idempotency-key': key });
    const reusedBody = await reused.json();
    const reusedMessages = await platform.drainQueue();
    const retry = await post(engine.url, JSON.stringify(match, null, 2), { 'idempotency-key': key });

    // Assess
    expect(first.status).toBe(202);
    expect([reused.status, reusedBody]).toEqual([
      422,
      {
        error: `Idempotency-Key ${key} was already used for a different match result; send a new key for a new result, and the very same body only to retry`,
        eventId: key,
      },
    ]);
    expect(reusedMessages).toEqual([]);
    expect([retry.status, await retry.json()]).toEqual([202, { eventId: key, type: 'match.completed' }]);
    expect(
      (await platform.drainQueue()).map((message) => JSON.parse(message.Body ?? '').payload.mode),
    ).toEqual([(match as { mode: string }).mode]);
  });

  it('rejects an invalid match result with 400 naming each field of the request, and publishes nothing', async () => {
    // Act
    const response = await post(engine.url, loadEvent('http', 'match-result-invalid'));
    const body = (await response.json()) as { error: string; errors: string[] };

    // Assess
    expect(response.status).toBe(400);
    expect(body.error).toBe('invalid match result');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        'matchId: a UUID',
        'mode: a game mode of 1-32 lowercase letters, digits or hyphens',
        expect.stringMatching(/^players\.0\.score: /),
        expect.stringMatching(/^players\.1\.placement: /),
        expect.stringMatching(/^players\.1\.team: /),
      ]),
    );
    expect(body.errors.filter((error) => error.startsWith('payload'))).toEqual([]);
    expect(await platform.drainQueue()).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', '{"matchId":', {}, 400, '(body): not JSON'],
    ['a body that is not an object', '"hello"', {}, 400, '(body): '],
    ['a non-JSON content type', '{}', { 'content-type': 'text/plain' }, 415, 'content-type: "text/plain"'],
    ['a body over 64 KiB', JSON.stringify({ pad: 'x'.repeat(70_000) }), {}, 413, '(body): larger than'],
    [
      'an Idempotency-Key that is not a UUID',
      match,
      { 'idempotency-key': 'retry-1' },
      400,
      'Idempotency-Key: "retry-1"',
    ],
  ])('answers %s with %i and a message naming it', async (_, body, headers, status, message) => {
    // Act
    const response = await post(engine.url, body, headers as Record<string, string>);

    // Assess
    expect(response.status).toBe(status);
    expect(((await response.json()) as { errors: string[] }).errors).toEqual([
      expect.stringContaining(message),
    ]);
    expect(await platform.drainQueue()).toEqual([]);
  });

  it('names the routes and methods that exist for anything else', async () => {
    // Act
    const unknown = await fetch(`${engine.url}/players`);
    const wrongMethod = await fetch(`${engine.url}/matches`);

    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.stringContaining('expected one of /health') });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('serves the leaderboard from PostgreSQL as game_engine: best total score first, ties by player id, limit applied', async () => {
    // Prepare: what the consumer would have written.
    await platform.db.query(`
      INSERT INTO players (player_id, display_name, registered_at) VALUES
        ('p-ann', 'Ann', now()), ('p-bob', 'Bob', now());
      INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score) VALUES
        ('p-bob', 3, 1, 5000, 2500), ('p-ann', 2, 2, 7000, 4000),
        ('p-cid', 1, 0, 5000, 5000), ('p-dan', 1, 0, 100, 100)`);

    // Act
    const top3 = await fetch(`${engine.url}/leaderboard?limit=3`);
    const all = await fetch(`${engine.url}/leaderboard`);

    // Assess
    expect(top3.status).toBe(200);
    expect(await top3.json()).toEqual({
      entries: [
        {
          rank: 1,
          playerId: 'p-ann',
          displayName: 'Ann',
          totalScore: 7000,
          matchesPlayed: 2,
          wins: 2,
          bestScore: 4000,
        },
        {
          rank: 2,
          playerId: 'p-bob',
          displayName: 'Bob',
          totalScore: 5000,
          matchesPlayed: 3,
          wins: 1,
          bestScore: 2500,
        },
        {
          rank: 3,
          playerId: 'p-cid',
          displayName: null,
          totalScore: 5000,
          matchesPlayed: 1,
          wins: 0,
          bestScore: 5000,
        },
      ],
    });
    expect(((await all.json()) as { entries: unknown[] }).entries).toHaveLength(4);
    // Read with least privilege: the engine's connections are the game_engine role's.
    const { rows } = await platform.db.query(
      "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'engine'",
    );
    expect(rows).toEqual([{ usename: 'game_engine' }]);
  });

  it.each([
    ['limit=0', 'limit: "0" is not allowed; expected an integer from 1 to 100'],
    ['limit=101', 'limit: "101" is not allowed; expected an integer from 1 to 100'],
    ['limit=ten', 'limit: "ten" is not allowed; expected an integer from 1 to 100'],
    ['limit=5&limit=6', 'limit: given 2 times; expected it at most once'],
    ['offset=5', 'offset: unknown query parameter; expected only limit'],
  ])('answers /leaderboard?%s with 400: %s', async (query, error) => {
    // Act
    const response = await fetch(`${engine.url}/leaderboard?${query}`);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid query', errors: [error] });
  });

  it('answers 503 when the queue is unreachable, reports nothing accepted, and keeps the details in the log', async () => {
    // Prepare: an engine whose queue endpoint is a port nobody listens on.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const isolated = await startTestEngine({
      ...platform.env,
      AWS_ENDPOINT_URL_SQS: closed,
      EVENTS_QUEUE_URL: `${closed}/000000000000/game-test-events`,
    });
    logLines.length = 0;

    try {
      // Act
      const response = await post(isolated.url, match);
      const body = (await response.json()) as { error: string; eventId: string };
      const ready = await fetch(`${isolated.url}/health/ready`);
      const readyText = await ready.text();

      // Assess
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(body.error).toContain('NOT accepted');
      expect(body.error).toContain(`Idempotency-Key: ${body.eventId}`);
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      expect(ready.status).toBe(503);
      expect(JSON.parse(readyText)).toEqual({
        status: 'unavailable',
        checks: { database: 'ok', queue: 'unavailable' },
      });
      expect(logLines.join('\n')).toMatch(/"match result not accepted.*ECONNREFUSED/);
      expect(await platform.drainQueue()).toEqual([]);
    } finally {
      await isolated.stop(1_000);
    }
  });

  it('answers 503 on the leaderboard while PostgreSQL is down, and serves it again once it is back', async () => {
    // Prepare
    await platform.postgres.pause();

    try {
      // Act
      const during = await fetch(`${engine.url}/leaderboard`);
      const ready = await fetch(`${engine.url}/health/ready`);

      // Assess
      expect(during.status).toBe(503);
      expect(await during.json()).toEqual({ error: 'the leaderboard is unavailable; retry later' });
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'unavailable', queue: 'ok' },
      });
    } finally {
      await platform.postgres.restart();
    }
    const after = await fetch(`${engine.url}/leaderboard?limit=1`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { entries: Array<{ playerId: string }> }).entries[0]?.playerId).toBe(
      'p-ann',
    );
  });
});
