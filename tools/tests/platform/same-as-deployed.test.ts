/**
 * The local platform runs what deploys, apart from the endpoints: for every checked stage, the local
 * events queue and DLQ carry the attributes of the synthesized template's queues (what cannot apply
 * locally is named, anything unknown fails), the local consumer gets the synthesized function's
 * environment and the local engine the synthesized task definition's container environment, with
 * only the endpoints replaced. Then the queues on a real fauxqs.
 */
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ENGINE_ENDPOINT_VARIABLES, localEngineEnvironment } from '@game-platform/engine/local';
import {
  eventsQueueOptions,
  LocalQueueTranslationError,
  localConsumerEnvironment,
  localQueueSettings,
  NOT_REPRODUCED,
  startLocalQueues,
  translateQueueResources,
} from '@game-platform/integrations/local';
import { freePort } from '@game-platform/local';
import { queueWithDeadLetter } from '@game-platform/resources';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { resourceById, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

/** Template properties that are not attributes: the name, and the redrive wiring checked on its own. */
const WIRING = ['QueueName', 'RedrivePolicy'];

/** What a property of the template must be locally: the same value as an attribute, or not reproduced. */
const expectAppliedAsInTemplate = (
  properties: Record<string, unknown>,
  attributes: Record<string, string>,
) => {
  for (const [key, value] of Object.entries(properties)) {
    if (WIRING.includes(key)) continue;
    if (key in NOT_REPRODUCED) expect(attributes, key).not.toHaveProperty(key);
    else expect({ [key]: attributes[key] }).toEqual({ [key]: String(value) });
  }
  expect(Object.keys(attributes).every((key) => key in properties)).toBe(true);
};

describe.each(CHECKED_PROFILES)('local platform, stage %s: the same as deployed', (stage) => {
  const template = synthesizedTemplate(stage, 'integrations');
  const profile = loadStageProfile(stage);

  it('creates the events queue and DLQ with the attributes of the synthesized queues', () => {
    // Act
    const local = localQueueSettings(eventsQueueOptions(stage, profile.integrations));

    // Assess
    const queue = resourceById(template, 'EventsQueue').Properties ?? {};
    const deadLetter = resourceById(template, 'EventsDeadLetterQueue').Properties ?? {};
    expect(local.name).toBe(queue.QueueName);
    expect(`${local.name}-dlq`).toBe(deadLetter.QueueName);
    expect(local.maxReceiveCount).toBe((queue.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount);
    expect(local.visibilityTimeoutSeconds).toBe(queue.VisibilityTimeout);
    expectAppliedAsInTemplate(queue, local.attributes.queue);
    expectAppliedAsInTemplate(deadLetter, local.attributes.deadLetterQueue);
  });

  it("gives the consumer the synthesized function's environment, with DATABASE_URL for the DB_* endpoint", () => {
    // Prepare
    const deployed = resourceById(template, 'ConsumerLambdaFunction').Properties ?? {};
    const variables = (deployed.Environment as { Variables: Record<string, string> }).Variables;
    const databaseUrl = 'postgres://game_consumer:secret@127.0.0.1:5433/game';

    // Act
    const local = localConsumerEnvironment(profile, String(deployed.FunctionName), databaseUrl);

    // Assess
    const endpoint = ['DB_IAM_USER', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'NODE_EXTRA_CA_CERTS'];
    const { DB_IAM_USER, DB_HOST, DB_PORT, DB_NAME, NODE_EXTRA_CA_CERTS, ...unchanged } = variables;
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(endpoint));
    expect(local).toEqual({
      ...unchanged,
      DATABASE_URL: databaseUrl,
      AWS_REGION: profile.region,
      AWS_DEFAULT_REGION: profile.region,
      AWS_LAMBDA_FUNCTION_NAME: deployed.FunctionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(deployed.MemorySize),
      TZ: 'UTC',
    });
  });
});

describe.each(CHECKED_PROFILES)('local engine, stage %s: the same as deployed', (stage) => {
  it("gives the engine the task definition's container environment, with the endpoints replaced", () => {
    // Prepare
    const profile = loadStageProfile(stage);
    const task = resourceById(synthesizedTemplate(stage, 'engine'), 'EngineTaskDefinition').Properties ?? {};
    const [container] = task.ContainerDefinitions as Array<{
      Environment: Array<{ Name: string; Value: unknown }>;
    }>;
    const deployed = Object.fromEntries(
      (container?.Environment ?? []).map(({ Name, Value }) => [Name, Value]),
    );
    const endpoints = {
      queueUrl: 'http://127.0.0.1:4566/000000000000/game-dev-events',
      databaseUrl: 'postgres://game_engine:secret@127.0.0.1:5433/game',
      sqsEndpoint: 'http://127.0.0.1:4566',
      port: 18080,
    };

    // Act
    const local = localEngineEnvironment({ profile, ...endpoints });

    // Assess: what is not an endpoint is the deployed value; the region is the stack's (deployed to the profile's)
    const unchanged = Object.fromEntries(
      Object.entries(deployed).filter(
        ([name]) => !(ENGINE_ENDPOINT_VARIABLES as readonly string[]).includes(name) && name !== 'AWS_REGION',
      ),
    );
    expect(Object.keys(deployed)).toEqual(expect.arrayContaining([...ENGINE_ENDPOINT_VARIABLES]));
    expect(deployed.AWS_REGION).toEqual({ Ref: 'AWS::Region' });
    expect(local).toEqual({
      ...unchanged,
      AWS_REGION: profile.region,
      NODE_ENV: 'production',
      EVENTS_QUEUE_URL: endpoints.queueUrl,
      DATABASE_URL: endpoints.databaseUrl,
      PORT: '18080',
      HOST: '127.0.0.1',
      AWS_ENDPOINT_URL_SQS: endpoints.sqsEndpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
});

describe('queue translation', () => {
  it('fails on a queue property it does not know, naming it, instead of dropping it', () => {
    // Prepare: what the builder would make if someone added FIFO ordering to it
    const resources = queueWithDeadLetter(eventsQueueOptions('dev', loadStageProfile('dev').integrations));
    const queue = resources.EventsQueue as { Properties: Record<string, unknown> };
    queue.Properties.FifoQueue = true;

    // Act / Assess
    expect(() => translateQueueResources(resources, 'Events')).toThrow(LocalQueueTranslationError);
    expect(() => translateQueueResources(resources, 'Events')).toThrow(
      /^EventsQueue\.FifoQueue \(true\) has no local equivalent; expected a numeric queue attribute .*teach services\/integrations\/local\/queues\.ts how to apply it$/,
    );
  });
});

describe('local queues on fauxqs', () => {
  it('applies the stage attributes and the redrive policy, shortens only the visibility timeout when asked, and reports what stop drops', async () => {
    // Prepare
    const profile = loadStageProfile('staging');
    const options = eventsQueueOptions('staging', profile.integrations);
    const stage = localQueueSettings(options);

    // Act
    const queues = await startLocalQueues({
      queue: options,
      port: await freePort(),
      region: profile.region,
      visibilityTimeoutSeconds: 3,
    });
    const sqs = new SQSClient({
      endpoint: queues.aws.endpoint,
      region: queues.aws.region,
      credentials: queues.aws.credentials,
    });
    let note: string | undefined;
    try {
      const attributes = async (QueueUrl: string) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ??
        {};
      const [queue, deadLetter] = await Promise.all([
        attributes(queues.queue.queueUrl),
        attributes(queues.queue.deadLetterQueueUrl),
      ]);
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queue.queueUrl, MessageBody: 'left behind' }));

      // Assess
      expect(queue).toMatchObject({
        ...stage.attributes.queue,
        VisibilityTimeout: '3',
        QueueArn: queues.queue.queueArn,
      });
      expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: queues.queue.deadLetterQueueArn,
        maxReceiveCount: String(profile.integrations.maxReceiveCount),
      });
      expect(deadLetter).toMatchObject(stage.attributes.deadLetterQueue);
      expect(queues.summary).toContain(
        `game-staging-events (visibility timeout 3 s (--visibility-timeout; the stage has ${stage.visibilityTimeoutSeconds} s), maxReceiveCount 5) -> game-staging-events-dlq`,
      );
    } finally {
      sqs.destroy();
      note = await queues.stop();
    }
    expect(note).toBe(
      'dropped 1 message(s) of game-staging-events and 0 of game-staging-events-dlq (the local queues live in memory)',
    );
  });
});
