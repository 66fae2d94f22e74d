/**
 * The whole path on real servers started here: game events sent to an SQS-compatible server (fauxqs),
 * polled by the local event source (batching, partial batch responses, visibility timeout, redrive),
 * handled by the real Lambda handler module, written to a real PostgreSQL (embedded, schema from the
 * datastore migrations). Visibility timeouts are shortened to seconds so redelivery happens in the run.
 */

import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  createQueueWithDeadLetter,
  type Invocation,
  type LocalAws,
  type LocalQueue,
  localSqsClient,
  type SqsHandler,
  startEventSourcePoller,
  startLocalAws,
} from '@game-platform/local';
import type { GameEvent } from '@game-platform/shared/events';
import { queueDepth } from '@game-platform/shared/sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GameDatabase, startGameDatabase } from './helpers/database';
import { eventMix, matchCompleted } from './helpers/events';

const MAX_RECEIVE_COUNT = 5;
const POISON = '{"id": "this message is not JSON';

let db: GameDatabase;
let aws: LocalAws;
let sqs: SQSClient;
let handler: SqsHandler;
let queues = 0;

beforeAll(async () => {
  [db, aws] = await Promise.all([startGameDatabase(), startLocalAws()]);
  sqs = localSqsClient(aws);
  // The handler reads its configuration once, at import, like a Lambda cold start.
  Object.assign(process.env, {
    DATABASE_URL: db.server.connectionString,
    MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  ({ handler } = await import('../src/handlers/consumer'));
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([db?.stop(), aws?.stop()]);
});

beforeEach(async () => db.reset());

const newQueue = (visibilityTimeoutSeconds: number): Promise<LocalQueue> =>
  createQueueWithDeadLetter(sqs, {
    name: `events-${++queues}`,
    visibilityTimeoutSeconds,
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });

/** Sends bodies in batches of 10, a few batches at a time; returns the message ids in order. */
const send = async (queueUrl: string, bodies: string[]): Promise<string[]> => {
  const chunks = Array.from({ length: Math.ceil(bodies.length / 10) }, (_, i) =>
    bodies.slice(i * 10, i * 10 + 10),
  );
  const ids: string[][] = [];
  for (let i = 0; i < chunks.length; i += 8) {
    const sent = await Promise.all(
      chunks.slice(i, i + 8).map((chunk) =>
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
          }),
        ),
      ),
    );
    for (const result of sent) {
      if (result.Failed?.length) throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
      ids.push(
        (result.Successful ?? []).sort((a, b) => Number(a.Id) - Number(b.Id)).map((s) => s.MessageId ?? ''),
      );
    }
  }
  return ids.flat();
};

const bodies = (events: GameEvent[]) => events.map((event) => JSON.stringify(event));

/**
 * Polls `condition` every 100 ms until it holds or `seconds` pass; then fails naming `what` and,
 * when given, the last invocations (what the poller saw), so a failure explains itself.
 */
const waitFor = async (
  what: string,
  seconds: number,
  condition: () => Promise<boolean>,
  invocations: Invocation[] = [],
) => {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `gave up after ${seconds} s waiting for ${what}; ${invocations.length} invocations, the last: ${JSON.stringify(invocations.slice(-5))}`,
  );
};

const drained = (queue: LocalQueue, deadLetters: number) => async () =>
  (await queueDepth(sqs, queue.queueUrl)) === 0 &&
  (await queueDepth(sqs, queue.deadLetterQueueUrl)) === deadLetters;

const deadLetterBodies = async (queue: LocalQueue): Promise<string[]> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.deadLetterQueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    }),
  );
  return Messages.map((message) => message.Body ?? '');
};

/** Expected database totals for a set of distinct events (see `eventMix`). */
const expectedTotals = (events: GameEvent[]) => {
  const matches = events.filter((e) => e.type === 'match.completed');
  const results = matches.reduce(
    (sum, e) => sum + (e.type === 'match.completed' ? e.payload.players.length : 0),
    0,
  );
  const players = new Set(
    events.flatMap((e) => (e.type === 'player.registered' ? [e.payload.playerId] : [])),
  );
  return {
    events: events.length,
    matches: matches.length,
    results,
    players: players.size,
    matchesPlayed: results,
  };
};

