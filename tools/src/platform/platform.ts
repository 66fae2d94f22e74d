/**
 * The whole platform on one machine, from real parts, for `npm start` (see `main.ts`). The parts are
 * the services' own (`localParts` of each `local.ts`, found through serverless-compose.yml by
 * `parts.ts`); today:
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
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Lifecycle,
  type LifecycleEvent,
  type LocalPart,
  type LocalSettings,
  type OutputReference,
  PartError,
  portIsFree,
  processIsRunning,
  type StopResult,
} from '@game-platform/local';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { localConsumerTiming, type PlatformOptions, type PlatformPorts, PORT_FLAGS } from './options';
import { outputValue, startParts } from './parts';

export { loadLocalParts } from './parts';

export interface LocalPlatform {
  profile: StageProfile;
  siteUrl: string;
  engineUrl: string;
  sqsEndpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** As the owner, for `psql` and `npm run migrate`. */
  databaseUrl: string;
  /** Where each part that writes a log writes it, in the order of the parts. */
  logs: string[];
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
  if (!processIsRunning(pid)) return false;
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

/** What the ready summary shows, as the outputs of the parts that offer it. */
const SHOWN = {
  siteUrl: 'frontend.url',
  engineUrl: 'engine.url',
  sqsEndpoint: 'queues.endpoint',
  queueUrl: 'queues.queueUrl',
  deadLetterQueueUrl: 'queues.deadLetterQueueUrl',
  databaseUrl: 'datastore.ownerDatabaseUrl',
} as const satisfies Record<string, OutputReference>;

export const startLocalPlatform = async (
  parts: readonly LocalPart[],
  options: PlatformOptions,
  onEvent: (event: LifecycleEvent) => void = () => {},
): Promise<LocalPlatform> => {
  const profile = loadStageProfile(options.stage);
  const consumerTiming = localConsumerTiming(
    options.visibilityTimeoutSeconds,
    profile.stage,
    profile.integrations,
  );
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

  const lifecycle = new Lifecycle(onEvent);
  try {
    const settings: LocalSettings = {
      stage: options.stage,
      dataDir,
      logDir,
      ports,
      fresh: options.fresh,
      consumerTiming,
    };
    const started = await startParts(parts, settings, lifecycle);
    const shown = (reference: OutputReference) =>
      outputValue(started, reference, 'platform', 'the ready summary');
    return {
      profile,
      siteUrl: shown(SHOWN.siteUrl),
      engineUrl: shown(SHOWN.engineUrl),
      sqsEndpoint: shown(SHOWN.sqsEndpoint),
      queueUrl: shown(SHOWN.queueUrl),
      deadLetterQueueUrl: shown(SHOWN.deadLetterQueueUrl),
      databaseUrl: shown(SHOWN.databaseUrl),
      logs: parts.flatMap((part) => started.get(part.name)?.log ?? []),
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
    await lifecycle.stop();
    release();
    throw error;
  }
};
