/**
 * `npm start` arguments: what a newcomer may change, with documented defaults. A bad argument stops
 * the start before anything runs, with one line naming the flag, the value and what is expected.
 */
import { resolve } from 'node:path';
import type { LocalConsumerTiming, LocalPorts } from '@game-platform/local';
import { repoPath } from '@game-platform/resources/paths';
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

export const USAGE = `usage: npm start [-- [--stage <name>] [--fresh] [--data-dir <dir>]
                    [--postgres-port <port>] [--sqs-port <port>] [--engine-port <port>] [--site-port <port>]
                    [--visibility-timeout <seconds>]]

  --stage <name>               stage profile to run with (default ${DEFAULT_STAGE}; unknown names use the dev profile)
  --fresh                      start with an empty database
  --data-dir <dir>             where data, builds and logs go (default .local)
  --postgres-port <port>       PostgreSQL (default ${DEFAULT_PORTS.postgres})
  --sqs-port <port>            SQS-compatible server (default ${DEFAULT_PORTS.sqs})
  --engine-port <port>         engine HTTP API (default ${DEFAULT_PORTS.engine})
  --site-port <port>           static site (default ${DEFAULT_PORTS.site})
  --visibility-timeout <s>     shorter queue visibility timeout, to watch retries and the DLQ in seconds`;

export class StartArgumentError extends Error {
  override readonly name = 'StartArgumentError';
}

/** SQS's largest visibility timeout (12 hours). */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
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

const integer = (flag: string, text: string | undefined, min: number, max: number, what: string): number => {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new StartArgumentError(
      `${flag} is ${text === undefined ? 'missing its value' : `"${text}"`}; expected ${what}, an integer from ${min} to ${max}`,
    );
  }
  return value;
};

/** Reads `npm start` arguments; throws `StartArgumentError` naming the first bad one. */
export const parseStartArguments = (argv: readonly string[]): PlatformOptions => {
  const options: PlatformOptions = {
    stage: DEFAULT_STAGE,
    dataDir: repoPath('.local'),
    ports: { ...DEFAULT_PORTS },
    fresh: false,
    visibilityTimeoutSeconds: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag = '', inline] = (argv[i] ?? '').split(/=(.*)/s, 2);
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    const port = PORT_KEYS.find((key) => PORT_FLAGS[key].flag === flag);
    if (port) {
      // Unprivileged ports only: nothing here should need root to listen.
      options.ports[port] = integer(flag, value(), 1024, 65535, 'a free TCP port');
    } else if (flag === '--stage' || flag === '-s') {
      const stage = value();
      if (!stage)
        throw new StartArgumentError(`${flag} is missing its value; expected a stage name such as dev`);
      options.stage = stage;
    } else if (flag === '--data-dir') {
      const dir = value();
      if (!dir) throw new StartArgumentError('--data-dir is missing its value; expected a directory');
      options.dataDir = resolve(dir);
    } else if (flag === '--visibility-timeout') {
      // The least value depends on the stage's batching window: `localConsumerTiming` checks it.
      const seconds = integer(flag, value(), 0, MAX_VISIBILITY_TIMEOUT_SECONDS, 'seconds (what SQS accepts)');
      options.visibilityTimeoutSeconds = seconds;
    } else if (flag === '--fresh' && inline === undefined) options.fresh = true;
    else if ((flag === '--help' || flag === '-h') && inline === undefined) options.help = true;
    else
      throw new StartArgumentError(
        `unknown argument "${argv[i]}"; expected one of the flags below\n${USAGE}`,
      );
  }
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
