export { freePort, type LocalPostgres, type StartPostgresOptions, startPostgres } from './postgres';
export { type LocalAws, startLocalAws } from './sqs';
