/**
 * A real SQS- and S3-compatible server for tests and `npm start`: fauxqs, in process, on loopback.
 * It honours visibility timeouts, ApproximateReceiveCount and RedrivePolicy (a message received
 * `maxReceiveCount` times moves to the dead-letter queue), which is what the consumer tests need.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export interface LocalAws {
  /** Endpoint for the AWS SDK clients (`endpoint` option): `http://127.0.0.1:<port>`. */
  endpoint: string;
  region: string;
  /** Static credentials the SDK needs to sign requests; fauxqs accepts any. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export const startLocalAws = async (options: { port?: number; region?: string } = {}): Promise<LocalAws> => {
  const region = options.region ?? 'eu-west-1';
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: region });
  return {
    endpoint: server.address,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    stop: () => server.stop(),
  };
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
 */
export const createQueueWithDeadLetter = async (
  sqs: SQSClient,
  options: { name: string; visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<LocalQueue> => {
  const arnOf = async (queueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes?.QueueArn) throw new Error(`${queueUrl} has no QueueArn`);
    return Attributes.QueueArn;
  };
  const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: `${options.name}-dlq` }));
  const deadLetterQueueUrl = deadLetter.QueueUrl ?? '';
  const deadLetterQueueArn = await arnOf(deadLetterQueueUrl);
  const source = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.name,
      Attributes: {
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

/** Messages waiting or in flight on a queue. */
export const queueDepth = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
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
