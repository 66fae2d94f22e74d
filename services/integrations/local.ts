/**
 * The integrations consumer, locally: the real Lambda handler in its own process (`@game-platform/local`'s Lambda runtime stand-in)
 * with the function's environment from the same function that builds the template
 * (`consumerEnvironment`), apart from the endpoint: `DATABASE_URL` as `game_consumer` replaces the
 * IAM-authenticated endpoint variables (`CONSUMER_DATABASE_ENDPOINT_VARIABLES`). Batch size, window, concurrency and timeout are the stage's.
 */
import { join } from 'node:path';
import type { RuntimeConfig } from '@game-platform/local';
import {
  type ChildPartProcess,
  LAMBDA_RUNTIME,
  type LocalPart,
  logTail,
  PartError,
  type RunningPart,
  spawnPartProcess,
} from '@game-platform/local';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { startLocalQueues } from './local/queues';
import {
  CONSUMER_DATABASE_ENDPOINT_VARIABLES,
  consumerEnvironment,
  eventsQueueOptions,
} from './stack/consumer-settings';

const PART = 'consumer';
/** The deployed handler module (`handler: src/handlers/consumer.handler` in serverless.ts). */
const HANDLER = './src/handlers/consumer.ts';
/** How long the cold start (importing the handler through tsx) may take. */
const READY_LIMIT_MS = 60_000;

export interface ConsumerOptions {
  profile: StageProfile;
  /** `DATABASE_URL` of the consumer's role. */
  databaseUrl: string;
  sqs: RuntimeConfig['sqs'];
  queueUrl: string;
  queueArn: string;
  logFile: string;
  /** The function timeout the poller enforces. Default: the stage's (less under `--visibility-timeout`). */
  functionTimeoutSeconds?: number;
}

/**
 * The environment the function has in Lambda, with the database endpoint replaced, plus what the
 * Lambda service itself sets that the function's code reads (region, function name, memory).
 */
export const localConsumerEnvironment = (
  profile: StageProfile,
  functionName: string,
  databaseUrl: string,
): Record<string, string> => {
  const deployed = consumerEnvironment(profile.integrations, { host: '-', port: '-', name: '-' });
  for (const key of CONSUMER_DATABASE_ENDPOINT_VARIABLES) delete deployed[key];
  return {
    ...deployed,
    DATABASE_URL: databaseUrl,
    AWS_REGION: profile.region,
    AWS_DEFAULT_REGION: profile.region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(profile.integrations.memorySizeMiB),
    TZ: 'UTC',
  };
};

export const startLocalConsumer = async (options: ConsumerOptions): Promise<RunningPart> => {
  const { profile } = options;
  const settings = profile.integrations;
  const timeoutSeconds = options.functionTimeoutSeconds ?? settings.functionTimeoutSeconds;
  const functionName = `game-integrations-${profile.stage}-consumer`;
  const config: RuntimeConfig = {
    handlerModule: import.meta.resolve(HANDLER),
    handlerExport: 'handler',
    functionName,
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    queueArn: options.queueArn,
    batchSize: settings.batchSize,
    maximumBatchingWindowSeconds: settings.maximumBatchingWindowSeconds,
    maximumConcurrency: settings.maximumConcurrency,
    functionTimeoutSeconds: timeoutSeconds,
  };
  const runtime: ChildPartProcess = spawnPartProcess({
    // A heap limit near the function's memory, so a batch that would not fit in Lambda fails here too.
    args: [
      `--max-old-space-size=${Math.floor(settings.memorySizeMiB * 0.9)}`,
      '--enable-source-maps',
      '--import',
      import.meta.resolve('tsx'),
      LAMBDA_RUNTIME,
      JSON.stringify(config),
    ],
    env: localConsumerEnvironment(profile, functionName, options.databaseUrl),
    logFile: options.logFile,
    ipc: true,
  });
  const ready = await new Promise<{ coldStartMs: number } | string>((resolve) => {
    const timer = setTimeout(() => resolve(`no "ready" within ${READY_LIMIT_MS / 1000} s`), READY_LIMIT_MS);
    runtime.child.on('message', (message: { type?: string; coldStartMs?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ coldStartMs: message.coldStartMs ?? 0 });
      }
    });
    void runtime.exited.then((how) => {
      clearTimeout(timer);
      resolve(how);
    });
  });
  if (typeof ready === 'string') {
    await runtime.stop('SIGKILL', 0);
    throw new PartError(
      PART,
      `the consumer's runtime did not start (${ready}); its log ends with:\n${logTail(options.logFile)}`,
      `the whole log is ${options.logFile}`,
    );
  }
  return {
    summary: `Lambda handler (cold start ${ready.coldStartMs} ms) as game_consumer; batch ${settings.batchSize}, window ${settings.maximumBatchingWindowSeconds} s, concurrency ${settings.maximumConcurrency}, timeout ${timeoutSeconds === settings.functionTimeoutSeconds ? `${timeoutSeconds} s` : `${timeoutSeconds} s (to fit --visibility-timeout; the stage has ${settings.functionTimeoutSeconds} s)`}`,
    died: runtime.exited.then((how) => `its runtime ${how}; see ${options.logFile}`),
    stop: async () => {
      // The poller finishes the invocations in flight first, which the function timeout bounds.
      await runtime.stop('SIGTERM', (timeoutSeconds + 5) * 1000);
      return undefined;
    },
  };
};

