/**
 * The engine's configuration, read once at start from the environment. Every problem is reported
 * at once, one line each, naming the variable, the value found and what is expected; the process
 * then exits before it listens, so ECS shows the reason in the task's stopped reason and logs.
 */
import { isIP } from 'node:net';
import { type DatabaseSettings, readDatabaseSettings } from '@game-platform/shared/database';
import { EVENT_SOURCE_PATTERN } from '@game-platform/shared/events';
import { LOG_LEVELS, type LogLevel } from '@game-platform/shared/log';
import { MIN_SIGNING_KEY_BYTES } from './domain/player-identity';

/** How the engine reaches PostgreSQL: never with the master secret, which only the migration runner reads. */
export type EngineDatabaseSettings = Exclude<DatabaseSettings, { kind: 'managedSecret' }>;

export interface EngineConfig {
  /** `HOST`, default `0.0.0.0` (every interface of the task's ENI; ECS health checks use loopback). */
  host: string;
  /** `PORT`, default 8080 (unprivileged, so the non-root user can bind it). */
  port: number;
  /** `EVENTS_QUEUE_URL`: the integrations queue (compose param `eventsQueueUrl`). */
  eventsQueueUrl: string;
  /** `AWS_REGION` (set by ECS), else `AWS_DEFAULT_REGION`, else the region in the queue URL. */
  region: string;
  /** `AWS_ENDPOINT_URL_SQS`: an SQS-compatible server for local runs (fauxqs); unset in AWS. */
  sqsEndpoint: string | undefined;
  /** `EVENT_SOURCE`, default `engine`: the `source` of every event this process publishes. */
  eventSource: string;
  /** `DATABASE_URL` (local) or IAM database authentication settings (AWS); see `shared/src/database`. */
  database: EngineDatabaseSettings;
  /** `DATABASE_POOL_MAX`, default 5: connections per task; tasks x this must fit the database's budget. */
  databasePoolMax: number;
  /**
   * `SHUTDOWN_TIMEOUT_SECONDS`, default 25: after SIGTERM, how long in-flight requests may take
   * before the process exits anyway. Keep it below the container's `stopTimeout` (ECS default 30 s),
   * after which ECS sends SIGKILL.
   */
  shutdownTimeoutSeconds: number;
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /**
   * `ECS_AGENT_URI`, set by ECS in every container: the agent endpoint through which the task
   * protects itself from scale-in while it holds live sessions. Unset outside ECS: no protection.
   */
  ecsAgentUri: string | undefined;
  /** `TASK_PROTECTION_MINUTES`, default 10: how long one protection call lasts (renewed at half). */
  taskProtectionMinutes: number;
  /**
   * `TASK_PROTECTION_MAX_MINUTES`, default 60: the longest a task stays protected in one busy
   * period, so a release waits at most about this long for a task whose traffic never pauses.
   */
  taskProtectionMaxMinutes: number;
  /**
   * `MATCH_BATCH_LINGER_MS`, default 5, 0-50: how long an accepted match result waits for others to
   * share its `SendMessageBatch` (up to 10 entries; a full batch goes at once). It adds at most this
   * to `POST /matches`'s latency and divides the SQS requests (billed per request) by the batch size.
   * 0 sends each result as soon as it is validated (batches then form only from simultaneous requests).
   */
  matchBatchLingerMs: number;
  /**
   * `LEADERBOARD_REFRESH_MS`, default 1000, 100-60000: the leaderboard is read from memory and
   * queried at most once per this many milliseconds per task, one query at a time; a change signalled
   * by the database is visible within this bound, and without the signal no answer is older than it.
   */
  leaderboardRefreshMs: number;
  /**
   * `PLAYER_ID_SIGNING_KEY`: the key guest player ids are signed with (HMAC-SHA256, at least 32 bytes).
   * In AWS ECS injects it from the engine stack's Secrets Manager secret (task definition `Secrets`);
   * `npm start` sets a local one. Unset: the live channel refuses every connection (503) and says why.
   */
  playerIdSigningKey: string | undefined;
  /** `LIVE_MAX_CONNECTIONS`, default 1000: live connections one task holds; one more is refused (503). */
  liveMaxConnections: number;
  /** `LIVE_ALLOWED_ORIGINS`: comma-separated origins allowed besides the page's own site (default none). */
  liveAllowedOrigins: string[];
  /** `LIVE_METRICS_INTERVAL_SECONDS`, default 60: how often the live-connection metric is published. */
  liveMetricsIntervalSeconds: number;
  /** `STAGE`, default `local`: the `Stage` dimension of the engine's metrics. */
  stage: string;
}

export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid engine configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Environment = Record<string, string | undefined>;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const shown = (value: string | undefined) => (value === undefined ? 'not set' : `"${value}"`);

