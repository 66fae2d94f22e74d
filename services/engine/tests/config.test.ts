/** Unit tests of `readEngineConfig`: defaults, every problem reported at once, the master secret refused. */
import { describe, expect, it } from 'vitest';
import { EngineConfigError, readEngineConfig } from '../src/config';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-dev-events';
const LOCAL = { DATABASE_URL: 'postgres://engine:secret@127.0.0.1:5432/game', EVENTS_QUEUE_URL: QUEUE };

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readEngineConfig(env);
  } catch (error) {
    if (error instanceof EngineConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected an EngineConfigError');
};

describe('readEngineConfig', () => {
  it('applies the documented defaults and takes the region from the queue URL when AWS_REGION is unset', () => {
    // Act
    const config = readEngineConfig(LOCAL);

    // Assess
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      eventsQueueUrl: QUEUE,
      region: 'eu-west-1',
      sqsEndpoint: undefined,
      eventSource: 'engine',
      database: { kind: 'url', connectionString: LOCAL.DATABASE_URL },
      databasePoolMax: 5,
      shutdownTimeoutSeconds: 25,
      logLevel: 'info',
      ecsAgentUri: undefined,
      taskProtectionMinutes: 10,
      taskProtectionMaxMinutes: 60,
      matchBatchLingerMs: 5,
      leaderboardRefreshMs: 1000,
      playerIdSigningKey: undefined,
      liveMaxConnections: 1000,
      liveAllowedOrigins: [],
      liveMetricsIntervalSeconds: 60,
      stage: 'local',
    });
  });

  it('refuses a short player id signing key and an allowed origin that is not an origin, naming each', () => {
    // Act / Assess
    expect(() =>
      readEngineConfig({
        ...LOCAL,
        PLAYER_ID_SIGNING_KEY: 'too-short',
        LIVE_ALLOWED_ORIGINS: 'https://play.example.com, https://play.example.com/page',
      }),
    ).toThrow(
      new EngineConfigError([
        "PLAYER_ID_SIGNING_KEY has 9 bytes; expected at least 32 (in AWS it comes from the engine's Secrets Manager secret)",
        'LIVE_ALLOWED_ORIGINS has "https://play.example.com/page"; expected origins such as https://play.example.com (scheme, host and port only), separated by commas',
      ]),
    );
  });

  it('prefers AWS_REGION over the queue URL and reads every setting', () => {
    // Act
    const config = readEngineConfig({
      ...LOCAL,
      AWS_REGION: 'us-east-2',
      HOST: '127.0.0.1',
      PORT: '9090',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566',
      EVENT_SOURCE: 'engine-eu',
      DATABASE_POOL_MAX: '10',
      SHUTDOWN_TIMEOUT_SECONDS: '50',
      LOG_LEVEL: 'debug',
      MATCH_BATCH_LINGER_MS: '0',
      LEADERBOARD_REFRESH_MS: '250',
    });

    // Assess
    expect(config).toMatchObject({
      matchBatchLingerMs: 0,
      leaderboardRefreshMs: 250,
      region: 'us-east-2',
      host: '127.0.0.1',
      port: 9090,
      sqsEndpoint: 'http://127.0.0.1:4566',
      eventSource: 'engine-eu',
      databasePoolMax: 10,
      shutdownTimeoutSeconds: 50,
      logLevel: 'debug',
    });
  });

  it('reports every bad value at once, each naming the variable, the value and what is expected', () => {
    // Act
    const problems = problemsOf({
      DATABASE_URL: 'mysql://db/game',
      EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/game-dev-events',
      AWS_REGION: 'Europe',
      HOST: 'localhost',
      PORT: '8080.5',
      AWS_ENDPOINT_URL_SQS: 'ftp://fauxqs',
      EVENT_SOURCE: 'The Engine',
      DATABASE_POOL_MAX: '0',
      SHUTDOWN_TIMEOUT_SECONDS: '120',
      LOG_LEVEL: 'verbose',
      MATCH_BATCH_LINGER_MS: '500',
      LEADERBOARD_REFRESH_MS: '10',
    });

    // Assess
    expect(problems).toEqual([
      'HOST is "localhost"; expected an IP address to listen on, e.g. 0.0.0.0',
      `EVENTS_QUEUE_URL is "https://sqs.eu-west-1.amazonaws.com/game-dev-events"; expected a queue URL ending in /<account id>/<queue name>, such as ${QUEUE}`,
      'AWS_REGION is "Europe"; expected an AWS region such as eu-west-1',
      'AWS_ENDPOINT_URL_SQS is "ftp://fauxqs"; expected an http(s) URL of an SQS-compatible server, e.g. http://127.0.0.1:4566, or unset in AWS',
      'EVENT_SOURCE is "The Engine"; expected 1-64 lowercase letters, digits, colons or hyphens, e.g. engine',
      expect.stringMatching(
        /^DATABASE_URL is not a PostgreSQL connection string \(protocol mysql:\); expected postgres:/,
      ),
      'LOG_LEVEL is "verbose"; expected one of debug, info, warn, error',
      'PORT is "8080.5"; expected an integer from 1024 to 65535 (a non-root user cannot bind ports below 1024)',
      'DATABASE_POOL_MAX is "0"; expected an integer from 1 to 50',
      'SHUTDOWN_TIMEOUT_SECONDS is "120"; expected an integer from 1 to 119 (below the container stopTimeout, at most 120 s on Fargate)',
      'MATCH_BATCH_LINGER_MS is "500"; expected an integer from 0 to 50 (milliseconds a match result may wait to share a SendMessageBatch; each one adds to the response time)',
      'LEADERBOARD_REFRESH_MS is "10"; expected an integer from 100 to 60000 (milliseconds between two leaderboard queries of a task)',
    ]);
  });

  it('refuses the RDS master secret: the engine connects with IAM database authentication or DATABASE_URL', () => {
    // Act
    const problems = problemsOf({
      EVENTS_QUEUE_URL: QUEUE,
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-master',
      DATABASE_ENDPOINT_ADDRESS: 'game.abc.eu-west-1.rds.amazonaws.com',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'game',
    });

    // Assess
    expect(problems).toEqual([
      'DATABASE_SECRET_ARN is "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-master"; expected it unset: the engine connects as game_engine with IAM database authentication (or DATABASE_URL locally), the master secret is reserved for the migration runner',
    ]);
  });

  it('asks for the queue URL and a region when neither is given', () => {
    // Act
    const problems = problemsOf({ DATABASE_URL: LOCAL.DATABASE_URL });

    // Assess
    expect(problems).toEqual([
      `EVENTS_QUEUE_URL is not set; expected a queue URL such as ${QUEUE}`,
      'AWS_REGION is not set and EVENTS_QUEUE_URL names no region; expected AWS_REGION set to an AWS region such as eu-west-1',
    ]);
  });
});
