/**
 * `npm run dlq:show` / `dlq:redrive` as an operator runs them without working AWS credentials: one
 * line with what the SDK said and the next step (set AWS_PROFILE, or `aws sso login`), exit code 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runNpmScript,
  withoutAwsCredentials,
  writeSsoProfileConfig,
} from '@game-platform/testing/npm-script';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
/** An AWS config whose profile "ops" takes its credentials from an SSO session nobody logged in to. */
let ssoConfig: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'game-dlq-credentials-'));
  ssoConfig = writeSsoProfileConfig(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dlq = async (command: 'show' | 'redrive', env: Record<string, string | undefined>) => {
  const { code, stdout, stderr } = await runNpmScript(`dlq:${command}`, ['--stage', 'dev'], env);
  return { code, stdout, lines: stderr.trim().split('\n') };
};

describe('npm run dlq:* without working AWS credentials', () => {
  it.each(['show', 'redrive'] as const)(
    'dlq:%s with no credentials at all says to set AWS_PROFILE or keys',
    async (command) => {
      const { code, stdout, lines } = await dlq(command, withoutAwsCredentials());
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(lines).toEqual([
        "dlq: Could not load credentials from any providers -> no AWS credentials were found: set AWS_PROFILE to a profile for the stage's account (and run `aws sso login --profile <name>` if it uses SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      ]);
    },
    30_000,
  );

  it('names an AWS_PROFILE that gives no credentials, and how to check it', async () => {
    const { code, lines } = await dlq('show', { ...withoutAwsCredentials(), AWS_PROFILE: 'nosuch' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'dlq: Could not load credentials from any providers -> AWS_PROFILE is "nosuch" but it gives no credentials: check that ~/.aws/config defines it (`aws configure list-profiles`), and run `aws sso login --profile nosuch` if it uses SSO',
    ]);
  }, 30_000);

  it('says to run aws sso login for a profile whose SSO session is not logged in', async () => {
    const { code, lines } = await dlq('show', { ...withoutAwsCredentials(ssoConfig), AWS_PROFILE: 'ops' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^dlq: The SSO session token associated with profile=ops was not found or is invalid\./,
    );
    expect(lines[0]).toMatch(
      / -> the SSO session has expired or was never started: run `aws sso login --profile ops`, then run this command again$/,
    );
  }, 30_000);
});
