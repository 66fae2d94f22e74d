/**
 * The `prune` Lambda: deletes the idempotency records no redelivery can still need (`../retention.ts`).
 * Invoked hourly by its schedule (serverless.ts), or by hand with
 * `npx serverless invoke -f prune --stage <stage>`.
 *
 * It logs in as `game_pruner` with IAM database authentication (DATABASE_IAM_USER, DATABASE_ENDPOINT_ADDRESS, DATABASE_PORT,
 * DATABASE_NAME; or DATABASE_URL when run locally), which may read and delete those records and nothing
 * else. RETENTION_DAYS comes from the stage profile. Throws on any problem, so the invocation counts
 * as an error and the function's Errors alarm notifies.
 */
import { createPool, readDatabaseSettings } from '@game-platform/shared/database';
import { createLogger } from '@game-platform/shared/log';
import type pg from 'pg';
import { type PruneReport, pruneIdempotencyRecords } from '../retention';

const settings = readDatabaseSettings(process.env);
const retentionDays = Number(process.env.RETENTION_DAYS);
if (!Number.isInteger(retentionDays) || retentionDays < 1)
  throw new Error(`RETENTION_DAYS is "${process.env.RETENTION_DAYS ?? ''}"; expected a whole number of days`);

const log = createLogger('info', { service: 'datastore-prune' });

let pool: Promise<pg.Pool> | undefined;

export const handler = async (): Promise<PruneReport> => {
  pool ??= createPool(settings, {
    max: 1,
    applicationName: 'game-prune',
    onIdleError: (error) => log.info('idle database connection closed', { error: error.message }),
  }).catch((error: unknown) => {
    pool = undefined;
    throw error;
  });
  const report = await pruneIdempotencyRecords(await pool, { retentionDays });
  log.info('idempotency records pruned', { ...report });
  return report;
};
