/**
 * `npm run site:serve [-- --stage <stage>] [--port <port>]`: serves the built site on 127.0.0.1 with
 * the distribution's behaviour for that stage (root object, 404 page or SPA fallback, headers).
 */
import { type CommandSpec, processCommandLine, stageOption } from '@game-platform/shared/cli';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { DEFAULT_STAGE } from '@game-platform/shared/stage';
import { startLocalSiteServer } from '../local/site-server';
import { siteBehaviour } from '../stack/site-behaviour';
import { SITE_DIST } from './release/paths';

const DEFAULT_PORT = 8080;

const SERVE_COMMAND = {
  command: 'npm run site:serve',
  name: 'site:serve',
  summary: "Serves the built site on 127.0.0.1 as the stage's CloudFront distribution would (Ctrl+C stops).",
  options: {
    stage: stageOption(`stage whose site behaviour to serve with (default ${DEFAULT_STAGE})`, false),
    port: {
      type: 'string',
      value: '<port>',
      description: `TCP port to listen on (default ${DEFAULT_PORT})`,
      check: (text: string) =>
        /^\d+$/.test(text) && Number(text) >= 1024 && Number(text) <= 65535
          ? undefined
          : 'a free TCP port, an integer from 1024 to 65535',
    },
  },
} as const satisfies CommandSpec;

const { values } = processCommandLine(SERVE_COMMAND);
const profile = loadStageProfile(values.stage ?? DEFAULT_STAGE);
const server = await startLocalSiteServer({
  root: SITE_DIST,
  behaviour: siteBehaviour(profile.frontend),
  port: values.port === undefined ? DEFAULT_PORT : Number(values.port),
});
console.log(`serving ${SITE_DIST} at ${server.url} as stage ${profile.stage} would (Ctrl+C stops)`);
process.on('SIGINT', () => void server.stop().then(() => process.exit(0)));
