/**
 * The integrations queues, locally: fauxqs on 127.0.0.1 with the events queue and its dead-letter
 * queue made from the very resources the template is made of (`queueWithDeadLetter` with the
 * integrations service's `eventsQueueOptions`), translated property by property into queue
 * attributes. A property with no local translation fails the start instead of being dropped.
 */

import type { RunningPart } from '@game-platform/local';
import {
  createQueueWithDeadLetter,
  type LocalAws,
  type LocalQueue,
  localSqsClient,
  startLocalAws,
} from '@game-platform/local';
import {
  type CfnResource,
  type QueueWithDeadLetterOptions,
  queueWithDeadLetter,
  type Resources,
} from '@game-platform/resources';
import { queueDepth } from '@game-platform/shared/sqs';

/** Queue properties that become the same-named attribute. */
const AS_ATTRIBUTE = new Set([
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'DelaySeconds',
  'MaximumMessageSize',
]);

/** Properties deliberately not reproduced locally, and why. */
export const NOT_REPRODUCED: Readonly<Record<string, string>> = {
  SqsManagedSseEnabled: 'encryption at rest: the local queues live in memory',
  KmsMasterKeyId: 'encryption at rest: the local queues live in memory',
  KmsDataKeyReusePeriodSeconds: 'encryption at rest: the local queues live in memory',
  RedriveAllowPolicy: 'an access rule for redrives, which fauxqs does not enforce',
};

export class LocalQueueTranslationError extends Error {
  override readonly name = 'LocalQueueTranslationError';
}

export interface LocalQueueSettings {
  name: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  attributes: { queue: Record<string, string>; deadLetterQueue: Record<string, string> };
}

const propertiesOf = (resources: Resources, id: string): Record<string, unknown> => {
  const found = resources[id] as CfnResource<'AWS::SQS::Queue'> | undefined;
  if (found?.Type !== 'AWS::SQS::Queue') {
    throw new LocalQueueTranslationError(`${id} is not an AWS::SQS::Queue of the queue resources`);
  }
  return found.Properties as Record<string, unknown>;
};

const attributesOf = (id: string, properties: Record<string, unknown>, handled: string[]) => {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (handled.includes(key) || key in NOT_REPRODUCED) continue;
    if (!AS_ATTRIBUTE.has(key) || typeof value !== 'number') {
      throw new LocalQueueTranslationError(
        `${id}.${key} (${JSON.stringify(value)}) has no local equivalent; expected a numeric queue attribute (${[...AS_ATTRIBUTE].join(', ')}) or one of ${Object.keys(NOT_REPRODUCED).join(', ')}; teach services/integrations/local/queues.ts how to apply it`,
      );
    }
    attributes[key] = String(value);
  }
  return attributes;
};

/**
 * The local settings of the queue resources `queueWithDeadLetter` makes for `thing`: each property
 * becomes the same attribute, the redrive policy the DLQ wiring, and what cannot apply locally is
 * listed in `NOT_REPRODUCED`. Anything else fails, naming the property.
 */
export const translateQueueResources = (resources: Resources, thing: string): LocalQueueSettings => {
  const source = propertiesOf(resources, `${thing}Queue`);
  const deadLetter = propertiesOf(resources, `${thing}DeadLetterQueue`);
  const redrive = source.RedrivePolicy as { maxReceiveCount?: unknown } | undefined;
  if (typeof redrive?.maxReceiveCount !== 'number') {
    throw new LocalQueueTranslationError(
      `${thing}Queue.RedrivePolicy.maxReceiveCount is ${JSON.stringify(redrive?.maxReceiveCount)}; expected a number`,
    );
  }
  const name = String(source.QueueName);
  if (deadLetter.QueueName !== `${name}-dlq`) {
    throw new LocalQueueTranslationError(
      `${thing}DeadLetterQueue.QueueName is ${JSON.stringify(deadLetter.QueueName)}; expected "${name}-dlq" (the local DLQ is named after its source)`,
    );
  }
  const queue = attributesOf(`${thing}Queue`, source, ['QueueName', 'RedrivePolicy']);
  return {
    name,
    visibilityTimeoutSeconds: Number(queue.VisibilityTimeout),
    maxReceiveCount: redrive.maxReceiveCount,
    attributes: {
      queue,
      deadLetterQueue: attributesOf(`${thing}DeadLetterQueue`, deadLetter, ['QueueName']),
    },
  };
};

/** The local settings of the queue and DLQ the template makes from these options. */
export const localQueueSettings = (options: QueueWithDeadLetterOptions): LocalQueueSettings =>
  translateQueueResources(queueWithDeadLetter(options), options.thing);

export interface LocalQueues extends RunningPart {
  aws: LocalAws;
  queue: LocalQueue;
  settings: LocalQueueSettings;
}

export interface QueuesOptions {
  queue: QueueWithDeadLetterOptions;
  port: number;
  region: string;
  /** Replaces the template's visibility timeout (`--visibility-timeout`). */
  visibilityTimeoutSeconds?: number;
}

export const startLocalQueues = async (options: QueuesOptions): Promise<LocalQueues> => {
  const fromTemplate = localQueueSettings(options.queue);
  const settings =
    options.visibilityTimeoutSeconds === undefined
      ? fromTemplate
      : { ...fromTemplate, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds };
  const aws = await startLocalAws({ port: options.port, region: options.region });
  const sqs = localSqsClient(aws);
  try {
    const queue = await createQueueWithDeadLetter(sqs, settings);
    const visibility =
      settings.visibilityTimeoutSeconds === fromTemplate.visibilityTimeoutSeconds
        ? `${settings.visibilityTimeoutSeconds} s`
        : `${settings.visibilityTimeoutSeconds} s (--visibility-timeout; the stage has ${fromTemplate.visibilityTimeoutSeconds} s)`;
    return {
      summary: `SQS on ${aws.endpoint}: ${settings.name} (visibility timeout ${visibility}, maxReceiveCount ${settings.maxReceiveCount}) -> ${settings.name}-dlq`,
      aws,
      queue,
      settings,
      stop: async () => {
        // The queues live in memory: say what is lost, so nobody wonders where a message went.
        const [left, dead] = await Promise.all([
          queueDepth(sqs, queue.queueUrl).catch(() => 0),
          queueDepth(sqs, queue.deadLetterQueueUrl).catch(() => 0),
        ]);
        sqs.destroy();
        await aws.stop();
        return left + dead > 0
          ? `dropped ${left} message(s) of ${settings.name} and ${dead} of ${settings.name}-dlq (the local queues live in memory)`
          : undefined;
      },
    };
  } catch (error) {
    sqs.destroy();
    await aws.stop();
    throw error;
  }
};
