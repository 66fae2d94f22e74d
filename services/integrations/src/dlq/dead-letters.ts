/**
 * Operator tools for the events dead-letter queue: what is in it and why, and moving it back.
 *
 * Why a message is there is recomputed from its body with the same contract the consumer uses: an
 * invalid message fails validation the same way every time, so the reason shown is the reason it was
 * dead-lettered (and the one the consumer logged on each receive). A valid event in the DLQ failed to
 * commit `maxReceiveCount` times; its cause is in the consumer's logs under its messageId.
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
import { parseGameEventJson } from '@game-platform/shared/events';

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** The stage's queues by their names (`game-<stage>-events`, `game-<stage>-events-dlq`). */
export const stageQueues = async (sqs: SQSClient, stage: string): Promise<QueuePair> => {
  const lookup = async (name: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl)
      throw new Error(`queue ${name} not found; is the integrations service deployed for this stage?`);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
  };
  const [source, deadLetter] = await Promise.all([
    lookup(`game-${stage}-events`),
    lookup(`game-${stage}-events-dlq`),
  ]);
  return {
    queueUrl: source.url,
    queueArn: source.arn,
    deadLetterQueueUrl: deadLetter.url,
    deadLetterQueueArn: deadLetter.arn,
  };
};

export interface DeadLetter {
  messageId: string;
  sentAt: string;
  receiveCount: number;
  /** Why it could not be processed. */
  reason: string;
  /** The body, cut to 200 characters. */
  preview: string;
}

/** Describes one dead-lettered message. */
export const describeDeadLetter = (message: Message): DeadLetter => {
  const body = message.Body ?? '';
  const parsed = parseGameEventJson(body);
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    sentAt: new Date(Number(attributes.SentTimestamp ?? 0)).toISOString(),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    reason: parsed.ok
      ? `valid ${parsed.value.type} event ${parsed.value.id}: its write failed on every receive; see the consumer's logs for this messageId`
      : `invalid: ${parsed.errors.join('; ')}`,
    preview: body.length > 200 ? `${body.slice(0, 200)}...` : body,
  };
};

/**
 * Reads up to `max` messages of the DLQ without consuming them: each receive hides what it returns
 * (so the next receive returns others), and at the end every message is made visible again at once.
 */
export const peekDeadLetters = async (
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  max = 100,
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
  for (let i = 0; i < messages.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: deadLetterQueueUrl,
        Entries: messages.slice(i, i + 10).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return messages.map(describeDeadLetter);
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
    if (task.status === 'COMPLETED' || task.status === 'CANCELLED') return task;
    if (Date.now() > deadline) {
      report('still running; follow it in the SQS console or run this command again later');
      return task;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMilliseconds ?? 2000));
  }
};

/**
 * For local queues (fauxqs has no message move tasks): moves messages one batch at a time, sending
 * each to the source before deleting it from the DLQ, so a crash in between duplicates (which the
 * consumer absorbs) rather than loses. At most `max` messages.
 */
export const moveMessages = async (sqs: SQSClient, queues: QueuePair, max = 10_000): Promise<number> => {
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    const delivered = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const deletable = Messages.filter((_, index) => delivered.has(String(index)));
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
    if (deletable.length < Messages.length) {
      throw new Error(
        `could not send ${Messages.length - deletable.length} messages back; they stay in the DLQ`,
      );
    }
  }
  return moved;
};
