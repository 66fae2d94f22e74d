/**
 * Lambda handler of the events queue: glue between the SQS event source and `processBatch`.
 * Configuration, logger, metrics and the database pool are created once per cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CONSUMER_CONNECTIONS_PER_INSTANCE, createPool } from '@game-platform/shared/database';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readConsumerConfig } from '../config';
import { type EventStore, processBatch } from '../consumer';
import { postgresEventStore } from '../postgres-event-store';
import { powertoolsMetrics } from '../powertools';
import { queuedRecord } from '../sqs-record';

const config = readConsumerConfig();
const logger = new Logger();
const metrics = new Metrics();
logger.info('consumer starting', {
  database: config.database.kind,
  maxReceiveCount: config.maxReceiveCount,
});

let store: Promise<EventStore> | undefined;
const eventStore = (): Promise<EventStore> => {
  store ??= createPool(config.database, {
    // One batch is one statement on one connection; the stage profile budgets connections per instance.
    max: CONSUMER_CONNECTIONS_PER_INSTANCE,
    applicationName: 'integrations-consumer',
    onIdleError: (error) => logger.warn('idle database connection dropped', { error: error.message }),
  })
    .then(postgresEventStore)
    .catch((error: unknown) => {
      store = undefined; // the next invocation tries again
      throw error;
    });
  return store;
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  try {
    const result = await processBatch(event.Records.map(queuedRecord), {
      store: await eventStore(),
      log: logger,
      metrics: powertoolsMetrics(metrics),
      maxReceiveCount: config.maxReceiveCount,
    });
    return { batchItemFailures: result.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  } finally {
    metrics.publishStoredMetrics();
  }
};
