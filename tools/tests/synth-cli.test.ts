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
  it('refuses an invalid stage name with one clear line and packages nothing', async () => {
    const { code, output } = await synth('--stage', 'Bad_Stage');
    expect(code).toBe(1);
    expect(output).toContain(
      'stage "Bad_Stage" is not a valid stage name; expected lowercase letters, digits and hyphens',
    );
    expect(output).not.toContain('packaging');
  });

  it('refuses an unknown argument with the usage', async () => {
    const { code, output } = await synth('--stages', 'dev');
    expect(code).toBe(1);
    expect(output).toContain(
      'unknown argument "--stages"; usage: npm run synth [-- --stage <name>]... | [-- --all-stages]',
    );
  });
});
