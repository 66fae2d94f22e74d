/**
 * `npm run bench:consumer`: how fast the consumer writes game events, next to what a per-record
 * processor and the raw database allow on this machine, plus the bundle's size and cold import time.
 * A benchmark, not a test: it prints figures and the targets beside them, and fails nothing.
 *
 *   handler      the production bundle's `handler`, batch by batch (parse, validate, one statement
 *                per batch, Powertools logs and metrics; stdout muted while timing)
 *   per-record   the same validation, then one statement per record: the best a per-record batch
 *                processor does (one round trip per record; a BEGIN/INSERT.../COMMIT one does more)
 *   raw ceiling  the batch statement on pre-built parameters: no parsing, validation, logging
 *
 * All three run against one embedded PostgreSQL 17, emptied before each run, on 20,000 events, the
 * best of two runs each (the first run of the first path also warms the database up).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuildSettings } from '@game-platform/resources';
import { type GameEvent, parseGameEventJson } from '@game-platform/shared/events';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { build } from 'esbuild';
import {
  APPLY_EVENTS_SQL,
  APPLY_EVENTS_STATEMENT,
  applyEventsParameters,
  postgresEventStore,
} from './src/postgres-event-store';
import { type GameDatabase, startGameDatabase } from './tests/helpers/database';
import { eventMix } from './tests/helpers/events';

const EVENTS = 20_000;
const BATCH_SIZES = [10, 100] as const;
const COLD_IMPORT_RUNS = 15;
const ROUNDS = 2;
const HANDLER_ENTRY = new URL('./src/handlers/consumer.ts', import.meta.url).pathname;

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const context = { functionName: 'bench', awsRequestId: 'bench' } as Context;

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const sqsEvent = (events: GameEvent[], offset: number): SQSEvent => ({
  Records: events.map((event, i) => ({
    messageId: `m-${offset + i}`,
    receiptHandle: 'r',
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:bench',
    awsRegion: 'local',
  })),
});

/** Runs `work` with stdout muted (Powertools writes a log line and an EMF document per batch). */
const muted = async <T>(work: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
};

/**
 * Events per second of `run` on an empty database, the best of `ROUNDS` runs (the machine is shared;
 * the best run is the least disturbed one), checking every event was written each time.
 */
const throughput = async (db: GameDatabase, run: () => Promise<void>): Promise<number> => {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await db.reset();
    const started = performance.now();
    await run();
    const seconds = (performance.now() - started) / 1000;
    const { events } = await db.totals();
    if (events !== EVENTS) throw new Error(`expected ${EVENTS} events in the database, found ${events}`);
    best = Math.max(best, EVENTS / seconds);
  }
  return best;
};

const bundle = async (dir: string, name: string, entry: string): Promise<string> => {
  const outfile = join(dir, `${name}.mjs`);
  const { exclude, outputFileExtension: _extension, ...settings } = esbuildSettings;
  await build({ ...settings, entryPoints: [entry], outfile, external: [...exclude], logLevel: 'error' });
  return outfile;
};

/** Milliseconds to import a module in a fresh Node.js process (process start excluded). */
const importMs = (file: string, env: NodeJS.ProcessEnv): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stderr.write(String(performance.now() - t));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return Number(child.stderr.toString());
};

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Median cold import of each file, measured alternately so both see the same machine load. */
const coldImports = (files: string[], env: NodeJS.ProcessEnv): number[] => {
  const samples = files.map(() => [] as number[]);
  for (let run = 0; run < COLD_IMPORT_RUNS; run++) {
    for (const [i, file] of files.entries()) samples[i]?.push(importMs(file, env));
  }
  return samples.map(median);
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-consumer-'));
  const db = await startGameDatabase();
  try {
    const env = {
      ...process.env,
      DATABASE_URL: db.server.connectionString,
      MAX_RECEIVE_COUNT: '5',
      POWERTOOLS_SERVICE_NAME: 'integrations-consumer',
      POWERTOOLS_METRICS_NAMESPACE: 'GamePlatform',
    };
    Object.assign(process.env, env);

    const handlerFile = await bundle(dir, 'consumer', HANDLER_ENTRY);
    const emptyEntry = join(dir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async () => ({ batchItemFailures: [] });\n');
    const emptyFile = await bundle(dir, 'empty', emptyEntry);
    const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: Handler };

    const events = eventMix(EVENTS);
    const store = postgresEventStore(db.pool);
    const rows: string[][] = [];
    for (const size of BATCH_SIZES) {
      const batches = chunk(events, size);
      const sqsBatches = batches.map((batch, i) => sqsEvent(batch, i * size));
      const handlerRate = await throughput(db, () =>
        muted(async () => {
          for (const event of sqsBatches) {
            const { batchItemFailures } = await handler(event, context);
            if (batchItemFailures.length)
              throw new Error(`handler failed ${batchItemFailures.length} records`);
          }
        }),
      );
      const perRecordRate = await throughput(db, async () => {
        for (const event of sqsBatches) {
          for (const record of event.Records) {
            const parsed = parseGameEventJson(record.body);
            if (!parsed.ok) throw new Error(parsed.errors.join('; '));
            await store.applyEvents([parsed.value]);
          }
        }
      });
      const parameters = batches.map(applyEventsParameters);
      const rawRate = await throughput(db, async () => {
        for (const values of parameters)
          await db.pool.query({ name: APPLY_EVENTS_STATEMENT, text: APPLY_EVENTS_SQL, values });
      });
      rows.push([
        String(size),
        handlerRate.toFixed(0),
        perRecordRate.toFixed(0),
        rawRate.toFixed(0),
        `${(handlerRate / perRecordRate).toFixed(2)}x`,
        `${((handlerRate / rawRate) * 100).toFixed(0)} %`,
      ]);
    }

    const bundleBytes = statSync(handlerFile).size;
    const [bundleMs = Number.NaN, emptyMs = Number.NaN] = coldImports([handlerFile, emptyFile], env);

    const header = [
      'batch',
      'handler ev/s',
      'per-record ev/s',
      'raw ceiling ev/s',
      'handler/per-record',
      'handler/raw',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
    console.log(`\nconsumer benchmark: ${EVENTS} events, embedded PostgreSQL 17, Node ${process.version}\n`);
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log(
      `\ntargets: handler >= 3x per-record at batch 10 (${rows[0]?.[4]}); handler >= 50 % of raw at batch 100 (${rows[1]?.[5]})`,
    );
    console.log(`bundle:      ${(bundleBytes / 1024).toFixed(1)} KiB minified (target <= 150 KB)`);
    console.log(
      `cold import: bundle ${bundleMs.toFixed(1)} ms, empty handler ${emptyMs.toFixed(1)} ms, ratio ${(bundleMs / emptyMs).toFixed(2)} (Node ${process.version}, the major of Lambda's nodejs24.x)`,
    );
    console.log(`            target: ratio <= 5; medians of ${COLD_IMPORT_RUNS} alternating runs`);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
