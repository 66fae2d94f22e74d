/**
 * The `migrate` Lambda: applies pending schema migrations to the stage's database. Invoked by the
 * platform plugin after each deploy of this service (`custom.platform.invokeAfterDeploy`), or by
 * hand with `npx serverless invoke -f migrate --stage <stage>`.
 *
 * Configuration is read once per cold start (DATABASE_SECRET_ARN, DATABASE_ENDPOINT_ADDRESS, DATABASE_PORT, DATABASE_NAME; or
 * DATABASE_URL when run locally) and fails fast naming what is wrong. The master credentials are
 * fetched once per cold start and fetched again when PostgreSQL rejects them (after a rotation).
 * Returns the report; throws on any problem, so the invocation fails and so does the deploy.
 */
import {
  CachedCredentials,
  createPool,
  isAuthenticationFailure,
  readDatabaseSettings,
} from '@game-platform/shared/database';
import { secretsManagerCredentials } from '@game-platform/shared/database/secrets-manager';
import { createLogger } from '@game-platform/shared/log';
import type pg from 'pg';
import { BUNDLED_MIGRATIONS } from '../migrations/bundled';
import { type MigrationReport, migrate } from '../migrations/runner';

const settings = readDatabaseSettings(process.env);
const credentials =
  settings.kind === 'managedSecret'
    ? new CachedCredentials(secretsManagerCredentials(settings.secretArn))
    : undefined;

const log = createLogger('info', { service: 'datastore-migrate' });

let pool: Promise<pg.Pool> | undefined;
const getPool = () => {
  pool ??= createPool(settings, {
    // One run uses one connection: the advisory lock belongs to the session.
    max: 1,
    credentials,
    applicationName: 'game-migrate',
    onIdleError: (error) => log.info('idle database connection closed', { error: error.message }),
  }).catch((error: unknown) => {
    pool = undefined;
    throw error;
  });
  return pool;
};

/** A connection, with the credentials fetched again once if the cached ones were rotated away. */
const connect = async (): Promise<pg.PoolClient> => {
  try {
    return await (await getPool()).connect();
  } catch (error) {
    if (!credentials || !isAuthenticationFailure(error)) throw error;
    log.info('database rejected the cached credentials; fetching them again');
    credentials.invalidate();
    return (await getPool()).connect();
  }
};

export const handler = async (): Promise<MigrationReport> => {
  const client = await connect();
  try {
    const report = await migrate(client, BUNDLED_MIGRATIONS, {
      log: (line) => log.info(line),
      // The function's timeout is 300 s; leave time to apply after waiting.
      waitForOtherRunMs: 120_000,
    });
    log.info('migrations done', { ...report });
    return report;
  } finally {
    // Discard the connection: runs are minutes apart, and no session state survives into the next.
    client.release(true);
  }
};
