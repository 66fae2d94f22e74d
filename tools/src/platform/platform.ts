/**
 * The whole platform on one machine, from real parts, for `npm start` (see `main.ts`):
 *
 *   datastore  embedded PostgreSQL 17, data under `<data dir>/postgres`, migrations applied on start
 *   queues     fauxqs with the events queue and DLQ made from the integrations template's resources
 *   consumer   the Lambda handler in its own process, fed by the local event source poller
 *   engine     the engine image's bundle as a child process, environment as in ECS but the endpoints
 *   frontend   the local edge: the site build and `/api/*` to the engine, with the distribution's behaviour
 *
 * Independent work overlaps (the site and the engine bundle build while PostgreSQL starts); each part
 * is reported when ready. A failure stops whatever started, in reverse order, and names the part.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalDatastore } from '@game-platform/datastore/local';
import { buildEngineApp, startLocalEngine } from '@game-platform/engine/local';
import { startLocalSite } from '@game-platform/frontend/local';
import { eventsQueueOptions, startLocalConsumer, startLocalQueues } from '@game-platform/integrations/local';
import {
  Lifecycle,
  type LifecycleEvent,
  PartError,
  portIsFree,
  type StopResult,
  settleAll,
} from '@game-platform/local';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { localConsumerTiming, type PlatformOptions, type PlatformPorts, PORT_FLAGS } from './options';

export interface LocalPlatform {
  profile: StageProfile;
  siteUrl: string;
  engineUrl: string;
  sqsEndpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** As the owner, for `psql` and `npm run migrate`. */
  databaseUrl: string;
  /** Where each part writes its log. */
  logs: { postgres: string; consumer: string; engine: string };
  /** Resolves when a part ends on its own while the platform runs. */
  died: Promise<{ part: string; reason: string }>;
  /** Stops every part, the last started first. */
  stop(): Promise<StopResult[]>;
}

/** Ports already taken, one problem per line, each naming the part, the port and what to do. */
export class PortsInUseError extends Error {
  override readonly name = 'PortsInUseError';
}

const findTakenPorts = async (ports: PlatformPorts): Promise<string[]> => {
  const keys = Object.keys(ports) as Array<keyof PlatformPorts>;
  const free = await Promise.all(keys.map((key) => portIsFree(ports[key])));
  return keys
    .filter((_, index) => !free[index])
    .map((key) => {
      const { flag, part, what } = PORT_FLAGS[key];
      const port = ports[key];
      return `${part}: port ${port} (${what}) is taken -> stop the process listening on it (\`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\` shows which), or choose another port with ${flag} <port>`;
    });
};

/**
 * Whether `pid` is a running platform process. A pid file left by a run that was killed may name a
 * process that ended, or (pids are reused) another program: where /proc exists, its command line decides.
 */
const isPlatformProcess = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('platform/main.ts');
  } catch {
    return false;
  }
};

