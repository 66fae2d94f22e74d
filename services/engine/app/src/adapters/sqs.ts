/**
 * Adapter: the events queue through the AWS SDK v3 SQS client. The client is created once per
 * process; timeouts are short so an unreachable queue turns into a 503 within seconds instead of
 * holding the request until the client gives up.
 */
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { GameEvent } from '@game-platform/shared/events';
import type { DependencyProbe, EventPublisher } from '../domain/ports';

export interface SqsClientSettings {
  region: string;
  /** An SQS-compatible server (fauxqs) for local runs; `undefined` in AWS. */
  endpoint: string | undefined;
}

/** Connect within 2 s, answer within 5 s, 3 attempts in all (the SDK's standard retry with backoff). */
export const createSqsClient = ({ region, endpoint }: SqsClientSettings): SQSClient =>
  new SQSClient({
    region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
    // With an endpoint override the client must talk to it even where the queue URL names another
    // host for the same server (localhost for 127.0.0.1, or an older fauxqs's sqs.<region>.localhost).
    ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
  });

/**
 * Publishes each event as one message whose body is the event's JSON, exactly what the consumer
 * parses with the shared contract. A standard queue: no deduplication id; the consumer dedupes on
 * the event id.
 */
export const sqsEventPublisher = (client: SQSClient, queueUrl: string): EventPublisher => ({
  publish: async (event: GameEvent) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
  },
});

/** Readiness probe: the queue answers `GetQueueAttributes` (needs sqs:GetQueueAttributes on it). */
export const sqsQueueProbe = (client: SQSClient, queueUrl: string): DependencyProbe => ({
  name: 'queue',
  ping: async () => {
    await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  },
});