describe('events queue -> consumer -> PostgreSQL', () => {
  it('moves a poison message to the DLQ after maxReceiveCount receives, and nothing else', async () => {
    // Prepare
    const queue = await newQueue(1);
    const events = eventMix(30);
    const [poisonId] = await send(queue.queueUrl, [POISON]);
    await send(queue.queueUrl, bodies(events));
    const invocations: Invocation[] = [];
    const poller = startEventSourcePoller({
      sqs,
      ...queue,
      handler,
      batchSize: 10,
      onInvocation: (i) => invocations.push(i),
    });

    // Act
    try {
      await waitFor('the queue to drain into the DLQ', 40, drained(queue, 1));
    } finally {
      await poller.stop();
    }

    // Assess
    const poisonReceives = invocations.filter((i) => poisonId && i.messageIds.includes(poisonId));
    expect(poisonReceives).toHaveLength(MAX_RECEIVE_COUNT);
    expect(await deadLetterBodies(queue)).toEqual([POISON]);
    expect(await db.totals()).toEqual(expectedTotals(events));
  }, 60_000);

  it('gives an event delivered twice one effect: sent twice by a producer, or redelivered after a crash', async () => {
    // Prepare: one event sent twice; another whose first invocation commits, then crashes before
    // Lambda could delete the message, so SQS hands it out again after the visibility timeout.
    const queue = await newQueue(1);
    const sentTwice = matchCompleted([
      { playerId: 'ann', score: 10, placement: 1 },
      { playerId: 'ben', score: 5, placement: 2 },
    ]);
    const redelivered = matchCompleted([
      { playerId: 'ann', score: 7, placement: 2 },
      { playerId: 'ben', score: 9, placement: 1 },
    ]);
    await send(queue.queueUrl, bodies([sentTwice, sentTwice]));
    const [redeliveredId] = await send(queue.queueUrl, bodies([redelivered]));
    let crashed = false;
    const crashingOnce: SqsHandler = async (event, context) => {
      const response = await handler(event, context);
      if (!crashed && event.Records.some((r) => r.messageId === redeliveredId)) {
        crashed = true;
        throw new Error('crashed after commit');
      }
      return response;
    };
    const invocations: Invocation[] = [];
    const poller = startEventSourcePoller({
      sqs,
      ...queue,
      handler: crashingOnce,
      batchSize: 1,
      onInvocation: (i) => invocations.push(i),
    });

    // Act
    try {
      await waitFor('the queue to drain', 30, drained(queue, 0), invocations);
    } finally {
      await poller.stop();
    }

    // Assess
    expect(crashed).toBe(true);
    expect(await db.totals()).toEqual(expectedTotals([sentTwice, redelivered]));
    const { rows } = await db.pool.query(
      'SELECT player_id, matches_played, wins, total_score::int FROM player_stats ORDER BY player_id',
    );
    expect(rows).toEqual([
      { player_id: 'ann', matches_played: 2, wins: 1, total_score: 17 },
      { player_id: 'ben', matches_played: 2, wins: 1, total_score: 14 },
    ]);
  }, 60_000);

  it('loses and doubles nothing when PostgreSQL stops in the middle of 5,000 messages and comes back', async () => {
    // Prepare
    const queue = await newQueue(2);
    const events = eventMix(5000);
    await send(queue.queueUrl, [POISON, ...bodies(events)]);
    const invocations: Invocation[] = [];
    const poller = startEventSourcePoller({
      sqs,
      ...queue,
      handler,
      batchSize: 100,
      maximumBatchingWindowSeconds: 1,
      onInvocation: (i) => invocations.push(i),
    });

    // Act: stop the database once a good part of the run is in, start it again two seconds later
    try {
      await waitFor('1,500 events in the database', 60, async () => (await db.totals()).events >= 1500);
      await db.server.pause();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await db.server.restart();
      await waitFor('the queue to drain', 90, drained(queue, 1));
    } finally {
      await poller.stop();
    }

    // Assess: the outage did fail records, and yet every effect is there exactly once
    expect(invocations.some((i) => i.deleted.length < i.messageIds.length)).toBe(true);
    expect(await db.totals()).toEqual(expectedTotals(events));
    expect(await deadLetterBodies(queue)).toEqual([POISON]);
  }, 150_000);
});
