/**
 * In-memory implementations of the consumer's small interfaces, for unit tests that make no network
 * calls: an event store with the same exactly-once contract as PostgreSQL's, and recorders for logs
 * and metrics.
 */
import type { GameEvent } from '@game-platform/shared/events';
import type { ConsumerLog, ConsumerMetrics, EventStore, OutcomeCount } from '../../src/consumer';

export class TransientFailure extends Error {}

export interface MemoryEventStore extends EventStore {
  /** Event ids applied so far, in order. */
  applied: string[];
  /** The events of each `applyEvents` call (one call = one round trip in PostgreSQL). */
  calls: GameEvent[][];
  /** Makes a call fail: return an error to throw it (nothing of that call is applied). */
  failWhen: (events: readonly GameEvent[]) => Error | undefined;
}

export const memoryEventStore = (): MemoryEventStore => {
  const store: MemoryEventStore = {
    applied: [],
    calls: [],
    failWhen: () => undefined,
    applyEvents: async (events) => {
      store.calls.push([...events]);
      const failure = store.failWhen(events);
      if (failure) throw failure;
      const fresh = events.filter((event) => !store.applied.includes(event.id)).map((event) => event.id);
      store.applied.push(...fresh);
      return new Set(fresh);
    },
    isTransient: (error) => error instanceof TransientFailure,
  };
  return store;
};

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

export const recordingLog = (): ConsumerLog & { lines: LogLine[] } => {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, attributes) => lines.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => lines.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => lines.push({ level: 'error', message, attributes }),
  };
};

export const recordingMetrics = (): ConsumerMetrics & {
  counts: Partial<Record<OutcomeCount, number>>;
  latencies: number[];
} => {
  const counts: Partial<Record<OutcomeCount, number>> = {};
  const latencies: number[] = [];
  return {
    counts,
    latencies,
    count: (outcome, value) => {
      counts[outcome] = (counts[outcome] ?? 0) + value;
    },
    batchLatency: (milliseconds) => latencies.push(milliseconds),
  };
};
