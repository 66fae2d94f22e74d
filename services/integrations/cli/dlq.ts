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
import {
  CommandLineError,
  type CommandSpec,
  EXIT_USAGE,
  type OptionValues,
  parseCommandLine,
  processCommandLine,
  stageOption,
} from '@game-platform/shared/cli';
import { loadStageProfile } from '@game-platform/shared/profiles';
import pg from 'pg';
import { appliedEvents } from '../src/postgres-event-store';
import { moveMessages, peekDeadLetters, redrive, sqsMessageMoveTasks, stageQueues } from './dead-letters';

const MAX_DEFAULT = 100;
const MAX_LIMIT = 10_000;

const stage = stageOption("stage whose events dead-letter queue to read (its region is the profile's)");
/** An absolute http(s) URL: anything else would reach the SDK and fail there as `Invalid URL`, exit 1. */
const httpUrl = (text: string): string | undefined => {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url?.protocol === 'http:' || url?.protocol === 'https:'
    ? undefined
    : 'an http(s) URL, e.g. http://127.0.0.1:4566';
};

const endpoint = {
  type: 'string',
  value: '<url>',
  description: 'a local SQS server (fauxqs) instead of AWS, e.g. http://127.0.0.1:4566',
  check: httpUrl,
} as const;

/** `npm run dlq:show` and `npm run dlq:redrive`: one command each (`@game-platform/shared/cli`). */
export const DLQ_COMMANDS = {
  show: {
    command: 'npm run dlq:show',
    name: 'dlq',
    summary:
      "Lists what is in the stage's events dead-letter queue, with the reason for each message; with the database it says whether each valid event was applied.",
    options: {
      stage,
      max: {
        type: 'string',
        value: '<n>',
        description: `messages to show at most (default ${MAX_DEFAULT})`,
        check: (text: string) =>
          /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_LIMIT
            ? undefined
            : `a whole number from 1 to ${MAX_LIMIT}`,
      },
      endpoint,
      'database-url': {
        type: 'string',
        value: '<url>',
        description:
          "PostgreSQL with the consumer's processed_events, to tell applied events from failed ones (default: DATABASE_URL)",
      },
    },
  },
  redrive: {
    command: 'npm run dlq:redrive',
    name: 'dlq',
    summary: 'Moves every message of the dead-letter queue back to the events queue and follows the move.',
    options: { stage, endpoint },
  },
} as const satisfies Record<string, CommandSpec>;

export interface DlqArguments {
  command: 'show' | 'redrive';
  stage: string;
  max: number;
  endpoint?: string;
  /** PostgreSQL with the consumer's `processed_events`, to tell applied events from failed ones. */
  databaseUrl?: string;
}

/** The command the npm script names (its first argument); throws `CommandLineError` for another. */
const commandOf = (command: string | undefined): DlqArguments['command'] => {
  if (command === 'show' || command === 'redrive') return command;
  throw new CommandLineError(`command is "${command ?? ''}"; expected show or redrive`);
};

const dlqArguments = (
  command: DlqArguments['command'],
  values: Partial<OptionValues<typeof DLQ_COMMANDS.show.options>> & { stage: string },
): DlqArguments => ({
  command,
  stage: values.stage,
  max: Number(values.max ?? MAX_DEFAULT),
  ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
});

/** Parses the command line; throws `CommandLineError` naming the argument, the value and what is expected. */
export const parseDlqArguments = (argv: readonly string[]): DlqArguments => {
  const [first, ...rest] = argv;
  const command = commandOf(first);
  return dlqArguments(command, parseCommandLine(DLQ_COMMANDS[command], rest).values);
};

/** This process's command line; `--help` and bad input print and exit (0, 2) here. */
const processArguments = (): DlqArguments => {
  const [first, ...rest] = process.argv.slice(2);
  let command: DlqArguments['command'];
  try {
    command = commandOf(first);
  } catch (error) {
    console.error(`dlq: ${(error as Error).message}`);
    process.exit(EXIT_USAGE);
  }
  return dlqArguments(command, processCommandLine(DLQ_COMMANDS[command], rest).values);
};

const main = async () => {
  const args = processArguments();
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
