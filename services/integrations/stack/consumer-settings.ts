/**
 * What the events queue and the consumer function are made of, from the stage profile: one source
 * for `serverless.ts` (the template) and for the local platform (`npm start`), so the queue and the
 * function's environment run locally exactly as they deploy, apart from the endpoints.
 */
import {
  consumerVisibilityTimeoutSeconds,
  type QueueWithDeadLetterOptions,
  queueLogicalIds,
  resourceName,
} from '@game-platform/resources';
import type { StageProfileValues } from '@game-platform/shared/profiles';

type IntegrationsSettings = StageProfileValues['integrations'];

/** The database role the consumer logs in as with IAM authentication (created by datastore migration 0002). */
export const CONSUMER_DATABASE_USER = 'game_consumer';

/** The logical ids of the events queue and its DLQ (`queueWithDeadLetter` with `thing: 'Events'`). */
const EVENTS_THING = 'Events';
const EVENTS_QUEUE_IDS = queueLogicalIds(EVENTS_THING);
export const EVENTS_QUEUE = EVENTS_QUEUE_IDS.queue;
export const EVENTS_DEAD_LETTER_QUEUE = EVENTS_QUEUE_IDS.deadLetterQueue;

/** The events queue and its DLQ: `game-<stage>-events` and `game-<stage>-events-dlq`. */
export const eventsQueueOptions = (
  stage: string,
  settings: IntegrationsSettings,
): QueueWithDeadLetterOptions => ({
  thing: EVENTS_THING,
  queueName: resourceName(stage, 'events'),
  visibilityTimeoutSeconds: consumerVisibilityTimeoutSeconds(settings),
  messageRetentionDays: settings.messageRetentionDays,
  deadLetterRetentionDays: settings.deadLetterRetentionDays,
  maxReceiveCount: settings.maxReceiveCount,
});

/**
 * Where the consumer's metrics land: Powertools writes them as EMF in the function's log, under this
 * namespace with the dimension `service`. The dashboard reads them from here.
 */
export const CONSUMER_METRICS = { namespace: 'GamePlatform', service: 'integrations-consumer' } as const;

/** Where the consumer's database is: compose params in AWS (`${param:databaseEndpointAddress}`...). */
export interface ConsumerDatabaseEndpoint {
  host: string;
  port: string;
  name: string;
}

/**
 * The consumer function's environment. In AWS it connects with IAM database authentication as
 * `game_consumer`; a local run replaces the endpoint variables (`DATABASE_IAM_USER`,
 * `DATABASE_ENDPOINT_ADDRESS`, `DATABASE_PORT`, `DATABASE_NAME`) with `DATABASE_URL`.
 */
export const consumerEnvironment = (
  settings: IntegrationsSettings,
  database: ConsumerDatabaseEndpoint,
): Record<string, string> => ({
  DATABASE_IAM_USER: CONSUMER_DATABASE_USER,
  DATABASE_ENDPOINT_ADDRESS: database.host,
  DATABASE_PORT: database.port,
  DATABASE_NAME: database.name,
  // The Node.js 20+ Lambda runtimes ship the RDS certificate authorities here; TLS verifies against them.
  NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
  MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
  POWERTOOLS_SERVICE_NAME: CONSUMER_METRICS.service,
  POWERTOOLS_METRICS_NAMESPACE: CONSUMER_METRICS.namespace,
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/** The variables of `consumerEnvironment` that say where the database is (replaced by `DATABASE_URL` locally). */
export const CONSUMER_DATABASE_ENDPOINT_VARIABLES = [
  'DATABASE_IAM_USER',
  'DATABASE_ENDPOINT_ADDRESS',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'NODE_EXTRA_CA_CERTS',
] as const;
