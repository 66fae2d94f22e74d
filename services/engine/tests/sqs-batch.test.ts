/**
 * The batching publisher against a real SQS-compatible server (fauxqs): events go out in
 * SendMessageBatch requests of up to 10, each `publish` resolves only when SQS listed its entry as
 * stored, an entry SQS refused fails alone, and closing sends what is lingering at once.
 */
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort, type LocalSqs, startLocalSqs } from '@game-platform/local';
import type { GameEvent } from '@game-platform/shared/events';
import { createLogger } from '@game-platform/shared/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchEntryFailedError, createSqsClient, sqsBatchPublisher } from '../src/adapters/sqs';

const log = createLogger('error', { service: 'engine' });
let local: LocalSqs;
let client: SQSClient;

beforeAll(async () => {
  local = await startLocalSqs();
  client = new SQSClient({
    region: local.aws.region,
    endpoint: local.aws.endpoint,
    credentials: local.aws.credentials,
    useQueueUrlAsEndpoint: false,
  });
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

let queues = 0;
/** A queue of its own per test; `maxMessageBytes` makes SQS refuse larger messages (at least 1024). */
const createQueue = async (maxMessageBytes?: number): Promise<string> => {
  queues += 1;
  const { QueueUrl } = await local.sqs.send(
    new CreateQueueCommand({
      QueueName: `batch-test-${queues}`,
      Attributes: maxMessageBytes ? { MaximumMessageSize: String(maxMessageBytes) } : {},
    }),
  );
  return QueueUrl ?? '';
};

/** Every message body on the queue, as parsed events' ids. */
const storedIds = async (queueUrl: string): Promise<string[]> => {
  const ids: string[] = [];
  for (;;) {
    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return ids.sort();
    ids.push(...Messages.map((message) => (JSON.parse(message.Body ?? '') as GameEvent).id));
  }
};

const event = (n: number, padding = 0): GameEvent =>
  ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'match.completed',
    version: 1,
    occurredAt: '2026-11-26T12:30:00.000Z',
    source: 'engine',
    payload: { pad: 'x'.repeat(padding) },
  }) as unknown as GameEvent;

const batchRequests = () => local.aws.requestCounts().SendMessageBatch ?? 0;

describe('sqsBatchPublisher', () => {
  it('sends 25 events published together in 3 SendMessageBatch requests (10 + 10 + 5) and stores each once', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: 20, log });
    const before = batchRequests();
    const events = Array.from({ length: 25 }, (_, n) => event(n));

    // Act
    const results = await Promise.allSettled(events.map((e) => publisher.publish(e)));

    // Assess
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(batchRequests() - before).toBe(3);
    expect(local.aws.requestCounts().SendMessage ?? 0).toBe(0);
    expect(await storedIds(queueUrl)).toEqual(events.map((e) => e.id).sort());
  });

  it('fails only the entries SQS refused in a partial batch failure, and stores nothing it did not acknowledge', async () => {
    // Prepare: the queue refuses messages over 1 KiB; two of the five events are larger.
    const queueUrl = await createQueue(1024);
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: 20, log });
    const before = batchRequests();
    const events = [event(1), event(2, 2_000), event(3), event(4, 2_000), event(5)];

    // Act
    const results = await Promise.allSettled(events.map((e) => publisher.publish(e)));

    // Assess: one request; the refused entries rejected with SQS's reason, the others resolved.
    expect(batchRequests() - before).toBe(1);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const refused = results[1] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(BatchEntryFailedError);
    expect(String(refused.reason)).toMatch(/InvalidParameterValue \(sender fault\)/);
    const acknowledged = events.filter((_, index) => results[index]?.status === 'fulfilled').map((e) => e.id);
    expect(await storedIds(queueUrl)).toEqual(acknowledged.sort());
  });

  it('rejects every entry of a batch whose request failed (queue unreachable)', async () => {
    // Prepare
    const closed = `http://127.0.0.1:${await freePort()}`;
    const unreachable = createSqsClient({ region: 'eu-west-1', endpoint: closed });
    const publisher = sqsBatchPublisher(unreachable, `${closed}/000000000000/nowhere`, { lingerMs: 5, log });

    try {
      // Act
      const results = await Promise.allSettled([publisher.publish(event(1)), publisher.publish(event(2))]);

      // Assess
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    } finally {
      unreachable.destroy();
    }
  });

  it('keeps a batch within 256 KiB: five 60 KiB events go in two requests', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: 20, log });
    const before = batchRequests();
    const events = Array.from({ length: 5 }, (_, n) => event(n, 60 * 1024));

    // Act
    const results = await Promise.allSettled(events.map((e) => publisher.publish(e)));

    // Assess
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(batchRequests() - before).toBe(2);
    expect(await storedIds(queueUrl)).toHaveLength(5);
  });

  it('on close sends what is lingering at once, and sends later events without lingering', async () => {
    // Prepare: a linger far longer than the test may take.
    const queueUrl = await createQueue();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: 600_000, log });
    const lingering = [publisher.publish(event(1)), publisher.publish(event(2))];

    // Act
    await publisher.close();
    const late = publisher.publish(event(3));

    // Assess
    await expect(Promise.all([...lingering, late])).resolves.toEqual([undefined, undefined, undefined]);
    expect(await storedIds(queueUrl)).toEqual([event(1).id, event(2).id, event(3).id]);
  });
});
