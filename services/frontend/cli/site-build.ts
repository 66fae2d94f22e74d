/** `npm run site:build`: builds `services/frontend/src/` into `services/frontend/dist/`. */

import { buildSite, SiteBuildError } from './release/build';
import { SITE_DIST, SITE_SOURCES } from './release/paths';

const started = performance.now();
buildSite(SITE_SOURCES, SITE_DIST)
  .then(({ files }) => {
    console.log(
      `site built in ${(performance.now() - started).toFixed(0)} ms: ${files.length} files in ${SITE_DIST}\n${files.map((file) => `  ${file}`).join('\n')}`,
    );
  })
  .catch((error: unknown) => {
    console.error(error instanceof SiteBuildError ? `site:build: ${error.message}` : error);
    process.exitCode = 1;
  });
