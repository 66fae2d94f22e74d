/**
 * `npm start` as a user runs it, refusing a data directory it cannot use: one line naming the
 * directory and why, then what to do, exit code 1, no stack trace, and nothing started.
 */

import { freePort } from '@game-platform/local';
import { runNpmScript } from '@game-platform/testing/npm-script';
import { describe, expect, it } from 'vitest';

const startWithDataDir = async (dataDir: string) => {
  const flags = ['--postgres-port', '--sqs-port', '--engine-port', '--site-port'];
  const ports = await Promise.all(flags.map(() => freePort()));
  return runNpmScript('start', [
    '--data-dir',
    dataDir,
    ...flags.flatMap((flag, i) => [flag, String(ports[i])]),
  ]);
};

describe('npm start --data-dir', () => {
  it.each([
    ['/etc/passwd', 'it is a file, not a directory'],
    ['/etc/passwd/platform', 'a part of that path is a file, not a directory'],
  ])(
    'refuses %s in one line: %s',
    async (dataDir, why) => {
      // Act
      const { code, stderr } = await startWithDataDir(dataDir);

      // Assess
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `npm start failed: platform: cannot use ${dataDir} as the data directory: ${why}`,
        '  -> give --data-dir a directory you may write to, or a path that does not exist yet',
        'nothing was started',
      ]);
    },
    30_000,
  );
});
