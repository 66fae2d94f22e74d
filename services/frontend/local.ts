/**
 * The frontend, locally: the site built by the site build (`npm run site:build`'s function) and
 * served by the frontend's stand-in for the distribution (the local edge), with the stage's behaviour
 * (root object, 404 page or SPA fallback, the managed security headers, the release's cache headers)
 * and `/api/*` to the engine as the distribution's `/api/*` behaviour sends it.
 */

import { join } from 'node:path';
import type { LocalPart, RunningPart } from '@game-platform/local';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { buildSite } from './cli/release/build';
import { SITE_SOURCES } from './cli/release/paths';
import { startLocalSiteServer } from './local/site-server';
import { siteBehaviour } from './stack/site-behaviour';

export interface SiteOptions {
  profile: StageProfile;
  /** Where the built site goes, e.g. `.local/site`. */
  outDir: string;
  port: number;
  /** The engine, where `/api/*` goes. */
  apiOrigin: string;
}

export const startLocalSite = async (options: SiteOptions): Promise<RunningPart & { url: string }> => {
  const { files } = await buildSite(SITE_SOURCES, options.outDir);
  const behaviour = siteBehaviour(options.profile.frontend);
  const server = await startLocalSiteServer({
    root: options.outDir,
    behaviour,
    port: options.port,
    apiOrigin: options.apiOrigin,
  });
  const notFound =
    behaviour.notFound.status === 404 ? '404.html with status 404' : 'index.html with status 200 (SPA)';
  return {
    url: server.url,
    summary: `${server.url} (${files.length} files built; unknown paths get ${notFound}; /api/* to ${options.apiOrigin}, writes refused)`,
    stop: async () => {
      await server.stop();
      return undefined;
    },
  };
};

/**
 * The frontend's part of `npm start`: the site built into `<data dir>/site` and the local edge on
 * `--site-port`. It needs no other part: the engine's address is known from `--engine-port` before
 * the engine runs, and until it does, /api/* answers 502 as CloudFront would.
 */
const frontend: LocalPart<never> = {
  name: 'frontend',
  start: async ({ settings }) => {
    const running = await startLocalSite({
      profile: loadStageProfile(settings.stage),
      outDir: join(settings.dataDir, 'site'),
      port: settings.ports.site,
      apiOrigin: `http://127.0.0.1:${settings.ports.engine}`,
    });
    return { ...running, outputs: { url: running.url } };
  },
};

export const localParts: LocalPart[] = [frontend];