/**
 * The integrations' parts of `npm start`. `queues`: the events queue and its DLQ on `--sqs-port`, as
 * the template makes them (`--visibility-timeout` replaces the visibility timeout). `consumer`: the
 * handler fed from that queue, as `game_consumer`, with the function timeout fitted under it.
 */
const queues: LocalPart<never> = {
  name: 'queues',
  start: async ({ settings }) => {
    const profile = loadStageProfile(settings.stage);
    const running = await startLocalQueues({
      queue: eventsQueueOptions(profile.stage, profile.integrations),
      port: settings.ports.sqs,
      region: profile.region,
      visibilityTimeoutSeconds: settings.consumerTiming.visibilityTimeoutSeconds,
    });
    const { aws, queue } = running;
    return {
      ...running,
      outputs: {
        endpoint: aws.endpoint,
        region: aws.region,
        accessKeyId: aws.credentials.accessKeyId,
        secretAccessKey: aws.credentials.secretAccessKey,
        queueUrl: queue.queueUrl,
        queueArn: queue.queueArn,
        deadLetterQueueUrl: queue.deadLetterQueueUrl,
      },
    };
  },
};

type ConsumerParam =
  | 'databaseUrl'
  | 'sqsEndpoint'
  | 'region'
  | 'accessKeyId'
  | 'secretAccessKey'
  | 'queueUrl'
  | 'queueArn';

const consumer: LocalPart<ConsumerParam> = {
  name: PART,
  params: {
    databaseUrl: 'datastore.consumerDatabaseUrl',
    sqsEndpoint: 'queues.endpoint',
    region: 'queues.region',
    accessKeyId: 'queues.accessKeyId',
    secretAccessKey: 'queues.secretAccessKey',
    queueUrl: 'queues.queueUrl',
    queueArn: 'queues.queueArn',
  },
  start: async ({ settings, params }) => {
    const log = join(settings.logDir, 'consumer.log');
    const running = await startLocalConsumer({
      profile: loadStageProfile(settings.stage),
      databaseUrl: params.databaseUrl,
      sqs: {
        endpoint: params.sqsEndpoint,
        region: params.region,
        credentials: { accessKeyId: params.accessKeyId, secretAccessKey: params.secretAccessKey },
      },
      queueUrl: params.queueUrl,
      queueArn: params.queueArn,
      logFile: log,
      functionTimeoutSeconds: settings.consumerTiming.functionTimeoutSeconds,
    });
    return { ...running, log, outputs: {} };
  },
};

export const localParts: LocalPart[] = [queues, consumer];

export * from './local/queues';
export { eventsQueueOptions } from './stack/consumer-settings';
