/**
 * The engine through HTTP, in process, against real servers started here: embedded PostgreSQL 17
 * with the datastore's migrations and fauxqs with the events queue. Proves what the issue asks:
 * a posted match result becomes exactly one message with the right body, bad input is a 400 that
 * names each problem, an unreachable queue is a 503 (nothing reported accepted), the leaderboard
 * is what PostgreSQL holds, and a database outage is a 503 the engine recovers from. Under load
 * (issue 16): an entry SQS refused in a batch is that request's 503 alone, stopping sends what is
 * lingering, a burst of leaderboard requests costs one query (counted by pg_stat_statements on the
 * server), and a committed change reaches the board through the database's signal within the bound.
 */
import { request as httpRequest } from 'node:http';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { freePort } from '@game-platform/local';
import { parseGameEventJson } from '@game-platform/shared/events';
import { createLogger } from '@game-platform/shared/log';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEngine, startEngine } from '../src/app';
import { type EngineConfig, readEngineConfig } from '../src/config';
import type { LeaderboardSnapshot } from '../src/domain/leaderboard-cache';
import { LEADERBOARD_CACHE_CONTROL } from '../src/http/routes';
import { loadEvent } from './helpers/events';
import { type LocalPlatform, startLocalPlatform } from './helpers/local-platform';
import { startQueueProxy } from './helpers/queue-proxy';

const NOW = new Date('2026-11-26T12:30:00.000Z');
const match = loadEvent('http', 'match-result');

let platform: LocalPlatform;
let engine: RunningEngine;
const logLines: string[] = [];

/** The bound the shared test engine refreshes its leaderboard within. */
const REFRESH_MS = 200;

const startTestEngine = async (
  env: Record<string, string>,
  adjust: (config: EngineConfig) => EngineConfig = (config) => config,
): Promise<RunningEngine> =>
  startEngine(
    adjust(readEngineConfig({ ...env, HOST: '127.0.0.1', PORT: String(await freePort()) })),
    createLogger('info', { service: 'engine' }, (line) => logLines.push(line)),
    { now: () => NOW },
  );

/** Polls `check` until it returns a value (not `undefined`), failing after `timeoutMs`. */
const eventually = async <T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`no result within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** Resolves with the next snapshot the engine's leaderboard publishes (what a live channel pushes). */
const nextSnapshot = (engine: RunningEngine): Promise<LeaderboardSnapshot> =>
  new Promise((resolve) => {
    const unsubscribe = engine.leaderboard.subscribe((snapshot) => {
      unsubscribe();
      resolve(snapshot);
    });
  });

/** Leaderboard queries the engine's role ran, counted by PostgreSQL itself (pg_stat_statements). */
const leaderboardQueries = async (): Promise<number> => {
  const { rows } = await platform.db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
     WHERE userid = 'game_engine'::regrole AND query LIKE '%FROM player_stats%'`,
  );
  return Number(rows[0]?.calls);
};

/** What the engine logs once its change signal LISTENs. */
const LISTENING = '"message":"listening for leaderboard changes"';

