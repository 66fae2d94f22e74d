/**
 * `npm start` end to end, the real `npm start` (npm, its script shell, the launcher), in a process
 * group of its own like a terminal job, on free ports, with a fresh data directory and a sandbox
 * stage (`alice`, which takes the dev profile). One start, then:
 * - one status line per part, then the ready summary with the URLs;
 * - a match result posted to the engine is on the leaderboard within 5 s (engine -> SQS -> consumer
 *   -> PostgreSQL -> engine);
 * - the engine's and the consumer's logs are JSON from their first line;
 * - a malformed message sent to the printed queue URL by a stock client (no endpoint of its own) is in
 *   the DLQ after exactly maxReceiveCount receives;
 * - the site loads in headless Chromium with the distribution's behaviour;
 * - a second start on the same ports is refused with one line per port and starts nothing;
 * - Ctrl-C stops every part in reverse order and no process of the run survives.
 */

import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '@game-platform/local';
import { consumerVisibilityTimeoutSeconds, MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import { REPO_ROOT } from '@game-platform/resources/paths';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { queueDepth } from '@game-platform/shared/sqs';
import { launchBrowser } from '@game-platform/testing/browser';
import {
  descendantsOf,
  type ProcessEntry,
  processTable,
  stillRunning,
} from '@game-platform/testing/processes';
import { until } from '@game-platform/testing/until';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStart, type StartProcess } from '../../src/platform/start-process';

/** Stage alice has no profile of its own: it runs with the dev profile's settings. */
const settings = loadStageProfile('alice').integrations;
const POISON = '{"type": "match.completed", "this is not": JSON';

let dataDir: string;
let ports: { postgres: number; sqs: number; engine: number; site: number };
let cli: StartProcess;
let readyAfterMs: number;
let sqs: SQSClient;
let poisonId: string;
/** Every process of the run while it was up, taken before it is stopped. */
let processes: ProcessEntry[] = [];

