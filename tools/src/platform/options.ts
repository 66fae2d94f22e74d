/**
 * `npm start` arguments: what a newcomer may change, with documented defaults. A bad argument stops
 * the start before anything runs, with one line naming the flag, the value and what is expected.
 */
import { resolve } from 'node:path';
import type { LocalConsumerTiming, LocalPorts } from '@game-platform/local';
import { repoPath } from '@game-platform/resources/paths';
import {
  type CommandLine,
  CommandLineError,
  type CommandSpec,
  parseCommandLine,
  stageOption,
  usage,
} from '@game-platform/shared/cli';
import { DEFAULT_STAGE } from '@game-platform/shared/stage';

/** The four local listeners, each overridable by its flag; the parts read them (`LocalSettings`). */
export type PlatformPorts = LocalPorts;

/**
 * Default ports. 5433 and not 5432, so a PostgreSQL already installed on the machine keeps its port;
 * 4566 is the port AWS-emulating tools use by convention, so existing `--endpoint` habits work.
 */
export const DEFAULT_PORTS: Readonly<PlatformPorts> = { postgres: 5433, sqs: 4566, engine: 8080, site: 8081 };

/** Each port's flag and the part that listens on it (used in every port error). */
export const PORT_FLAGS: Readonly<Record<keyof PlatformPorts, { flag: string; part: string; what: string }>> =
  {
    postgres: { flag: '--postgres-port', part: 'datastore', what: 'PostgreSQL' },
    sqs: { flag: '--sqs-port', part: 'queues', what: 'the SQS server' },
    engine: { flag: '--engine-port', part: 'engine', what: 'the engine' },
    site: { flag: '--site-port', part: 'frontend', what: 'the site' },
  };

export interface PlatformOptions {
  /** `--stage` (default `dev`): whose profile the local platform uses; unknown names use the fallback profile. */
  stage: string;
  /** `--data-dir` (default `<repository>/.local`): PostgreSQL data, built site and engine, logs. */
  dataDir: string;
  ports: PlatformPorts;
  /** `--fresh`: start with an empty database (the data directory's `postgres/` is deleted first). */
  fresh: boolean;
  /**
   * `--visibility-timeout <seconds>`: replaces the queue's visibility timeout (6 x the consumer timeout
   * + window, minutes) so redelivery and dead-lettering can be watched in seconds. Default: the stage's.
   * At least the stage's batching window + 1 s; the local consumer's timeout shrinks to fit
   * (`localConsumerTiming`).
   */
  visibilityTimeoutSeconds: number | undefined;
  help: boolean;
}

/** SQS's largest visibility timeout (12 hours). */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

const integer = (min: number, max: number, what: string) => (text: string) =>
  /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max
    ? undefined
    : `${what}, an integer from ${min} to ${max}`;

// Unprivileged ports only: nothing here should need root to listen.
const portOption = (key: keyof PlatformPorts) =>
  ({
    type: 'string',
    value: '<port>',
    description: `${PORT_FLAGS[key].what} (default ${DEFAULT_PORTS[key]})`,
    check: integer(1024, 65535, 'a free TCP port'),
  }) as const;

/** `npm start`'s command line (`@game-platform/shared/cli`: `-s`, `--stage=`, `--help`, exit 2). */
export const START_COMMAND = {
  command: 'npm start',
  name: 'npm start',
  summary:
    'Runs the whole platform on this machine: PostgreSQL, the SQS server, the consumer, the engine and the site.',
  options: {
    stage: stageOption(
      `stage profile to run with (default ${DEFAULT_STAGE}; unknown names use the dev profile)`,
      false,
    ),
    fresh: { type: 'boolean', description: 'start with an empty database' },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      description: 'where data, builds and logs go (default .local)',
    },
    'postgres-port': portOption('postgres'),
    'sqs-port': portOption('sqs'),
    'engine-port': portOption('engine'),
    'site-port': portOption('site'),
    'visibility-timeout': {
      type: 'string',
      value: '<seconds>',
      description: 'shorter queue visibility timeout, to watch retries and the DLQ in seconds',
      // The least value depends on the stage's batching window: `localConsumerTiming` checks it.
      check: integer(0, MAX_VISIBILITY_TIMEOUT_SECONDS, 'seconds (what SQS accepts)'),
    },
  },
} as const satisfies CommandSpec;

