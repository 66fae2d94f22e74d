/**
 * The consumer's domain: what happens to one batch of queued game events. It knows nothing of
 * Lambda, SQS or PostgreSQL; the handler passes in where events are stored, where logs and metrics go.
 *
 * Every record ends in exactly one of four outcomes:
 *
 * - processed: a valid event whose effect this batch committed;
 * - duplicate: a valid event already applied before (SQS delivers at least once) or twice in this
 *   batch; it has no second effect and is deleted like a processed one;
 * - invalid: not JSON, or not a game event the contract accepts. Reported failed, so SQS redelivers
 *   it until `maxReceiveCount` and then moves it to the dead-letter queue (see the README for why it
 *   is not sent there at once);
 * - failed: valid, but its effect did not commit (the database is down, or the event breaks a
 *   database rule). Reported failed; SQS redelivers it later.
 *
 * Nothing is swallowed: a record is deleted from the queue only when it is processed or a duplicate.
 */
import { type GameEvent, parseGameEventJson } from '@game-platform/shared/events';

/** One queued message, as much of it as the domain needs. */
export interface QueuedRecord {
  messageId: string;
  body: string;
  /** How many times SQS has handed out this message, this time included. */
  receiveCount: number;
}

/** Where event effects are written. The PostgreSQL adapter implements it in one statement per call. */
export interface EventStore {
  /**
   * Applies the events' effects and records their ids, atomically: all or nothing. Returns the ids
   * applied now; the others had been applied before and are left as they were.
   */
  applyEvents(events: readonly GameEvent[]): Promise<ReadonlySet<string>>;
  /**
   * True when the failure says nothing about the events (the database is unreachable, restarting,
   * out of connections, or chose this transaction as a deadlock victim): retrying later may succeed,
   * and trying the events one by one now would not.
   */
  isTransient(error: unknown): boolean;
}

/** Structured logging, as Powertools' Logger offers it. */
export interface ConsumerLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** The outcomes, each counted per batch as a metric of that name (the dashboard graphs them). */
export const OUTCOMES = ['processed', 'duplicate', 'invalid', 'failed'] as const;
export type OutcomeCount = (typeof OUTCOMES)[number];

/** Where the batch's figures go (CloudWatch metrics through EMF in Lambda). */
export interface ConsumerMetrics {
  count(outcome: OutcomeCount, value: number): void;
  batchLatency(milliseconds: number): void;
}

export interface ConsumerDependencies {
  store: EventStore;
  log: ConsumerLog;
  metrics: ConsumerMetrics;
  /** The queue's redrive `maxReceiveCount`: the receive at which a failing record goes to the DLQ. */
  maxReceiveCount: number;
  /** Milliseconds, for the latency figure. Default: `performance.now`. */
  now?: () => number;
}

export interface BatchResult {
  /** Message ids of the records that did not commit: SQS keeps exactly these. */
  failedMessageIds: string[];
  counts: Record<OutcomeCount, number>;
}

