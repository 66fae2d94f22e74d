/**
 * Adapter: the events queue through the AWS SDK v3 SQS client. The client is created once per
 * process; timeouts are short so an unreachable queue turns into a 503 within seconds instead of
 * holding the request until the client gives up.
 */
import { type BatchResultErrorEntry, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { GameEvent } from '@game-platform/shared/events';
import type { Logger } from '@game-platform/shared/log';
import type { AnnouncingEventPublisher, DependencyProbe } from '../domain/ports';
import { sqsSendMessageBatch } from './sqs-send-batch';

export interface SqsClientSettings {
  region: string;
  /** An SQS-compatible server (fauxqs) for local runs; `undefined` in AWS. */
  endpoint: string | undefined;
  /** How long one attempt may wait for SQS's answer; default 5 s (tests shorten it). */
  requestTimeoutMs?: number;
}

/**
 * Connect within 2 s, answer within 5 s, 3 attempts in all (the SDK's standard retry with backoff).
 * `throwOnRequestTimeout`: without it the SDK's HTTP handler only logs a warning when `requestTimeout`
 * passes ("Init client requestHandler with throwOnRequestTimeout=true to turn this into an error") and
 * keeps waiting, so a queue that accepts the connection and never answers would hold every match
 * result, its batch and the shutdown without end (tests/sqs-batch.test.ts shows it).
 * The match results' batches use this client's credentials, signer inputs, HTTP handler and retry
 * strategy without its command pipeline (`sqs-send-batch.ts`); the readiness probe uses `send`.
 */
export const createSqsClient = ({
  region,
  endpoint,
  requestTimeoutMs = 5_000,
}: SqsClientSettings): SQSClient =>
  new SQSClient({
    region,
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    // With an endpoint override the client must talk to it even where the queue URL names another
    // host for the same server (localhost for 127.0.0.1, or an older fauxqs's sqs.<region>.localhost).
    ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
  });

/** At most 10 entries per `SendMessageBatch` (SQS API reference, SendMessageBatch). */
export const MAX_BATCH_ENTRIES = 10;
/**
 * The sum of a batch's message bodies is kept within 256 KiB, the limit SQS applied until 2025 (now
 * 1 MiB, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html):
 * valid under both, and a request body the engine accepts is at most 64 KiB, so a batch always fits 3.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

/** An entry SQS reported in `Failed`: it was not stored, so its request must not be answered 202. */
export class BatchEntryFailedError extends Error {
  override readonly name = 'BatchEntryFailedError';
  readonly code: string;

  constructor(failure: BatchResultErrorEntry | undefined) {
    const code = failure?.Code ?? 'NotReported';
    super(
      failure
        ? `SQS did not store the message: ${code} (${failure.SenderFault ? 'sender' : 'service'} fault): ${failure.Message ?? ''}`
        : 'SQS reported the message neither stored nor failed; treated as not stored',
    );
    this.code = code;
  }
}

/** A publisher that can be told to send what is waiting now (shutdown). */
export interface BatchingEventPublisher extends AnnouncingEventPublisher {
  /**
   * Sends what is lingering now and from then on sends every event at once (no linger): called when
   * the process stops, so nothing waits on a timer. Resolves once every batch sent has settled.
   */
  close(): Promise<void>;
}

interface PendingEntry {
  body: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

type SendReason = 'full' | 'all joined' | 'linger' | 'no linger' | 'closing';

/**
 * Publishes events as messages whose body is the event's JSON (exactly what the consumer parses with
 * the shared contract), grouped into `SendMessageBatch` requests.
 *
 * When a batch goes:
 * - at once when it holds 10 entries or the next would take it over 256 KiB, or while closing;
 * - early, as soon as every announced publish (`announce()`: a match request that has started) has
 *   joined it or been withdrawn, and it holds as many entries as the previous batch did when that
 *   one was answered less than `lingerMs` ago. Waiting for announced requests adds entries that are
 *   known to be coming; the previous batch's size stands for the clients that are between two
 *   requests (answered, about to post the next result), which no count of requests in flight can
 *   see. Without it, a publisher serving a few clients that each wait for their 202 sends them one
 *   by one: every `SendMessageBatch` costs the engine CPU of its own (signing, serialization, the
 *   socket write and the answer; see src/README.md), so many small batches cost throughput as well
 *   as requests.
 *   A lone result after a quiet moment (no batch answered within `lingerMs`) waits for no one;
 * - at the latest `lingerMs` after its first entry (the bound on the latency batching adds, as
 *   before): when an announced request is slow to publish (a slow body, its Idempotency-Key's round
 *   trip to the database) or fewer results came than last time (the expectation then shrinks).
 * Unannounced publishes (live rounds) join whatever is forming.
 *
 * The early and the linger decisions are taken on the event loop's check phase (`setImmediate`), not
 * when the last publish arrives: requests whose bytes arrived in the same poll phase are parsed (and
 * announced) one socket after the other, so one can publish before the next is even announced; on
 * the check phase every request that had arrived is counted.
 *
 * Each `publish` resolves only when SQS lists its entry in `Successful` (stored, with the MD5 of the
 * body sent) and rejects when it is in `Failed`, missing from the answer, or the request failed
 * (after the client's retries; `sqs-send-batch.ts` sends the request): a caller
 * answers 202 only for what SQS stored. Batch entry ids are positions in the batch, not event ids,
 * so two events with the same id (a client retrying with its Idempotency-Key) can share a batch; the
 * consumer applies an event id once. A standard queue: no deduplication id.
 */
export const sqsBatchPublisher = (
  client: SQSClient,
  queueUrl: string,
  { lingerMs, log }: { lingerMs: number; log: Logger },
): BatchingEventPublisher => {
  const sendBatch = sqsSendMessageBatch(client, queueUrl);
  let pending: PendingEntry[] = [];
  let pendingBytes = 0;
  /** Publishes announced and neither made nor withdrawn: the batch being formed waits for these. */
  let announced = 0;
  /** Entries of the last batch sent, and when its answer came (`performance.now()`). */
  let lastBatchSize = 0;
  let lastAnsweredAt = Number.NEGATIVE_INFINITY;
  /** The linger of the batch being formed: the longest its first entry waits. */
  let timer: NodeJS.Timeout | undefined;
  let lingerOver = false;
  /** The next check phase, on which the batch goes if nobody expected is still coming (or the linger is over). */
  let check: NodeJS.Immediate | undefined;
  let closing = false;
  const sending = new Set<Promise<void>>();

  /** How many entries the batch being formed may still wait for (besides announced publishes). */
  const expected = (): number =>
    sending.size > 0 || performance.now() - lastAnsweredAt < lingerMs ? lastBatchSize : 1;

  const send = (reason: SendReason): void => {
    clearTimeout(timer);
    clearImmediate(check);
    timer = undefined;
    check = undefined;
    lingerOver = false;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    if (batch.length === 0) return;
    lastBatchSize = batch.length;
    const request = sendBatch(batch.map((entry, index) => ({ Id: String(index), MessageBody: entry.body })))
      .then(
        ({ stored, failed }) => {
          for (const [index, entry] of batch.entries()) {
            const id = String(index);
            if (stored.has(id)) entry.resolve();
            else entry.reject(new BatchEntryFailedError(failed.get(id)));
          }
          log.debug('batch sent', { reason, entries: batch.length, failed: batch.length - stored.size });
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        sending.delete(request);
        lastAnsweredAt = performance.now();
      });
    sending.add(request);
  };

  const sendOnCheckPhase = (): void => {
    check ??= setImmediate(() => {
      check = undefined;
      if (lingerOver) send('linger');
      else if (announced === 0 && pending.length >= expected()) send('all joined');
      // Otherwise the next publish or withdrawal checks again, and the linger bounds the wait.
    });
  };

  const publish = (event: GameEvent) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(event);
      const bytes = Buffer.byteLength(body);
      if (pending.length > 0 && pendingBytes + bytes > MAX_BATCH_BYTES) send('full');
      pending.push({ body, resolve, reject });
      pendingBytes += bytes;
      if (closing) return send('closing');
      if (lingerMs === 0) return send('no linger');
      if (pending.length >= MAX_BATCH_ENTRIES) return send('full');
      if (!timer && !lingerOver)
        timer = setTimeout(() => {
          // Node runs expired timers before it reads the sockets that became readable meanwhile:
          // send on the next check phase instead, after requests that already arrived have joined.
          timer = undefined;
          lingerOver = true;
          sendOnCheckPhase();
        }, lingerMs);
      if (announced === 0) sendOnCheckPhase();
    });

  return {
    publish,
    announce: () => {
      announced += 1;
      let outstanding = true;
      /** Counts this announcement out, once; true the first time. */
      const settle = (): boolean => {
        if (!outstanding) return false;
        outstanding = false;
        announced -= 1;
        return true;
      };
      return {
        publish: (event) => {
          settle();
          return publish(event);
        },
        withdraw: () => {
          // The batch may have been waiting for this request alone.
          if (settle() && announced === 0 && pending.length > 0) sendOnCheckPhase();
        },
      };
    },
    close: async () => {
      closing = true;
      if (pending.length > 0)
        log.info('sending the lingering match results before exit', { entries: pending.length });
      send('closing');
      await Promise.allSettled([...sending]);
    },
  };
};

/** Readiness probe: the queue answers `GetQueueAttributes` (needs sqs:GetQueueAttributes on it). */
export const sqsQueueProbe = (client: SQSClient, queueUrl: string): DependencyProbe => ({
  name: 'queue',
  ping: async () => {
    await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  },
});
