/** A service whose part names a producer without an output (`datastore`, no `.`) (parts.test.ts). */
import type { LocalPart, OutputReference } from '@game-platform/local';

const loose: LocalPart<'databaseUrl'> = {
  name: 'loose',
  // The type asks for `<part>.<output>`; a JavaScript local.ts or a cast can still give less.
  params: { databaseUrl: 'datastore' as OutputReference },
  start: async () => ({ summary: 'up', outputs: {}, stop: async () => undefined }),
};

export const localParts: LocalPart[] = [loose];
