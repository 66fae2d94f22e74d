/**
 * The dead-letter tools: `dlq:show` reads the DLQ without consuming it and says why each message is
 * there; the local redrive moves messages back losing none (both against fauxqs); the AWS redrive
 * follows a StartMessageMoveTask task to its end (behind the small MessageMoveTasks interface, since
 * fauxqs has no move tasks); the command line rejects bad arguments naming them.
 */

import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type LocalSqs, startLocalSqs } from '@game-platform/local';
import { resourceName } from '@game-platform/resources';
import { queueDepth } from '@game-platform/shared/sqs';
import { runNpmScript } from '@game-platform/testing/npm-script';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MessageMoveTasks,
  moveMessages,
  peekDeadLetters,
  type QueuePair,
  redrive,
  stageQueues,
} from '../cli/dead-letters';
import { parseDlqArguments } from '../cli/dlq';
import { playerRegistered } from './helpers/events';

let local: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  local = await startLocalSqs();
  sqs = local.sqs;
});
afterAll(async () => local?.stop());

const stageWithDeadLetters = async (stage: string, bodies: string[]): Promise<QueuePair> => {
  await sqs.send(new CreateQueueCommand({ QueueName: resourceName(stage, 'events') }));
  await sqs.send(new CreateQueueCommand({ QueueName: resourceName(stage, 'events-dlq') }));
  const queues = await stageQueues(sqs, stage);
  for (const body of bodies) {
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, MessageBody: body }));
  }
  return queues;
};

describe('dead-letter tools on a local SQS server', () => {
  it('shows each message with the reason it could not be processed, and leaves them in the DLQ', async () => {
    // Prepare
    const event = playerRegistered('zoe');
    const queues = await stageWithDeadLetters('show', ['not json', JSON.stringify(event)]);

    // Act
    const letters = await peekDeadLetters(sqs, queues.deadLetterQueueUrl);
    const again = await peekDeadLetters(sqs, queues.deadLetterQueueUrl);

    // Assess
    expect(letters.map((l) => l.reason).sort()).toEqual([
      expect.stringMatching(/^invalid: \(body\): not JSON/),
      expect.stringMatching(
        new RegExp(
          `^valid player.registered event ${event.id}: not known whether it was applied \\(give --database-url`,
        ),
      ),
    ]);
    expect(again).toHaveLength(2);
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(2);
  });

  it('moves every message back to the source queue, bodies unchanged', async () => {
    // Prepare
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify(playerRegistered(`p${i}`)));
    const queues = await stageWithDeadLetters('move', bodies);

    // Act
    const moved = await moveMessages(sqs, queues);

    // Assess
    expect(moved).toEqual({ moved: 23, left: 0 });
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(0);
    const received: string[] = [];
    for (let i = 0; i < 5 && received.length < 23; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
        }),
      );
      received.push(...Messages.map((m) => m.Body ?? ''));
    }
    expect(received.sort()).toEqual([...bodies].sort());
  });
});

describe('redrive with SQS message move tasks', () => {
  const tasks = (states: Array<{ status: string; moved: number; failureReason?: string }>) => {
    let calls = 0;
    const started: string[] = [];
    const fake: MessageMoveTasks & { started: string[] } = {
      started,
      start: async () => {
        started.push('task-1');
        return 'task-1';
      },
      latest: async () => {
        const state = states[Math.min(calls++, states.length - 1)] ?? { status: 'UNKNOWN', moved: 0 };
        return { toMove: 3, ...state };
      },
    };
    return fake;
  };

  it('starts one task and follows it until it completes', async () => {
    const fake = tasks([
      { status: 'RUNNING', moved: 1 },
      { status: 'COMPLETED', moved: 3 },
    ]);
    const lines: string[] = [];
    const result = await redrive(fake, (l) => lines.push(l), { pollMilliseconds: 1 });
    expect(fake.started).toEqual(['task-1']);
    expect(result).toMatchObject({ status: 'COMPLETED', moved: 3 });
    expect(lines).toEqual([
      'started message move task task-1',
      'RUNNING: 1 of 3 moved',
      'COMPLETED: 3 of 3 moved',
    ]);
  });

  it('fails with the task failure reason', async () => {
    const fake = tasks([{ status: 'FAILED', moved: 0, failureReason: 'AccessDenied' }]);
    await expect(redrive(fake, () => {}, { pollMilliseconds: 1 })).rejects.toThrow(
      'the move task failed: AccessDenied',
    );
  });

  it('does not report a cancelled task as done, saying how much it moved', async () => {
    const fake = tasks([{ status: 'CANCELLED', moved: 1 }]);
    await expect(redrive(fake, () => {}, { pollMilliseconds: 1 })).rejects.toThrow(
      'the move task was cancelled after moving 1 of 3; the rest stay in the DLQ',
    );
  });

  it('stops following a task that outlasts the timeout, saying so', async () => {
    const fake = tasks([{ status: 'RUNNING', moved: 0 }]);
    const lines: string[] = [];
    const result = await redrive(fake, (l) => lines.push(l), { timeoutSeconds: 0, pollMilliseconds: 1 });
    expect(result.status).toBe('RUNNING');
    expect(lines.at(-1)).toMatch(/still running/);
  });
});

describe('parseDlqArguments', () => {
  it('reads the command, stage, max and endpoint', () => {
    expect(
      parseDlqArguments(['show', '--stage', 'dev', '--max', '5', '--endpoint', 'http://127.0.0.1:1']),
    ).toEqual({
      command: 'show',
      stage: 'dev',
      max: 5,
      endpoint: 'http://127.0.0.1:1',
    });
  });

  it.each([
    [['peek', '--stage', 'dev'], 'command is "peek"; expected show or redrive'],
    [['show'], '--stage is missing'],
    [['show', '--stage', 'dev', '--max', 'lots'], '--max is "lots"; expected a whole number from 1 to 10000'],
    [['redrive', '--stage'], '--stage needs a value; expected --stage <stage>'],
    [
      ['show', '--stage', 'dev', '--endpoint', 'notaurl'],
      '--endpoint is "notaurl"; expected an http(s) URL, e.g. http://127.0.0.1:4566',
    ],
    [
      ['redrive', '--stage', 'dev', '--endpoint', 'ftp://127.0.0.1:4566'],
      '--endpoint is "ftp://127.0.0.1:4566"; expected an http(s) URL',
    ],
    [
      ['redrive', '--stage', 'dev', '--max', '5'],
      'unknown option --max; expected one of --stage <stage>, --endpoint <url>',
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parseDlqArguments(argv)).toThrow(message);
  });

  it('npm run dlq:show with an --endpoint that is not a URL is a usage error, before any request', async () => {
    const { code, stdout, stderr } = await runNpmScript('dlq:show', [
      '--stage',
      'dev',
      '--endpoint',
      'notaurl',
    ]);
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'dlq: --endpoint is "notaurl"; expected an http(s) URL, e.g. http://127.0.0.1:4566\n',
    });
  }, 30_000);
});
