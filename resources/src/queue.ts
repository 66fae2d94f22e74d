/**
 * An SQS queue with its dead-letter queue, in the shape the security baseline asks for:
 * encrypted (CT.SQS.PR.2), dead-lettered (CT.SQS.PR.1), TLS-only, and a DLQ that names its one
 * source in a `RedriveAllowPolicy` and keeps messages longer than the source does.
 *
 * Reads as three steps: `deadLetterQueue()`, `sourceQueue()`, `tlsOnlyQueuePolicy()`.
 */
import { getAtt, ref, sub, type Value } from './cfn/intrinsics';
import { type CfnResource, type Resources, resource } from './cfn/resource';
import type { SQSQueueProps } from './cfn/spec.generated';
import { type PolicyStatement, policyDocument } from './iam';

const SECONDS_PER_DAY = 86_400;

/** What `queueWithDeadLetter` uses where its options say nothing (each option's doc says why). */
export const QUEUE_DEFAULTS = {
  deadLetterRetentionDays: 14,
  maxReceiveCount: 5,
  receiveWaitTimeSeconds: 20,
  /** With a customer-managed key: how long SQS reuses a data key before asking KMS again (the default, 5 minutes). */
  kmsDataKeyReusePeriodSeconds: 300,
} as const;

/** SQS accepts visibility timeouts up to 12 hours. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * The visibility timeout a queue needs when a Lambda function consumes it: 6 x the function timeout
 * plus the batching window (AWS's guidance), so a message is not handed to a second invocation while
 * the first, throttled and retried by Lambda, may still be working on it.
 */
export const consumerVisibilityTimeoutSeconds = (consumer: {
  functionTimeoutSeconds: number;
  maximumBatchingWindowSeconds: number;
}): number => 6 * consumer.functionTimeoutSeconds + consumer.maximumBatchingWindowSeconds;

export interface QueueWithDeadLetterOptions {
  /**
   * The thing the queue carries, PascalCase: `Events` gives the logical ids `EventsQueue`,
   * `EventsDeadLetterQueue` and `EventsQueuePolicy`.
   */
  thing: string;
  /** Physical name of the source queue, e.g. `game-dev-events`; the DLQ is named `<name>-dlq`. */
  queueName: string;
  /** Seconds a received message stays hidden. Use `consumerVisibilityTimeoutSeconds` for a Lambda consumer. */
  visibilityTimeoutSeconds: number;
  /** Days an unprocessed message stays on the source queue (1-14). */
  messageRetentionDays: number;
  /** Days the DLQ keeps a message; must be longer than `messageRetentionDays`. Default: 14 (the maximum). */
  deadLetterRetentionDays?: number;
  /** Receives before SQS moves a message to the DLQ. Default: 5 (the lowest that survives throttling). */
  maxReceiveCount?: number;
  /**
   * Encryption of both queues. Default: SQS-managed SSE (free; producers need no KMS grant).
   * Give `kmsKeyArn` for a customer-managed key; every producer and consumer then needs
   * `kms:GenerateDataKey`/`kms:Decrypt` on it.
   */
  encryption?: { kmsKeyArn: Value<string> };
  /** Long polling on receive. Default: 20 seconds (fewer empty receives to pay for). */
  receiveWaitTimeSeconds?: number;
}

/** Builder misuse (a DLQ that would lose messages, a timeout SQS rejects) fails at synth, naming the value. */
export class QueueOptionsError extends Error {
  override readonly name = 'QueueOptionsError';
}

