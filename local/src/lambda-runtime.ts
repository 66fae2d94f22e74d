/**
 * A local stand-in for Lambda around one SQS-triggered function, as its own process: the function's
 * module is imported once (the cold start) with the function's environment and nothing else, and the
 * event source mapping is the local poller the integration tests use (batch size, window,
 * concurrency, timeout, partial batch responses; redelivery and the DLQ come from the queue).
 *
 * Run by the integrations service's `local.ts` as `node --import tsx lambda-runtime.ts '<RuntimeConfig as JSON>'` with an IPC
 * channel: it sends `{ type: 'ready' }` once polling, and stops on SIGTERM, SIGINT or when its parent
 * goes away. Its output (the function's logs, one line per invocation) goes to the consumer's log.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { type SqsHandler, startEventSourcePoller } from './event-source-poller';

/** What the runtime needs besides the function's environment: where the handler is, how to poll. */
export interface RuntimeConfig {
  /** Module URL or specifier of the handler, and its export, e.g. `handler`. */
  handlerModule: string;
  handlerExport: string;
  functionName: string;
  sqs: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  maximumConcurrency: number;
  functionTimeoutSeconds: number;
}

/** One JSON log line, in the shape of the function's own (Powertools) lines. */
const log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({
      level,
      message,
      timestamp: new Date().toISOString(),
      service: 'local-lambda',
      ...fields,
    }),
  );

const run = async (config: RuntimeConfig) => {
  const began = performance.now();
  const module = (await import(config.handlerModule)) as Record<string, unknown>;
  const handler = module[config.handlerExport];
  if (typeof handler !== 'function') {
    throw new Error(`${config.handlerModule} has no function export "${config.handlerExport}"`);
  }
  const coldStartMs = Math.round(performance.now() - began);
  // The poller's own client: in AWS the event source mapping polls with the Lambda service's
  // credentials, not the function's, so nothing of this reaches the function's environment.
  const sqs = new SQSClient(config.sqs);
  const poller = startEventSourcePoller({
    sqs,
    queueUrl: config.queueUrl,
    queueArn: config.queueArn,
    handler: handler as SqsHandler,
    batchSize: config.batchSize,
    maximumBatchingWindowSeconds: config.maximumBatchingWindowSeconds,
    maximumConcurrency: config.maximumConcurrency,
    functionTimeoutSeconds: config.functionTimeoutSeconds,
    functionName: config.functionName,
    onInvocation: (invocation) =>
      log(invocation.error ? 'WARN' : 'INFO', 'event source mapping: invocation', { ...invocation }),
  });
  log('INFO', 'event source mapping: polling', { coldStartMs, queueUrl: config.queueUrl });
  process.send?.({ type: 'ready', coldStartMs });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log('INFO', 'event source mapping: stopping', { why });
    // Lets the invocations in flight finish (bounded by the function timeout inside the poller).
    await poller.stop();
    sqs.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('disconnect', () => void stop('the platform process went away'));
};

run(JSON.parse(process.argv[2] ?? '{}') as RuntimeConfig).catch((error: unknown) => {
  log('ERROR', 'cold start failed', {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  process.exit(1);
});
