/**
 * Vitest global setup for the layers whose tests read synthesized templates: makes sure `.synth/`
 * holds templates at least as new as everything they are made from, and runs
 * `npm run synth -- --all-stages` when it does not. So `npx vitest run services/engine/tests/template.test.ts`
 * works on a fresh clone, and `npm test` (which runs synth itself first) does not synthesize twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCompose } from '@game-platform/resources/compose';
import { repoPath } from '@game-platform/resources/paths';
import { CHECKED_PROFILES } from '@game-platform/shared/profiles';

/** What synth reads: every workspace a template is built from, the compose file, and the locked dependencies. */
const INPUTS = [
  'package-lock.json',
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

/**
 * The templates `--all-stages` writes: every checked stage times every service of the compose file.
 * Only these count: a stage synthesized on its own (`--stage alice`) or a removed service's leftover
 * file is never rewritten by `--all-stages`, and must not make every run look stale.
 */
const expectedTemplates = (): string[] =>
  CHECKED_PROFILES.flatMap((stage) => readCompose().map(({ name }) => join('.synth', stage, `${name}.json`)));

/** Why `.synth/` must be rebuilt, or undefined when it is fresh. */
export const staleness = (): string | undefined => {
  const expected = expectedTemplates();
  const missing = expected.filter((file) => !existsSync(repoPath(file)));
  if (missing.length > 0)
    return `${missing.length} of ${expected.length} templates missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`;
  const oldest = Math.min(...expected.map((file) => statSync(repoPath(file)).mtimeMs));
  const inputs = Math.max(...INPUTS.map(newestInput));
  return inputs > oldest ? 'a source changed after the last synth' : undefined;
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
