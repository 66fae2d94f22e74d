/** Loads the SQS event samples in `tests/events/sqs/` (the same files `serverless invoke local` takes). */
import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';

export type SqsSample =
  | 'match-completed'
  | 'player-registered'
  | 'malformed'
  | 'schema-invalid'
  | 'duplicate'
  | 'mixed-batch';

export const sqsSample = (name: SqsSample): SQSEvent =>
  JSON.parse(readFileSync(new URL(`../events/sqs/${name}.json`, import.meta.url), 'utf8')) as SQSEvent;