type Entries = { entries: Array<{ playerId: string }> };

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/matches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  // The engine's SQS client takes credentials from the environment, as in AWS; fauxqs accepts any.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  platform = await startLocalPlatform({
    postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements'],
  });
  await platform.db.query('CREATE EXTENSION pg_stat_statements');
  engine = await startTestEngine({ ...platform.env, LEADERBOARD_REFRESH_MS: String(REFRESH_MS) });
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

  // The last column: whether the answer closes the connection (the body was left unread, so the
  // connection is not kept for another request behind an unread body).
  it.each([
    ['a body that is not JSON', '{"matchId":', {}, 400, '(body): not JSON', 'keep-alive'],
    ['a body that is not an object', '"hello"', {}, 400, '(body): ', 'keep-alive'],
    [
      'a non-JSON content type',
      '{}',
      { 'content-type': 'text/plain' },
      415,
      'content-type: "text/plain"',
      'close',
    ],
    [
      'a body over 64 KiB',
      JSON.stringify({ pad: 'x'.repeat(70_000) }),
      {},
      413,
      '(body): larger than',
      'close',
    ],
    [
      'an Idempotency-Key that is not a UUID',
      match,
      { 'idempotency-key': 'retry-1' },
      400,
      'Idempotency-Key: "retry-1"',
      'keep-alive',
    ],
  ])('answers %s with %i and a message naming it', async (_, body, headers, status, message, connection) => {
    // Act
    const response = await post(engine.url, body, headers as Record<string, string>);

    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('connection')).toBe(connection);
    expect(((await response.json()) as { errors: string[] }).errors).toEqual([
      expect.stringContaining(message),
    ]);
    expect(await platform.drainQueue()).toEqual([]);
  });

  it('answers a body streamed past 64 KiB without a content-length with 413, closes that connection, publishes nothing and serves the next request', async () => {
    // Prepare: chunked transfer, so only the bytes read can tell the engine the body is too large.
    const request = httpRequest(`${engine.url}/api/matches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const outcome = new Promise<{ status?: number; connection?: string; body: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        response.on('end', () =>
          resolve({ status: response.statusCode, connection: response.headers.connection, body }),
        );
      });
      // The engine may close before the client has written everything: the answer still arrives.
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
    });

    // Act
    request.write(`{"pad":"${'x'.repeat(40_000)}`);
    request.end(`${'x'.repeat(40_000)}"}`);

    // Assess: the engine read no further than the limit; nothing reached the queue; the next request is served.
    const answer = await outcome;
    expect(answer).toMatchObject({ status: 413, connection: 'close' });
    expect(JSON.parse(answer.body)).toEqual({
      error: 'invalid request',
      errors: ['(body): larger than 65536 bytes; expected one match result'],
    });
    expect(await platform.drainQueue()).toEqual([]);
    expect((await post(engine.url, match)).status).toBe(202);
    expect(await platform.drainQueue()).toHaveLength(1);
  });

  it('publishes nothing for a client that goes away in the middle of its body, and logs it as aborted', async () => {
    // Prepare: the headers and half the body.
    const text = JSON.stringify(match);
    const request = httpRequest(`${engine.url}/api/matches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': text.length },
    });
    request.on('error', () => {});
    request.write(text.slice(0, text.length / 2));
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    request.destroy();

    // Assess
    const line = await eventually(async () =>
      logLines
        .map((entry) => JSON.parse(entry) as Record<string, unknown>)
        .find(
          (entry) => entry.message === 'request' && entry.path === '/api/matches' && entry.aborted === true,
        ),
    );
    expect(line).toMatchObject({ aborted: true });
    // The route finished too (a body read that never settles would hold the batch being formed):
    // the access line is written only then, after the route said why it stopped.
    const lines = logLines.map((entry) => JSON.parse(entry) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'client closed the connection before the response',
        requestId: line.requestId,
      }),
    );
    expect(await platform.drainQueue()).toEqual([]);
  });

  it('names the routes and methods that exist for anything else', async () => {
    // Act
    const unknown = await fetch(`${engine.url}/players`);
    const wrongMethod = await fetch(`${engine.url}/api/matches`);

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

    // Act: the commit signals the change; the board shows it within the refresh bound.
    const top3 = await eventually(async () => {
      const response = await fetch(`${engine.url}/api/leaderboard?limit=3`);
      const body = (await response.json()) as Entries;
      const cacheControl = response.headers.get('cache-control');
      return body.entries.length === 3 ? { status: response.status, body, cacheControl } : undefined;
    });
    const all = await fetch(`${engine.url}/api/leaderboard`);

    // Assess
    expect(top3.status).toBe(200);
    expect(top3.body).toEqual({
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
    // The edge may keep a leaderboard 5 s; browsers keep nothing.
    expect(top3.cacheControl).toBe('public, max-age=0, s-maxage=5');
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
  ])('answers /api/leaderboard?%s with 400: %s', async (query, error) => {
    // Act
    const response = await fetch(`${engine.url}/api/leaderboard?${query}`);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid query', errors: [error] });
    // An error is never cached by the edge.
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('logs the eventId of a result SQS stored after its client had gone, on the access line', async () => {
    // Prepare: the real queue, reached through a proxy that holds each request back 300 ms.
    const proxy = await startQueueProxy(platform.aws.endpoint, { delayMs: 300 });
    const slow = await startEngine(
      readEngineConfig({
        ...platform.env,
        AWS_ENDPOINT_URL_SQS: proxy.endpoint,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
      }),
      createLogger('info', { service: 'engine' }, (line) => logLines.push(line)),
      { now: () => NOW },
    );
    logLines.length = 0;
    try {
      const text = JSON.stringify(match);
      const request = httpRequest(`${slow.url}/api/matches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': text.length },
      });
      request.on('error', () => {});

      // Act: the whole body, then the client leaves while the result waits for SQS.
      request.end(text);
      await new Promise((resolve) => setTimeout(resolve, 100));
      request.destroy();

      // Assess
      const line = await eventually(async () =>
        logLines
          .map((entry) => JSON.parse(entry) as Record<string, unknown>)
          .find((entry) => entry.message === 'request' && entry.path === '/api/matches'),
      );
      const messages = await eventually(async () => {
        const drained = await platform.drainQueue();
        return drained.length > 0 ? drained : undefined;
      });
      expect(line).toMatchObject({ aborted: true, matchId: (match as { matchId: string }).matchId });
      expect(messages.map((message) => JSON.parse(message.Body ?? '').id)).toEqual([line.eventId]);
    } finally {
      await slow.stop(1_000);
      await proxy.stop();
    }
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

  it('answers 503 on the leaderboard once PostgreSQL is down for longer than the refresh bound, and serves it again once it is back', async () => {
    // Prepare
    const signalConnections = () => logLines.filter((line) => line.includes(LISTENING)).length;
    const connectedBefore = signalConnections();
    await platform.postgres.pause();

    try {
      // Act: the board in memory may be served until it is older than the bound, then not.
      const during = await eventually(async () => {
        const response = await fetch(`${engine.url}/api/leaderboard`);
        return response.status === 200 ? undefined : response;
      });
      const ready = await fetch(`${engine.url}/health/ready`);

      // Assess
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('5');
      expect(await during.json()).toEqual({ error: 'the leaderboard is unavailable; retry later' });
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'unavailable', queue: 'ok' },
      });
    } finally {
      await platform.postgres.restart();
    }
    const after = await eventually(async () => {
      const response = await fetch(`${engine.url}/api/leaderboard?limit=1`);
      return response.status === 200 ? ((await response.json()) as Entries) : undefined;
    });
    expect(after.entries[0]?.playerId).toBe('p-ann');
    // The change signal came back too (and changes missed while it was away were re-read).
    await eventually(async () => (signalConnections() > connectedBefore ? true : undefined));
  });
});

