/**
 * The batching publisher against a real SQS-compatible server (fauxqs): events go out in
 * SendMessageBatch requests of up to 10, each `publish` resolves only when SQS listed its entry as
 * stored, an entry SQS refused fails alone, and closing sends what is lingering at once. A batch goes
 * early, without its linger, once every announced publish has joined it (or was withdrawn) and it is
 * as large as the batch just before; the tests that show it use a 10-minute linger, so a batch that
 * went can only have gone early, and an empty queue after a round trip to the server shows that a
 * batch is still waiting. No assertion depends on timing.
 */
import { type AddressInfo, createServer } from 'node:net';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort, type LocalSqs, startLocalSqs } from '@game-platform/local';
import type { GameEvent } from '@game-platform/shared/events';
import { createLogger } from '@game-platform/shared/log';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchEntryFailedError, createSqsClient, sqsBatchPublisher } from '../src/adapters/sqs';
import { drainQueue } from './helpers/drain-queue';

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
const storedIds = async (queueUrl: string): Promise<string[]> =>
  (await drainQueue(local.sqs, queueUrl))
    .map((message) => (JSON.parse(message.Body ?? '') as GameEvent).id)
    .sort();

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

/** A linger no test waits out: whatever is sent was sent early (or by `close`). */
const NEVER_MS = 600_000;