const queueArn = (queueName: string) =>
  sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${queueName}`);

const encryptionProperties = (options: QueueWithDeadLetterOptions): SQSQueueProps =>
  options.encryption
    ? {
        KmsMasterKeyId: options.encryption.kmsKeyArn,
        KmsDataKeyReusePeriodSeconds: QUEUE_DEFAULTS.kmsDataKeyReusePeriodSeconds,
      }
    : { SqsManagedSseEnabled: true };

const validate = (options: QueueWithDeadLetterOptions): void => {
  const deadLetterDays = options.deadLetterRetentionDays ?? QUEUE_DEFAULTS.deadLetterRetentionDays;
  if (deadLetterDays <= options.messageRetentionDays || deadLetterDays > 14) {
    throw new QueueOptionsError(
      `${options.thing}: deadLetterRetentionDays is ${deadLetterDays}; expected more than messageRetentionDays (${options.messageRetentionDays}) and at most 14`,
    );
  }
  if (
    !Number.isInteger(options.visibilityTimeoutSeconds) ||
    options.visibilityTimeoutSeconds < 0 ||
    options.visibilityTimeoutSeconds > MAX_VISIBILITY_TIMEOUT_SECONDS
  ) {
    throw new QueueOptionsError(
      `${options.thing}: visibilityTimeoutSeconds is ${options.visibilityTimeoutSeconds}; expected an integer from 0 to ${MAX_VISIBILITY_TIMEOUT_SECONDS}`,
    );
  }
};

/** The DLQ: keeps messages as long as SQS allows and accepts them only from its one source queue. */
const deadLetterQueue = (options: QueueWithDeadLetterOptions): CfnResource<'AWS::SQS::Queue'> =>
  resource('AWS::SQS::Queue', {
    QueueName: `${options.queueName}-dlq`,
    MessageRetentionPeriod:
      (options.deadLetterRetentionDays ?? QUEUE_DEFAULTS.deadLetterRetentionDays) * SECONDS_PER_DAY,
    ...encryptionProperties(options),
    // The source's ARN is built from its name: a GetAtt would make the two queues depend on each other.
    RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [queueArn(options.queueName)] },
  });

const sourceQueue = (options: QueueWithDeadLetterOptions): CfnResource<'AWS::SQS::Queue'> =>
  resource('AWS::SQS::Queue', {
    QueueName: options.queueName,
    VisibilityTimeout: options.visibilityTimeoutSeconds,
    MessageRetentionPeriod: options.messageRetentionDays * SECONDS_PER_DAY,
    ReceiveMessageWaitTimeSeconds: options.receiveWaitTimeSeconds ?? QUEUE_DEFAULTS.receiveWaitTimeSeconds,
    ...encryptionProperties(options),
    RedrivePolicy: {
      deadLetterTargetArn: getAtt(queueLogicalIds(options.thing).deadLetterQueue, 'Arn'),
      maxReceiveCount: options.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
    },
  });

/** Denies every request to the queue that does not use TLS. */
export const queueTlsOnlyStatement = (queueLogicalIds: string[]): PolicyStatement => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  // A Deny: every action, so no call over plain HTTP gets through, whatever is added later.
  Action: ['sqs:*'],
  Resource: queueLogicalIds.map((id) => getAtt(id, 'Arn')),
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

const tlsOnlyQueuePolicy = (queueLogicalIds: string[]): CfnResource<'AWS::SQS::QueuePolicy'> =>
  resource('AWS::SQS::QueuePolicy', {
    Queues: queueLogicalIds.map(ref),
    PolicyDocument: policyDocument(queueTlsOnlyStatement(queueLogicalIds)),
  });

/** The logical ids `queueWithDeadLetter` gives a thing's queues: `EventsQueue`, `EventsDeadLetterQueue`, `EventsQueuePolicy`. */
export const queueLogicalIds = (thing: string) => ({
  queue: `${thing}Queue`,
  deadLetterQueue: `${thing}DeadLetterQueue`,
  policy: `${thing}QueuePolicy`,
});

/**
 * A source queue, its dead-letter queue and a TLS-only policy on both.
 *
 * Defaults (`QUEUE_DEFAULTS`): SQS-managed encryption, DLQ retention 14 days, `maxReceiveCount` 5, long polling 20 s.
 * Change them through the options (a customer-managed key with `encryption.kmsKeyArn`); the
 * visibility timeout and the source retention have no default because they depend on the consumer.
 */
export const queueWithDeadLetter = (options: QueueWithDeadLetterOptions): Resources => {
  validate(options);
  const ids = queueLogicalIds(options.thing);
  return {
    [ids.deadLetterQueue]: deadLetterQueue(options),
    [ids.queue]: sourceQueue(options),
    [ids.policy]: tlsOnlyQueuePolicy([ids.queue, ids.deadLetterQueue]),
  };
};
