/**
 * A local stand-in for Lambda's SQS event source mapping, for integration tests and `npm start`:
 * it polls a real SQS-compatible server (fauxqs) and invokes a handler the way Lambda does.
 *
 * What it reproduces, because the consumer's correctness depends on it:
 * - batching: up to `batchSize` records, gathered for at most `maximumBatchingWindowSeconds`
 *   (SQS hands out at most 10 per receive, so larger batches take several receives);
 * - partial batch responses: only records missing from `batchItemFailures` are deleted; a response
 *   naming an unknown or empty `itemIdentifier` fails the whole batch, as in Lambda;
 * - failed invocations (throw, or running past `functionTimeoutSeconds`): nothing is deleted;
 * - redelivery and dead-lettering come from the queue itself: records not deleted reappear after the
 *   queue's visibility timeout, and the server moves a message to the DLQ per its RedrivePolicy;
 * - `maximumConcurrency` concurrent pollers, each invoking one batch at a time.
 *
 * What it does not: scale pollers with queue depth, or retry throttled invocations.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface EventSourcePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Records per invocation (1-10000). */
  batchSize: number;
  /** How long to gather a batch before invoking with what there is. Default: 0. */
  maximumBatchingWindowSeconds?: number;
  /** Concurrent invocations. Default: 1. */
  maximumConcurrency?: number;
  /** An invocation running longer than this counts as failed (Lambda would kill it). Default: 30. */
  functionTimeoutSeconds?: number;
  functionName?: string;
  /** Told after every invocation, for tests and local logs. */
  onInvocation?: (invocation: Invocation) => void;
}

export interface Invocation {
  messageIds: string[];
  /** Message ids deleted after the invocation (none when it failed). */
  deleted: string[];
  /** Why the whole batch failed, if it did. */
  error?: string;
}

export interface EventSourcePoller {
  /** Stops polling and waits for invocations in flight to finish. */
  stop(): Promise<void>;
  readonly invocations: number;
}

/** How long one receive waits for messages when the queue is empty (keeps `stop()` prompt). */
const IDLE_WAIT_SECONDS = 1;
/** SQS's limit per ReceiveMessage and per DeleteMessageBatch. */
const SQS_BATCH_LIMIT = 10;

const toRecord = (message: Message, queueArn: string): SQSRecord => {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
            : {}),
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'local',
  };
};

const lambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The record ids to delete, or why the response fails the whole batch (Lambda's rules). */
export const recordsToDelete = (
  messageIds: readonly string[],
  response: SQSBatchResponse | undefined,
): { delete: string[] } | { error: string } => {
  const failures = response?.batchItemFailures ?? [];
  const known = new Set(messageIds);
  const failed = new Set<string>();
  for (const failure of failures) {
    if (!failure?.itemIdentifier || !known.has(failure.itemIdentifier)) {
      return {
        error: `batchItemFailures names ${JSON.stringify(failure?.itemIdentifier)}, which is not a message of this batch; the whole batch fails`,
      };
    }
    failed.add(failure.itemIdentifier);
  }
  return { delete: messageIds.filter((id) => !failed.has(id)) };
};

export const startEventSourcePoller = (options: EventSourcePollerOptions): EventSourcePoller => {
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  const timeoutMs = (options.functionTimeoutSeconds ?? 30) * 1000;
  const functionName = options.functionName ?? 'local-consumer';
  let running = true;
  let invocations = 0;

  /** Receives until the batch is full, the window has passed, or (no window) one receive returned. */
  const gather = async (): Promise<Message[]> => {
    const batch: Message[] = [];
    const deadline = Date.now() + windowMs;
    while (running && batch.length < options.batchSize) {
      const remainingMs = deadline - Date.now();
      const { Messages = [] } = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, options.batchSize - batch.length),
          WaitTimeSeconds:
            batch.length === 0
              ? IDLE_WAIT_SECONDS
              : Math.max(0, Math.min(20, Math.floor(remainingMs / 1000))),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      batch.push(...Messages);
      if (batch.length > 0 && (remainingMs <= 0 || Messages.length === 0)) break;
    }
    return batch;
  };

  const deleteMessages = async (messages: Message[]) => {
    for (let i = 0; i < messages.length; i += SQS_BATCH_LIMIT) {
      const chunk = messages.slice(i, i + SQS_BATCH_LIMIT);
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      );
    }
  };

  const invoke = async (messages: Message[]): Promise<Invocation> => {
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
    const messageIds = event.Records.map((record) => record.messageId);
    invocations += 1;
    let timer: NodeJS.Timeout | undefined;
    try {
      const response = await Promise.race([
        options.handler(event, lambdaContext(functionName, timeoutMs)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      const outcome = recordsToDelete(messageIds, response);
      if ('error' in outcome) return { messageIds, deleted: [], error: outcome.error };
      const keep = new Set(outcome.delete);
      await deleteMessages(messages.filter((message) => keep.has(message.MessageId ?? '')));
      return { messageIds, deleted: outcome.delete };
    } catch (error) {
      return { messageIds, deleted: [], error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  };

  const poll = async () => {
    while (running) {
      try {
        const messages = await gather();
        if (messages.length > 0) options.onInvocation?.(await invoke(messages));
      } catch (error) {
        // The queue server itself failed (e.g. stopped before us): back off instead of spinning.
        if (running) await sleep(200);
        options.onInvocation?.({ messageIds: [], deleted: [], error: `polling failed: ${String(error)}` });
      }
    }
  };

  const loops = Array.from({ length: options.maximumConcurrency ?? 1 }, () => poll());
  return {
    get invocations() {
      return invocations;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
