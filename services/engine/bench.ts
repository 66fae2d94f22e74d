/**
 * `npm run bench:engine`: figures for the engine app on this machine, side by side in one run,
 * against the same local servers the tests use (embedded PostgreSQL 17, fauxqs):
 * - bundle size, and time from process start to "listening" for the bundle vs. the TypeScript
 *   sources through tsx (why the image ships a bundle);
 * - requests per second, p50, p99 and the engine's CPU time per request for /health,
 *   /api/leaderboard (plain, and revalidating with If-None-Match) and POST /api/matches at 8
 *   concurrent clients, after a warm-up, in short interleaved rounds so that load from elsewhere on
 *   the machine hits every route alike;
 * - the ratios issue 16 sets targets for: leaderboard/health, matches/health (each the median over
 *   rounds of the two rates in the same round), SQS requests per 1,000
 *   accepted matches (fauxqs counts them) and PostgreSQL queries per 1,000 leaderboard requests
 *   (pg_stat_statements counts the engine role's statements) while a stand-in for the consumer
 *   commits score changes, as after a popular match.
 * It prints; it asserts nothing (no timed tests). Loopback only, bounded in time and count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@game-platform/local';
import { cpuTimeMs } from '@game-platform/testing/processes';
import { buildEngineApp } from './cli/image/build';
import { type EngineProcess, spawnEngine } from './tests/helpers/engine-process';
import { loadEvent } from './tests/helpers/events';

/** The routes the targets are ratios of (names as printed; the ratios look them up by these). */
const LEADERBOARD_ROUTE = 'GET /api/leaderboard?limit=100';
const MATCHES_ROUTE = 'POST /api/matches';

import { startLocalPlatform } from './tests/helpers/local-platform';

const STARTS = 5;
const CONCURRENCY = 8;
/**
 * Many short rounds, each visiting every route in turn: a ratio is taken within a round (the routes
 * a fraction of a second apart) and the median over rounds is printed, so a burst of load from
 * elsewhere on this shared machine moves one round's ratio, not the result.
 */
const ROUNDS = 9;
const SECONDS_PER_ROUND = 0.4;
/**
 * Each route runs this long, unmeasured, before the measured rounds: V8 compiles a route's code
 * on its first thousands of calls, and a task serves for hours, so the figures are the warm ones.
 */
const WARM_UP_SECONDS = 0.5;
/** Engine variables the bench passes through from its own environment. */
const TUNABLE = ['MATCH_BATCH_LINGER_MS', 'LEADERBOARD_REFRESH_MS'];

/** While the leaderboard routes run, the consumer's stand-in commits a score change this often. */
const WRITE_EVERY_MS = 20;

interface Route {
  name: string;
  call: () => Promise<BenchResponse>;
  /** Commit score changes meanwhile, as the consumer does after matches (each one signals a change). */
  withWrites?: boolean;
  /** Which statuses count as served; default: 2xx. */
  ok?: (status: number) => boolean;
}
interface BenchResponse {
  status: number;
  etag: string | undefined;
}

