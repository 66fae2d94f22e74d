/**
 * The container health check (`HEALTH_CHECK.command` in services/engine/stack/task-definition.ts:
 * `["CMD", "/nodejs/bin/node", "/app/healthcheck.mjs"]`). The image has no shell or curl, so
 * node asks the liveness endpoint itself; exit 0 = healthy, 1 = unhealthy.
 */
const port = process.env.PORT || '8080';
const timeout = AbortSignal.timeout(3_000);

fetch(`http://127.0.0.1:${port}/health`, { signal: timeout })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