interface ValidRecord {
  record: QueuedRecord;
  event: GameEvent;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Splits the batch into valid events and invalid records, logging each invalid one with its reasons. */
const validate = (records: readonly QueuedRecord[], deps: ConsumerDependencies) => {
  const valid: ValidRecord[] = [];
  const invalid: QueuedRecord[] = [];
  for (const record of records) {
    const parsed = parseGameEventJson(record.body);
    if (parsed.ok) {
      valid.push({ record, event: parsed.value });
      continue;
    }
    invalid.push(record);
    const lastReceive = record.receiveCount >= deps.maxReceiveCount;
    const log = lastReceive ? deps.log.error : deps.log.warn;
    log.call(
      deps.log,
      lastReceive ? 'invalid game event; moves to the dead-letter queue' : 'invalid game event',
      {
        messageId: record.messageId,
        receiveCount: record.receiveCount,
        maxReceiveCount: deps.maxReceiveCount,
        reasons: parsed.errors,
      },
    );
  }
  return { valid, invalid };
};

/** One representative record per event id; a repeat in the same batch shares its outcome. */
const byEventId = (valid: readonly ValidRecord[]): Map<string, ValidRecord[]> => {
  const groups = new Map<string, ValidRecord[]>();
  for (const item of valid) {
    const group = groups.get(item.event.id);
    if (group) group.push(item);
    else groups.set(item.event.id, [item]);
  }
  return groups;
};

interface StoreOutcome {
  applied: Set<string>;
  failed: Set<string>;
}

/**
 * Writes all events in one call. If that fails for a reason that is the events' own (a database rule),
 * each event is tried alone so that one bad event does not hold back the others; if it fails for a
 * transient reason, every event fails and SQS retries them later.
 */
const store = async (
  groups: ReadonlyMap<string, ValidRecord[]>,
  deps: ConsumerDependencies,
): Promise<StoreOutcome> => {
  const events = [...groups.values()].map((group) => (group[0] as ValidRecord).event);
  /** The records carrying an event: what an operator finds in the DLQ and searches the logs for. */
  const messageIdsOf = (event: GameEvent) =>
    (groups.get(event.id) ?? []).map((item) => item.record.messageId);
  const outcome: StoreOutcome = { applied: new Set(), failed: new Set() };
  if (events.length === 0) return outcome;
  try {
    for (const id of await deps.store.applyEvents(events)) outcome.applied.add(id);
    return outcome;
  } catch (error) {
    if (deps.store.isTransient(error) || events.length === 1) {
      deps.log.error('could not write the batch; its events will be retried', {
        events: events.length,
        eventIds: events.map((event) => event.id),
        messageIds: events.flatMap(messageIdsOf),
        transient: deps.store.isTransient(error),
        error: errorText(error),
      });
      for (const event of events) outcome.failed.add(event.id);
      return outcome;
    }
    deps.log.warn('the batch broke a database rule; writing its events one by one', {
      error: errorText(error),
    });
  }
  for (const [index, event] of events.entries()) {
    try {
      for (const id of await deps.store.applyEvents([event])) outcome.applied.add(id);
    } catch (error) {
      deps.log.error('could not write the event; it will be retried', {
        eventId: event.id,
        messageIds: messageIdsOf(event),
        type: event.type,
        error: errorText(error),
      });
      outcome.failed.add(event.id);
      if (deps.store.isTransient(error)) {
        // The database went away mid-way: the rest fail too, without one more attempt each.
        const rest = events.slice(index + 1);
        for (const untried of rest) outcome.failed.add(untried.id);
        if (rest.length > 0)
          deps.log.error("the database went away; the batch's remaining events will be retried", {
            eventIds: rest.map((untried) => untried.id),
            messageIds: rest.flatMap(messageIdsOf),
          });
        break;
      }
    }
  }
  return outcome;
};

/** Processes one batch: validate, write the valid events in one call, report what did not commit. */
export const processBatch = async (
  records: readonly QueuedRecord[],
  deps: ConsumerDependencies,
): Promise<BatchResult> => {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const { valid, invalid } = validate(records, deps);
  const groups = byEventId(valid);
  const outcome = await store(groups, deps);

  const counts: Record<OutcomeCount, number> = {
    processed: 0,
    duplicate: 0,
    invalid: invalid.length,
    failed: 0,
  };
  const failedMessageIds = invalid.map((record) => record.messageId);
  for (const [eventId, group] of groups) {
    if (outcome.failed.has(eventId)) {
      counts.failed += group.length;
      failedMessageIds.push(...group.map((item) => item.record.messageId));
      continue;
    }
    const appliedNow = outcome.applied.has(eventId) ? 1 : 0;
    counts.processed += appliedNow;
    counts.duplicate += group.length - appliedNow;
  }

  for (const name of ['processed', 'duplicate', 'invalid', 'failed'] as const)
    deps.metrics.count(name, counts[name]);
  deps.metrics.batchLatency(now() - started);
  deps.log.info('batch done', { records: records.length, ...counts });
  return { failedMessageIds, counts };
};
