/**
 * The engine container's settings that do not depend on where it runs: one function for the task
 * definition (services/engine/serverless.ts) and the local platform (`npm start`), which each add
 * their own endpoints (queue URL, database, port).
 */
import type { StageProfile } from '@game-platform/shared/profiles';
import { SHUTDOWN_TIMEOUT_SECONDS } from './task-definition';

/**
 * Live connections one task holds (the app refuses one more with 503, and the client retries on
 * another task). Each costs a socket and a few KiB; 1,000 leaves most of the smallest Fargate task
 * (0.25 vCPU) for the rounds' messages. Autoscaling adds tasks at `LIVE_CONNECTIONS_SCALE_AT` of it.
 */
export const LIVE_MAX_CONNECTIONS_PER_TASK = 1000;
export const LIVE_CONNECTIONS_SCALE_AT = 0.7;

export const engineSettingsEnvironment = (profile: StageProfile): Record<string, string> => ({
  DATABASE_POOL_MAX: String(profile.engine.databasePoolMax),
  SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
  LOG_LEVEL: 'info',
  // The `Stage` dimension of the engine's own metrics (live connections, in EMF log lines).
  STAGE: profile.stage,
  LIVE_MAX_CONNECTIONS: String(LIVE_MAX_CONNECTIONS_PER_TASK),
});
