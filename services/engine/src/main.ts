/**
 * The container's process: read the configuration (exit 1 naming every problem), start the
 * engine, and on SIGTERM (ECS stopping the task) drain and exit 0 before the stop timeout; exit 1
 * when requests had to be cut off. SIGINT does the same for local runs.
 */

import { createLogger } from '@game-platform/shared/log';
import { startEngine } from './app';
import { EngineConfigError, readEngineConfig } from './config';

/** Time kept after draining to close the pool and the client, within SHUTDOWN_TIMEOUT_SECONDS. */
const CLOSE_MARGIN_MS = 1_000;

const run = async (): Promise<void> => {
  let config: ReturnType<typeof readEngineConfig>;
  try {
    config = readEngineConfig(process.env);
  } catch (error) {
    if (!(error instanceof EngineConfigError)) throw error;
    createLogger('info', { service: 'engine' }).error('invalid configuration; not starting', {
      problems: error.problems,
    });
    process.exit(1);
  }
  const log = createLogger(config.logLevel, { service: 'engine' });
  const engine = await startEngine(config, log);
  log.info('listening', {
    url: engine.url,
    region: config.region,
    database: config.database.kind,
    ...(config.sqsEndpoint ? { sqsEndpoint: config.sqsEndpoint } : {}),
  });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = config.shutdownTimeoutSeconds * 1000;
    log.info('shutdown requested', { signal, shutdownTimeoutSeconds: config.shutdownTimeoutSeconds });
    // Whatever happens while closing, the process is gone before ECS would SIGKILL it.
    setTimeout(() => {
      log.error('shutdown did not complete in time; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    const { drained } = await engine.stop(Math.max(timeoutMs - CLOSE_MARGIN_MS, timeoutMs / 2));
    process.exit(drained ? 0 : 1);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

run().catch((error: unknown) => {
  createLogger('info', { service: 'engine' }).error('engine failed to start', { error });
  process.exit(1);
});
