/**
 * The composition root: creates the clients once, wires the adapters into the HTTP server and
 * knows how to stop it all. `main.ts` runs it as the container's process; tests start it in process.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  createDatabasePool,
  postgresLeaderboard,
  postgresProbe,
  postgresRequestKeys,
} from './adapters/postgres';
import { createSqsClient, sqsEventPublisher, sqsQueueProbe } from './adapters/sqs';
import type { EngineConfig } from './config';
import { createEngineServer } from './http/server';
import type { Logger } from './log';

export interface RunningEngine {
  /** `http://<host>:<port>` the server listens on. */
  url: string;
  /**
   * Graceful stop: stop accepting, let in-flight requests finish within `drainTimeoutMs`, then close
   * the database pool and the SQS client. Resolves `drained: false` when requests had to be cut off.
   */
  stop(drainTimeoutMs: number): Promise<{ drained: boolean }>;
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
  const engine = createEngineServer(
    {
      publisher: sqsEventPublisher(sqs, config.eventsQueueUrl),
      requestKeys: postgresRequestKeys(pool),
      leaderboard: postgresLeaderboard(pool),
      probes: [postgresProbe(pool), sqsQueueProbe(sqs, config.eventsQueueUrl)],
      source: config.eventSource,
      now: overrides.now ?? (() => new Date()),
      newEventId: randomUUID,
    },
    log,
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
    stop: async (drainTimeoutMs) => {
      const drained = await engine.drain(drainTimeoutMs);
      await pool.end();
      sqs.destroy();
      log.info('stopped', { drained });
      return { drained };
    },
  };
};
