/**
 * The local SQS event source against a real SQS-compatible server (fauxqs): batches bigger than one
 * receive, the batching window, and Lambda's partial batch response rules (delete only successes; an
 * unknown item identifier fails the whole batch).
 */

import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createQueueWithDeadLetter,
  type Invocation,
  type LocalSqs,
  recordsToDelete,
  startEventSourcePoller,
  startLocalSqs,
} from '../src';

let local: LocalSqs;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  local = await startLocalSqs();
  sqs = local.sqs;
});
afterAll(async () => local?.stop());

const queueWith = async (count: number) => {
  const queue = await createQueueWithDeadLetter(sqs, {
    name: `poller-${++queues}`,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
  });
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
      Id: String(j),
      MessageBody: `message ${i + j}`,
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.queueUrl, Entries: entries }));
  }
  return queue;
};

/**
 * Messages waiting or in flight on the queue. Read here rather than through shared's `queueDepth`:
 * local/ depends on no other workspace, its tests included.
 */
const queueDepth = async (queueUrl: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

/** Runs the poller until `invocations` invocations happened (at most 10 s), then stops it. */
const runUntil = async (
  options: Omit<Parameters<typeof startEventSourcePoller>[0], 'sqs' | 'onInvocation'>,
  invocations: number,
) => {
  const seen: Invocation[] = [];
  const poller = startEventSourcePoller({ ...options, sqs, onInvocation: (i) => seen.push(i) });
  const deadline = Date.now() + 10_000;
  while (seen.length < invocations && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await poller.stop();
  return seen;
};

describe('startEventSourcePoller', () => {
  it('gathers a batch of 25 over several receives within the batching window, and deletes it', async () => {
    // Prepare
    const queue = await queueWith(25);
    const sizes: number[] = [];
    const handler = async (event: SQSEvent) => {
      sizes.push(event.Records.length);
      return { batchItemFailures: [] };
    };

    // Act
    const seen = await runUntil({ ...queue, handler, batchSize: 25, maximumBatchingWindowSeconds: 2 }, 1);

    // Assess
    expect(sizes).toEqual([25]);
    expect(seen[0]?.deleted).toHaveLength(25);
    expect(await queueDepth(queue.queueUrl)).toBe(0);
  });

  it('deletes only the records missing from batchItemFailures', async () => {
    // Prepare
    const queue = await queueWith(10);
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => ({
      batchItemFailures: event.Records.filter((r) => r.body.endsWith('7')).map((r) => ({
        itemIdentifier: r.messageId,
      })),
    });

    // Act
    const seen = await runUntil({ ...queue, handler, batchSize: 10 }, 1);

    // Assess
    expect(seen[0]?.deleted).toHaveLength(9);
    expect(await queueDepth(queue.queueUrl)).toBe(1);
  });

  it('deletes nothing when the handler throws or times out', async () => {
    // Prepare
    const queue = await queueWith(3);
    const handler = async () => new Promise<never>(() => {});

    // Act
    const seen = await runUntil({ ...queue, handler, batchSize: 10, functionTimeoutSeconds: 0.2 }, 1);

    // Assess
    expect(seen[0]).toMatchObject({ deleted: [], error: 'timed out after 200 ms' });
    expect(await queueDepth(queue.queueUrl)).toBe(3);
  });
});

describe('recordsToDelete (Lambda partial batch response rules)', () => {
  it('deletes everything for an empty or missing response', () => {
    expect(recordsToDelete(['a', 'b'], undefined)).toEqual({ delete: ['a', 'b'] });
    expect(recordsToDelete(['a', 'b'], { batchItemFailures: [] })).toEqual({ delete: ['a', 'b'] });
  });

  it('fails the whole batch for an identifier that is not in it, or an empty one', () => {
    expect(recordsToDelete(['a'], { batchItemFailures: [{ itemIdentifier: 'z' }] })).toMatchObject({
      error: expect.stringMatching(/"z", which is not a message of this batch/),
    });
    expect(recordsToDelete(['a'], { batchItemFailures: [{ itemIdentifier: '' }] })).toHaveProperty('error');
  });
});
