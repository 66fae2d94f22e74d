/**
 * Sessions and scale-in protection: the task asks to be protected when its first live session
 * starts, renews the protection while sessions last, and gives it up once it has been idle for a
 * moment, so a release or a scale-in stops only tasks that hold no player. Protection expires on
 * its own (`expiresInMinutes`): a task that dies without releasing it blocks nothing for long.
 *
 * A cap bounds how long a task stays protected in one busy period (`maxProtectedMs`): under traffic
 * that never pauses, a task would otherwise renew forever and a release would wait for it forever.
 * Past the cap the protection is not renewed and lapses; the task can then be replaced, and its
 * SIGTERM drain tells its clients to reconnect elsewhere. A release waits at most about that long.
 *
 * Calls to the protection are serialized (one at a time, in order) and never fail a session: an
 * error is logged and the next transition tries again.
 */
import type { Logger } from '@game-platform/shared/log';
import type { ScaleInProtection, SessionTracker } from './ports';

export interface SessionTrackerOptions {
  protection: ScaleInProtection;
  /** How long one protection call protects the task (ECS: 1-2880 minutes). */
  expiresInMinutes: number;
  /** Renewal period while sessions last; default half the expiry. */
  renewEveryMs?: number;
  /** Idle time before protection is released, so back-to-back requests do not flap it. Default 10 s. */
  releaseAfterIdleMs?: number;
  /** Longest protection in one busy period; no renewal past it. */
  maxProtectedMs: number;
  /** Clock (tests). */
  now?: () => number;
  log: Logger;
}

export interface ProtectedSessionTracker extends SessionTracker {
  /** Whether the task is protected now (the last call that succeeded). */
  readonly protected: boolean;
  /** Resolves once every protection call asked for so far has finished. */
  settled(): Promise<void>;
  /** Stops the timers and releases protection (at shutdown, after draining). */
  close(): Promise<void>;
}

export const createSessionTracker = (options: SessionTrackerOptions): ProtectedSessionTracker => {
  const renewEveryMs = options.renewEveryMs ?? (options.expiresInMinutes * 60_000) / 2;
  const releaseAfterIdleMs = options.releaseAfterIdleMs ?? 10_000;
  const now = options.now ?? Date.now;
  let active = 0;
  /** `idle`: no protection wanted; `protected`: wanted and renewed; `capped`: wanted, no longer renewed. */
  let state: 'idle' | 'protected' | 'capped' = 'idle';
  let protectedSince = 0;
  let isProtected = false;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  let renewTimer: NodeJS.Timeout | undefined;
  let releaseTimer: NodeJS.Timeout | undefined;

  const call = (enabled: boolean, why: string) => {
    queue = queue.then(async () => {
      try {
        if (enabled) await options.protection.set(true, options.expiresInMinutes);
        else await options.protection.set(false);
        isProtected = enabled;
        options.log.info(enabled ? 'scale-in protection on' : 'scale-in protection off', {
          why,
          sessions: active,
          ...(enabled ? { expiresInMinutes: options.expiresInMinutes } : {}),
        });
      } catch (error) {
        options.log.error('scale-in protection call failed', { enabled, why, error });
      }
    });
  };

  const protect = () => {
    if (releaseTimer) clearTimeout(releaseTimer);
    releaseTimer = undefined;
    if (state !== 'idle') return; // protected, asked to be, or capped in this busy period
    state = 'protected';
    protectedSince = now();
    call(true, 'first live session');
    renewTimer = setInterval(() => {
      if (now() - protectedSince + renewEveryMs > options.maxProtectedMs) {
        clearInterval(renewTimer);
        renewTimer = undefined;
        state = 'capped';
        options.log.warn('scale-in protection not renewed: held for its maximum in this busy period', {
          sessions: active,
          maxProtectedMinutes: options.maxProtectedMs / 60_000,
        });
        return;
      }
      call(true, 'renewal while sessions last');
    }, renewEveryMs);
    renewTimer.unref();
  };

  const release = (why: string) => {
    if (renewTimer) clearInterval(renewTimer);
    renewTimer = undefined;
    state = 'idle';
    call(false, why);
  };

  return {
    begin: () => {
      active += 1;
      if (!closed) protect();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        active -= 1;
        if (active > 0 || closed || state === 'idle') return;
        releaseTimer = setTimeout(() => {
          releaseTimer = undefined;
          if (active === 0) release('idle');
        }, releaseAfterIdleMs);
        releaseTimer.unref();
      };
    },
    get active() {
      return active;
    },
    get protected() {
      return isProtected;
    },
    settled: () => queue,
    close: async () => {
      closed = true;
      if (releaseTimer) clearTimeout(releaseTimer);
      releaseTimer = undefined;
      if (state !== 'idle') release('shutdown');
      await queue;
    },
  };
};
