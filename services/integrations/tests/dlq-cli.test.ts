/**
 * `npm run dlq:show` and `npm run dlq:redrive` as an operator runs them, against a local SQS server
 * (fauxqs) and a real PostgreSQL with the game schema: the reason of a valid dead-lettered event says
 * whether the store applied it, the command's own peeks do not show up as receives, a DLQ of large
 * messages is moved in full, a message that cannot be sent is not left hidden, and a run that leaves
 * messages behind does not report success.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createQueueWithDeadLetter, type LocalSqs, startLocalSqs } from '@game-platform/local';
import { resourceName } from '@game-platform/resources';
import { queueDepth } from '@game-platform/shared/sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueuePair, stageQueues } from '../cli/dead-letters';
import { postgresEventStore } from '../src/postgres-event-store';
import { type GameDatabase, startGameDatabase } from './helpers/database';
import { playerRegistered } from './helpers/events';

let local: LocalSqs;
let sqs: SQSClient;
let db: GameDatabase;

beforeAll(async () => {
  [local, db] = await Promise.all([startLocalSqs(), startGameDatabase()]);
  sqs = local.sqs;
}, 60_000);
afterAll(async () => {
  await local?.stop();
  await db?.stop();
});

/** The npm script, as typed in a terminal; resolves its output and exit code. */
const dlq = async (command: 'show' | 'redrive', stage: string, ...extra: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        `dlq:${command}`,
        '--',
        '--stage',
        stage,
        '--endpoint',
        local.aws.endpoint,
        ...extra,
      ],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
    );
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const stdout = failed.stdout ?? '';
    return { code: failed.code ?? -1, stdout, output: stdout + (failed.stderr ?? '') };
  }
};

/** The stage's queue pair, wired like the template's (redrive after 5 receives), with `bodies` in the DLQ. */
const stage = async (name: string, bodies: string[], sourceAttributes: Record<string, string> = {}) => {
  await createQueueWithDeadLetter(sqs, {
    name: resourceName(name, 'events'),
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
    attributes: { queue: sourceAttributes },
  });
  const queues = await stageQueues(sqs, name);
  for (const body of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body }));
  return queues;
};

const receiveAll = async (queueUrl: string): Promise<Message[]> => {
  const received: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return received;
    received.push(...Messages);
  }
};

describe('npm run dlq:show', () => {
  it('asks the store whether each valid event was applied, and does not count its own peeks as receives', async () => {
    // Prepare: one event the store applied (its deletion failed), one it never applied, one invalid
    const applied = playerRegistered('ada');
    const failed = playerRegistered('bob');
    await postgresEventStore(db.pool).applyEvents([applied]);
    await stage('show', [JSON.stringify(applied), JSON.stringify(failed), 'not json']);

    // Act
    const first = await dlq('show', 'show', '--database-url', db.server.connectionString);
    const second = await dlq('show', 'show', '--database-url', db.server.connectionString);
    const withoutStore = await dlq('show', 'show');

    // Assess
    expect(first.code).toBe(0);
    expect(first.output).toMatch(
      new RegExp(
        `reason: valid player.registered event ${applied.id}: APPLIED at \\d{4}-.+Z, but never deleted from the queue`,
      ),
    );
    expect(first.output).toMatch(
      new RegExp(
        `reason: valid player.registered event ${failed.id}: NOT applied: its write failed on every receive; the consumer logged why under eventId ${failed.id} / messageId [0-9a-f-]{36}`,
      ),
    );
    expect(first.output).toContain('reason: invalid: (body): not JSON');
    expect(first.output).not.toMatch(/its write failed on every receive.*\n.*\n?.*APPLIED/);
    // The same figure on every run: the peeks of this command are not receives of the consumer.
    const receives = (output: string) => output.match(/moved here after \d+ receives/g);
    expect(receives(first.output)).toEqual(Array(3).fill('moved here after 5 receives'));
    expect(receives(second.output)).toEqual(receives(first.output));
    expect(first.output).not.toMatch(/received \d+x/);
    expect(withoutStore.output).toContain(
      `valid player.registered event ${applied.id}: not known whether it was applied (give --database-url to ask the store)`,
    );
  }, 90_000);
});

describe('npm run dlq:redrive --endpoint (local queues)', () => {
  it('moves a DLQ of large messages (batches over 1 MiB) in full, bodies unchanged', async () => {
    // Prepare: ten 200 KB messages, 2 MB in all: no SendMessageBatch may carry ten of them
    const bodies = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ ...playerRegistered(`big-${i}`), padding: 'x'.repeat(200_000) }),
    );
    const queues = await stage('large', bodies);

    // Act
    const { code, stdout } = await dlq('redrive', 'large');

    // Assess
    expect([code, stdout.trim()]).toEqual([0, `moved 10 message(s) back to ${queues.queueUrl}`]);
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(0);
    expect((await receiveAll(queues.queueUrl)).map((m) => m.Body).sort()).toEqual([...bodies].sort());
  }, 90_000);

  it('does not report success while messages stay in the DLQ', async () => {
    // Prepare: another reader holds one message hidden; two are visible
    const queues = await stage(
      'partial',
      ['one', 'two', 'three'].map((word) => JSON.stringify({ word })),
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 120,
      }),
    );
    expect(Messages).toHaveLength(1);

    // Act
    const { code, output } = await dlq('redrive', 'partial');

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(`moved 2 message(s) back to ${queues.queueUrl}`);
    expect(output).toContain(
      `dlq: 1 message(s) are still in ${queues.deadLetterQueueUrl}, hidden by another reader; run dlq:redrive again in 30 s`,
    );
  }, 90_000);

  it('leaves a message it could not send visible in the DLQ at once, and names it', async () => {
    // Prepare: the source takes messages up to 1 KiB; one dead letter is larger
    const large = JSON.stringify({ padding: 'y'.repeat(2_000) });
    const queues: QueuePair = await stage('refused', ['small', large], { MaximumMessageSize: '1024' });

    // Act
    const { code, output } = await dlq('redrive', 'refused');
    const { Messages: visible = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
      }),
    );

    // Assess
    expect(code).toBe(1);
    expect(output).toMatch(
      /^dlq: moved 1 message\(s\), but could not send 1 back \(InvalidParameterValue: .*\); they stay in the DLQ, visible again: [0-9a-f-]{36}$/m,
    );
    expect(visible.map((message) => message.Body)).toEqual([large]);
  }, 90_000);
});
