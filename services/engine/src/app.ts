/**
 * The composition root: creates the clients once, wires the adapters into the HTTP server and
 * knows how to stop it all. `main.ts` runs it as the container's process; tests start it in process.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@game-platform/shared/log';
import { ecsTaskProtection, noTaskProtection } from './adapters/ecs-task-protection';
import { emfLiveMetrics } from './adapters/emf-metrics';
import {
  createDatabasePool,
  postgresChangeSignal,
  postgresLeaderboard,
  postgresProbe,
  postgresRequestKeys,
} from './adapters/postgres';
import { createSqsClient, sqsBatchPublisher, sqsQueueProbe } from './adapters/sqs';
import type { EngineConfig } from './config';
import { LEADERBOARD_LIMIT } from './domain/leaderboard';
import { LeaderboardCache } from './domain/leaderboard-cache';
import { createPlayerIdentity } from './domain/player-identity';
import { createSessionTracker, type ProtectedSessionTracker } from './domain/sessions';
import { createLiveChannel, type LiveChannel, liveChannelOff } from './http/live-channel';
import { createEngineServer } from './http/server';

export interface RunningEngine {
  /** `http://<host>:<port>` the server listens on. */
  url: string;
  /** The live sessions this task holds; while any is held the task is protected from scale-in. */
  sessions: ProtectedSessionTracker;
  /**
   * Graceful stop: stop accepting, let in-flight requests finish within `drainTimeoutMs`, release
   * scale-in protection, then close the database pool and the SQS client. Resolves
   * `drained: false` when requests had to be cut off.
   */
  stop(drainTimeoutMs: number): Promise<{ drained: boolean }>;
  /**
   * The in-memory leaderboard: `subscribe(listener)` gets every new snapshot (after a signalled
   * change, within `LEADERBOARD_REFRESH_MS`), which is what a live channel pushes to players.
   */
  leaderboard: LeaderboardCache;
  /** The live channel (`/api/live`): its open connections. */
  live: LiveChannel;
}

/**
 * The live channel's per-connection limits. A client sends a few dozen bytes per message ({"type":"tap"})
 * and at most ~20 taps a second that count: 1 KiB and 60 messages a second leave room for a human and
 * none for a flood. A ping every 15 s keeps the connection under the load balancer's 60 s idle timeout
 * and finds dead peers within 30 s; 10 minutes without a message frees the slot of an abandoned tab.
 */
const LIVE_LIMITS = {
  maxMessageBytes: 1024,
  messagesPerSecond: 60,
  heartbeatMs: 15_000,
  idleTimeoutMs: 10 * 60_000,
} as const;

export interface EngineOverrides {
  now?: () => Date;
}

export const startEngine = async (
  config: EngineConfig,
  log: Logger,
  overrides: EngineOverrides = {},
): Promise<RunningEngine> => {
  const sqs = createSqsClient({ region: config.region, endpoint: config.sqsEndpoint });
  const pool = await createDatabasePool(config.database, config.databasePoolMax, log);
  const sessions = createSessionTracker({
    protection: config.ecsAgentUri ? ecsTaskProtection(config.ecsAgentUri) : noTaskProtection,
    expiresInMinutes: config.taskProtectionMinutes,
    maxProtectedMs: config.taskProtectionMaxMinutes * 60_000,
    log,
  });
  const publisher = sqsBatchPublisher(sqs, config.eventsQueueUrl, {
    lingerMs: config.matchBatchLingerMs,
    log,
  });
  const leaderboard = new LeaderboardCache({
    reader: postgresLeaderboard(pool),
    maxRows: LEADERBOARD_LIMIT.max,
    refreshIntervalMs: config.leaderboardRefreshMs,
    onListenerError: (error) => log.error('a leaderboard subscriber failed', { error }),
  });
  const changeSignal = postgresChangeSignal(config.database, log);
  changeSignal.start({
    onChange: () => leaderboard.changed(),
    onConnection: (connected) => leaderboard.signalConnection(connected),
  });
  const matchResults = {
    publisher,
    requestKeys: postgresRequestKeys(pool),
    source: config.eventSource,
    now: overrides.now ?? (() => new Date()),
    newEventId: randomUUID,
  };
  const engine = createEngineServer(
    {
      ...matchResults,
      leaderboard,
      probes: [postgresProbe(pool), sqsQueueProbe(sqs, config.eventsQueueUrl)],
    },
    log,
    sessions,
  );
  const live = config.playerIdSigningKey
    ? createLiveChannel(
        {
          play: { ...matchResults, identity: createPlayerIdentity(config.playerIdSigningKey) },
          leaderboard,
          sessions,
          metrics: emfLiveMetrics(config.stage),
          log,
        },
        {
          maxConnections: config.liveMaxConnections,
          allowedOrigins: config.liveAllowedOrigins,
          metricsIntervalMs: config.liveMetricsIntervalSeconds * 1000,
          ...LIVE_LIMITS,
        },
      )
    : liveChannelOff('PLAYER_ID_SIGNING_KEY is not set');
  if (!config.playerIdSigningKey) log.warn('live play is off: PLAYER_ID_SIGNING_KEY is not set');
  engine.server.on('upgrade', live.upgrade);
  await new Promise<void>((resolve, reject) => {
    engine.server.once('error', reject);
    engine.server.listen(config.port, config.host, () => {
      engine.server.off('error', reject);
      resolve();
    });
  });
  const { port } = engine.server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}`,
    sessions,
    leaderboard,
    live,
    stop: async (drainTimeoutMs) => {
      // Match results waiting for their batch go now, and later ones without waiting, so the
      // requests in flight get their answer and none is cut off by SIGKILL while lingering.
      const flushed = publisher.close();
      // Live rounds finish (and publish) or are voided within the budget, alongside the HTTP drain;
      // once both are done nothing publishes any more.
      const [liveDrain, drained] = await Promise.all([
        live.drain(drainTimeoutMs),
        engine.drain(drainTimeoutMs),
      ]);
      await sessions.close();
      await flushed;
      leaderboard.close();
      await changeSignal.close();
      await pool.end();
      sqs.destroy();
      log.info('stopped', {
        drained,
        liveConnectionsClosed: liveDrain.closed,
        liveRoundsVoided: liveDrain.voidedRounds,
      });
      return { drained };
    },
  };
};
