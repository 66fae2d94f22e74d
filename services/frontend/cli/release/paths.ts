import { fileURLToPath } from 'node:url';

/** `services/frontend/src/`: the site's sources. */
export const SITE_SOURCES = fileURLToPath(new URL('../../src', import.meta.url));

/** `services/frontend/dist/`: what `npm run site:build` produces and `npm run site:publish` uploads (git-ignored). */
export const SITE_DIST = fileURLToPath(new URL('../../dist', import.meta.url));
