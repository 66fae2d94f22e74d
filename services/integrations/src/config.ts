/**
 * The consumer's configuration, read once per cold start from its environment; a bad value stops
 * the cold start with a message that names the variable, what it held and what was expected.
 */
import { type DatabaseSettings, readDatabaseSettings } from '@game-platform/shared/database';

export interface ConsumerConfig {
  database: DatabaseSettings;
  /** The queue's redrive `maxReceiveCount`, so logs can say when a failing record goes to the DLQ. */
  maxReceiveCount: number;
}

export class ConsumerConfigError extends Error {
  override readonly name = 'ConsumerConfigError';
}

export const readConsumerConfig = (env: Record<string, string | undefined> = process.env): ConsumerConfig => {
  const text = env.MAX_RECEIVE_COUNT;
  const maxReceiveCount = Number(text);
  if (text === undefined || !Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
    throw new ConsumerConfigError(
      `MAX_RECEIVE_COUNT is ${text === undefined ? 'not set' : `"${text}"`}; expected the events queue's maxReceiveCount, a whole number of at least 1`,
    );
  }
  return {
    database: readDatabaseSettings(env),
    maxReceiveCount,
  };
};
