/**
 * `npm run dlq:show -- --stage <stage> [--max 100] [--endpoint http://127.0.0.1:4566]`
 *   lists what is in the stage's events dead-letter queue, with the reason for each message.
 * `npm run dlq:redrive -- --stage <stage> [--endpoint ...]`
 *   moves every message back to the events queue (SQS StartMessageMoveTask) and follows the task.
 *
 * AWS credentials and region come from the usual AWS environment (profile, SSO, variables); the region
 * defaults to the stage profile's. `--endpoint` points at a local SQS server instead (fauxqs), where
 * the move is done message by message because fauxqs has no move tasks.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsCredentialsNextStep } from '@game-platform/shared/aws-credentials';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { moveMessages, peekDeadLetters, redrive, sqsMessageMoveTasks, stageQueues } from './dead-letters';

const USAGE =
  'usage: npm run dlq:show -- --stage <stage> [--max <n>] [--endpoint <url>] | npm run dlq:redrive -- --stage <stage> [--endpoint <url>]';

export interface DlqArguments {
  command: 'show' | 'redrive';
  stage: string;
  max: number;
  endpoint?: string;
}

/** Parses the command line; throws naming the argument, the value and what is expected. */
export const parseDlqArguments = (argv: readonly string[]): DlqArguments => {
  const [command, ...rest] = argv;
  if (command !== 'show' && command !== 'redrive') {
    throw new Error(`command is "${command ?? ''}"; expected show or redrive. ${USAGE}`);
  }
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i] ?? '';
    const value = rest[i + 1];
    if (!['--stage', '--max', '--endpoint'].includes(key) || value === undefined) {
      throw new Error(`argument "${key}" ${value === undefined ? 'has no value' : 'is unknown'}. ${USAGE}`);
    }
    options[key.slice(2)] = value;
  }
  if (!options.stage) throw new Error(`--stage is missing; expected a stage name such as dev. ${USAGE}`);
  const max = Number(options.max ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new Error(`--max is "${options.max}"; expected a whole number from 1 to 10000`);
  }
  return { command, stage: options.stage, max, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
};

const main = async () => {
  const args = parseDlqArguments(process.argv.slice(2));
  const region = process.env.AWS_REGION ?? loadStageProfile(args.stage).region;
  const sqs = new SQSClient({
    region,
    ...(args.endpoint
      ? { endpoint: args.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const queues = await stageQueues(sqs, args.stage);
  if (args.command === 'show') {
    const letters = await peekDeadLetters(sqs, queues.deadLetterQueueUrl, args.max);
    console.log(`${queues.deadLetterQueueUrl}: ${letters.length} message(s) shown (at most ${args.max})`);
    for (const letter of letters) {
      console.log(`\n${letter.messageId}  sent ${letter.sentAt}  received ${letter.receiveCount}x`);
      console.log(`  reason: ${letter.reason}`);
      console.log(`  body:   ${letter.preview}`);
    }
    return;
  }
  if (args.endpoint) {
    console.log(`moved ${await moveMessages(sqs, queues)} message(s) back to ${queues.queueUrl}`);
    return;
  }
  await redrive(sqsMessageMoveTasks(sqs, queues), (line) => console.log(line));
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    const next = awsCredentialsNextStep(error);
    console.error(
      `dlq: ${error instanceof Error ? error.message : String(error)}${next ? ` -> ${next}` : ''}`,
    );
    process.exitCode = 1;
  });
}