/** Reads the environment; throws `EngineConfigError` listing every problem. */
export const readEngineConfig = (env: Environment = process.env): EngineConfig => {
  const problems: string[] = [];

  const integer = (key: string, fallback: number, min: number, max: number, why = ''): number => {
    const text = env[key];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${key} is "${text}"; expected an integer from ${min} to ${max}${why}`);
    return fallback;
  };

  const url = (key: string, expected: string): string | undefined => {
    const text = env[key];
    if (!text) return undefined;
    try {
      const parsed = new URL(text);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return text;
    } catch {}
    problems.push(`${key} is "${text}"; expected ${expected}`);
    return undefined;
  };

  const host = env.HOST || '0.0.0.0';
  if (isIP(host) === 0) problems.push(`HOST is "${host}"; expected an IP address to listen on, e.g. 0.0.0.0`);

  const queueExample = 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-dev-events';
  const eventsQueueUrl = url('EVENTS_QUEUE_URL', `an SQS queue URL such as ${queueExample}`);
  if (!env.EVENTS_QUEUE_URL)
    problems.push(
      `EVENTS_QUEUE_URL is ${shown(env.EVENTS_QUEUE_URL)}; expected a queue URL such as ${queueExample}`,
    );
  else if (eventsQueueUrl && new URL(eventsQueueUrl).pathname.split('/').filter(Boolean).length !== 2)
    problems.push(
      `EVENTS_QUEUE_URL is "${eventsQueueUrl}"; expected a queue URL ending in /<account id>/<queue name>, such as ${queueExample}`,
    );

  // The queue URL's host names the region in AWS (sqs.<region>.amazonaws.com) and in fauxqs alike.
  const regionKey = env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const regionText = env[regionKey] || undefined;
  const regionFromQueue = eventsQueueUrl
    ? /^sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\./.exec(new URL(eventsQueueUrl).hostname)?.[1]
    : undefined;
  const region = regionText ?? regionFromQueue ?? '';
  if (regionText !== undefined && !REGION.test(regionText))
    problems.push(`${regionKey} is "${regionText}"; expected an AWS region such as eu-west-1`);
  else if (region === '')
    problems.push(
      'AWS_REGION is not set and EVENTS_QUEUE_URL names no region; expected AWS_REGION set to an AWS region such as eu-west-1',
    );

  const sqsEndpoint = url(
    'AWS_ENDPOINT_URL_SQS',
    'an http(s) URL of an SQS-compatible server, e.g. http://127.0.0.1:4566, or unset in AWS',
  );

  const eventSource = env.EVENT_SOURCE || 'engine';
  if (!EVENT_SOURCE_PATTERN.test(eventSource))
    problems.push(
      `EVENT_SOURCE is "${eventSource}"; expected 1-64 lowercase letters, digits, colons or hyphens, e.g. engine`,
    );

  let database: EngineDatabaseSettings | undefined;
  try {
    const settings = readDatabaseSettings(env);
    if (settings.kind === 'managedSecret')
      problems.push(
        `DATABASE_SECRET_ARN is "${settings.secretArn}"; expected it unset: the engine connects as game_engine with IAM database authentication (or DATABASE_URL locally), the master secret is reserved for the migration runner`,
      );
    else database = settings;
  } catch (error) {
    problems.push((error as Error).message);
  }

  const ecsAgentUri = url(
    'ECS_AGENT_URI',
    'the http URL of the ECS agent endpoint that ECS sets, or unset outside ECS',
  );

  const logLevel = env.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    problems.push(`LOG_LEVEL is "${logLevel}"; expected one of ${LOG_LEVELS.join(', ')}`);

  const playerIdSigningKey = env.PLAYER_ID_SIGNING_KEY || undefined;
  if (playerIdSigningKey !== undefined && Buffer.byteLength(playerIdSigningKey) < MIN_SIGNING_KEY_BYTES)
    problems.push(
      `PLAYER_ID_SIGNING_KEY has ${Buffer.byteLength(playerIdSigningKey)} bytes; expected at least ${MIN_SIGNING_KEY_BYTES} (in AWS it comes from the engine's Secrets Manager secret)`,
    );

  const liveAllowedOrigins = (env.LIVE_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of liveAllowedOrigins) {
    let valid = false;
    try {
      valid = new URL(origin).origin === origin;
    } catch {}
    if (!valid)
      problems.push(
        `LIVE_ALLOWED_ORIGINS has "${origin}"; expected origins such as https://play.example.com (scheme, host and port only), separated by commas`,
      );
  }

  const stage = env.STAGE || 'local';
  if (!/^[a-z0-9-]{1,32}$/.test(stage))
    problems.push(`STAGE is "${stage}"; expected 1-32 lowercase letters, digits or hyphens, e.g. dev`);

  const config = {
    host,
    playerIdSigningKey,
    liveAllowedOrigins,
    stage,
    liveMaxConnections: integer('LIVE_MAX_CONNECTIONS', 1000, 1, 100_000),
    liveMetricsIntervalSeconds: integer('LIVE_METRICS_INTERVAL_SECONDS', 60, 1, 3600),
    port: integer('PORT', 8080, 1024, 65535, ' (a non-root user cannot bind ports below 1024)'),
    eventsQueueUrl: eventsQueueUrl ?? '',
    region,
    sqsEndpoint,
    eventSource,
    databasePoolMax: integer('DATABASE_POOL_MAX', 5, 1, 50),
    shutdownTimeoutSeconds: integer(
      'SHUTDOWN_TIMEOUT_SECONDS',
      25,
      1,
      119,
      ' (below the container stopTimeout, at most 120 s on Fargate)',
    ),
    logLevel: logLevel as LogLevel,
    ecsAgentUri,
    taskProtectionMinutes: integer(
      'TASK_PROTECTION_MINUTES',
      10,
      1,
      2880,
      ' (what ECS task scale-in protection accepts)',
    ),
    taskProtectionMaxMinutes: integer('TASK_PROTECTION_MAX_MINUTES', 60, 1, 2880),
    matchBatchLingerMs: integer(
      'MATCH_BATCH_LINGER_MS',
      5,
      0,
      50,
      ' (milliseconds a match result may wait to share a SendMessageBatch; each one adds to the response time)',
    ),
    leaderboardRefreshMs: integer(
      'LEADERBOARD_REFRESH_MS',
      1000,
      100,
      60_000,
      ' (milliseconds between two leaderboard queries of a task)',
    ),
  };
  if (problems.length > 0 || !database) throw new EngineConfigError(problems);
  return { ...config, database };
};
