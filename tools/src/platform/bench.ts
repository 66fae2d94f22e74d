/**
 * `npm run bench:start`: how long `npm start` takes on this machine, side by side in one run:
 * from launch to the "ready" line with a fresh data directory (initdb, both migrations) and with an
 * existing one (a restart), each part's own time to ready, and from Ctrl-C to the last process gone.
 * The target is "ready" within 20 s from a fresh clone. It prints; it asserts nothing.
 *
 * Runs on free ports with data directories of its own (never `.local/`); every run is bounded in time
 * and stopped with Ctrl-C (SIGINT to its process group), or SIGKILL if it does not stop.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@game-platform/local';
import { launchStart } from './start-process';

const RUNS = 3;
const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 60_000;

interface Run {
  readyMs: number;
  parts: Record<string, number>;
  stopMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const run = async (dataDir: string): Promise<Run> => {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const flags = ['--postgres-port', '--sqs-port', '--engine-port', '--site-port'];
  const began = performance.now();
  const start = launchStart(['--data-dir', dataDir, ...flags.flatMap((flag, i) => [flag, String(ports[i])])]);
  try {
    await start.waitFor(/^ready in /, READY_LIMIT_MS);
    const readyMs = performance.now() - began;
    const parts = Object.fromEntries(
      start.lines.flatMap((line) => {
        const match = /^ {2}(\S+)\s+ready in (\d+\.\d) s/.exec(line);
        return match ? [[match[1], Number(match[2]) * 1000]] : [];
      }),
    );
    const stopping = performance.now();
    start.interrupt();
    const code = await Promise.race([
      start.exited,
      new Promise((resolve) => setTimeout(resolve, STOP_LIMIT_MS)),
    ]);
    if (code !== 0) throw new Error(`npm start ended with ${String(code)}:\n${start.lines.join('\n')}`);
    return { readyMs, parts, stopMs: performance.now() - stopping };
  } finally {
    if (start.child.pid && start.child.exitCode === null) process.kill(-start.child.pid, 'SIGKILL');
  }
};

const root = mkdtempSync(join(tmpdir(), 'game-bench-start-'));
chmodSync(root, 0o755); // as root, PostgreSQL runs as the user postgres and must enter it
try {
  const fresh: Run[] = [];
  const existing: Run[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const dataDir = join(root, `run-${i}`);
    fresh.push(await run(dataDir));
    existing.push(await run(dataDir));
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const row = (label: string, runs: Run[]) => {
    const parts = Object.keys(runs[0]?.parts ?? {})
      .sort()
      .map((part) => `${part} ${seconds(median(runs.map((r) => r.parts[part] ?? 0)))}`)
      .join(', ');
    return `${label.padEnd(24)} ready ${seconds(median(runs.map((r) => r.readyMs)))} (runs: ${runs.map((r) => seconds(r.readyMs)).join(', ')}); stop ${seconds(median(runs.map((r) => r.stopMs)))}; parts: ${parts}`;
  };
  console.log(`npm start, median of ${RUNS} runs each, launch to the "ready" line (target: under 20 s):`);
  console.log(row('fresh data directory', fresh));
  console.log(row('existing data directory', existing));
  console.log(
    `existing / fresh: x${(median(existing.map((r) => r.readyMs)) / median(fresh.map((r) => r.readyMs))).toFixed(2)}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
