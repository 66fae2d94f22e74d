/**
 * The live channel: `GET /api/live` upgraded to a WebSocket (the `ws` library), through CloudFront's
 * `/api/*` behaviour and the internal load balancer like every player route. Transport only: the
 * game is `domain/live-play.ts`. What this file adds is what keeps one task safe under a crowd:
 *
 * - Origin checked on upgrade: a browser always sends `Origin`; it must be the page's own site (its
 *   host equals the `Host` the request came to) or one of `allowedOrigins`, so another site cannot
 *   open a channel with a player's browser (cross-site WebSocket hijacking). A client that sends no
 *   `Origin` is not a browser and could send any value, so the check cannot stop it and lets it in.
 * - Connections per task bounded (`maxConnections`): one more is refused before the upgrade with 503
 *   and `Retry-After`, and the client's backoff brings it to another task (the load balancer spreads
 *   new connections). The count is published as the `LiveConnections` metric.
 * - Messages: at most `maxMessageBytes` (ws closes a bigger frame with 1009), text JSON only, at most
 *   `messagesPerSecond` per connection (over it: dropped, with one `rate-limited` error a second).
 * - Heartbeat: a ping every `heartbeatMs`; no pong by the next ping and the connection is cut (a dead
 *   peer holds no slot). Idle: no message for `idleTimeoutMs` and no round running closes it (4000).
 * - Draining (`drain`): no new connection or round; a running round finishes on its own clock (10 s,
 *   within the drain budget) and is published, then the client is told to reconnect and the
 *   connection closes (1012 "service restart"); a round that could not end before the budget is voided.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_PATH_PREFIX } from '@game-platform/shared/edge';
import type { Logger } from '@game-platform/shared/log';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { rankLeaderboard } from '../domain/leaderboard';
import type { LeaderboardCache, LeaderboardSnapshot } from '../domain/leaderboard-cache';
import {
  createLivePlayer,
  type LivePlayDependencies,
  type LivePlayer,
  type ServerMessage,
} from '../domain/live-play';
import type { LiveMetrics, SessionTracker } from '../domain/ports';

export const LIVE_PATH = `${API_PATH_PREFIX}/live`;

/** Rows of the leaderboard pushed to every page (the site shows the top 10). */
export const LIVE_LEADERBOARD_ROWS = 10;

/** Close codes: 1012 is "service restart" (RFC 6455 registry); 4000-4999 are the application's. */
export const CLOSE = { restart: 1012, idle: 4000 } as const;

export interface LiveChannelOptions {
  maxConnections: number;
  maxMessageBytes: number;
  messagesPerSecond: number;
  heartbeatMs: number;
  idleTimeoutMs: number;
  /** Origins allowed besides the page's own (e.g. a custom domain served by another distribution). */
  allowedOrigins: readonly string[];
  metricsIntervalMs: number;
}

export interface LiveChannelDependencies {
  play: Omit<LivePlayDependencies, 'log'>;
  leaderboard: LeaderboardCache;
  sessions: SessionTracker;
  metrics: LiveMetrics;
  log: Logger;
}

export interface LiveChannel {
  /** The HTTP server's `upgrade` event. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly connections: number;
  /**
   * Stops taking connections and rounds, lets running rounds finish and publish within `budgetMs`
   * (voiding those that cannot), tells every client to reconnect and closes every connection.
   */
  drain(budgetMs: number): Promise<{ closed: number; voidedRounds: number }>;
}

/** Time kept at the end of the drain budget for close handshakes; rounds not over by then are voided. */
const CLOSE_MARGIN_MS = 2_000;

interface Connection {
  socket: WebSocket;
  player: LivePlayer;
  alive: boolean;
  lastMessageAt: number;
  tokens: number;
  refilledAt: number;
  rateLimitedAt: number;
}

