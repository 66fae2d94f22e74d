/** `npm run site:build`: builds `services/frontend/src/` into `services/frontend/dist/`. */
import { processCommandLine } from '@game-platform/shared/cli';
import { buildSite, SiteBuildError } from './release/build';
import { SITE_DIST, SITE_SOURCES } from './release/paths';

// No options; still read, so `--help` answers and a stray `--stage` is refused, as everywhere.
processCommandLine({
  command: 'npm run site:build',
  name: 'site:build',
  summary: 'Builds services/frontend/src/ into services/frontend/dist/ (the same for every stage).',
  options: {},
});

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