/** A logger at debug level that keeps why each batch went (`reason`) and its size. */
const recordingLog = () => {
  const batches: Array<{ reason: string; entries: number }> = [];
  const log = createLogger('debug', {}, (line) => {
    const entry = JSON.parse(line) as { message: string; reason: string; entries: number };
    if (entry.message === 'batch sent') batches.push({ reason: entry.reason, entries: entry.entries });
  });
  return { log, batches };
};

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
    // Credentials in the environment, so that what fails is the connection, not finding credentials.
    vi.stubEnv('AWS_ACCESS_KEY_ID', local.aws.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', local.aws.credentials.secretAccessKey);
    const unreachable = createSqsClient({ region: 'eu-west-1', endpoint: closed });
    const publisher = sqsBatchPublisher(unreachable, `${closed}/000000000000/nowhere`, { lingerMs: 5, log });

    try {
      // Act
      const results = await Promise.allSettled([publisher.publish(event(1)), publisher.publish(event(2))]);

      // Assess: refused by the connection, after the client's attempts.
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'ECONNREFUSED',
        $metadata: { attempts: 3 },
      });
    } finally {
      vi.unstubAllEnvs();
      unreachable.destroy();
    }
  });

  it('rejects every entry of a batch when the queue accepts the connection and never answers, once the attempts time out', async () => {
    // Prepare: a server that takes every connection and never writes a byte back.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // The engine's client takes credentials from the default chain; here, from the environment.
    vi.stubEnv('AWS_ACCESS_KEY_ID', local.aws.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', local.aws.credentials.secretAccessKey);
    const hung = createSqsClient({ region: 'eu-west-1', endpoint, requestTimeoutMs: 200 });
    const publisher = sqsBatchPublisher(hung, `${endpoint}/000000000000/silent`, { lingerMs: 5, log });

    try {
      // Act
      const results = await Promise.allSettled([publisher.publish(event(1)), publisher.publish(event(2))]);

      // Assess: both refused with the SDK's timeout, after its 3 attempts (not after the test's timeout).
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
      const reason = (results[0] as PromiseRejectedResult).reason as Error & {
        $metadata?: { attempts?: number };
      };
      expect(reason.name).toBe('TimeoutError');
      expect(reason.$metadata?.attempts).toBe(3);
    } finally {
      vi.unstubAllEnvs();
      hung.destroy();
      silent.close();
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
    // Prepare: a linger far longer than the test may take; the two events linger because a third
    // request was announced and has not published yet (its body still on its way).
    const queueUrl = await createQueue();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: NEVER_MS, log });
    const slow = publisher.announce();
    const lingering = [publisher.publish(event(1)), publisher.publish(event(2))];
    expect(await storedIds(queueUrl)).toEqual([]);

    // Act
    await publisher.close();
    const late = slow.publish(event(3));

    // Assess
    await expect(Promise.all([...lingering, late])).resolves.toEqual([undefined, undefined, undefined]);
    expect(await storedIds(queueUrl)).toEqual([event(1).id, event(2).id, event(3).id]);
  });

  it('sends one batch as soon as every announced request has published, without waiting for the linger', async () => {
    // Prepare: four requests in flight, announced as they start.
    const queueUrl = await createQueue();
    const { log, batches } = recordingLog();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: NEVER_MS, log });
    const requests = Array.from({ length: 4 }, () => publisher.announce());
    const before = batchRequests();

    // Act: three publish; the fourth is still reading its body meanwhile (a round trip to the server).
    const first = requests.slice(0, 3).map((request, n) => request.publish(event(n)));
    const whileOneIsComing = await storedIds(queueUrl);
    const last = requests[3]?.publish(event(3));

    // Assess: nothing left before the fourth joined; then all four in one request, none by the linger.
    expect(whileOneIsComing).toEqual([]);
    await expect(Promise.all([...first, last])).resolves.toHaveLength(4);
    expect(batchRequests() - before).toBe(1);
    expect(batches).toEqual([{ reason: 'all joined', entries: 4 }]);
    expect(await storedIds(queueUrl)).toEqual([0, 1, 2, 3].map((n) => event(n).id));
  });

  it('stops waiting for an announced request that withdraws (invalid, refused, client gone)', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { log, batches } = recordingLog();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: NEVER_MS, log });
    const [a, b, refused] = [publisher.announce(), publisher.announce(), publisher.announce()];
    const published = [a.publish(event(1)), b.publish(event(2))];
    expect(await storedIds(queueUrl)).toEqual([]);

    // Act
    refused.withdraw();

    // Assess: withdrawing after publishing changes nothing either.
    await expect(Promise.all(published)).resolves.toHaveLength(2);
    a.withdraw();
    expect(batches).toEqual([{ reason: 'all joined', entries: 2 }]);
  });

  it('sends a lone event at once when nothing else is expected, announced or not', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { log, batches } = recordingLog();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: NEVER_MS, log });

    // Act
    await publisher.publish(event(1));
    await publisher.announce().publish(event(2));

    // Assess
    expect(batches).toEqual([
      { reason: 'all joined', entries: 1 },
      { reason: 'all joined', entries: 1 },
    ]);
    expect(await storedIds(queueUrl)).toEqual([event(1).id, event(2).id]);
  });

  it('right after a batch of three, waits for as many before sending (clients between two requests)', async () => {
    // Prepare: a batch of three was just answered.
    const queueUrl = await createQueue();
    const { log, batches } = recordingLog();
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs: NEVER_MS, log });
    await Promise.all([1, 2, 3].map((n) => publisher.publish(event(n))));

    // Act: one result comes back alone, then two more.
    const alone = publisher.publish(event(4));
    const aloneFirst = await storedIds(queueUrl);
    const next = [publisher.publish(event(5)), publisher.publish(event(6))];

    // Assess: the lone one waited and went with the other two.
    expect(aloneFirst).toEqual([1, 2, 3].map((n) => event(n).id));
    await expect(Promise.all([alone, ...next])).resolves.toHaveLength(3);
    expect(batches).toEqual([
      { reason: 'all joined', entries: 3 },
      { reason: 'all joined', entries: 3 },
    ]);
  });

  it('after a quiet moment longer than the linger, sends a lone event at once again', async () => {
    // Prepare: a batch of three, then nothing for twice the linger.
    const queueUrl = await createQueue();
    const { log, batches } = recordingLog();
    const lingerMs = 50;
    const publisher = sqsBatchPublisher(client, queueUrl, { lingerMs, log });
    await Promise.all([1, 2, 3].map((n) => publisher.publish(event(n))));
    await new Promise((resolve) => setTimeout(resolve, 2 * lingerMs));

    // Act
    await publisher.publish(event(4));

    // Assess: sent because nobody was expected, not by the linger.
    expect(batches.at(-1)).toEqual({ reason: 'all joined', entries: 1 });
  });
});
