/**
 * `npm run dlq:show -- --stage <stage> [--max 100] [--endpoint http://127.0.0.1:4566] [--database-url <url>]`
 *   lists what is in the stage's events dead-letter queue, with the reason for each message; with
 *   the database (`--database-url`, or `DATABASE_URL`) it says whether each valid event was applied.
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
import pg from 'pg';
import { appliedEvents } from '../src/postgres-event-store';
import { moveMessages, peekDeadLetters, redrive, sqsMessageMoveTasks, stageQueues } from './dead-letters';

const USAGE =
  'usage: npm run dlq:show -- --stage <stage> [--max <n>] [--endpoint <url>] [--database-url <url>] | npm run dlq:redrive -- --stage <stage> [--endpoint <url>]';

export interface DlqArguments {
  command: 'show' | 'redrive';
  stage: string;
  max: number;
  endpoint?: string;
  /** PostgreSQL with the consumer's `processed_events`, to tell applied events from failed ones. */
  databaseUrl?: string;
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
    if (!['--stage', '--max', '--endpoint', '--database-url'].includes(key) || value === undefined) {
      throw new Error(`argument "${key}" ${value === undefined ? 'has no value' : 'is unknown'}. ${USAGE}`);
    }
    options[key.slice(2)] = value;
    if (key === '--database-url' && command !== 'show')
      throw new Error(`--database-url is for dlq:show only. ${USAGE}`);
  }
  if (!options.stage) throw new Error(`--stage is missing; expected a stage name such as dev. ${USAGE}`);
  const max = Number(options.max ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new Error(`--max is "${options.max}"; expected a whole number from 1 to 10000`);
  }
  return {
    command,
    stage: options.stage,
    max,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options['database-url'] ? { databaseUrl: options['database-url'] } : {}),
  };
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
    const databaseUrl = args.databaseUrl ?? process.env.DATABASE_URL;
    const database = databaseUrl ? new pg.Client({ connectionString: databaseUrl }) : undefined;
    await database?.connect();
    try {
      const letters = await peekDeadLetters(
        sqs,
        queues.deadLetterQueueUrl,
        args.max,
        database ? (ids) => appliedEvents(database, ids) : undefined,
      );
      console.log(`${queues.deadLetterQueueUrl}: ${letters.length} message(s) shown (at most ${args.max})`);
      // SQS's ApproximateReceiveCount also counts every peek of this command, so it is not shown.
      const receives = queues.maxReceiveCount
        ? `  moved here after ${queues.maxReceiveCount} receives (the queue's maxReceiveCount)`
        : '';
      for (const letter of letters) {
        console.log(`\n${letter.messageId}  sent ${letter.sentAt}${receives}`);
        console.log(`  reason: ${letter.reason}`);
        console.log(`  body:   ${letter.preview}`);
      }
    } finally {
      await database?.end();
    }
    return;
  }
  if (args.endpoint) {
    const { moved, left } = await moveMessages(sqs, queues);
    console.log(`moved ${moved} message(s) back to ${queues.queueUrl}`);
    if (left > 0) {
      // Hidden ones are in flight with another reader (a dlq:show, an earlier run) for up to 30 s.
      throw new Error(
        `${left} message(s) are still in ${queues.deadLetterQueueUrl}, hidden by another reader; run dlq:redrive again in 30 s`,
      );
    }
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
