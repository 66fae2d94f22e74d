/**
 * `npm run bench:engine`: figures for the engine app on this machine, side by side in one run,
 * against the same local servers the tests use (embedded PostgreSQL 17, fauxqs):
 * - bundle size, and time from process start to "listening" for the bundle vs. the TypeScript
 *   sources through tsx (why the image ships a bundle);
 * - requests per second and p99 latency for /health, /api/leaderboard and POST /api/matches at 8 concurrent
 *   clients for a fixed duration each.
 * It prints; it asserts nothing (no timed tests). Loopback only, bounded in time and count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@game-platform/scripts/local';
import { buildEngineApp } from './build';
import { type EngineProcess, spawnEngine } from './tests/helpers/engine-process';
import { loadEvent } from './tests/helpers/events';
import { startLocalPlatform } from './tests/helpers/local-platform';

const STARTS = 5;
const CONCURRENCY = 8;
const SECONDS_PER_ROUTE = 3;
const TSX_CLI = fileURLToPath(import.meta.resolve('tsx/cli'));

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

const platform = await startLocalPlatform();
const outdir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
/** Every engine started, so none outlives the run, even when it fails. */
const started: EngineProcess[] = [];
const track = (engine: EngineProcess) => {
  started.push(engine);
  return engine;
};
try {
  const bundle = await buildEngineApp(outdir);
  const env = async () => ({
    ...platform.env,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    AWS_EC2_METADATA_DISABLED: 'true',
    // As in production: one access log line per request is part of the cost.
    LOG_LEVEL: 'info',
    PATH: process.env.PATH ?? '',
  });

  const startup = async (command: 'bundle' | 'tsx'): Promise<number[]> => {
    const times: number[] = [];
    for (let run = 0; run < STARTS; run += 1) {
      const started = performance.now();
      const engine = track(
        await spawnEngine(
          outdir,
          await env(),
          command === 'tsx'
            ? { args: [TSX_CLI, fileURLToPath(new URL('src/main.ts', import.meta.url))] }
            : {},
        ),
      );
      times.push(performance.now() - started);
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    return times;
  };
  const bundleStarts = await startup('bundle');
  const tsxStarts = await startup('tsx');
  const median = (values: number[]) => percentile(values, 50);
  const kib = (file: string) => Math.round((bundle.sizes[file] ?? 0) / 1024);
  console.log(`bundle: main.mjs ${kib('main.mjs')} KiB, main.mjs.map ${kib('main.mjs.map')} KiB`);
  console.log(
    `start to listening (median of ${STARTS}): bundle ${median(bundleStarts).toFixed(0)} ms, tsx sources ${median(tsxStarts).toFixed(0)} ms (x${(median(tsxStarts) / median(bundleStarts)).toFixed(1)})`,
  );

  await platform.db.query(`
    INSERT INTO player_stats (player_id, matches_played, wins, total_score, best_score)
    SELECT 'p-' || n, 1, 0, n, n FROM generate_series(1, 10000) AS n`);
  const engine = track(await spawnEngine(outdir, { ...(await env()), DB_POOL_MAX: '5' }));
  const match = JSON.stringify(loadEvent('http', 'match-result'));
  const routes: Array<[string, () => Promise<Response>]> = [
    ['GET /health', () => fetch(`${engine.url}/health`)],
    ['GET /api/leaderboard?limit=100', () => fetch(`${engine.url}/api/leaderboard?limit=100`)],
    [
      'POST /api/matches',
      () =>
        fetch(`${engine.url}/api/matches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: match,
        }),
    ],
  ];
  for (const [name, call] of routes) {
    const latencies: number[] = [];
    let failures = 0;
    const until = performance.now() + SECONDS_PER_ROUTE * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until && latencies.length < 1_000_000) {
          const started = performance.now();
          const response = await call();
          await response.arrayBuffer();
          if (!response.ok) failures += 1;
          latencies.push(performance.now() - started);
        }
      }),
    );
    console.log(
      `${name.padEnd(28)} ${(latencies.length / SECONDS_PER_ROUTE).toFixed(0).padStart(6)} req/s  p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  failures ${failures}`,
    );
  }
  engine.child.kill('SIGTERM');
  await engine.exited;
} finally {
  for (const engine of started) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
  rmSync(outdir, { recursive: true, force: true });
  await platform.stop();
}
