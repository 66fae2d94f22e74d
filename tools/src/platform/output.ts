/**
 * What `npm start` prints: one status line per part as it becomes ready or stops, the "ready"
 * summary with URLs and commands to try, and the stop report. Pure functions of what happened.
 */
import { relative } from 'node:path';
import type { LifecycleEvent, StopResult } from '@game-platform/local';
import { repoPath } from '@game-platform/resources/paths';
import type { LocalPlatform } from './platform';

const NAME_WIDTH = 10;
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;

/** A path as the user would type it from the repository root. */
export const shown = (path: string): string => {
  const fromRoot = relative(repoPath(), path);
  return fromRoot.startsWith('..') ? path : fromRoot;
};

export const statusLine = (event: LifecycleEvent): string => {
  const name = event.part.padEnd(NAME_WIDTH);
  if (event.type === 'ready') return `  ${name} ready in ${seconds(event.milliseconds)}  ${event.summary}`;
  const outcome = event.error
    ? `did not stop cleanly: ${event.error}`
    : `stopped in ${seconds(event.milliseconds)}`;
  return `  ${name} ${outcome}${event.note ? ` (${event.note})` : ''}`;
};

/** The sample the engine's tests post, so the curl example sends a valid match result. */
const MATCH_SAMPLE = 'services/engine/tests/events/http/match-result.json';

export const readySummary = (platform: LocalPlatform, milliseconds: number): string => {
  const { profile } = platform;
  const stage =
    profile.stage === profile.profileName
      ? profile.stage
      : `${profile.stage} (profile ${profile.profileName})`;
  const row = (label: string, value: string) => `  ${label.padEnd(NAME_WIDTH)} ${value}`;
  return [
    `ready in ${seconds(milliseconds)}: the game platform runs locally with stage ${stage}`,
    '',
    row(
      'site',
      `${platform.siteUrl}  (the local edge: the site, and /api/* as CloudFront sends it; writes refused)`,
    ),
    row(
      'engine',
      `${platform.engineUrl}  (as game servers reach it: GET /health/ready, POST /api/matches, GET /api/leaderboard)`,
    ),
    row('database', platform.databaseUrl),
    row('queue', platform.queueUrl),
    row('DLQ', platform.deadLetterQueueUrl),
    row('logs', platform.logs.map(shown).join(', ')),
    '',
    'Try:',
    `  curl -s -X POST ${platform.engineUrl}/api/matches -H 'content-type: application/json' --data @${MATCH_SAMPLE}`,
    `  curl -si '${platform.siteUrl}/api/leaderboard?limit=5'   # through the edge: cached 5 s (x-cache, age)`,
    `  psql '${platform.databaseUrl}'`,
    `  DATABASE_URL='${platform.databaseUrl}' npm run migrate`,
    `  npm run dlq:show -- --stage ${profile.stage} --endpoint ${platform.sqsEndpoint}`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
};

export const stopSummary = (results: StopResult[], dataDir: string): string => {
  const failed = results.filter((result) => result.error);
  return failed.length === 0
    ? `stopped: nothing is left running; the database is kept in ${shown(dataDir)}/postgres (\`npm start -- --fresh\` starts empty)`
    : `stopped with problems: ${failed.map((result) => `${result.part} (${result.error})`).join('; ')}`;
};
