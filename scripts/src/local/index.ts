export {
  type EventSourcePoller,
  type EventSourcePollerOptions,
  type Invocation,
  recordsToDelete,
  type SqsHandler,
  startEventSourcePoller,
} from './event-source-poller';
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
  queueDepth,
  startLocalAws,
  startLocalSqs,
} from './sqs';
