/** Adapter: an SQS record as Lambda delivers it, reduced to what the domain reads. */
import type { SQSRecord } from 'aws-lambda';
import type { QueuedRecord } from './consumer';

export const queuedRecord = (record: SQSRecord): QueuedRecord => ({
  messageId: record.messageId,
  body: record.body,
  // Lambda always sets it; a missing one counts as the first receive rather than failing the batch.
  receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1,
});