const refuse = (socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}) => {
  const lines = Object.entries({
    connection: 'close',
    'content-type': 'text/plain',
    ...headers,
    'content-length': String(Buffer.byteLength(reason)),
  })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n${lines}\r\n\r\n${reason}`,
  );
};

export const createLiveChannel = (
  dependencies: LiveChannelDependencies,
  options: LiveChannelOptions,
): LiveChannel => {
  const { log, sessions } = dependencies;
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    clientTracking: false,
  });
  const open = new Set<Connection>();
  let draining = false;
  let rejectedTaps = 0;
  let roundsPublished = 0;

  const frameOf = (snapshot: LeaderboardSnapshot) =>
    JSON.stringify({
      type: 'leaderboard',
      version: snapshot.version,
      entries: rankLeaderboard(snapshot.rows, { limit: LIVE_LEADERBOARD_ROWS }),
    });

  // Pushed from the leaderboard cache, which refreshes when the database signals the consumer's
  // commit: every page sees a result once it is stored (what a reload would show), and the whole
  // crowd costs one query per refresh interval per task, however many pages are open.
  const unsubscribe = dependencies.leaderboard.subscribe((snapshot) => {
    const frame = frameOf(snapshot);
    for (const connection of open)
      if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(frame);
  });

  const heartbeat = setInterval(() => {
    const now = performance.now();
    for (const connection of open) {
      if (!connection.alive) {
        log.info('live connection cut: no pong to the last ping', { playerId: connection.player.playerId });
        connection.socket.terminate();
        continue;
      }
      if (now - connection.lastMessageAt > options.idleTimeoutMs && !connection.player.busy) {
        connection.socket.close(CLOSE.idle, 'idle');
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  const metricsTimer = setInterval(() => {
    dependencies.metrics.record({ liveConnections: open.size, rejectedTaps, roundsPublished });
    rejectedTaps = 0;
    roundsPublished = 0;
  }, options.metricsIntervalMs);
  metricsTimer.unref();

  const originAllowed = (request: IncomingMessage): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (options.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  };

  const accept = (socket: WebSocket) => {
    const endSession = sessions.begin('live');
    const send = (message: ServerMessage) => {
      if (message.type === 'tap' && message.outcome === 'rejected') rejectedTaps += 1;
      if (message.type === 'round' && message.state === 'finished') roundsPublished += 1;
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    };
    const player = createLivePlayer({ ...dependencies.play, log }, send);
    if (draining) player.refuseRounds('the server is restarting; reconnect');
    const now = performance.now();
    const connection: Connection = {
      socket,
      player,
      alive: true,
      lastMessageAt: now,
      tokens: options.messagesPerSecond,
      refilledAt: now,
      rateLimitedAt: Number.NEGATIVE_INFINITY,
    };
    open.add(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const at = performance.now();
      connection.lastMessageAt = at;
      connection.alive = true;
      connection.tokens = Math.min(
        options.messagesPerSecond,
        connection.tokens + ((at - connection.refilledAt) * options.messagesPerSecond) / 1000,
      );
      connection.refilledAt = at;
      if (connection.tokens < 1) {
        if (at - connection.rateLimitedAt >= 1000) {
          connection.rateLimitedAt = at;
          send({
            type: 'error',
            code: 'rate-limited',
            message: `more than ${options.messagesPerSecond} messages a second; messages over the limit are dropped`,
          });
        }
        return;
      }
      connection.tokens -= 1;
      if (isBinary)
        return send({
          type: 'error',
          code: 'bad-message',
          message: 'binary frames are not accepted; send JSON text',
        });
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return send({
          type: 'error',
          code: 'bad-message',
          message: 'not JSON; expected a JSON object such as {"type":"tap"}',
        });
      }
      player.receive(message);
    });
    socket.on('error', (error) => log.info('live connection error', { error, playerId: player.playerId }));
    socket.on('close', (code) => {
      open.delete(connection);
      player.close();
      endSession();
      log.debug('live connection closed', { code, playerId: player.playerId });
    });
    // No board on connect: the page reads /api/leaderboard itself (from the edge's cache) when it
    // connects, and from then on gets every change here.
  };

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://engine').pathname;
    if (path !== LIVE_PATH) return refuse(socket, 404, `no WebSocket route ${path}; expected ${LIVE_PATH}`);
    if (!originAllowed(request)) {
      log.warn('live connection refused: foreign origin', {
        origin: request.headers.origin,
        host: request.headers.host,
      });
      return refuse(socket, 403, `origin ${request.headers.origin} may not open the live channel`);
    }
    if (draining) return refuse(socket, 503, 'this server is restarting; reconnect', { 'retry-after': '1' });
    if (open.size >= options.maxConnections) {
      log.warn('live connection refused: the task is full', { connections: open.size });
      return refuse(socket, 503, `this server holds ${options.maxConnections} live connections; retry`, {
        'retry-after': '2',
      });
    }
    server.handleUpgrade(request, socket, head, accept);
  };

  const drain = async (budgetMs: number) => {
    draining = true;
    const started = performance.now();
    log.info('live channel draining', {
      connections: open.size,
      busy: [...open].filter((c) => c.player.busy).length,
      budgetMs,
    });
    unsubscribe();
    clearInterval(heartbeat);
    let voidedRounds = 0;
    const goodbye = (connection: Connection) => {
      if (connection.socket.readyState === WebSocket.OPEN) {
        connection.socket.send(
          JSON.stringify({
            type: 'reconnect',
            reason: 'the server is restarting',
            retryAfterMs: 500,
          } satisfies ServerMessage),
        );
        connection.socket.close(CLOSE.restart, 'server restarting; reconnect');
      }
    };
    const connections = [...open];
    for (const connection of connections)
      connection.player.refuseRounds('the server is restarting; reconnect and start again');
    const roundsDeadline = setTimeout(
      () => {
        for (const connection of open)
          if (connection.player.busy) {
            voidedRounds += 1;
            connection.player.voidRound('the server stopped before the round could end');
          }
      },
      Math.max(0, budgetMs - CLOSE_MARGIN_MS),
    );
    await Promise.all(
      connections.map(async (connection) => {
        await connection.player.settled();
        goodbye(connection);
      }),
    );
    clearTimeout(roundsDeadline);
    // Close handshakes get what is left of the budget; a peer that does not answer is cut.
    const left = Math.max(0, budgetMs - (performance.now() - started));
    await new Promise<void>((resolve) => {
      const check = () => (open.size === 0 ? resolve() : undefined);
      const cut = setTimeout(
        () => {
          for (const connection of open) connection.socket.terminate();
          resolve();
        },
        Math.min(left, CLOSE_MARGIN_MS),
      );
      for (const connection of open)
        connection.socket.once('close', () => {
          check();
          if (open.size === 0) clearTimeout(cut);
        });
      check();
      if (open.size === 0) clearTimeout(cut);
    });
    clearInterval(metricsTimer);
    dependencies.metrics.record({ liveConnections: open.size, rejectedTaps, roundsPublished });
    server.close();
    log.info('live channel drained', {
      closed: connections.length,
      voidedRounds,
      durationMs: Math.round(performance.now() - started),
    });
    return { closed: connections.length, voidedRounds };
  };

  return {
    upgrade,
    get connections() {
      return open.size;
    },
    drain,
  };
};

/** The channel when live play is not configured: every upgrade is refused with the reason. */
export const liveChannelOff = (reason: string): LiveChannel => ({
  upgrade: (_request, socket) => refuse(socket, 503, `live play is off on this server: ${reason}`),
  connections: 0,
  drain: async () => ({ closed: 0, voidedRounds: 0 }),
});
