/**
 * The frontend, locally: the site built by the site build (`npm run site:build`'s function) and
 * served by the frontend's stand-in for the distribution (the local edge), with the stage's behaviour
 * (root object, 404 page or SPA fallback, the managed security headers, the release's cache headers)
 * and `/api/*` to the engine as the distribution's `/api/*` behaviour sends it.
 */

import type { RunningPart } from '@game-platform/local';
import type { StageProfile } from '@game-platform/shared/profiles';
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
