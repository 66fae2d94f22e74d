/**
 * The platform's child processes, with real `node` processes: output lands in the part's log, the
 * environment is exactly the one given (nothing inherited), an exit while running reaches the
 * lifecycle as that part's death, and a stop ends with the process gone even when it ignores SIGTERM.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logTail, spawnPartProcess } from '../src/child-process';
import { Lifecycle } from '../src/lifecycle';

const dir = mkdtempSync(join(tmpdir(), 'game-child-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (script: string, logFile: string, env: Record<string, string> = {}) =>
  spawnPartProcess({ args: ['-e', script], env, logFile });

describe('part processes', () => {
  it('write stdout and stderr to the log, and see only the environment they are given', async () => {
    // Prepare
    const logFile = join(dir, 'env.log');
    process.env.GAME_TEST_SECRET = 'must not leak';

    // Act
    const child = node(
      'console.log(JSON.stringify(Object.keys(process.env).sort())); console.error("to stderr")',
      logFile,
      { ONLY_THIS: '1' },
    );
    const how = await child.exited;
    delete process.env.GAME_TEST_SECRET;

    // Assess
    expect(how).toBe('exited with code 0');
    const [keys, stderr] = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(JSON.parse(keys ?? '[]')).toEqual(['ONLY_THIS']);
    expect(stderr).toBe('to stderr');
    expect(logTail(logFile, 1)).toBe('     | to stderr');
  });

  it("report an exit while running as the part's death", async () => {
    // Prepare
    const lifecycle = new Lifecycle();
    const logFile = join(dir, 'dies.log');

    // Act
    await lifecycle.start('engine', async () => {
      const child = node(
        'setTimeout(() => { console.error("out of memory"); process.exit(3); }, 100)',
        logFile,
      );
      return {
        summary: 'up',
        died: child.exited,
        stop: async () => {
          await child.stop('SIGTERM', 1000);
          return undefined;
        },
      };
    });

    // Assess
    expect(await lifecycle.died).toEqual({ part: 'engine', reason: 'exited with code 3' });
    expect(logTail(logFile)).toBe('     | out of memory');
    await lifecycle.stop();
  });

  it('stop with SIGKILL after the grace period a process that ignores SIGTERM', async () => {
    // Prepare
    const logFile = join(dir, 'stubborn.log');
    const child = node(
      'process.on("SIGTERM", () => console.log("ignored")); console.log("up"); setInterval(() => {}, 1000)',
      logFile,
    );
    // Its handler is installed once it has said "up" (bounded: 5 s).
    for (let wait = 0; wait < 100 && !readFileSync(logFile, 'utf8').includes('up'); wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Act
    const began = performance.now();
    await child.stop('SIGTERM', 300);

    // Assess
    expect(await child.exited).toBe('killed by SIGKILL');
    expect(performance.now() - began).toBeGreaterThanOrEqual(290);
    expect(readFileSync(logFile, 'utf8')).toBe('up\nignored\n');
  });
});
