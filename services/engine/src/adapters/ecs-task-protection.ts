/**
 * Adapter: `ScaleInProtection` on the ECS container agent's task scale-in protection endpoint,
 * `PUT $ECS_AGENT_URI/task-protection/v1/state` with `{"ProtectionEnabled":true,"ExpiresInMinutes":N}`
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-scale-in-protection-endpoint.html).
 * ECS injects `ECS_AGENT_URI` into every container of a task. The agent calls ECS
 * `UpdateTaskProtection` with the task role's credentials, so the task role grants that action on
 * this service's tasks (stack/roles.ts). No SDK: one small JSON request with the global fetch.
 */
import type { ScaleInProtection } from '../domain/ports';

const TIMEOUT_MS = 5_000;

export const ecsTaskProtection = (agentUri: string): ScaleInProtection => ({
  set: async (enabled: boolean, expiresInMinutes?: number) => {
    const response = await fetch(`${agentUri.replace(/\/$/, '')}/task-protection/v1/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        enabled
          ? { ProtectionEnabled: true, ExpiresInMinutes: expiresInMinutes }
          : { ProtectionEnabled: false },
      ),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    // The agent answers 200 with {"protection":...}, or an error status / {"failure":...} / {"error":...}.
    let body: { failure?: unknown; error?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {}
    if (!response.ok || body.failure || body.error)
      throw new Error(`task protection endpoint answered ${response.status}: ${text.slice(0, 300)}`);
  },
});

/** Outside ECS (local runs, tests) there is no agent: nothing to protect. */
export const noTaskProtection: ScaleInProtection = { set: async () => {} };
