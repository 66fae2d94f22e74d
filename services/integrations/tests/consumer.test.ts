/**
 * The consumer's domain, branch by branch, with in-memory adapters (no network): which records are
 * reported failed, what is written and in how many calls, what is logged and counted.
 */

import { parseGameEventJson } from '@game-platform/shared/events';
import { describe, expect, it } from 'vitest';
import { type ConsumerDependencies, processBatch, type QueuedRecord } from '../src/consumer';
import { queuedRecord } from '../src/sqs-record';
import { matchCompleted, playerRegistered } from './helpers/events';
import {
  memoryEventStore,
  recordingLog,
  recordingMetrics,
  TransientFailure,
} from './helpers/memory-adapters';
import { type SqsSample, sqsSample } from './helpers/sqs-events';

const MAX_RECEIVE_COUNT = 5;

const setup = () => {
  const store = memoryEventStore();
  const log = recordingLog();
  const metrics = recordingMetrics();
  let clock = 0;
  const deps: ConsumerDependencies = {
    store,
    log,
    metrics,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    now: () => (clock += 7),
  };
  return { store, log, metrics, deps };
};

const records = (name: SqsSample): QueuedRecord[] => sqsSample(name).Records.map(queuedRecord);

const asRecord = (body: unknown, n: number, receiveCount = 1): QueuedRecord => ({
  messageId: `m${n}`,
  body: JSON.stringify(body),
  receiveCount,
});

