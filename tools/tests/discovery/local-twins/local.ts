/**
 * A service listing two parts of the same name, which is also the datastore's part name
 * (parts.test.ts: a duplicate in one file, and one across files).
 */
import type { LocalPart } from '@game-platform/local';

const twin = (): LocalPart => ({
  name: 'datastore',
  start: async () => ({ summary: 'up', outputs: {}, stop: async () => undefined }),
});

export const localParts: LocalPart[] = [twin(), twin()];
