/**
 * A real SQS- and S3-compatible server for tests and `npm start`: fauxqs, in process, on loopback.
 * It honours visibility timeouts, ApproximateReceiveCount and RedrivePolicy (a message received
 * `maxReceiveCount` times moves to the dead-letter queue), which is what the consumer tests need.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type BuildAppOptions, buildApp } from 'fauxqs';

type FauxqsStores = NonNullable<BuildAppOptions['stores']>;

export interface LocalAws {
  /** Endpoint for the AWS SDK clients (`endpoint` option): `http://127.0.0.1:<port>`. */
  endpoint: string;
  region: string;
  /** Static credentials the SDK needs to sign requests; fauxqs accepts any. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Requests served so far, by SQS action (`SendMessage`, `SendMessageBatch`, ...): what SQS would
   * bill. Benchmarks compare it with the work done.
   */
  requestCounts(): Record<string, number>;
  stop(): Promise<void>;
}

/** A module of fauxqs that its package does not export, by file (its `exports` map lists only the entry). */
const fauxqsModule = async <T>(path: string): Promise<T> =>
  (await import(new URL(path, import.meta.resolve('fauxqs')).href)) as T;

/**
 * fauxqs's stores, with queue URLs a stock client can use. fauxqs names a queue by the URL it made
 * it with, by default `http://sqs.<region>.localhost:<port>/...`, a name the system resolver does not
 * know (glibc resolves `localhost`, not its subdomains). Without that host, it makes each URL from
 * the request's `Host`: created through `http://127.0.0.1:<port>`, the queue is
 * `http://127.0.0.1:<port>/000000000000/<name>`, like AWS's `https://sqs.<region>.amazonaws.com/<account>/<name>`.
 */
const storesWithReachableQueueUrls = async () => {
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    fauxqsModule<{ SqsStore: new () => FauxqsStores['sqsStore'] }>('./sqs/sqsStore.js'),
    fauxqsModule<{ SnsStore: new () => FauxqsStores['snsStore'] }>('./sns/snsStore.js'),
    fauxqsModule<{ S3Store: new () => FauxqsStores['s3Store'] }>('./s3/s3Store.js'),
  ]);
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  return { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() };
};

/**
 * Starts fauxqs on 127.0.0.1 (default: a free port). Built with `buildApp` and listened on here
 * because `startFauxqs` always binds every interface (0.0.0.0), and a queue server that accepts any
 * credentials must not be reachable from the network. A taken port rejects with `EADDRINUSE`.
 * Queue URLs are `http://127.0.0.1:<port>/000000000000/<name>` (see `storesWithReachableQueueUrls`).
 */
export const startLocalAws = async (options: { port?: number; region?: string } = {}): Promise<LocalAws> => {
  const region = options.region ?? 'eu-west-1';
  const app = buildApp({
    logger: false,
    defaultRegion: region,
    stores: await storesWithReachableQueueUrls(),
  });
  const counts: Record<string, number> = {};
  // The SDK's JSON protocol names the action in `X-Amz-Target: AmazonSQS.<Action>`.
  app.addHook('onRequest', async (request: { headers: Record<string, string | string[] | undefined> }) => {
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? target.replace(/^AmazonSQS\./, '') : 'other';
    counts[action] = (counts[action] ?? 0) + 1;
  });
  try {
    const endpoint = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    return {
      endpoint,
      region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestCounts: () => ({ ...counts }),
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
};

export interface LocalQueue {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/**
 * A queue and its dead-letter queue on the local server, wired like `queueWithDeadLetter` in
 * `resources/` (RedrivePolicy on the source); tests shorten the visibility timeout to keep runs fast.
 * `attributes` adds further queue attributes (e.g. `MessageRetentionPeriod`) to either queue.
 */
export const createQueueWithDeadLetter = async (
  sqs: SQSClient,
  options: {
    name: string;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    attributes?: { queue?: Record<string, string>; deadLetterQueue?: Record<string, string> };
  },
): Promise<LocalQueue> => {
  const arnOf = async (queueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes?.QueueArn) throw new Error(`${queueUrl} has no QueueArn`);
    return Attributes.QueueArn;
  };
  const deadLetter = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${options.name}-dlq`,
      Attributes: options.attributes?.deadLetterQueue,
    }),
  );
  const deadLetterQueueUrl = deadLetter.QueueUrl ?? '';
  const deadLetterQueueArn = await arnOf(deadLetterQueueUrl);
  const source = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.name,
      Attributes: {
        ...options.attributes?.queue,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueueArn,
          maxReceiveCount: String(options.maxReceiveCount),
        }),
      },
    }),
  );
  const queueUrl = source.QueueUrl ?? '';
  return { queueUrl, queueArn: await arnOf(queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
};

/** An SQS client for the local server. */
export const localSqsClient = (aws: LocalAws): SQSClient =>
  new SQSClient({ endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials });

export interface LocalSqs {
  aws: LocalAws;
  sqs: SQSClient;
  /** Closes the client and stops the server. */
  stop(): Promise<void>;
}

/** A local SQS server with a client for it, for a test's setup and teardown. */
export const startLocalSqs = async (): Promise<LocalSqs> => {
  const aws = await startLocalAws();
  const sqs = localSqsClient(aws);
  return {
    aws,
    sqs,
    stop: async () => {
      sqs.destroy();
      await aws.stop();
    },
  };
};