describe('processBatch', () => {
  it('writes every valid event of a batch in one call and reports no failure', async () => {
    // Prepare
    const { store, metrics, deps } = setup();
    const batch = [...records('player-registered'), ...records('match-completed')];

    // Act
    const result = await processBatch(batch, deps);

    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]?.map((event) => event.type)).toEqual(['player.registered', 'match.completed']);
    expect(metrics.counts).toEqual({ processed: 2, duplicate: 0, invalid: 0, failed: 0 });
    expect(metrics.latencies).toEqual([7]);
  });

  it('counts a redelivered event as a duplicate and deletes it (no second effect)', async () => {
    // Prepare
    const { store, metrics, deps } = setup();
    await processBatch(records('match-completed'), deps);

    // Act
    const result = await processBatch(records('match-completed'), deps);

    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(store.applied).toHaveLength(1);
    expect(metrics.counts).toMatchObject({ processed: 1, duplicate: 1 });
  });

  it('writes an event that appears twice in one batch once, and counts the second as a duplicate', async () => {
    // Prepare
    const { store, deps } = setup();

    // Act
    const result = await processBatch(records('duplicate'), deps);

    // Assess
    expect(result.failedMessageIds).toEqual([]);
    expect(store.calls[0]).toHaveLength(1);
    expect(result.counts).toEqual({ processed: 1, duplicate: 1, invalid: 0, failed: 0 });
  });

  it('reports a message that is not JSON as failed, with the reason logged', async () => {
    // Prepare
    const { log, deps } = setup();
    const batch = [{ ...records('malformed')[0], receiveCount: 1 } as QueuedRecord];

    // Act
    const result = await processBatch(batch, deps);

    // Assess
    expect(result.failedMessageIds).toEqual([batch[0]?.messageId]);
    const line = log.lines.find((l) => l.message === 'invalid game event');
    expect(line?.level).toBe('warn');
    expect(line?.attributes).toMatchObject({
      messageId: batch[0]?.messageId,
      receiveCount: 1,
      maxReceiveCount: 5,
    });
    expect(String(line?.attributes.reasons)).toMatch(/^\(body\): not JSON/);
  });

  it('logs an error saying the message moves to the DLQ on its last receive', async () => {
    // Prepare: the sample was received for the 5th time (= maxReceiveCount)
    const { log, deps } = setup();

    // Act
    const result = await processBatch(records('malformed'), deps);

    // Assess
    expect(result.failedMessageIds).toHaveLength(1);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'invalid game event; moves to the dead-letter queue',
      }),
    );
  });

  it('reports a schema-invalid event as failed, naming the field and what was expected', async () => {
    // Prepare
    const { store, log, deps } = setup();

    // Act
    const result = await processBatch(records('schema-invalid'), deps);

    // Assess
    expect(result.counts.invalid).toBe(1);
    expect(store.calls).toEqual([]);
    const reasons = log.lines.find((l) => l.message === 'invalid game event')?.attributes.reasons;
    expect(reasons).toEqual(['payload.players: at least one player']);
  });

  it('commits the valid records of a mixed batch and reports exactly the invalid ones', async () => {
    // Prepare
    const { metrics, deps } = setup();
    const batch = records('mixed-batch');

    // Act
    const result = await processBatch(batch, deps);

    // Assess
    expect(result.failedMessageIds).toEqual([batch[2]?.messageId, batch[3]?.messageId]);
    expect(metrics.counts).toEqual({ processed: 2, duplicate: 0, invalid: 2, failed: 0 });
  });

  it('fails every valid record when the database is unreachable, without trying them one by one, logging their eventIds and messageIds', async () => {
    // Prepare
    const { store, log, deps } = setup();
    store.failWhen = () => new TransientFailure('connect ECONNREFUSED 127.0.0.1:5432');
    const batch = records('mixed-batch');
    const valid = batch.flatMap((record) => {
      const parsed = parseGameEventJson(record.body);
      return parsed.ok ? [{ eventId: parsed.value.id, messageId: record.messageId }] : [];
    });

    // Act
    const result = await processBatch(batch, deps);

    // Assess
    expect(result.failedMessageIds.sort()).toEqual(batch.map((r) => r.messageId).sort());
    expect(store.calls).toHaveLength(1);
    expect(result.counts).toEqual({ processed: 0, duplicate: 0, invalid: 2, failed: 2 });
    expect(valid).toHaveLength(2);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'could not write the batch; its events will be retried',
        attributes: expect.objectContaining({
          eventIds: valid.map((item) => item.eventId),
          messageIds: valid.map((item) => item.messageId),
        }),
      }),
    );
  });

  it('isolates an event that breaks a database rule: the others commit, only it is reported', async () => {
    // Prepare
    const { store, deps } = setup();
    const poison = matchCompleted([{ playerId: 'x', score: 1, placement: 1 }]);
    const good = [playerRegistered('a'), playerRegistered('b')];
    store.failWhen = (events) =>
      events.some((e) => e.id === poison.id) ? new Error('violates check constraint') : undefined;
    const batch = [asRecord(good[0], 1), asRecord(poison, 2), asRecord(good[1], 3)];

    // Act
    const result = await processBatch(batch, deps);

    // Assess
    expect(result.failedMessageIds).toEqual(['m2']);
    expect(store.applied.sort()).toEqual(good.map((e) => e.id).sort());
    expect(store.calls.map((call) => call.length)).toEqual([3, 1, 1, 1]);
  });

  it('stops isolating when the database goes away mid-way: the rest fail without another attempt', async () => {
    // Prepare
    const { store, deps } = setup();
    const events = [playerRegistered('a'), playerRegistered('b'), playerRegistered('c')];
    store.failWhen = (batch) =>
      batch.length > 1
        ? new Error('violates check constraint')
        : batch[0]?.id === events[1]?.id
          ? new TransientFailure('Connection terminated unexpectedly')
          : undefined;

    // Act
    const result = await processBatch(
      events.map((e, i) => asRecord(e, i)),
      deps,
    );

    // Assess
    expect(result.failedMessageIds.sort()).toEqual(['m1', 'm2']);
    expect(store.calls.map((call) => call.length)).toEqual([3, 1, 1]);
    expect(result.counts).toMatchObject({ processed: 1, failed: 2 });
  });

  it('fails both copies of an event that appears twice in a batch whose write failed', async () => {
    // Prepare
    const { store, deps } = setup();
    store.failWhen = () => new TransientFailure('the database is restarting');

    // Act
    const result = await processBatch(records('duplicate'), deps);

    // Assess
    expect(result.failedMessageIds).toHaveLength(2);
    expect(result.counts).toMatchObject({ failed: 2, duplicate: 0 });
  });

  it('handles an empty batch without calling the store', async () => {
    const { store, metrics, deps } = setup();
    const result = await processBatch([], deps);
    expect(result.failedMessageIds).toEqual([]);
    expect(store.calls).toEqual([]);
    expect(metrics.counts).toEqual({ processed: 0, duplicate: 0, invalid: 0, failed: 0 });
  });
});
