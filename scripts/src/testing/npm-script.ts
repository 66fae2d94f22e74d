/**
 * For tests of the project's commands: `npm run <script> -- <args>` from the repository root, as a
 * user runs it (npm, its script shell, tsx), with its exit code and output. npm's own banner and
 * error lines are left out (`--silent`), so what is asserted is what the command itself printed.
 */
import { execFile } from 'node:child_process';
import { repoPath } from '../paths';

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