/**
 * The load generator: node:http over keep-alive connections, one per client. Not `fetch`: on this
 * machine fetch spends about 350 µs of the bench's CPU per GET and 530 µs per POST (node:http about
 * 120 µs for either), so with fetch the figures measured the client, and measured POST routes as
 * slower than they are. The body is read to its end, as a client would.
 */
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const REQUEST_TIMEOUT_MS = 10_000;
const send = (
  url: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
) =>
  new Promise<BenchResponse>((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        agent,
        method,
        headers:
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        response.resume();
        response.on('error', reject);
        response.on('end', () => {
          const etag = response.headers.etag;
          resolve({ status: response.statusCode ?? 0, etag });
        });
      },
    );
    request.on('error', reject);
    // A stalled engine fails the run instead of hanging it.
    request.setTimeout(REQUEST_TIMEOUT_MS, () =>
      request.destroy(new Error(`${method} ${url}: no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    request.end(body);
  });
const TSX_CLI = fileURLToPath(import.meta.resolve('tsx/cli'));

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

// pg_stat_statements counts the engine's queries on the server's side.
const platform = await startLocalPlatform({
  postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements'],
});
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
  // Counts every statement the engine's role runs (server-side, so it sees what the engine really sends).
  await platform.db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const engineQueries = async (): Promise<number> => {
    const { rows } = await platform.db.query<{ calls: string }>(
      `SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
       WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = 'game_engine')`,
    );
    return Number(rows[0]?.calls ?? 0);
  };
  const sqsSends = () => {
    const counts = platform.aws.requestCounts();
    return (counts.SendMessage ?? 0) + (counts.SendMessageBatch ?? 0);
  };
  // Engine settings under study can be given to the bench: `MATCH_BATCH_LINGER_MS=2 npm run bench:engine`.
  const tuning = Object.fromEntries(
    TUNABLE.flatMap((key) => (process.env[key] ? [[key, process.env[key] as string]] : [])),
  );
  const engine = track(
    await spawnEngine(outdir, { ...(await env()), DATABASE_POOL_MAX: '5', ...tuning }, { keepLogs: false }),
  );
  /**
   * The engine's CPU time so far (user + system, ms): what a route costs the engine itself, whatever
   * the load generator and the machine's other work do to its throughput.
   */
  const engineCpuMs = () => (engine.child.pid === undefined ? undefined : cpuTimeMs(engine.child.pid));
  /** Commits one score change every WRITE_EVERY_MS until `until`, top players included; returns how many. */
  const commitScoreChanges = async (until: number): Promise<number> => {
    let count = 0;
    while (performance.now() < until) {
      await platform.db.query(
        `UPDATE player_stats SET total_score = total_score + 100
         WHERE player_id = 'p-' || (10001 - floor(random() * 200))::int`,
      );
      count += 1;
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS));
    }
    return count;
  };
  const match = JSON.stringify(loadEvent('http', 'match-result'));
  let etag: string | null = null;
  const routes: Route[] = [
    { name: 'GET /health', call: () => send(`${engine.url}/health`) },
    {
      name: LEADERBOARD_ROUTE,
      call: () => send(`${engine.url}/api/leaderboard?limit=100`),
      withWrites: true,
    },
    {
      // What a browser polling the board sends once it holds a copy: 304 while nothing changed.
      name: 'GET /api/leaderboard, If-None-Match',
      call: async () => {
        const response = await send(`${engine.url}/api/leaderboard?limit=100`, {
          headers: etag ? { 'if-none-match': etag } : {},
        });
        etag = response.etag ?? etag;
        return response;
      },
      ok: (status) => status === 200 || status === 304,
      withWrites: true,
    },
    {
      name: MATCHES_ROUTE,
      call: () =>
        send(`${engine.url}/api/matches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: match,
        }),
    },
  ];
  const emptyResult = () => ({
    requests: 0,
    failures: 0,
    latencies: [] as number[],
    seconds: 0,
    /** Requests per second in each measured round, in round order. */
    rounds: [] as number[],
    /** The engine process's CPU time (user + system), ms; undefined where /proc is not readable. */
    cpuMs: 0 as number | undefined,
    sqs: 0,
    queries: 0,
    writes: 0,
  });
  const results = new Map(routes.map((route) => [route.name, emptyResult()]));
  // A warm-up round (its figures dropped), then rounds that interleave the routes, so a burst of
  // load from elsewhere on the machine hits them alike.
  for (let round = -1; round < ROUNDS; round += 1)
    for (const route of routes) {
      const warmUp = round < 0;
      const result = warmUp ? emptyResult() : results.get(route.name);
      if (!result) continue;
      const [sqsBefore, queriesBefore] = [sqsSends(), await engineQueries()];
      const cpuBefore = engineCpuMs();
      const requestsBefore = result.requests;
      const started = performance.now();
      const until = started + (warmUp ? WARM_UP_SECONDS : SECONDS_PER_ROUND) * 1000;
      const writes = route.withWrites ? commitScoreChanges(until) : Promise.resolve(0);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until && result.latencies.length < 1_000_000) {
            const sent = performance.now();
            const response = await route.call();
            if (!(route.ok ?? ((status: number) => status < 300))(response.status)) result.failures += 1;
            result.latencies.push(performance.now() - sent);
            result.requests += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = engineCpuMs();
      result.cpuMs =
        result.cpuMs === undefined || cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : result.cpuMs + cpuAfter - cpuBefore;
      result.seconds += seconds;
      result.rounds.push((result.requests - requestsBefore) / seconds);
      result.writes += await writes;
      result.sqs += sqsSends() - sqsBefore;
      result.queries += (await engineQueries()) - queriesBefore;
    }

  const perSecond = (name: string) => {
    const result = results.get(name);
    return result ? result.requests / result.seconds : 0;
  };
  console.log(
    `\n${CONCURRENCY} concurrent clients, ${ROUNDS} rounds of ${SECONDS_PER_ROUND} s per route after ${WARM_UP_SECONDS} s of warm-up; ratios: median over rounds of the two routes' rates in the same round${Object.keys(tuning).length ? `, ${JSON.stringify(tuning)}` : ''}`,
  );
  for (const route of routes) {
    const result = results.get(route.name);
    if (!result) continue;
    const cpu =
      result.cpuMs === undefined ? 'n/a' : `${((1000 * result.cpuMs) / result.requests).toFixed(0)} µs`;
    console.log(
      `${route.name.padEnd(36)} ${perSecond(route.name).toFixed(0).padStart(6)} req/s  p50 ${percentile(result.latencies, 50).toFixed(1).padStart(5)} ms  p99 ${percentile(result.latencies, 99).toFixed(1).padStart(5)} ms  engine CPU ${cpu.padStart(6)}/request  failures ${result.failures}`,
    );
  }
  const leaderboard = results.get(LEADERBOARD_ROUTE);
  const matches = results.get(MATCHES_ROUTE);
  const healthRounds = results.get('GET /health')?.rounds ?? [];
  /** The median over rounds of the route's rate over the health route's in the same round. */
  const ratio = (name: string) => {
    const rounds = results.get(name)?.rounds ?? [];
    const ratios = rounds.map((rate, round) => (100 * rate) / (healthRounds[round] || Number.NaN));
    return `${percentile(ratios, 50).toFixed(0)} % (rounds ${percentile(ratios, 0).toFixed(0)}-${percentile(ratios, 100).toFixed(0)} %)`;
  };
  const per1000 = (count = 0, of = 0) => (of === 0 ? 'n/a' : ((1000 * count) / of).toFixed(0));
  console.log(`leaderboard / health            ${ratio(LEADERBOARD_ROUTE)} (target >= 60 %)`);
  console.log(`matches / health                ${ratio(MATCHES_ROUTE)} (target >= 30 %)`);
  console.log(`SQS requests per 1,000 matches  ${per1000(matches?.sqs, matches?.requests)} (target <= 200)`);
  console.log(
    `PG queries per 1,000 leaderboard requests  ${per1000(leaderboard?.queries, leaderboard?.requests)} (${((leaderboard?.queries ?? 0) / (leaderboard?.seconds || 1)).toFixed(1)} queries/s while ${((leaderboard?.writes ?? 0) / (leaderboard?.seconds || 1)).toFixed(0)} score changes/s were committed; bound: 1000 / LEADERBOARD_REFRESH_MS per task)`,
  );
  engine.child.kill('SIGTERM');
  await engine.exited;
} finally {
  for (const engine of started) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
  rmSync(outdir, { recursive: true, force: true });
  await platform.stop();
}
