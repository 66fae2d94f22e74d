/** A service whose rules.ts exports its rules under another name than `rules` (discovery.test.ts). */
import type { PlatformRule } from '@game-platform/resources/template';

export const SERVICE_RULES: PlatformRule[] = [];
