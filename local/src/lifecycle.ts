/**
 * Starting and stopping the parts of the local platform as one unit: each part is timed and
 * reported when it is ready; a part that fails to start stops everything already started; a part
 * that dies while running is reported once; `stop()` stops the parts in reverse order of readiness
 * (so a part stops before what it depends on), each within a time limit, and says what happened.
 */
import { createServer } from 'node:net';

/** A part that is up. `stop` must also work after the part died. */
export interface RunningPart {
  /** One line for the status output: where it is and how it is configured. */
  summary: string;
  /** Stops the part; may return a note worth showing (e.g. what was dropped). */
  stop(): Promise<string | undefined>;
  /** Resolves with the reason if the part ends by itself (a process exiting); never rejects. */
  died?: Promise<string>;
}

/** A part that could not start: which one, why, and what to do about it. */
export class PartError extends Error {
  override readonly name: string = 'PartError';

  constructor(
    readonly part: string,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`${part}: ${reason}${hint ? `\n  -> ${hint}` : ''}`);
  }
}

export type LifecycleEvent =
  | { type: 'ready'; part: string; milliseconds: number; summary: string }
  | ({ type: 'stopped' } & StopResult);

export interface StopResult {
  part: string;
  milliseconds: number;
  /** What the part said about its stop. */
  note?: string;
  /** Why the part did not stop cleanly, if it did not. */
  error?: string;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** How long one part may take to stop before the lifecycle gives up on it and moves on. */
export const STOP_LIMIT_MS = 40_000;

export class Lifecycle {
  private readonly running: Array<{ part: string; stop: () => Promise<string | undefined> }> = [];
  private stopping = false;
  private reportDeath: (death: { part: string; reason: string }) => void = () => {};
  /** The first part that died on its own while the platform was running (never resolves otherwise). */
  readonly died: Promise<{ part: string; reason: string }>;

  constructor(
    private readonly onEvent: (event: LifecycleEvent) => void = () => {},
    private readonly stopLimitMs = STOP_LIMIT_MS,
  ) {
    this.died = new Promise((resolve) => {
      this.reportDeath = resolve;
    });
  }

  /**
   * Starts a part and registers it for `stop()`. A failure is rethrown as a `PartError` naming the
   * part (a `PartError` from the part itself is kept as it is).
   */
  async start<T extends RunningPart>(part: string, start: () => Promise<T>): Promise<T> {
    const began = performance.now();
    let running: T;
    try {
      running = await start();
    } catch (error) {
      throw error instanceof PartError ? error : new PartError(part, describe(error));
    }
    this.running.push({ part, stop: () => running.stop() });
    void running.died?.then((reason) => {
      if (!this.stopping) this.reportDeath({ part, reason });
    });
    this.onEvent({ type: 'ready', part, milliseconds: performance.now() - began, summary: running.summary });
    return running;
  }

  /** Stops every started part, last ready first; each gets `stopLimitMs`. Safe to call twice. */
  async stop(): Promise<StopResult[]> {
    this.stopping = true;
    const results: StopResult[] = [];
    for (let next = this.running.pop(); next; next = this.running.pop()) {
      const began = performance.now();
      let timer: NodeJS.Timeout | undefined;
      let error: string | undefined;
      let note: string | undefined;
      try {
        note = await Promise.race([
          next.stop(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`did not stop within ${this.stopLimitMs / 1000} s`)),
              this.stopLimitMs,
            );
          }),
        ]);
      } catch (failure) {
        error = describe(failure);
      } finally {
        clearTimeout(timer);
      }
      const result = {
        part: next.part,
        milliseconds: performance.now() - began,
        ...(note ? { note } : {}),
        ...(error ? { error } : {}),
      };
      results.push(result);
      this.onEvent({ type: 'stopped', ...result });
    }
    return results;
  }
}

/** True if `promise` settles within `ms` (it keeps running either way). */
export const finishesWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([
      settled,
      new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false))),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Like `Promise.all`, but waits until every promise has settled before rejecting with the first
 * failure, so nothing is still starting when the caller begins to stop what did start.
 */
export const settleAll = async <T extends readonly unknown[]>(
  promises: {
    [K in keyof T]: Promise<T[K]>;
  },
): Promise<T> => {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
};

/** True when nothing listens on 127.0.0.1:`port` (a listener on 0.0.0.0 or [::] counts as taken). */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });

/** Whether a process with this pid runs (EPERM: it runs, as another user). */
export const processIsRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