/** A POST whose body arrives in two parts: the headers and half the body now, the rest on `finish()` (a slow link). */
const slowPost = (base: string, body: unknown, key: string) => {
  const text = Buffer.from(JSON.stringify(body));
  const half = Math.floor(text.length / 2);
  const request = httpRequest(`${base}/api/matches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': text.length, 'idempotency-key': key },
  });
  const status = new Promise<number | undefined>((resolve, reject) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', reject);
  });
  request.write(text.subarray(0, half));
  return { status, finish: () => request.end(text.subarray(half)) };
};

/** A valid match result of `players` players (about 70 bytes each once published). */
const matchOf = (players: number) => ({
  ...(match as object),
  players: Array.from({ length: players }, (_, n) => ({
    playerId: `steam:765611980000${String(n).padStart(5, '0')}`,
    score: 1000 - n,
    placement: n + 1,
  })),
});

describe('engine under player load', () => {
  it('answers 503 only for the match result SQS refused in a batch, 202 for the others, and acknowledges nothing SQS did not store', async () => {
    // Prepare: a queue that refuses messages over 1 KiB; two of the five results are larger.
    const { QueueUrl = '' } = await platform.sqs.send(
      new CreateQueueCommand({ QueueName: 'game-test-small', Attributes: { MaximumMessageSize: '1024' } }),
    );
    const small = await startTestEngine({
      ...platform.env,
      EVENTS_QUEUE_URL: QueueUrl,
      MATCH_BATCH_LINGER_MS: '50',
    });
    const bodies = [matchOf(2), matchOf(20), matchOf(3), matchOf(25), matchOf(1)];
    const keys = bodies.map((_, n) => `0b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e${String(n).padStart(2, '0')}`);
    const before = platform.aws.requestCounts().SendMessageBatch ?? 0;

    try {
      // Act
      const responses = await Promise.all(
        bodies.map((body, n) => post(small.url, body, { 'idempotency-key': keys[n] ?? '' })),
      );
      const messages = await platform.drainQueue(QueueUrl);

      // Assess
      expect(responses.map((response) => response.status)).toEqual([202, 503, 202, 503, 202]);
      expect(platform.aws.requestCounts().SendMessageBatch ?? 0).toBeLessThan(before + bodies.length);
      const refused = (await responses[1]?.json()) as { error: string; eventId: string };
      expect(refused.eventId).toBe(keys[1]);
      expect(refused.error).toContain(
        `NOT accepted; retry later with the header Idempotency-Key: ${keys[1]}`,
      );
      expect(messages.map((message) => JSON.parse(message.Body ?? '').id).sort()).toEqual(
        [keys[0], keys[2], keys[4]].sort(),
      );
    } finally {
      await small.stop(1_000);
    }
  });

  it('sends the match results lingering for their batch when it stops, so their requests get 202 before exit', async () => {
    // Prepare: a linger far beyond the configurable bound, so only the stop can send them; they
    // linger because a third request has started and is still sending its body.
    const lingering = await startTestEngine(platform.env, (config) => ({
      ...config,
      matchBatchLingerMs: 600_000,
    }));
    const keys = ['1b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e01', '1b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e02'];
    const slowKey = '1b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e03';
    const slow = slowPost(lingering.url, match, slowKey);
    // In flight (a session) once the engine has its headers: from then on it is announced.
    await eventually(async () => (lingering.sessions.active === 1 ? true : undefined));
    const responses = keys.map((key) => post(lingering.url, match, { 'idempotency-key': key }));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const stopped = lingering.stop(5_000);
    slow.finish();
    const { drained } = await stopped;

    // Assess
    expect(drained).toBe(true);
    expect((await Promise.all(responses)).map((response) => response.status)).toEqual([202, 202]);
    expect(await slow.status).toBe(202);
    expect((await platform.drainQueue()).map((message) => JSON.parse(message.Body ?? '').id).sort()).toEqual(
      [...keys, slowKey].sort(),
    );
  });

  it('answers match results posted together without waiting for the linger, and does not wait for one that is refused', async () => {
    // Prepare: a linger no test waits out, so every 202 comes from a batch sent early.
    const early = await startTestEngine(platform.env, (config) => ({
      ...config,
      matchBatchLingerMs: 600_000,
    }));
    const keys = Array.from({ length: 5 }, (_, n) => `2c7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e0${n}`);
    const before = platform.aws.requestCounts().SendMessageBatch ?? 0;

    try {
      // Act: five at once, and an invalid one among them (announced, then withdrawn).
      const responses = await Promise.all([
        ...keys.map((key) => post(early.url, match, { 'idempotency-key': key })),
        post(early.url, loadEvent('http', 'match-result-invalid')),
      ]);

      // Assess
      expect(responses.map((response) => response.status)).toEqual([202, 202, 202, 202, 202, 400]);
      expect(platform.aws.requestCounts().SendMessageBatch ?? 0).toBeLessThan(before + keys.length);
      expect(
        (await platform.drainQueue()).map((message) => JSON.parse(message.Body ?? '').id).sort(),
      ).toEqual(keys);
    } finally {
      await early.stop(1_000);
    }
  });

  it('serves a burst of 300 concurrent leaderboard requests, every page size, with one PostgreSQL query', async () => {
    // Prepare: a refresh bound longer than the test, so every request must share the one query.
    await platform.db.query('SELECT pg_stat_statements_reset()');
    const burst = await startTestEngine({ ...platform.env, LEADERBOARD_REFRESH_MS: '60000' });

    try {
      // Act
      const responses = await Promise.all(
        Array.from({ length: 300 }, (_, n) => fetch(`${burst.url}/api/leaderboard?limit=${(n % 100) + 1}`)),
      );
      const bodies = (await Promise.all(responses.map((response) => response.json()))) as Entries[];

      // Assess
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(bodies.map((body) => body.entries.length)).toEqual(
        Array.from({ length: 300 }, (_, n) => Math.min((n % 100) + 1, bodies[99]?.entries.length ?? 0)),
      );
      expect(bodies[0]?.entries[0]?.playerId).toBe('p-ann');
      expect(await leaderboardQueries()).toBe(1);
    } finally {
      await burst.stop(1_000);
    }
  });

  it('answers 304 to If-None-Match while the board is unchanged, and pushes a committed change within the refresh bound', async () => {
    // Prepare: an engine whose change signal is connected (it logs so once it LISTENs).
    const connectedBefore = logLines.filter((line) =>
      line.includes('"listening for leaderboard changes"'),
    ).length;
    const live = await startTestEngine({ ...platform.env, LEADERBOARD_REFRESH_MS: String(REFRESH_MS) });
    await eventually(async () =>
      logLines.filter((line) => line.includes(LISTENING)).length > connectedBefore ? true : undefined,
    );

    try {
      const first = await fetch(`${live.url}/api/leaderboard?limit=3`);
      const etag = first.headers.get('etag') ?? '';
      await first.arrayBuffer();

      // Act
      const unchanged = await fetch(`${live.url}/api/leaderboard?limit=3`, {
        headers: { 'if-none-match': etag },
      });
      const otherPage = await fetch(`${live.url}/api/leaderboard?limit=4`);
      await otherPage.arrayBuffer();
      const pushed = nextSnapshot(live);
      const committedAt = performance.now();
      await platform.db.query(
        "INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score) VALUES ('p-eve', 1, 1, 9000, 9000)",
      );
      const snapshot = await pushed;
      const pushedAfterMs = performance.now() - committedAt;
      const changed = await fetch(`${live.url}/api/leaderboard?limit=3`, {
        headers: { 'if-none-match': etag },
      });

      // Assess
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^"[\w-]{32}"$/);
      expect(first.headers.get('cache-control')).toBe(LEADERBOARD_CACHE_CONTROL);
      expect(unchanged.status).toBe(304);
      expect(unchanged.headers.get('etag')).toBe(etag);
      expect(await unchanged.text()).toBe('');
      expect(otherPage.headers.get('etag')).not.toBe(etag);
      // Pushed by the database's signal, no request needed; the bound plus slack for a loaded machine.
      expect(snapshot.rows[0]?.playerId).toBe('p-eve');
      expect(pushedAfterMs).toBeLessThan(REFRESH_MS + 1_000);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(((await changed.json()) as Entries).entries[0]?.playerId).toBe('p-eve');
    } finally {
      await live.stop(1_000);
    }
  });
});
