/**
 * Readiness: can this task do its work right now? Each dependency is pinged in parallel with a
 * deadline. The answer names each dependency as `ok` or `unavailable` and nothing more: error
 * details go to the log, not to whoever can reach the port.
 */
import type { DependencyProbe } from './ports';

export type DependencyStatus = 'ok' | 'unavailable';

export interface Readiness {
  ready: boolean;
  checks: Record<string, DependencyStatus>;
  /** Why each unavailable dependency failed, for the log only. */
  failures: Record<string, unknown>;
}

const withDeadline = (promise: Promise<void>, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

export const checkReadiness = async (probes: DependencyProbe[], timeoutMs: number): Promise<Readiness> => {
  const results = await Promise.allSettled(probes.map((probe) => withDeadline(probe.ping(), timeoutMs)));
  const checks: Record<string, DependencyStatus> = {};
  const failures: Record<string, unknown> = {};
  for (const [index, result] of results.entries()) {
    const name = probes[index]?.name ?? String(index);
    checks[name] = result.status === 'fulfilled' ? 'ok' : 'unavailable';
    if (result.status === 'rejected') failures[name] = result.reason;
  }
  return { ready: Object.keys(failures).length === 0, checks, failures };
};
