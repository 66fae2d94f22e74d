/**
 * The engine, locally: the same esbuild bundle the image runs (`services/engine/cli/image/build.ts`), as a
 * child process with the environment the task definition gives the container, apart from the
 * endpoints it talks to: PostgreSQL by `DATABASE_URL` as `game_engine` (in ECS: IAM database
 * authentication as the same role), the SQS server by `AWS_ENDPOINT_URL_SQS`, loopback instead of
 * the task's network interface.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type LocalPart, logTail, PartError, type RunningPart, spawnPartProcess } from '@game-platform/local';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { buildEngineApp, type EngineBundle } from './cli/image/build';
import { engineSettingsEnvironment } from './stack/environment';
import { STOP_TIMEOUT_SECONDS } from './stack/task-definition';

const PART = 'engine';
/** Building, starting and reaching PostgreSQL and the queue; the bundle itself listens in well under a second. */
const READY_LIMIT_MS = 30_000;

export interface EngineOptions {
  profile: StageProfile;
  /** The bundle being built (`buildEngineApp`), started early so it overlaps the database start. */
  bundle: Promise<EngineBundle>;
  port: number;
  /** `DATABASE_URL` of the engine's role. */
  databaseUrl: string;
  queueUrl: string;
  sqsEndpoint: string;
  logFile: string;
  /**
   * The key guest player ids are signed with. In ECS it is injected from the engine stack's Secrets
   * Manager secret (task definition `Secrets`); locally a fresh random one per `npm start`, so a
   * player id kept by a browser from an earlier run is refused and the page asks for a new one.
   */
  playerIdSigningKey: string;
}

/** Variables of the task definition's environment that say where things are: replaced locally. */
export const ENGINE_ENDPOINT_VARIABLES = [
  'EVENTS_QUEUE_URL',
  'DATABASE_IAM_USER',
  'DATABASE_ENDPOINT_ADDRESS',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'PORT',
] as const;

/**
 * The container's environment. In ECS it comes from the task definition (services/engine/serverless.ts:
 * the queue, IAM database authentication as `game_engine`, the pool size, the drain budget below the
 * stop timeout, the log level), the image (`NODE_ENV`) and ECS (`AWS_REGION`). Locally the same, with
 * the endpoints replaced; `tools/tests/platform/same-as-deployed.test.ts` compares it with the
 * synthesized task definition.
 */
export const localEngineEnvironment = (
  options: Omit<EngineOptions, 'bundle' | 'logFile' | 'playerIdSigningKey'>,
) => ({
  ...engineSettingsEnvironment(options.profile),
  AWS_REGION: options.profile.region,
  NODE_ENV: 'production',
  // Endpoints: the local queue, the local database as the same role, loopback only.
  EVENTS_QUEUE_URL: options.queueUrl,
  DATABASE_URL: options.databaseUrl,
  PORT: String(options.port),
  HOST: '127.0.0.1',
  AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
  // ECS hands the task role's credentials to the SDK; fauxqs accepts any, and nothing may look further.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_EC2_METADATA_DISABLED: 'true',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `GET /health/ready` to answer 200 (database and queue reachable), or explains why not. */
const waitUntilReady = async (url: string, exited: Promise<string>): Promise<string | undefined> => {
  let ended: string | undefined;
  void exited.then((how) => {
    ended = how;
  });
  const deadline = Date.now() + READY_LIMIT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (ended) return `the engine ${ended}`;
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      if (response.ok) return undefined;
      last = `GET /health/ready answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = `GET /health/ready failed: ${(error as Error).message}`;
    }
    await sleep(100);
  }
  return `not ready within ${READY_LIMIT_MS / 1000} s (${last})`;
};

export const startLocalEngine = async (options: EngineOptions): Promise<RunningPart & { url: string }> => {
  const bundle = await options.bundle;
  const url = `http://127.0.0.1:${options.port}`;
  const engine = spawnPartProcess({
    // The image's command: `node --enable-source-maps /app/main.mjs`.
    args: ['--enable-source-maps', join(bundle.outdir, 'main.mjs')],
    env: { ...localEngineEnvironment(options), PLAYER_ID_SIGNING_KEY: options.playerIdSigningKey },
    logFile: options.logFile,
  });
  const problem = await waitUntilReady(url, engine.exited);
  if (problem) {
    await engine.stop('SIGKILL', 0);
    throw new PartError(
      PART,
      `${problem}; its log ends with:\n${logTail(options.logFile)}`,
      `the whole log is ${options.logFile}`,
    );
  }
  const kib = Math.round((bundle.sizes['main.mjs'] ?? 0) / 1024);
  return {
    url,
    summary: `${url} (the image's bundle, main.mjs ${kib} KiB) as game_engine`,
    died: engine.exited.then((how) => `${how}; see ${options.logFile}`),
    stop: async () => {
      // As ECS stops a task: SIGTERM, the engine drains in-flight requests and exits, or SIGKILL
      // after the task definition's stop timeout.
      await engine.stop('SIGTERM', STOP_TIMEOUT_SECONDS * 1000);
      const how = await engine.exited;
      return how === 'exited with code 0' ? undefined : how;
    },
  };
};

/**
 * The engine's part of `npm start`: the image's bundle on `--engine-port`, as `game_engine`, with the
 * events queue. The bundle builds from the start (`prepare`), while PostgreSQL and the queues start.
 */
const engine: LocalPart<'databaseUrl' | 'queueUrl' | 'sqsEndpoint', EngineBundle> = {
  name: PART,
  params: {
    databaseUrl: 'datastore.engineDatabaseUrl',
    queueUrl: 'queues.queueUrl',
    sqsEndpoint: 'queues.endpoint',
  },
  prepare: (settings) => buildEngineApp(join(settings.dataDir, 'engine')),
  start: async ({ settings, params, prepared }) => {
    const log = join(settings.logDir, 'engine.log');
    const running = await startLocalEngine({
      profile: loadStageProfile(settings.stage),
      bundle: prepared,
      port: settings.ports.engine,
      databaseUrl: params.databaseUrl,
      queueUrl: params.queueUrl,
      sqsEndpoint: params.sqsEndpoint,
      logFile: log,
      playerIdSigningKey: randomBytes(32).toString('base64url'),
    });
    return { ...running, log, outputs: { url: running.url } };
  },
};

export const localParts: LocalPart[] = [engine];
