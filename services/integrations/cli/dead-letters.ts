/**
 * Operator tools for the events dead-letter queue: what is in it and why, and moving it back.
 *
 * Why a message is there is recomputed from its body with the same contract the consumer uses: an
 * invalid message fails validation the same way every time, so the reason shown is the reason it was
 * dead-lettered (and the one the consumer logged on each receive). A valid event is there for one of
 * two reasons, which only the store can tell apart: its write failed on every receive (the consumer
 * logged each failure with its eventId and messageId), or it was applied but never deleted from the
 * queue (the invocation failed or timed out after the commit). Given the store, the reason says which.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { resourceName } from '@game-platform/resources';
import { parseGameEventJson } from '@game-platform/shared/events';
import { queueDepth } from '@game-platform/shared/sqs';

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
  /** The source's redrive `maxReceiveCount`: receives by the consumer before SQS moved a message here. */
  maxReceiveCount?: number;
}

/** The stage's queues by their names (`game-<stage>-events`, `game-<stage>-events-dlq`). */
export const stageQueues = async (sqs: SQSClient, stage: string): Promise<QueuePair> => {
  const lookup = async (name: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl)
      throw new Error(`queue ${name} not found; is the integrations service deployed for this stage?`);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
    );
    const redrive = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount?: unknown };
    const maxReceiveCount = Number(redrive.maxReceiveCount);
    return {
      url: QueueUrl,
      arn: Attributes?.QueueArn ?? '',
      ...(Number.isInteger(maxReceiveCount) && maxReceiveCount > 0 ? { maxReceiveCount } : {}),
    };
  };
  const [source, deadLetter] = await Promise.all([
    lookup(resourceName(stage, 'events')),
    lookup(resourceName(stage, 'events-dlq')),
  ]);
  return {
    queueUrl: source.url,
    queueArn: source.arn,
    deadLetterQueueUrl: deadLetter.url,
    deadLetterQueueArn: deadLetter.arn,
    ...(source.maxReceiveCount ? { maxReceiveCount: source.maxReceiveCount } : {}),
  };
};

export interface DeadLetter {
  messageId: string;
  sentAt: string;
  /** Why it could not be processed. */
  reason: string;
  /** The body, cut to 200 characters. */
  preview: string;
}

/**
 * When each of the given event ids was applied, for those the store has applied (the consumer's
 * `processed_events`). `undefined` when no store was given: then the reason says it is unknown.
 */
export type AppliedEvents = (eventIds: readonly string[]) => Promise<ReadonlyMap<string, Date>>;

/** Describes one dead-lettered message; `applied` is what the store said (`undefined`: not asked). */
export const describeDeadLetter = (message: Message, applied?: ReadonlyMap<string, Date>): DeadLetter => {
  const body = message.Body ?? '';
  const parsed = parseGameEventJson(body);
  const attributes = message.Attributes ?? {};
  const messageId = message.MessageId ?? '';
  let reason: string;
  if (!parsed.ok) reason = `invalid: ${parsed.errors.join('; ')}`;
  else {
    const event = `valid ${parsed.value.type} event ${parsed.value.id}`;
    const appliedAt = applied?.get(parsed.value.id);
    if (appliedAt)
      reason = `${event}: APPLIED at ${appliedAt.toISOString()}, but never deleted from the queue (its invocation failed or timed out after the commit); a redrive has no second effect`;
    else if (applied)
      reason = `${event}: NOT applied: its write failed on every receive; the consumer logged why under eventId ${parsed.value.id} / messageId ${messageId}`;
    else
      reason = `${event}: not known whether it was applied (give --database-url to ask the store); if not, the consumer logged why under eventId ${parsed.value.id} / messageId ${messageId}`;
  }
  return {
    messageId,
    sentAt: new Date(Number(attributes.SentTimestamp ?? 0)).toISOString(),
    reason,
    preview: body.length > 200 ? `${body.slice(0, 200)}...` : body,
  };
};

/**
 * Reads up to `max` messages of the DLQ without consuming them: each receive hides what it returns
 * (so the next receive returns others), and at the end every message is made visible again at once.
 * A receive counts in SQS's `ApproximateReceiveCount`, so that figure mixes the consumer's receives
 * with every peek's and is not shown; the CLI shows the source's `maxReceiveCount` instead.
 */
export const peekDeadLetters = async (
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  max = 100,
  appliedEvents?: AppliedEvents,
): Promise<DeadLetter[]> => {
  const seen = new Map<string, Message>();
  for (let receives = 0; seen.size < max && receives < Math.ceil(max / 10) + 2; receives++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) seen.set(message.MessageId ?? '', message);
  }
  const messages = [...seen.values()];
  await releaseMessages(sqs, deadLetterQueueUrl, messages);
  const eventIds = messages.flatMap((message) => {
    const parsed = parseGameEventJson(message.Body ?? '');
    return parsed.ok ? [parsed.value.id] : [];
  });
  const applied = appliedEvents ? await appliedEvents(eventIds) : undefined;
  return messages.map((message) => describeDeadLetter(message, applied));
};