/** Why a directory cannot be made or written to, in words, from the error's code. */
const DATA_DIR_PROBLEMS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of that path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/** Creates the data directory (and its logs folder), or explains in one line why it cannot be used. */
const prepareDataDir = (dataDir: string, logDir: string) => {
  try {
    mkdirSync(logDir, { recursive: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const problem =
      existsSync(dataDir) && !statSync(dataDir).isDirectory()
        ? 'it is a file, not a directory'
        : ((code && DATA_DIR_PROBLEMS[code]) ?? message);
    throw new PartError(
      'platform',
      `cannot use ${dataDir} as the data directory: ${problem}`,
      'give --data-dir a directory you may write to, or a path that does not exist yet',
    );
  }
};

/** `<data dir>/platform.pid` names the platform process using the directory, so a second start is refused. */
const claimDataDir = (dataDir: string): (() => void) => {
  const pidFile = join(dataDir, 'platform.pid');
  const other = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  if (other && other !== process.pid && isPlatformProcess(other)) {
    throw new PartError(
      'platform',
      `another \`npm start\` (pid ${other}) is already running with the data directory ${dataDir}`,
      `stop it first (Ctrl-C in its terminal, or \`kill ${other}\`), or give this one another --data-dir and other ports`,
    );
  }
  writeFileSync(pidFile, String(process.pid));
  return () => rmSync(pidFile, { force: true });
};

export const startLocalPlatform = async (
  options: PlatformOptions,
  onEvent: (event: LifecycleEvent) => void = () => {},
): Promise<LocalPlatform> => {
  const profile = loadStageProfile(options.stage);
  const timing = localConsumerTiming(options.visibilityTimeoutSeconds, profile.stage, profile.integrations);
  const taken = await findTakenPorts(options.ports);
  if (taken.length > 0) {
    throw new PortsInUseError(
      `${taken.length === 1 ? 'a port is' : `${taken.length} ports are`} already in use:\n${taken.map((line) => `  - ${line}`).join('\n')}`,
    );
  }
  const { dataDir, ports } = options;
  const logDir = join(dataDir, 'logs');
  prepareDataDir(dataDir, logDir);
  const release = claimDataDir(dataDir);
  const logs = {
    postgres: join(logDir, 'postgres.log'),
    consumer: join(logDir, 'consumer.log'),
    engine: join(logDir, 'engine.log'),
  };

  const lifecycle = new Lifecycle(onEvent);
  const inFlight: Array<Promise<unknown>> = [];
  /** Remembers a start in progress; a failure surfaces where the promise is awaited, not as unhandled. */
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.push(promise);
    promise.catch(() => {});
    return promise;
  };
  try {
    // Started first because nothing waits for them: they overlap PostgreSQL's start.
    const engineBundle = track(buildEngineApp(join(dataDir, 'engine')));
    const site = track(
      lifecycle.start('frontend', () =>
        startLocalSite({
          profile,
          outDir: join(dataDir, 'site'),
          port: ports.site,
          // Known before the engine runs: until it does, /api/* answers 502 like CloudFront would.
          apiOrigin: `http://127.0.0.1:${ports.engine}`,
        }),
      ),
    );
    const [datastore, queues] = await settleAll([
      track(
        lifecycle.start('datastore', () =>
          startLocalDatastore({
            dataDir: join(dataDir, 'postgres'),
            port: ports.postgres,
            fresh: options.fresh,
            logFile: logs.postgres,
          }),
        ),
      ),
      track(
        lifecycle.start('queues', () =>
          startLocalQueues({
            queue: eventsQueueOptions(profile.stage, profile.integrations),
            port: ports.sqs,
            region: profile.region,
            visibilityTimeoutSeconds: timing.visibilityTimeoutSeconds,
          }),
        ),
      ),
    ] as const);
    const [, engine] = await settleAll([
      track(
        lifecycle.start('consumer', () =>
          startLocalConsumer({
            profile,
            databaseUrl: datastore.urlFor('game_consumer'),
            sqs: {
              endpoint: queues.aws.endpoint,
              region: queues.aws.region,
              credentials: { ...queues.aws.credentials },
            },
            queueUrl: queues.queue.queueUrl,
            queueArn: queues.queue.queueArn,
            logFile: logs.consumer,
            functionTimeoutSeconds: timing.functionTimeoutSeconds,
          }),
        ),
      ),
      track(
        lifecycle.start('engine', () =>
          startLocalEngine({
            profile,
            bundle: engineBundle,
            port: ports.engine,
            databaseUrl: datastore.urlFor('game_engine'),
            queueUrl: queues.queue.queueUrl,
            sqsEndpoint: queues.aws.endpoint,
            logFile: logs.engine,
            playerIdSigningKey: randomBytes(32).toString('base64url'),
          }),
        ),
      ),
    ] as const);
    const { url: siteUrl } = await site;
    return {
      profile,
      siteUrl,
      engineUrl: engine.url,
      sqsEndpoint: queues.aws.endpoint,
      queueUrl: queues.queue.queueUrl,
      deadLetterQueueUrl: queues.queue.deadLetterQueueUrl,
      databaseUrl: datastore.ownerUrl,
      logs,
      died: lifecycle.died,
      stop: async () => {
        try {
          return await lifecycle.stop();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    await Promise.allSettled(inFlight);
    await lifecycle.stop();
    release();
    throw error;
  }
};