export const USAGE = usage(START_COMMAND);

/** A bad `npm start` argument: printed as one line, exit code 2. */
export class StartArgumentError extends CommandLineError {
  override readonly name = 'StartArgumentError';
}

/** The least time the local consumer gets per batch: Lambda's own minimum function timeout. */
const MIN_FUNCTION_SECONDS = 1;

/**
 * What PLATFORM.SQS.1 guarantees in AWS, kept under `--visibility-timeout`: a message stays hidden for
 * as long as an invocation may still work on it (batching window + function timeout). Otherwise a second
 * poller receives it meanwhile, its receive count climbs past `maxReceiveCount` and a valid event lands
 * in the DLQ. The 6 x of the AWS rule covers Lambda retrying throttled invocations, which the local
 * poller does not do, so locally the function timeout is shortened to fit instead: the flag keeps its
 * purpose (retries in seconds) and a value leaving less than 1 s for the function is refused.
 */
export const localConsumerTiming = (
  visibilityTimeoutSeconds: number | undefined,
  stage: string,
  consumer: { functionTimeoutSeconds: number; maximumBatchingWindowSeconds: number },
): LocalConsumerTiming => {
  if (visibilityTimeoutSeconds === undefined)
    return { visibilityTimeoutSeconds, functionTimeoutSeconds: consumer.functionTimeoutSeconds };
  const window = consumer.maximumBatchingWindowSeconds;
  const least = window + MIN_FUNCTION_SECONDS;
  if (visibilityTimeoutSeconds < least) {
    throw new StartArgumentError(
      `--visibility-timeout is ${visibilityTimeoutSeconds}; expected at least ${least} s for stage ${stage} (its batching window of ${window} s + ${MIN_FUNCTION_SECONDS} s for the consumer to run): a shorter one hands a message to a second invocation while the first still works on it, and valid events end in the DLQ`,
    );
  }
  return {
    visibilityTimeoutSeconds,
    functionTimeoutSeconds: Math.min(consumer.functionTimeoutSeconds, visibilityTimeoutSeconds - window),
  };
};

const PORT_KEYS = Object.keys(PORT_FLAGS) as Array<keyof PlatformPorts>;

/** Reads `npm start` arguments; throws `StartArgumentError` naming the first bad one. */
export const parseStartArguments = (argv: readonly string[]): PlatformOptions => {
  let line: CommandLine<typeof START_COMMAND.options>;
  try {
    line = parseCommandLine(START_COMMAND, argv);
  } catch (error) {
    throw error instanceof CommandLineError ? new StartArgumentError(error.message) : error;
  }
  const { values } = line;
  const port = (key: keyof PlatformPorts) => {
    const text = values[`${key}-port`];
    return text === undefined ? DEFAULT_PORTS[key] : Number(text);
  };
  const options: PlatformOptions = {
    stage: values.stage ?? DEFAULT_STAGE,
    dataDir: values['data-dir'] === undefined ? repoPath('.local') : resolve(values['data-dir']),
    ports: { postgres: port('postgres'), sqs: port('sqs'), engine: port('engine'), site: port('site') },
    fresh: values.fresh,
    visibilityTimeoutSeconds:
      values['visibility-timeout'] === undefined ? undefined : Number(values['visibility-timeout']),
    help: line.help,
  };
  if (options.help) return options;
  const seen = new Map<number, keyof PlatformPorts>();
  for (const key of PORT_KEYS) {
    const other = seen.get(options.ports[key]);
    if (other) {
      throw new StartArgumentError(
        `${PORT_FLAGS[key].flag} is ${options.ports[key]}, the same port as ${PORT_FLAGS[other].flag}; expected a different port for each part`,
      );
    }
    seen.set(options.ports[key], key);
  }
  return options;
};
