/**
 * Vitest global setup for the layers whose tests read synthesized templates: makes sure `.synth/`
 * holds templates at least as new as everything they are made from, and runs
 * `npm run synth -- --all-stages` when it does not. So `npx vitest run services/engine/tests/template.test.ts`
 * works on a fresh clone, and `npm test` (which runs synth itself first) does not synthesize twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '@game-platform/resources/paths';

/** What synth reads: every workspace a template is built from, and the compose file. */
const INPUTS = [
  'shared',
  'resources',
  'serverless-plugin',
  'services',
  'tools/src/synth',
  'serverless-compose.yml',
];
/** Never an input: tests, docs, and what tools write. */
const SKIPPED = /(^|\/)(node_modules|tests|\.serverless|\.synth|\.local|dist)(\/|$)|\.md$/;

/** The newest modification time among the files under `path` that synth reads. */
const newestInput = (path: string): number => {
  if (SKIPPED.test(path)) return 0;
  const stats = statSync(repoPath(path));
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(repoPath(path)).map((entry) => newestInput(join(path, entry))));
};

/** The oldest template in `.synth/`, or 0 when there is none. */
const oldestTemplate = (): number => {
  if (!existsSync(repoPath('.synth'))) return 0;
  const times = readdirSync(repoPath('.synth')).flatMap((stage) =>
    statSync(repoPath('.synth', stage)).isDirectory()
      ? readdirSync(repoPath('.synth', stage))
          .filter((file) => file.endsWith('.json'))
          .map((file) => statSync(repoPath('.synth', stage, file)).mtimeMs)
      : [],
  );
  return times.length === 0 ? 0 : Math.min(...times);
};

/** Why `.synth/` must be rebuilt, or undefined when it is fresh. */
export const staleness = (): string | undefined => {
  const templates = oldestTemplate();
  if (templates === 0) return 'no templates in .synth/';
  const inputs = Math.max(...INPUTS.map(newestInput));
  return inputs > templates ? 'a source changed after the last synth' : undefined;
};

export default function setup(): void {
  const reason = staleness();
  if (!reason) return;
  console.log(`template tests: ${reason}; running npm run synth -- --all-stages`);
  execFileSync('npm', ['run', '--silent', 'synth', '--', '--all-stages'], {
    cwd: repoPath(),
    stdio: 'inherit',
  });
}
