/**
 * `npm start` stopped the ways a supervisor, CI or a crash stops it, each through the real `npm start`
 * (npm, its script shell, the launcher, the platform), on free ports with a data directory of its own.
 * Whatever ends it, every part stops (the launcher, the platform, PostgreSQL, the engine, the consumer)
 * and no process of the run survives (checked in /proc by pid and start time):
 * - `kill <npm pid>` (SIGTERM) and `kill -INT <npm pid>`: the ordered stop, last ready first, exit 0;
 * - `kill -9 <npm pid>`: the launcher notices it lost its parent and stops the platform;
 * - `kill -9` of PostgreSQL: reported, everything else stopped, and the dead server is not waited for.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@game-platform/local';
import {
  descendantsOf,
  type ProcessEntry,
  processTable,
  stillRunning,
} from '@game-platform/testing/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStart, type StartProcess } from '../../src/platform/start-process';

/** The processes every run must have had: the launcher, the platform and its three processes. */
const PARTS = [
  'tools/src/start.ts',
  'platform/main.ts',
  'bin/postgres -D',
  'lambda-runtime.ts',
  'engine/main.mjs',
];

let dataDir: string;
const runs: Array<{ cli: StartProcess; processes: ProcessEntry[] }> = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'game-npm-start-signals-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres and must enter it
});

afterAll(() => {
  // Only when a test failed: leave nothing behind.
  for (const { cli, processes } of runs) {
    const survivors = stillRunning([
      ...processTable().filter((entry) => entry.pid === cli.child.pid),
      ...processes,
    ]);
    for (const survivor of survivors) process.kill(survivor.pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `npm start` (one data directory for every run, so later runs restart instead of initdb). */
const startPlatform = async () => {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const flags = ['--postgres-port', '--sqs-port', '--engine-port', '--site-port'];
  const cli = launchStart(['--data-dir', dataDir, ...flags.flatMap((flag, i) => [flag, String(ports[i])])]);
  const run = { cli, processes: [] as ProcessEntry[] };
  runs.push(run);
  await cli.waitFor(/^ready in /, 90_000);
  run.processes = descendantsOf(cli.child.pid ?? 0);
  const commands = run.processes.map((entry) => entry.command).join('\n');
  for (const part of PARTS) expect(commands).toContain(part);
  return run;
};

const partsThat = (cli: StartProcess, pattern: RegExp) =>
  cli.lines.filter((line) => pattern.test(line)).map((line) => line.trim().split(/\s+/)[0]);

const until = async (what: string, ms: number, done: () => boolean) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('npm start, stopped by a signal to the npm process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops every part in reverse order on %s to npm alone, and no process survives',
    async (signal) => {
      // Prepare
      const { cli, processes } = await startPlatform();

      // Act: what `kill [-INT] <pid>` of a supervisor does: the npm process only, not its group
      process.kill(cli.child.pid ?? 0, signal);
      const code = await cli.exited;

      // Assess
      expect(code).toBe(0);
      expect(cli.lines).toContain(`stopping (${signal})`);
      expect(partsThat(cli, / stopped in \d/)).toEqual(partsThat(cli, / ready in \d/).reverse());
      expect(cli.lines.at(-1)).toMatch(/^stopped: nothing is left running/);
      expect(stillRunning(processes)).toEqual([]);
      expect(processTable().filter((entry) => entry.command.includes(dataDir))).toEqual([]);
    },
    150_000,
  );

  it('stops every part when npm itself is killed with SIGKILL', async () => {
    // Prepare
    const { cli, processes } = await startPlatform();

    // Act: nothing can react to SIGKILL; the launcher below npm notices that it lost its parent
    process.kill(cli.child.pid ?? 0, 'SIGKILL');
    await until('every process of the run to end', 60_000, () => stillRunning(processes).length === 0);

    // Assess
    expect(cli.lines).toContain('stopping (SIGTERM)');
    expect(partsThat(cli, / stopped in \d/)).toEqual(partsThat(cli, / ready in \d/).reverse());
    expect(processTable().filter((entry) => entry.command.includes(dataDir))).toEqual([]);
  }, 150_000);
});

describe('npm start, when PostgreSQL is killed with SIGKILL', () => {
  it('reports it, stops everything else, and does not wait for the dead server', async () => {
    // Prepare
    const { cli, processes } = await startPlatform();
    const postmaster = Number(readFileSync(join(dataDir, 'postgres/postmaster.pid'), 'utf8').split('\n')[0]);

    // Act
    process.kill(postmaster, 'SIGKILL');
    const code = await cli.exited;

    // Assess: before, the datastore "did not stop within 40 s"
    expect(code).toBe(1);
    expect(cli.lines.join('\n')).toContain(
      `datastore stopped unexpectedly (PostgreSQL (pid ${postmaster}) is no longer running); stopping everything else`,
    );
    const datastore = cli.lines.find((line) => /^ {2}datastore {2}(stopped|did not stop)/.test(line));
    expect(datastore).toMatch(/^ {2}datastore {2}stopped in \d+\.\d s$/);
    expect(cli.lines.at(-1)).toMatch(/^stopped: nothing is left running/);
    expect(stillRunning(processes)).toEqual([]);
  }, 150_000);
});
