import { parseGameEventJson } from '@game-platform/shared/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxRoundScore } from '../src/domain/live-round';
import { type EngineHarness, startEngineHarness } from './helpers/engine-harness';
import { type LiveClient, openLive } from './helpers/live-client';

const KEY = 'test-only-player-id-signing-key-0123456789';
const OTHER_KEY = 'another-engine-s-signing-key-9876543210abcdef';

let harness: EngineHarness;
const start = async (extra: Record<string, string> = {}) => {
  const engine = await harness.start({ PLAYER_ID_SIGNING_KEY: KEY, ...extra });
  return { engine, live: `${engine.url.replace('http:', 'ws:')}/api/live` };
};

const hello = async (client: LiveClient, message: Record<string, unknown> = {}) => {
  client.send({ type: 'hello', ...message });
  return client.next((frame) => frame.type === 'welcome' || frame.type === 'error');
};

const matchEvents = async () =>
  (await harness.platform.drainQueue())
    .map((message) => parseGameEventJson(message.Body ?? ''))
    .flatMap((parsed) => (parsed.ok && parsed.value.type === 'match.completed' ? [parsed.value] : []));

beforeAll(async () => {
  harness = await startEngineHarness();
}, 60_000);

afterAll(async () => harness?.stop());

describe('live channel', () => {
  it('refuses a forged or tampered player id, and keeps the id it signed across connections', async () => {
    // Prepare
    const { live } = await start();
    const first = await openLive(live);
    const welcome = await hello(first);
    const token = String(welcome.token);
    const [playerId, signature = ''] = token.split('.');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;

    // Act
    const again = await hello(await openLive(live), { token });
    const tampered = await hello(await openLive(live), { token: `${playerId?.slice(0, -1)}x.${signature}` });
    const badSignature = await hello(await openLive(live), { token: `${playerId}.${flipped}` });
    const { createPlayerIdentity } = await import('../src/domain/player-identity');
    const forged = await hello(await openLive(live), {
      token: createPlayerIdentity(OTHER_KEY).issue().token,
    });

    // Assess
    expect(welcome).toMatchObject({ type: 'welcome', playerId: expect.stringMatching(/^guest:/) });
    expect(again).toMatchObject({ type: 'welcome', playerId });
    for (const refused of [tampered, badSignature, forged])
      expect(refused).toMatchObject({ type: 'error', code: 'invalid-token' });
  }, 20_000);

  it('answers a bad message with an error frame and leaves everyone else, and that connection, playing', async () => {
    // Prepare
    const { live } = await start();
    const player = await openLive(live);
    const bystander = await openLive(live);
    await hello(player);
    await hello(bystander);
    bystander.send({ type: 'start' });
    await bystander.next((frame) => frame.state === 'started');

    // Act
    player.send('{not json');
    player.send({ type: 'launch-missiles' });
    player.send({ type: 'hello', displayName: 'x'.repeat(40) });
    const errors = await player.next((frame) => frame.code === 'invalid-display-name');
    bystander.send({ type: 'tap' });
    const tap = await bystander.next((frame) => frame.type === 'tap');
    player.send({ type: 'start' });
    const started = await player.next((frame) => frame.state === 'started');

    // Assess
    const codes = player.frames
      .filter((frame) => frame.type === 'error')
      .map((frame) => [frame.code, frame.message]);
    expect(codes).toEqual([
      ['bad-message', 'not JSON; expected a JSON object such as {"type":"tap"}'],
      ['bad-message', 'unknown message type "launch-missiles"; expected "hello", "start" or "tap"'],
      [
        'invalid-display-name',
        expect.stringContaining('displayName: a display name of at most 32 characters'),
      ],
    ]);
    expect(errors.type).toBe('error');
    expect(tap).toMatchObject({ outcome: 'counted', score: 1 });
    expect(started).toMatchObject({ type: 'round', state: 'started' });
  }, 20_000);

  it('refuses an upgrade from another site, and closes only the connection that sends an oversized frame', async () => {
    // Prepare
    const { live, engine } = await start();
    const host = new URL(engine.url).host;

    // Act
    const foreign = await openLive(live, { origin: 'https://evil.example' }).catch(
      (error: Error) => error.message,
    );
    const sameSite = await openLive(live, { origin: `http://${host}` });
    const other = await openLive(live);
    sameSite.send(JSON.stringify({ type: 'tap', padding: 'x'.repeat(2048) }));
    const { code } = await sameSite.closed;
    await hello(other);

    // Assess
    expect(foreign).toBe('refused: HTTP 403');
    expect(code).toBe(1009);
    expect(other.socket.readyState).toBe(other.socket.OPEN);
  }, 20_000);

  it('bounds connections per task, drops messages over the rate with one error, and publishes live connections as an EMF metric', async () => {
    // Prepare
    const { engine, live } = await start({
      LIVE_MAX_CONNECTIONS: '2',
      LIVE_METRICS_INTERVAL_SECONDS: '1',
      STAGE: 'dev',
    });
    const first = await openLive(live);
    const second = await openLive(live);

    // Act
    const third = await openLive(live).catch((error: Error) => error.message);
    await hello(first);
    for (let message = 0; message < 200; message += 1) first.send({ type: 'tap' });
    const limited = await first.next((frame) => frame.code === 'rate-limited');
    const metric = await engine.logged('live metrics', 5_000);

    // Assess
    expect(third).toBe('refused: HTTP 503');
    expect(limited.message).toBe('more than 60 messages a second; messages over the limit are dropped');
    expect(first.frames.filter((frame) => frame.code === 'rate-limited')).toHaveLength(1);
    expect(first.socket.readyState).toBe(first.socket.OPEN);
    expect(second.socket.readyState).toBe(second.socket.OPEN);
    expect(metric).toMatchObject({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'GamePlatform/Engine',
            Dimensions: [['Stage']],
            Metrics: expect.arrayContaining([{ Name: 'LiveConnections', Unit: 'Count' }]),
          },
        ],
      },
      Stage: 'dev',
      LiveConnections: 2,
    });
  }, 20_000);

  it('on SIGTERM with 100 connections and 10 running rounds: publishes each round once, closes all within the budget, publishes nothing after', async () => {
    // Prepare: no engine of an earlier test may publish during this one
    await harness.killEngines();
    await harness.platform.drainQueue();
    const budgetSeconds = 15;
    const { engine, live } = await start({ SHUTDOWN_TIMEOUT_SECONDS: String(budgetSeconds) });
    const clients = await Promise.all(Array.from({ length: 100 }, () => openLive(live)));
    await Promise.all(clients.map((client) => hello(client)));
    const players = clients.slice(0, 10);
    for (const client of players) client.send({ type: 'start' });
    const rounds = await Promise.all(
      players.map((client) => client.next((frame) => frame.state === 'started')),
    );
    for (const [index, client] of players.entries())
      for (let tap = 0; tap <= index % 5; tap += 1) client.send({ type: 'tap' });
    await Promise.all(
      players.map((client, index) =>
        client.next((frame) => frame.type === 'tap' && frame.score === (index % 5) + 1),
      ),
    );

    // Act
    const signalledAt = performance.now();
    engine.child.kill('SIGTERM');
    const closes = await Promise.all(clients.map((client) => client.closed));
    const exit = await engine.exited;
    const events = await matchEvents();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = await matchEvents();

    // Assess: every connection told to reconnect and closed with 1012 within the budget
    const lastCloseMs = Math.max(...closes.map(({ at }) => at)) - signalledAt;
    console.log(
      `SIGTERM drain: 100 connections closed within ${Math.round(lastCloseMs)} ms, exit after ${Math.round(exit.at - signalledAt)} ms (budget ${budgetSeconds * 1000} ms)`,
    );
    expect(closes.every(({ code }) => code === 1012)).toBe(true);
    expect(lastCloseMs).toBeLessThan(budgetSeconds * 1000);
    expect(exit.at - signalledAt).toBeLessThan(budgetSeconds * 1000);
    expect(clients.every((client) => client.frames.some((frame) => frame.type === 'reconnect'))).toBe(true);
    expect(exit.code).toBe(0);
    // ...every running round finished on its clock and was published exactly once, with its taps
    const finished = players.map((client) => client.frames.find((frame) => frame.state === 'finished'));
    expect(finished.map((frame) => frame?.score)).toEqual(players.map((_, index) => (index % 5) + 1));
    expect(events.map((event) => event.payload.matchId).sort()).toEqual(
      rounds.map((round) => round.roundId).sort(),
    );
    expect(events.map((event) => event.id).sort()).toEqual(finished.map((frame) => frame?.eventId).sort());
    // ...and nothing after the process closed
    expect(later).toEqual([]);
    const stopped = engine.logs.findIndex((line) => line.message === 'stopped');
    expect(engine.logs.slice(stopped).some((line) => line.message === 'live round published')).toBe(false);
    expect(Math.max(...finished.map((frame) => Number(frame?.score)))).toBeLessThanOrEqual(maxRoundScore());
  }, 60_000);
});
