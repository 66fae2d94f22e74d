/**
 * The database's alarms and dashboard section. Each alarm notifies the stage's alarm topic (network
 * output `alarmTopicArn`) on ALARM and on OK. Thresholds come from the stage profile and the instance class, so they move
 * with the instance and never need retuning by hand.
 */
import { type DashboardSection, stackName, stagePrefix, type Value } from '@game-platform/resources';
import {
  instanceClassMemoryGiB,
  OTHER_DATABASE_CONNECTIONS,
  type StageProfile,
} from '@game-platform/shared/profiles';
import { instanceIdentifier } from './database';

const GIB = 2 ** 30;

/** Per cent of CPU, sustained for 15 minutes. */
export const CPU_THRESHOLD_PERCENT = 80;
/** Share of `max_connections` in use that leaves too little room for a burst or a failover. */
export const CONNECTIONS_THRESHOLD_SHARE = 0.8;
/** Share of the instance class memory below which PostgreSQL starts to lose its cache or swap. */
export const FREEABLE_MEMORY_THRESHOLD_SHARE = 0.1;
/**
 * Share of the initial storage: storage autoscaling grows the volume when free space falls under
 * 10 % of it, so free space under this fixed amount means autoscaling is not keeping up or has
 * reached its ceiling (`maxAllocatedStorageGiB`).
 */
export const FREE_STORAGE_THRESHOLD_SHARE = 0.1;

/** The thresholds for a profile, in the units of the RDS metrics (per cent, bytes, connections). */
export const alarmThresholds = ({ datastore }: StageProfile) => {
  const memoryGiB = instanceClassMemoryGiB(datastore.instanceClass);
  if (memoryGiB === undefined)
    throw new Error(
      `datastore.instanceClass "${datastore.instanceClass}" has no known memory; the stage profile check should have refused it`,
    );
  return {
    cpuPercent: CPU_THRESHOLD_PERCENT,
    freeStorageBytes: Math.round(datastore.allocatedStorageGiB * FREE_STORAGE_THRESHOLD_SHARE * GIB),
    freeableMemoryBytes: Math.round(memoryGiB * FREEABLE_MEMORY_THRESHOLD_SHARE * GIB),
    connections: Math.floor(datastore.maxConnections * CONNECTIONS_THRESHOLD_SHARE),
  };
};

/**
 * The database as the dashboard shows it and as its alarms watch it: CPU, connections against the
 * connection budget, free storage, freeable memory, read and write latency. The datastore stack
 * deploys the alarms (with `Ref` to its instance); the dashboard names the instance by its fixed
 * identifier. Shares above: change one for every stage, or the profile values they derive from for one.
 */
export const databaseSection = (
  profile: StageProfile,
  instanceId: Value<string> = instanceIdentifier(profile.stage),
  pruneFunctionName: Value<string> = `${stackName('datastore', profile.stage)}-prune`,
): DashboardSection => {
  const thresholds = alarmThresholds(profile);
  const { datastore, engine, integrations } = profile;
  const metric = { namespace: 'AWS/RDS', dimensions: { DBInstanceIdentifier: instanceId } };
  const prune = {
    namespace: 'AWS/Lambda',
    dimensions: { FunctionName: pruneFunctionName },
    statistic: 'Sum' as const,
  };
  const budgeted =
    engine.maxCount * engine.databasePoolMax +
    integrations.databaseConnectionBudget +
    OTHER_DATABASE_CONNECTIONS;
  return {
    title: `Database: PostgreSQL ${datastore.instanceClass}${datastore.multiAz ? ' Multi-AZ' : ''}`,
    alarms: {
      DatabaseCpuAlarm: {
        ...metric,
        title: 'Database CPU (%)',
        description: `${stagePrefix(profile.stage)} database: CPU above ${thresholds.cpuPercent} % for 15 minutes`,
        metricName: 'CPUUtilization',
        statistic: 'Average',
        comparison: 'GreaterThanThreshold',
        threshold: thresholds.cpuPercent,
        periodSeconds: 300,
        evaluationPeriods: 3,
      },
      DatabaseConnectionsAlarm: {
        ...metric,
        title: 'Database connections',
        description: `${stagePrefix(profile.stage)} database: more than ${thresholds.connections} connections (80 % of max_connections ${datastore.maxConnections}) for 5 minutes`,
        metricName: 'DatabaseConnections',
        statistic: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: thresholds.connections,
        periodSeconds: 60,
        evaluationPeriods: 5,
      },
      DatabaseFreeStorageAlarm: {
        ...metric,
        title: 'Database free storage (bytes)',
        description: `${stagePrefix(profile.stage)} database: less than ${(thresholds.freeStorageBytes / GIB).toFixed(1)} GiB of storage free (autoscaling not keeping up, or at its ceiling of ${datastore.maxAllocatedStorageGiB} GiB)`,
        metricName: 'FreeStorageSpace',
        statistic: 'Minimum',
        comparison: 'LessThanThreshold',
        threshold: thresholds.freeStorageBytes,
        periodSeconds: 300,
        evaluationPeriods: 2,
      },
      DatabaseFreeableMemoryAlarm: {
        ...metric,
        title: 'Database freeable memory (bytes)',
        description: `${stagePrefix(profile.stage)} database: less than ${Math.round(thresholds.freeableMemoryBytes / 2 ** 20)} MiB of memory free for 15 minutes`,
        metricName: 'FreeableMemory',
        statistic: 'Average',
        comparison: 'LessThanThreshold',
        threshold: thresholds.freeableMemoryBytes,
        periodSeconds: 300,
        evaluationPeriods: 3,
      },
      // The hourly prune of the idempotency records (src/retention.ts): a failed run, and no run at all
      // for 3 hours (schedule disabled, function not invocable), which would let the tables grow again.
      PruneErrorsAlarm: {
        ...prune,
        title: 'Prune of idempotency records: errors',
        description: `${stagePrefix(profile.stage)}: pruning the idempotency records failed (see the prune function's log)`,
        metricName: 'Errors',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        periodSeconds: 3600,
      },
      PruneNotRunningAlarm: {
        ...prune,
        title: 'Prune of idempotency records: runs',
        description: `${stagePrefix(profile.stage)}: the hourly prune of the idempotency records has not run for 3 hours`,
        metricName: 'Invocations',
        comparison: 'LessThanThreshold',
        threshold: 1,
        periodSeconds: 3600,
        evaluationPeriods: 3,
        // No datapoint is what "not invoked" looks like.
        treatMissingData: 'breaching',
      },
    },
    panels: [
      { alarm: 'DatabaseCpuAlarm' },
      {
        alarm: 'DatabaseConnectionsAlarm',
        // The budget the stage profile checks: every engine task's pool at maxCount, the consumer's share, the rest.
        lines: [
          { label: `max_connections ${datastore.maxConnections}`, value: datastore.maxConnections },
          { label: `budgeted ${budgeted} (engine pools + consumer + others)`, value: budgeted },
        ],
      },
      { alarm: 'DatabaseFreeStorageAlarm' },
      {
        title: 'Database read / write latency (s)',
        metrics: [
          { ...metric, metricName: 'ReadLatency', statistic: 'Average', label: 'read' },
          { ...metric, metricName: 'WriteLatency', statistic: 'Average', label: 'write' },
        ],
      },
      { alarm: 'DatabaseFreeableMemoryAlarm' },
    ],
  };
};
