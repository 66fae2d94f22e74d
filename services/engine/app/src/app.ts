/**
 * The composition root: creates the clients once, wires the adapters into the HTTP server and
 * knows how to stop it all. `main.ts` runs it as the container's process; tests start it in process.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ecsTaskProtection, noTaskProtection } from './adapters/ecs-task-protection';
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
import { createSessionTracker, type ProtectedSessionTracker } from './domain/sessions';
import { createEngineServer } from './http/server';
import type { Logger } from './log';

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
}

export interface EngineOverrides {
  /** A ready SQS client (tests); by default one is created from the configuration. */
  sqsClient?: SQSClient;
  now?: () => Date;
}

export const startEngine = async (
  config: EngineConfig,
  log: Logger,
  overrides: EngineOverrides = {},
): Promise<RunningEngine> => {
  const sqs = overrides.sqsClient ?? createSqsClient({ region: config.region, endpoint: config.sqsEndpoint });
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
  const engine = createEngineServer(
    {
      publisher,
      requestKeys: postgresRequestKeys(pool),
      leaderboard,
      probes: [postgresProbe(pool), sqsQueueProbe(sqs, config.eventsQueueUrl)],
      source: config.eventSource,
      now: overrides.now ?? (() => new Date()),
      newEventId: randomUUID,
    },
    log,
    sessions,
  );
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
    stop: async (drainTimeoutMs) => {
      // Match results waiting for their batch go now, and later ones without waiting, so the
      // requests in flight get their answer and none is cut off by SIGKILL while lingering.
      const flushed = publisher.close();
      const drained = await engine.drain(drainTimeoutMs);
      await sessions.close();
      await flushed;
      leaderboard.close();
      await changeSignal.close();
      await pool.end();
      sqs.destroy();
      log.info('stopped', { drained });
      return { drained };
    },
  };
};
