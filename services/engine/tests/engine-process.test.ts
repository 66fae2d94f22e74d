/**
 * The bundle the image contains (`build.ts` output), run as a child process with only environment
 * variables, as ECS runs it: it starts and publishes through AWS_ENDPOINT_URL_SQS, its health check
 * script works, it refuses a bad configuration, and on SIGTERM it stops accepting, finishes the
 * request in flight and exits 0 within SHUTDOWN_TIMEOUT_SECONDS (1 when it had to cut a request off).
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '@game-platform/local';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngineHarness } from './helpers/engine-harness';
import { spawnEngine } from './helpers/engine-process';
import { loadEvent } from './helpers/events';

let harness: EngineHarness;
const start = (extra: Record<string, string> = {}) => harness.start(extra);

/** A POST /api/matches whose body is sent in two halves: in flight until `finish()` is called. */
const slowPost = (url: string, body: string) => {
  const half = Math.floor(body.length / 2);
  let finish: () => void = () => {};
  const response = new Promise<{ status: number; connection: string | undefined; body: string }>(
    (resolve, reject) => {
      const req = request(
        `${url}/api/matches`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, half));
      finish = () => req.end(body.slice(half));
    },
  );
  return { response, finish: () => finish() };
};

/** What a new connection gets: `ECONNREFUSED` once the server stopped listening, else a status or error. */
const newConnection = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });

beforeAll(async () => {
  harness = await startEngineHarness();
}, 60_000);

// Each test starts from an empty queue, whatever an earlier one left.
beforeEach(async () => {
  await harness.platform.drainQueue();
});

afterAll(async () => harness?.stop());

describe('the engine bundle as a process', () => {
  it('starts from environment variables alone and publishes a posted match result through AWS_ENDPOINT_URL_SQS', async () => {
    // Prepare
    const engine = await start();

    // Act
    const response = await fetch(`${engine.url}/api/matches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loadEvent('http', 'match-result')),
    });
    const { eventId } = (await response.json()) as { eventId: string };
    const messages = await harness.platform.drainQueue();

    // Assess
    expect(response.status).toBe(202);
    expect(messages.map((message) => JSON.parse(message.Body ?? '').id)).toEqual([eventId]);
    // One access line per request, carrying what it did.
    expect(await engine.logged('request', 10_000, { path: '/api/matches', eventId })).toMatchObject({
      service: 'engine',
      status: 202,
      matchId: (loadEvent('http', 'match-result') as { matchId: string }).matchId,
    });
  });

  it('ships a health check script that exits 0 when the engine answers and 1 when nothing does', async () => {
    // Prepare
    const engine = await start();
    const check = (port: string) =>
      spawnSync(process.execPath, [join(harness.bundle.outdir, 'healthcheck.mjs')], {
        env: { PORT: port },
        timeout: 10_000,
      }).status;

    // Act
    const healthy = check(new URL(engine.url).port);
    const unhealthy = check(String(await freePort()));

    // Assess
    expect([healthy, unhealthy]).toEqual([0, 1]);
  });

  it('refuses to start with a bad configuration, naming each variable, its value and what is expected', async () => {
    // Act
    const engine = await spawnEngine(
      harness.bundle.outdir,
      {
        HOST: '127.0.0.1',
        PORT: '80',
        DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:master',
        DATABASE_ENDPOINT_ADDRESS: 'db.internal',
        DATABASE_PORT: '5432',
        DATABASE_NAME: 'game',
        SHUTDOWN_TIMEOUT_SECONDS: '600',
      },
      { waitForListening: false },
    );
    const { code } = await engine.exited;

    // Assess
    expect(code).toBe(1);
    expect(engine.logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'invalid configuration; not starting',
        problems: [
          'EVENTS_QUEUE_URL is not set; expected a queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/game-dev-events',
          'AWS_REGION is not set and EVENTS_QUEUE_URL names no region; expected AWS_REGION set to an AWS region such as eu-west-1',
          expect.stringMatching(
            /^DATABASE_SECRET_ARN is "arn:aws:secretsmanager:.*"; expected it unset: the engine connects as game_engine/,
          ),
          'PORT is "80"; expected an integer from 1024 to 65535 (a non-root user cannot bind ports below 1024)',
          'SHUTDOWN_TIMEOUT_SECONDS is "600"; expected an integer from 1 to 119 (below the container stopTimeout, at most 120 s on Fargate)',
        ],
      }),
    ]);
  });

  it('on SIGTERM stops accepting connections, finishes the request in flight and exits 0 within SHUTDOWN_TIMEOUT_SECONDS', async () => {
    // Prepare: a request in flight (half its body sent) when ECS stops the task.
    const engine = await start({ SHUTDOWN_TIMEOUT_SECONDS: '5' });
    const inFlight = slowPost(engine.url, JSON.stringify(loadEvent('http', 'match-result')));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const signalledAt = performance.now();
    engine.child.kill('SIGTERM');
    const draining = await engine.logged('draining');
    const whileDraining = await newConnection(engine.url);
    inFlight.finish();
    const response = await inFlight.response;
    const { code, at } = await engine.exited;

    // Assess
    expect(draining).toMatchObject({ inFlight: 1 });
    expect(whileDraining).toBe('ECONNREFUSED');
    expect(response.status).toBe(202);
    expect(response.connection).toBe('close');
    expect((await harness.platform.drainQueue()).map((message) => JSON.parse(message.Body ?? '').id)).toEqual(
      [JSON.parse(response.body).eventId],
    );
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(5_000);
    expect(await engine.logged('stopped')).toMatchObject({ drained: true });
  });

  it('exits 1 within SHUTDOWN_TIMEOUT_SECONDS when a request is still in flight at the deadline', async () => {
    // Prepare: a request whose body never completes.
    const engine = await start({ SHUTDOWN_TIMEOUT_SECONDS: '2' });
    const stuck = slowPost(engine.url, JSON.stringify(loadEvent('http', 'match-result')));
    stuck.response.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const signalledAt = performance.now();
    engine.child.kill('SIGTERM');
    const { code, at } = await engine.exited;

    // Assess
    expect(code).toBe(1);
    expect(at - signalledAt).toBeLessThan(2_000);
    expect(await engine.logged('stopped')).toMatchObject({ drained: false });
    expect(await harness.platform.drainQueue()).toEqual([]);
  });
});
