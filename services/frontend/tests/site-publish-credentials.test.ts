/**
 * `npm run site:publish` as an operator runs it without working AWS credentials: one line with what
 * AWS said and the next step (set AWS_PROFILE, or `aws sso login`), exit code 1, nothing uploaded.
 * A relative `--dist` is read from where npm was run, and an error names the absolute directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoPath } from '@game-platform/resources/paths';
import {
  runNpmScript,
  withoutAwsCredentials,
  writeSsoProfileConfig,
} from '@game-platform/testing/npm-script';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let dist: string;
let ssoConfig: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'game-site-publish-credentials-'));
  dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Skyforge Arena</title>');
  ssoConfig = writeSsoProfileConfig(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const publish = async (env: Record<string, string | undefined>, distArg = dist) => {
  const { code, stdout, stderr } = await runNpmScript(
    'site:publish',
    ['--stage', 'dev', '--dist', distArg],
    env,
  );
  return { code, stdout, lines: stderr.trim().split('\n') };
};

describe('npm run site:publish without working AWS credentials', () => {
  it('with no credentials at all, says to set AWS_PROFILE or keys', async () => {
    const { code, stdout, lines } = await publish(withoutAwsCredentials());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(lines).toEqual([
      "site:publish: AWS request failed (CredentialsProviderError): Could not load credentials from any providers -> no AWS credentials were found: set AWS_PROFILE to a profile for the stage's account (and run `aws sso login --profile <name>` if it uses SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    ]);
  }, 30_000);

  it('with a profile whose SSO session is not logged in, says to run aws sso login', async () => {
    const { code, lines } = await publish({ ...withoutAwsCredentials(ssoConfig), AWS_PROFILE: 'ops' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^site:publish: AWS request failed \(CredentialsProviderError\): The SSO session token/,
    );
    expect(lines[0]).toMatch(
      / -> the SSO session has expired or was never started: run `aws sso login --profile ops`, then run this command again$/,
    );
  }, 30_000);
});

// npm -w runs the script inside services/frontend; --dist is read from where the user ran npm.
describe('npm run site:publish --dist <relative path>', () => {
  it('reads the directory relative to where npm was run (the site is found, then AWS is asked)', async () => {
    const { code, lines } = await publish(withoutAwsCredentials(), relative(repoPath(), dist));
    expect(code).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^site:publish: AWS request failed \(CredentialsProviderError\)/),
    ]);
  }, 30_000);

  it('names the absolute directory it looked in when there is no site there', async () => {
    const { code, lines } = await publish(withoutAwsCredentials(), 'no-such-dist');
    expect(code).toBe(1);
    expect(lines).toEqual([
      `site:publish: ${repoPath('no-such-dist')} has no index.html: there is no built site to publish; run \`npm run site:build\` first`,
    ]);
  }, 30_000);
});