/** Makes received messages visible again at once (visibility timeout 0), ten per request. */
const releaseMessages = async (sqs: SQSClient, queueUrl: string, messages: readonly Message[]) => {
  for (let i = 0; i < messages.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(i, i + 10).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
};

/** SQS's message move tasks (StartMessageMoveTask / ListMessageMoveTasks), as the redrive needs them. */
export interface MessageMoveTasks {
  /** Starts moving every message of the DLQ back to its source; returns the task handle. */
  start(): Promise<string>;
  /** The most recent task's state. */
  latest(): Promise<{ status: string; moved: number; toMove: number; failureReason?: string }>;
}

export const sqsMessageMoveTasks = (sqs: SQSClient, queues: QueuePair): MessageMoveTasks => ({
  start: async () => {
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: queues.deadLetterQueueArn,
        DestinationArn: queues.queueArn,
      }),
    );
    return TaskHandle ?? '';
  },
  latest: async () => {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: queues.deadLetterQueueArn, MaxResults: 1 }),
    );
    const task = Results[0];
    return {
      status: task?.Status ?? 'UNKNOWN',
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task?.ApproximateNumberOfMessagesToMove ?? 0,
      ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
    };
  },
});

/**
 * Starts a move task and follows it until it completes, fails or is cancelled, for at most
 * `timeoutSeconds` (the task carries on in SQS if we stop following it).
 */
export const redrive = async (
  tasks: MessageMoveTasks,
  report: (line: string) => void,
  options: { timeoutSeconds?: number; pollMilliseconds?: number } = {},
): Promise<{ status: string; moved: number }> => {
  const handle = await tasks.start();
  report(`started message move task ${handle}`);
  const deadline = Date.now() + (options.timeoutSeconds ?? 300) * 1000;
  for (;;) {
    const task = await tasks.latest();
    report(`${task.status}: ${task.moved} of ${task.toMove} moved`);
    if (task.status === 'FAILED')
      throw new Error(`the move task failed: ${task.failureReason ?? 'no reason given'}`);
    if (task.status === 'CANCELLED')
      throw new Error(
        `the move task was cancelled after moving ${task.moved} of ${task.toMove}; the rest stay in the DLQ`,
      );
    if (task.status === 'COMPLETED') return task;
    if (Date.now() > deadline) {
      report('still running; follow it in the SQS console or run this command again later');
      return task;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMilliseconds ?? 2000));
  }
};

/**
 * SQS's limit on a SendMessageBatch request: the sum of its messages' sizes (body + attribute names,
 * types and values), 1 MiB since AWS raised the message size limit (SQS developer guide, "Amazon SQS
 * message quotas"). A DLQ of large messages needs fewer than ten per request.
 */
export const MAX_BATCH_BYTES = 1_048_576;

/** A message's size as SQS counts it against the batch limit. */
export const messageBytes = (message: Pick<Message, 'Body' | 'MessageAttributes'>): number => {
  let bytes = Buffer.byteLength(message.Body ?? '', 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    bytes += Buffer.byteLength(value.StringValue ?? '', 'utf8') + (value.BinaryValue?.byteLength ?? 0);
  }
  return bytes;
};

/** Splits messages, in order, into SendMessageBatch requests of at most 10 entries and `MAX_BATCH_BYTES`. */
export const batchesByBytes = <T extends Pick<Message, 'Body' | 'MessageAttributes'>>(
  messages: readonly T[],
  maxBytes = MAX_BATCH_BYTES,
): T[][] => {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && (current.length === 10 || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

export interface MoveResult {
  moved: number;
  /** Messages still in the DLQ afterwards (visible or hidden by another reader). */
  left: number;
}

/**
 * How long a message this command received stays hidden if the command dies before it releases or
 * deletes it: long enough for one send and one delete, short enough not to hide it for long.
 */
const MOVE_VISIBILITY_SECONDS = 30;

/**
 * For local queues (fauxqs has no message move tasks): moves messages one receive at a time, sending
 * each to the source before deleting it from the DLQ, so a crash in between duplicates (which the
 * consumer absorbs) rather than loses. Sends are sized by bytes, not only by count. A message that
 * could not be sent is made visible again at once, and the error says which and why. At most `max`.
 * Returns what it moved and what is left in the DLQ, so a caller never reports a partial move as done.
 */
export const moveMessages = async (sqs: SQSClient, queues: QueuePair, max = 10_000): Promise<MoveResult> => {
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        VisibilityTimeout: MOVE_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const unsent: Array<{ message: Message; why: string }> = [];
    for (const batch of batchesByBytes(Messages)) {
      let sent: Set<string>;
      try {
        const response = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queues.queueUrl,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              MessageBody: message.Body ?? '',
              ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
            })),
          }),
        );
        sent = new Set((response.Successful ?? []).map((entry) => entry.Id ?? ''));
        for (const failure of response.Failed ?? []) {
          const message = batch[Number(failure.Id)];
          if (message) unsent.push({ message, why: `${failure.Code}: ${failure.Message ?? ''}` });
        }
      } catch (error) {
        sent = new Set();
        const why = error instanceof Error ? error.message : String(error);
        unsent.push(...batch.map((message) => ({ message, why })));
      }
      const deletable = batch.filter((_, index) => sent.has(String(index)));
      if (deletable.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queues.deadLetterQueueUrl,
            Entries: deletable.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
      }
      moved += deletable.length;
    }
    if (unsent.length > 0) {
      await releaseMessages(
        sqs,
        queues.deadLetterQueueUrl,
        unsent.map((item) => item.message),
      );
      const reasons = [...new Set(unsent.map((item) => item.why))].join('; ');
      throw new Error(
        `moved ${moved} message(s), but could not send ${unsent.length} back (${reasons}); they stay in the DLQ, visible again: ${unsent.map((item) => item.message.MessageId).join(', ')}`,
      );
    }
  }
  return { moved, left: await queueDepth(sqs, queues.deadLetterQueueUrl) };
};
