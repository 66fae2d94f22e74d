/**
 * How long the idempotency records must live, and the prune that deletes them afterwards.
 *
 * `processed_events` (one row per applied event) lets the consumer recognise a redelivered message;
 * `request_keys` lets the engine recognise a retried request. A row is needed while a copy of its
 * event can still be delivered. An event's message is enqueued before the event is applied, so counted
 * from `processed_at`:
 * - the events queue can hand out a copy for at most `messageRetentionDays` (a message whose deletion
 *   failed, e.g. its invocation timed out after the commit);
 * - a copy dead-lettered keeps its original enqueue time (SQS developer guide, "Amazon SQS dead-letter
 *   queues": the expiration is based on the original enqueue timestamp), so the DLQ holds it for at most
 *   `deadLetterRetentionDays` from then; a redrive of it at the last moment makes a new message that
 *   the events queue keeps for another `messageRetentionDays`.
 * So no redelivery of an event, one redrive included, comes later than `deadLetterRetentionDays +
 * messageRetentionDays` after it was applied. What this does not cover: a copy that, redriven, reaches
 * the DLQ once more (its delivery failed `maxReceiveCount` times again) and is redriven again after the
 * bound. `dlq:show` with the database says such an event is APPLIED, so its redrive is a deliberate act.
 */
import type pg from 'pg';

/** The queue settings the bound derives from (the integrations section of the stage profile). */
export interface QueueRetention {
  messageRetentionDays: number;
  deadLetterRetentionDays: number;
}

/** Days an idempotency record is kept after its event was applied (or its key first seen). */
export const idempotencyRetentionDays = (queue: QueueRetention): number =>
  queue.messageRetentionDays + queue.deadLetterRetentionDays;

/** How often the prune runs (an EventBridge schedule expression). Late runs only keep rows longer. */
export const PRUNE_SCHEDULE = 'rate(1 hour)';

/** The database role the prune logs in as (migration 0004): SELECT and DELETE on these two tables only. */
export const PRUNER_DATABASE_USER = 'game_pruner';

/** Rows per DELETE: short transactions, so the consumer's inserts never wait long behind a prune. */
export const PRUNE_BATCH_ROWS = 5_000;

const PRUNE_EVENTS_SQL = `
  DELETE FROM processed_events WHERE event_id IN (
    SELECT event_id FROM processed_events
    WHERE processed_at < $1
    ORDER BY processed_at LIMIT $2
  )`;

/** A key is deleted only once its event's row is gone too: the engine relies on the consumer's record. */
const PRUNE_KEYS_SQL = `
  DELETE FROM request_keys WHERE idempotency_key IN (
    SELECT k.idempotency_key FROM request_keys k
    WHERE k.first_seen_at < $1
      AND NOT EXISTS (SELECT FROM processed_events e WHERE e.event_id = k.idempotency_key)
    ORDER BY k.first_seen_at LIMIT $2
  )`;

export interface PruneReport {
  /** Records older than this were deleted. */
  cutoff: string;
  retentionDays: number;
  processedEvents: number;
  requestKeys: number;
}

/**
 * Deletes the idempotency records older than `retentionDays` before `now`, in batches, the consumer's
 * first (a key outlives its event's row). Safe to run concurrently with the consumer and the engine,
 * and with itself (a row deleted twice is deleted once).
 */
export const pruneIdempotencyRecords = async (
  database: Pick<pg.ClientBase, 'query'>,
  options: { retentionDays: number; now?: Date; batchRows?: number },
): Promise<PruneReport> => {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1)
    throw new Error(`retentionDays is ${options.retentionDays}; expected a whole number of days, at least 1`);
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  const batchRows = options.batchRows ?? PRUNE_BATCH_ROWS;
  const deleteAll = async (sql: string) => {
    let deleted = 0;
    for (;;) {
      const { rowCount } = await database.query(sql, [cutoff, batchRows]);
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < batchRows) return deleted;
    }
  };
  const processedEvents = await deleteAll(PRUNE_EVENTS_SQL);
  const requestKeys = await deleteAll(PRUNE_KEYS_SQL);
  return { cutoff: cutoff.toISOString(), retentionDays: options.retentionDays, processedEvents, requestKeys };
};
