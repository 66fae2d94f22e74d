/**
 * The engine container's settings that do not depend on where it runs: one function for the task
 * definition (services/engine/serverless.ts) and the local platform (`npm start`), which each add
 * their own endpoints (queue URL, database, port).
 */
import type { StageProfile } from '@game-platform/shared/profiles';
import { shutdownTimeoutSeconds } from './task-definition';

export const engineSettingsEnvironment = (profile: StageProfile): Record<string, string> => ({
  DB_POOL_MAX: String(profile.engine.databasePoolMax),
  SHUTDOWN_TIMEOUT_SECONDS: String(shutdownTimeoutSeconds(profile)),
  LOG_LEVEL: 'info',
  // The `Stage` dimension of the engine's own metrics (live connections, in EMF log lines).
  STAGE: profile.stage,
});
