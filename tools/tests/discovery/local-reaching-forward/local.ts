/** A service whose part takes an output of a part that is not started before it (parts.test.ts). */
import type { LocalPart } from '@game-platform/local';

const eager: LocalPart<'databaseUrl'> = {
  name: 'eager',
  params: { databaseUrl: 'datastore.engineDatabaseUrl' },
  start: async () => ({ summary: 'up', outputs: {}, stop: async () => undefined }),
};

export const localParts: LocalPart[] = [eager];