const url = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;
/** A value of the ready summary (`  queue      http://...`), as a user would copy it. */
const summaryValue = (label: string): string => {
  const line = cli.lines.find((candidate) => candidate.startsWith(`  ${label.padEnd(10)} `)) ?? '';
  return line.slice(13).split(/\s/)[0] ?? '';
};
const portArgs = () => [
  '--postgres-port',
  String(ports.postgres),
  '--sqs-port',
  String(ports.sqs),
  '--engine-port',
  String(ports.engine),
  '--site-port',
  String(ports.site),
];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'game-npm-start-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres and must enter it
  ports = {
    postgres: await freePort(),
    sqs: await freePort(),
    engine: await freePort(),
    site: await freePort(),
  };
  const began = performance.now();
  cli = launchStart(['--stage', 'alice', '--data-dir', dataDir, ...portArgs(), '--visibility-timeout', '3']);
  await cli.waitFor(/^ready in /, 90_000);
  readyAfterMs = performance.now() - began;
  console.log(
    `npm start: the ready line came ${readyAfterMs.toFixed(0)} ms after launch (fresh data directory)`,
  );
  // Sent now, so its receives and redeliveries overlap the other tests. A stock client: no endpoint of
  // its own, it sends to the printed queue URL's host (its notice that this is not AWS is silenced).
  sqs = new SQSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  ({ MessageId: poisonId = '' } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: summaryValue('queue'),
      MessageBody: POISON,
    }),
  ));
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  // Only when a test failed before the stop: leave nothing behind.
  if (cli && cli.child.exitCode === null) {
    cli.interrupt();
    await Promise.race([cli.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }
  for (const survivor of stillRunning(processes)) process.kill(survivor.pid, 'SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm start', () => {
  it('prints one status line per part as it becomes ready, then the summary with URLs', () => {
    const ready = cli.lines.filter((line) => / ready in \d+\.\d s {2}/.test(line));
    expect(ready.map((line) => line.trim().split(/\s+/)[0]).sort()).toEqual([
      'consumer',
      'datastore',
      'engine',
      'frontend',
      'queues',
    ]);
    const line = (part: string) => ready.find((candidate) => candidate.trim().startsWith(part)) ?? '';
    expect(line('queues')).toContain(
      `game-alice-events (visibility timeout 3 s (--visibility-timeout; the stage has ${consumerVisibilityTimeoutSeconds(settings)} s), maxReceiveCount ${settings.maxReceiveCount}) -> game-alice-events-dlq`,
    );
    expect(line('consumer')).toContain(
      `batch ${settings.batchSize}, window ${settings.maximumBatchingWindowSeconds} s, concurrency ${settings.maximumConcurrency}, timeout ${3 - settings.maximumBatchingWindowSeconds} s (to fit --visibility-timeout; the stage has ${settings.functionTimeoutSeconds} s)`,
    );
    expect(line('datastore')).toContain('applied 0001_game_schema.sql, 0002_application_roles.sql');
    const summary = cli.lines.join('\n');
    expect(summary).toMatch(
      /^ready in \d+\.\d s: the game platform runs locally with stage alice \(profile dev\)$/m,
    );
    expect(summary).toContain(`  site       ${url(ports.site)}`);
    expect(summary).toContain(`  queue      ${url(ports.sqs, '/000000000000/game-alice-events')}\n`);
    expect(summary).toContain(`  DLQ        ${url(ports.sqs, '/000000000000/game-alice-events-dlq')}\n`);
    expect(summary).toContain(`curl -s -X POST ${url(ports.engine)}/api/matches`);
    expect(summary).toContain(`postgres://postgres:postgres-local-only@127.0.0.1:${ports.postgres}/game`);
  });

  it('shows a match result posted to the engine on the leaderboard within 5 s', async () => {
    // Prepare
    const sample = JSON.parse(
      readFileSync(join(REPO_ROOT, 'services/engine/tests/events/http/match-result.json'), 'utf8'),
    ) as { players: Array<{ playerId: string }> };
    const players = sample.players.map((player) => player.playerId);

    // Act
    const posted = performance.now();
    const response = await fetch(url(ports.engine, '/api/matches'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sample),
    });
    const entries = await until('the leaderboard to list the players', 5_000, async () => {
      const board = (await (await fetch(url(ports.engine, '/api/leaderboard?limit=100'))).json()) as {
        entries: Array<{ playerId: string; matchesPlayed: number }>;
      };
      return players.every((id) => board.entries.some((entry) => entry.playerId === id))
        ? board.entries
        : undefined;
    });
    console.log(
      `npm start: match result on the leaderboard ${(performance.now() - posted).toFixed(0)} ms after POST`,
    );

    // Assess
    expect(response.status).toBe(202);
    expect(entries.filter((entry) => players.includes(entry.playerId))).toEqual(
      players.map((playerId) => expect.objectContaining({ playerId, matchesPlayed: 1 })),
    );
  }, 20_000);

  it("writes the engine's and the consumer's logs as JSON from the first line on", () => {
    // On another Node than production's, the AWS SDK's runtime notice was line 1 of both logs.
    for (const log of ['engine.log', 'consumer.log']) {
      const [first = ''] = readFileSync(join(dataDir, 'logs', log), 'utf8').split('\n');
      expect(() => JSON.parse(first), `${log} line 1: ${first}`).not.toThrow();
    }
  });

  it('serves the site in headless Chromium as the distribution does', async () => {
    // Prepare
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();

      // Act
      const home = await page.goto(url(ports.site, '/'), { waitUntil: 'load' });
      await page.waitForSelector('html[data-ready="true"]');
      const title = await page.textContent('h1');
      const missing = await page.goto(url(ports.site, '/levels/nowhere'), { waitUntil: 'load' });

      // Assess
      expect(home?.status()).toBe(200);
      expect(title).toBe('Skyforge Arena');
      expect(home?.headers()).toMatchObject({ ...MANAGED_SECURITY_HEADERS, 'cache-control': 'no-cache' });
      expect(missing?.status()).toBe(404);
      expect(await page.textContent('h1')).toBe('Lost in the clouds');
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('moves a malformed message to the DLQ after exactly maxReceiveCount receives', async () => {
    // Prepare: the message was sent right after the start (beforeAll), with a 3 s visibility timeout
    const deadLetterQueue = summaryValue('DLQ');
    expect(deadLetterQueue).toMatch(/\/game-alice-events-dlq$/);

    // Act
    await until('the malformed message in the DLQ', 60_000, async () =>
      (await queueDepth(sqs, deadLetterQueue)) > 0 ? true : undefined,
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: deadLetterQueue, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );

    // Assess: the consumer saw it exactly maxReceiveCount times and never deleted it
    expect(Messages.map((message) => [message.MessageId, message.Body])).toEqual([[poisonId, POISON]]);
    const invocations = readFileSync(join(dataDir, 'logs/consumer.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event source mapping: invocation"'))
      .map((line) => JSON.parse(line) as { messageIds: string[]; deleted: string[] })
      .filter((invocation) => invocation.messageIds.includes(poisonId));
    expect(invocations).toHaveLength(settings.maxReceiveCount);
    expect(invocations.every((invocation) => !invocation.deleted.includes(poisonId))).toBe(true);
  }, 70_000);

  it('refuses a second start on the same ports, one line per port, and starts nothing', async () => {
    // Act
    const second = launchStart(['--data-dir', join(dataDir, 'second'), ...portArgs()]);
    const code = await second.exited;

    // Assess
    expect(code).toBe(1);
    const output = second.lines.join('\n');
    expect(output).toContain('npm start failed: 4 ports are already in use:');
    expect(output).toContain(
      `  - engine: port ${ports.engine} (the engine) is taken -> stop the process listening on it (\`lsof -i :${ports.engine}\` or \`ss -ltnp 'sport = :${ports.engine}'\` shows which), or choose another port with --engine-port <port>`,
    );
    for (const flag of ['--postgres-port', '--sqs-port', '--site-port']) expect(output).toContain(flag);
    expect(output).toContain('nothing was started');
    expect(processTable().filter((entry) => entry.command.includes(join(dataDir, 'second')))).toEqual([]);
  }, 60_000);

  it('stops every part in reverse order on Ctrl-C, and no process of the run survives', async () => {
    // Prepare: the run's processes, which must include every kind of part
    const pid = cli.child.pid ?? 0;
    processes = descendantsOf(pid);
    const commands = processes.map((entry) => entry.command).join('\n');
    for (const part of ['platform/main.ts', 'bin/postgres -D', 'lambda-runtime.ts', 'engine/main.mjs']) {
      expect(commands).toContain(part);
    }

    // Act: what a terminal does on Ctrl-C (SIGINT to the whole foreground process group)
    cli.interrupt();
    const code = await cli.exited;

    // Assess
    expect(code).toBe(0);
    const partOf = (pattern: RegExp) =>
      cli.lines.filter((line) => pattern.test(line)).map((line) => line.trim().split(/\s+/)[0]);
    const readyOrder = partOf(/ ready in \d/);
    expect(partOf(/ stopped in \d/)).toEqual([...readyOrder].reverse());
    expect(cli.lines).toContain('stopping (SIGINT)');
    expect(cli.lines.at(-1)).toMatch(/^stopped: nothing is left running/);
    expect(stillRunning(processes)).toEqual([]);
    expect(processTable().filter((entry) => entry.command.includes(dataDir))).toEqual([]);
  }, 90_000);
});
