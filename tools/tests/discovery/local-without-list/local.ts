/** A service whose local.ts exports a single part instead of its `localParts` list (parts.test.ts). */
import type { LocalPart } from '@game-platform/local';

export const localPart: LocalPart<never> = {
  name: 'lonely',
  start: async () => ({ summary: 'up', outputs: {}, stop: async () => undefined }),
};
