/**
 * `npm run site:serve [-- --stage <stage>] [--port <port>]`: serves the built site on 127.0.0.1 with
 * the distribution's behaviour for that stage (root object, 404 page or SPA fallback, headers).
 */
import { loadStageProfile } from '@game-platform/shared/profiles';
import { stageFromArgv } from '@game-platform/shared/stage';
import { startLocalSiteServer } from '../local/site-server';
import { siteBehaviour } from '../stack/site-behaviour';
import { SITE_DIST } from './release/paths';

const argv = process.argv.slice(2);
const portIndex = argv.indexOf('--port');
const port = portIndex >= 0 ? Number(argv[portIndex + 1]) : 8080;
const profile = loadStageProfile(stageFromArgv(argv));
const server = await startLocalSiteServer({
  root: SITE_DIST,
  behaviour: siteBehaviour(profile.frontend),
  port,
});
console.log(`serving ${SITE_DIST} at ${server.url} as stage ${profile.stage} would (Ctrl+C stops)`);
process.on('SIGINT', () => void server.stop().then(() => process.exit(0)));
