/**
 * The live channel's timers, in process with short periods (the real ones are 15 s and 10 minutes):
 * a silent but answering client is closed as idle, a client that stops answering pings is cut, and
 * a drain whose budget ends before a running round does voids the round and publishes nothing.
 * The events land in a recording publisher (the process tests use a real SQS-compatible server).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GameEvent } from '@game-platform/shared/events';
import { createLogger } from '@game-platform/shared/log';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LeaderboardCache } from '../src/domain/leaderboard-cache';
import { createPlayerIdentity } from '../src/domain/player-identity';
import { CLOSE, createLiveChannel, type LiveChannel } from '../src/http/live-channel';
import { openLive } from './helpers/live-client';

const servers: Server[] = [];

const startChannel = async (timers: { heartbeatMs: number; idleTimeoutMs: number }) => {
  const published: GameEvent[] = [];
  let id = 0;
  const channel: LiveChannel = createLiveChannel(
    {
      play: {
        identity: createPlayerIdentity('timers-test-player-id-signing-key-0123456789'),
        publisher: { publish: async (event) => void published.push(event) },
        requestKeys: { claim: async (_key, fingerprint) => fingerprint },
        source: 'engine',
        now: () => new Date(),
        newEventId: () => {
          id += 1;
          return `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
        },
      },
      leaderboard: new LeaderboardCache({
        reader: { top: async () => [] },
        maxRows: 10,
        refreshIntervalMs: 1000,
      }),
      sessions: { begin: () => () => {}, active: 0 },
      metrics: { record: () => {} },
      log: createLogger('error'),
    },
    {
      maxConnections: 10,
      maxMessageBytes: 1024,
      messagesPerSecond: 60,
      allowedOrigins: [],
      metricsIntervalMs: 60_000,
      ...timers,
    },
  );
  const server = createServer((_request, response) => response.end());
  server.on('upgrade', channel.upgrade);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { channel, published, url: `ws://127.0.0.1:${port}/api/live` };
};

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('live channel timers', () => {
  it('closes a silent client as idle (4000) and cuts one that stops answering pings', async () => {
    // Prepare
    const { url } = await startChannel({ heartbeatMs: 100, idleTimeoutMs: 400 });
    const started = performance.now();

    // Act
    const silent = await openLive(url);
    const deaf = new WebSocket(url, { autoPong: false });
    const deafClosed = new Promise<{ code: number; at: number }>((resolve) =>
      deaf.on('close', (code) => resolve({ code, at: performance.now() })),
    );
    const [idle, cut] = await Promise.all([silent.closed, deafClosed]);

    // Assess: the deaf one goes after two heartbeats without a pong, the silent one at the idle timeout
    expect(cut.code).toBe(1006);
    expect(cut.at - started).toBeLessThan(400);
    expect(idle.code).toBe(CLOSE.idle);
    expect(idle.at - started).toBeGreaterThanOrEqual(400);
  });

  it('voids a round that cannot end within the drain budget: the player is told, nothing is published', async () => {
    // Prepare
    const { url, channel, published } = await startChannel({ heartbeatMs: 10_000, idleTimeoutMs: 60_000 });
    const player = await openLive(url);
    player.send({ type: 'hello' });
    await player.next((frame) => frame.type === 'welcome');
    player.send({ type: 'start' });
    await player.next((frame) => frame.state === 'started');

    // Act
    const drained = await channel.drain(2_500);
    const { code } = await player.closed;

    // Assess
    expect(drained).toEqual({ closed: 1, voidedRounds: 1 });
    expect(player.frames.find((frame) => frame.type === 'round' && frame.state === 'voided')).toMatchObject({
      reason: 'the server stopped before the round could end',
    });
    expect(player.frames.at(-1)).toMatchObject({ type: 'reconnect' });
    expect(code).toBe(CLOSE.restart);
    expect(published.filter((event) => event.type === 'match.completed')).toEqual([]);
  });
});
