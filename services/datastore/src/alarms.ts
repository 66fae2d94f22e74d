/**
 * The database's alarms. Each notifies the stage's alarm topic (network output `alarmTopicArn`) on
 * ALARM and on OK. Thresholds come from the stage profile and the instance class, so they move
 * with the instance and never need retuning by hand.
 */
import { alarm, type Resources, ref } from '@game-platform/resources';
import { instanceClassMemoryGiB, type StageProfile } from '@game-platform/shared/profiles';
import { INSTANCE } from './database';

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
 * CPU, free storage, freeable memory and connections near `max_connections`. Defaults above;
 * change a share here for every stage, or the profile values they derive from for one.
 */
export const databaseAlarms = (profile: StageProfile): Resources => {
  const thresholds = alarmThresholds(profile);
  const common = {
    namespace: 'AWS/RDS',
    dimensions: { DBInstanceIdentifier: ref(INSTANCE) },
    topicArn: '${param:alarmTopicArn}',
  };
  return {
    DatabaseCpuAlarm: alarm({
      ...common,
      description: `game-${profile.stage} database: CPU above ${thresholds.cpuPercent} % for 15 minutes`,
      metricName: 'CPUUtilization',
      statistic: 'Average',
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.cpuPercent,
      periodSeconds: 300,
      evaluationPeriods: 3,
    }),
    DatabaseFreeStorageAlarm: alarm({
      ...common,
      description: `game-${profile.stage} database: less than ${(thresholds.freeStorageBytes / GIB).toFixed(1)} GiB of storage free (autoscaling not keeping up, or at its ceiling of ${profile.datastore.maxAllocatedStorageGiB} GiB)`,
      metricName: 'FreeStorageSpace',
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: thresholds.freeStorageBytes,
      periodSeconds: 300,
      evaluationPeriods: 2,
    }),
    DatabaseFreeableMemoryAlarm: alarm({
      ...common,
      description: `game-${profile.stage} database: less than ${Math.round(thresholds.freeableMemoryBytes / 2 ** 20)} MiB of memory free for 15 minutes`,
      metricName: 'FreeableMemory',
      statistic: 'Average',
      comparison: 'LessThanThreshold',
      threshold: thresholds.freeableMemoryBytes,
      periodSeconds: 300,
      evaluationPeriods: 3,
    }),
    DatabaseConnectionsAlarm: alarm({
      ...common,
      description: `game-${profile.stage} database: more than ${thresholds.connections} connections (80 % of max_connections ${profile.datastore.maxConnections}) for 5 minutes`,
      metricName: 'DatabaseConnections',
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: thresholds.connections,
      periodSeconds: 60,
      evaluationPeriods: 5,
    }),
  };
};

/**
 * The prune function's alarms: a failed run (Errors), and no run at all for 3 hours (the schedule was
 * disabled or the function cannot be invoked), which would let the idempotency tables grow again.
 */
export const pruneAlarms = (profile: StageProfile): Resources => {
  const common = {
    namespace: 'AWS/Lambda',
    dimensions: { FunctionName: ref('PruneLambdaFunction') },
    topicArn: '${param:alarmTopicArn}',
    statistic: 'Sum' as const,
  };
  return {
    PruneErrorsAlarm: alarm({
      ...common,
      description: `game-${profile.stage}: pruning the idempotency records failed (see the prune function's log)`,
      metricName: 'Errors',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 3600,
    }),
    PruneNotRunningAlarm: alarm({
      ...common,
      description: `game-${profile.stage}: the hourly prune of the idempotency records has not run for 3 hours`,
      metricName: 'Invocations',
      comparison: 'LessThanThreshold',
      threshold: 1,
      periodSeconds: 3600,
      evaluationPeriods: 3,
      // No datapoint is what "not invoked" looks like.
      treatMissingData: 'breaching',
    }),
  };
};
