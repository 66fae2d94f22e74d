/**
 * The servers the engine talks to, real and local: embedded PostgreSQL 17 with the datastore's
 * migrations applied, and fauxqs with the events queue. `env` is what the engine needs to use them;
 * its database user is the least-privilege role `game_engine` (migration 0002), as in AWS.
 */
import { CreateQueueCommand, type Message, SQSClient } from '@aws-sdk/client-sqs';
import { MIGRATIONS_DIR, migrate, readMigrations } from '@game-platform/datastore/migrations';
import { type LocalAws, type LocalPostgres, startLocalAws, startPostgres } from '@game-platform/local';
import pg from 'pg';
import { drainQueue } from './drain-queue';

export interface LocalPlatform {
  postgres: LocalPostgres;
  aws: LocalAws;
  queueUrl: string;
  /** For the tests' own reads and writes (as the owner); the engine opens its own pool. */
  db: pg.Pool;
  sqs: SQSClient;
  /** The engine's environment, without HOST and PORT; it connects as `game_engine`, as in AWS. */
  env: Record<string, string>;
  /** Receives every message now on the queue (default: the events queue) and hides them for a minute. */
  drainQueue(queueUrl?: string): Promise<Message[]>;
  stop(): Promise<void>;
}

const ENGINE_PASSWORD = 'engine-local-only';

export const startLocalPlatform = async (
  options: { postgresFlags?: string[] } = {},
): Promise<LocalPlatform> => {
  const [postgres, aws] = await Promise.all([
    startPostgres({ postgresFlags: options.postgresFlags }),
    startLocalAws(),
  ]);
  const db = new pg.Pool({ connectionString: postgres.connectionString, max: 2 });
  // The pool would otherwise crash the test process when a test pauses the server.
  db.on('error', () => {});
  const client = await db.connect();
  try {
    await migrate(client, readMigrations(MIGRATIONS_DIR));
    // Migration 0002 creates game_engine without a password (IAM authentication in AWS); give it
    // one here so the engine connects as that role, with exactly its grants.
    await client.query(`ALTER ROLE game_engine PASSWORD '${ENGINE_PASSWORD}'`);
  } finally {
    client.release();
  }
  const engineUrl = new URL(postgres.connectionString);
  engineUrl.username = 'game_engine';
  engineUrl.password = ENGINE_PASSWORD;
  const sqs = new SQSClient({
    region: aws.region,
    endpoint: aws.endpoint,
    credentials: aws.credentials,
    useQueueUrlAsEndpoint: false,
  });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'game-test-events' }));
  if (!QueueUrl) throw new Error('fauxqs returned no queue URL');

  return {
    postgres,
    aws,
    queueUrl: QueueUrl,
    db,
    sqs,
    env: {
      DATABASE_URL: engineUrl.toString(),
      EVENTS_QUEUE_URL: QueueUrl,
      AWS_REGION: aws.region,
      AWS_ENDPOINT_URL_SQS: aws.endpoint,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
      DATABASE_POOL_MAX: '2',
      LOG_LEVEL: 'warn',
    },
    drainQueue: (queueUrl = QueueUrl) => drainQueue(sqs, queueUrl),
    stop: async () => {
      sqs.destroy();
      await db.end();
      await Promise.all([postgres.stop(), aws.stop()]);
    },
  };
};
