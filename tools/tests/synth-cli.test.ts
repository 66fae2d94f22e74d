/** `npm run synth` as a user runs it: bad input fails before anything is packaged. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoPath } from '@game-platform/resources/paths';
import { describe, expect, it } from 'vitest';

const synth = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'tools/src/synth/cli.ts', ...args], {
      cwd: repoPath(),
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
};

describe('npm run synth', () => {
  it('refuses an invalid stage name with one clear line, exit code 2, and packages nothing', async () => {
    const { code, output } = await synth('--stage', 'Bad_Stage');
    expect(code).toBe(2);
    expect(output.trim()).toBe(
      'synth: --stage is "Bad_Stage"; expected a stage name: lowercase letters, digits and hyphens, starting with a letter, at most 16 characters',
    );
    expect(output).not.toContain('packaging');
  });

  it('refuses an unknown argument naming the option it resembles', async () => {
    const { code, output } = await synth('--stages', 'dev');
    expect(code).toBe(2);
    expect(output.trim()).toBe('synth: unknown option --stages; expected --stage <stage>');
  });
});
