/**
 * For tests of the project's commands: `npm run <script> -- <args>` from the repository root, as a
 * user runs it (npm, its script shell, tsx), with its exit code and output. npm's own banner and
 * error lines are left out (`--silent`), so what is asserted is what the command itself printed.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '@game-platform/resources/paths';

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script to its end (bounded by `timeoutMs`); `env` is added to this process's environment. */
export const runNpmScript = (
  script: string,
  args: readonly string[] = [],
  env: Record<string, string | undefined> = {},
  timeoutMs = 60_000,
): Promise<ScriptResult> =>
  new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', script, '--', ...args],
      { cwd: repoPath(), env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

/**
 * Environment additions under which the AWS SDK finds no credentials anywhere it looks and asks
 * nothing over the network (no instance or container metadata): an operator with nothing set up.
 * `configFile` replaces ~/.aws/config, e.g. with a profile that needs an SSO login.
 */
export const withoutAwsCredentials = (
  configFile = '/nonexistent/aws-config',
): Record<string, string | undefined> => ({
  AWS_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONFIG_FILE: configFile,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
});

/**
 * Writes `<dir>/config`, an AWS config whose profile `ops` takes its credentials from an SSO session
 * nobody logged in to (the SDK fails without asking the network), and returns its path.
 */
export const writeSsoProfileConfig = (dir: string): string => {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      '[profile ops]',
      'sso_session = studio',
      'sso_account_id = 111111111111',
      'sso_role_name = Operator',
      'region = eu-west-1',
      '',
      '[sso-session studio]',
      'sso_start_url = https://studio.awsapps.com/start',
      'sso_region = eu-west-1',
      '',
    ].join('\n'),
  );
  return file;
};
