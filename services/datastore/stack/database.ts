/**
 * The PostgreSQL instance and what it needs: its storage key, subnet group, parameter group,
 * enhanced-monitoring role and log groups. Every protection is on; what differs between stages
 * comes from the stage profile's `datastore` section and nowhere else.
 */
import {
  AWS,
  assumeRolePolicy,
  type CfnResource,
  getAtt,
  kmsKey,
  logGroup,
  policyDocument,
  type Resources,
  ref,
  resource,
  resourceName,
  splitList,
  stagePrefix,
  sub,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';

/** The database the instance creates and every client connects to (`DATABASE_NAME`, output `databaseName`). */
export const DATABASE_NAME = 'game';
/** Master user: not `postgres` or `admin` (CT.RDS.PR.22). Only the migrate function uses it. */
export const MASTER_USERNAME = 'game_admin';
/**
 * PostgreSQL's port. The network stack's security groups open exactly this port between the
 * workloads and the database; see `policy-exceptions.yml` (CT.RDS.PR.20) for why not another.
 */
export const DATABASE_PORT = 5432;
/** Log types RDS for PostgreSQL can export to CloudWatch Logs; all of them (CT.RDS.PR.14). */
export const LOG_EXPORTS = ['postgresql', 'upgrade'] as const;
/**
 * The CA that signs the instance's certificate; clients verify it with the RDS CA bundle
 * (`NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem` in Lambda). Stated so it never depends on the
 * account's default.
 */
export const CA_CERTIFICATE = 'rds-ca-rsa2048-g1';

export const INSTANCE = 'DatabaseInstance';
/** The instance's storage key, and what it needs besides (`databaseResources`). */
export const DATABASE_KEY = 'DatabaseKey';
export const DATABASE_KEY_ALIAS = 'DatabaseKeyAlias';
export const DATABASE_SUBNET_GROUP = 'DatabaseSubnetGroup';
export const DATABASE_PARAMETER_GROUP = 'DatabaseParameterGroup';
export const DATABASE_MONITORING_ROLE = 'DatabaseMonitoringRole';

/** The log group RDS enhanced monitoring writes OS metrics to, one per account and region. */
const OS_METRICS_LOG_GROUP_ARN =
  'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:RDSOSMetrics';

/**
 * The instance identifier. A fixed name lets the log groups exist before the instance, with
 * retention and encryption; the price is that CloudFormation refuses a change that would replace
 * the instance (rename it here to replace it on purpose, after a snapshot).
 */
export const instanceIdentifier = (stage: string): string => resourceName(stage, 'database');

const logGroupId = (logType: (typeof LOG_EXPORTS)[number]) =>
  `Database${logType.charAt(0).toUpperCase()}${logType.slice(1)}LogGroup`;

/** The attributes of the instance other resources and outputs use. */
export const databaseAttributes = {
  address: getAtt(INSTANCE, 'Endpoint.Address'),
  port: getAtt(INSTANCE, 'Endpoint.Port'),
  secretArn: getAtt(INSTANCE, 'MasterUserSecret.SecretArn'),
  resourceId: getAtt(INSTANCE, 'DbiResourceId'),
};

/**
 * The parameters the platform sets on PostgreSQL.
 *
 * - `rds.force_ssl`: refuse connections without TLS (CT.RDS.PR.28).
 * - `log_min_duration_statement`: log statements slower than the profile's `slowStatementMs`.
 * - `max_connections`: the profile's `maxConnections`, so the limit the alarms and the clients'
 *   pools are sized against is a known number (a static parameter: applied at the next reboot).
 * - `log_lock_waits`: log a session that waits on a lock longer than `deadlock_timeout` (1 s),
 *   the first clue when consumers contend on the same rows.
 * - `idle_in_transaction_session_timeout`: end a session that sits in an open transaction for a
 *   minute (a client that died mid-transaction would otherwise hold its locks for ever).
 *
 * To change one: change the profile value, or this function for every stage.
 */
export const postgresParameters = (datastore: StageProfile['datastore']): Record<string, string> => ({
  'rds.force_ssl': '1',
  log_min_duration_statement: String(datastore.slowStatementMs),
  max_connections: String(datastore.maxConnections),
  log_lock_waits: '1',
  idle_in_transaction_session_timeout: '60000',
});

/**
 * Everything the instance needs, and the instance. Defaults: KMS-encrypted gp3 storage with
 * autoscaling, RDS-managed master password, IAM database authentication, TLS forced, every log
 * exported, enhanced monitoring and Performance Insights, automated backups, copy tags to
 * snapshots, minor version upgrades, snapshot on delete or replace. Per stage (profile): class,
 * storage, Multi-AZ, deletion protection, backup retention, monitoring interval, Performance
 * Insights and its retention, `max_connections`, slow statement threshold.
 */
export const databaseResources = (profile: StageProfile): Resources => {
  const { datastore, stage } = profile;
  const identifier = instanceIdentifier(stage);
  const logGroups = Object.fromEntries(
    LOG_EXPORTS.map((logType) => [
      logGroupId(logType),
      logGroup({
        name: `/aws/rds/instance/${identifier}/${logType}`,
        retentionDays: profile.observability.logRetentionDays,
        kmsKeyArn: '${param:observabilityKeyArn}',
      }),
    ]),
  );
  return {
    [DATABASE_KEY]: kmsKey({
      description: `${stagePrefix(stage)}: encrypts the database storage, its snapshots and Performance Insights`,
      // RDS uses the key through grants it creates for the principal deploying the stack, which
      // the account-root statement lets IAM policies allow; no service statement is needed.
      serviceStatements: [],
    }),
    [DATABASE_KEY_ALIAS]: resource('AWS::KMS::Alias', {
      AliasName: `alias/${resourceName(stage, 'database')}`,
      TargetKeyId: ref(DATABASE_KEY),
    }),
    [DATABASE_SUBNET_GROUP]: resource('AWS::RDS::DBSubnetGroup', {
      DBSubnetGroupDescription: `${stagePrefix(stage)}: isolated subnets for PostgreSQL`,
      SubnetIds: splitList('${param:isolatedSubnetIds}'),
    }),
    [DATABASE_PARAMETER_GROUP]: resource('AWS::RDS::DBParameterGroup', {
      Description: `${stagePrefix(stage)}: PostgreSQL ${datastore.engineVersion} with TLS forced and slow statements logged`,
      Family: `postgres${datastore.engineVersion}`,
      Parameters: postgresParameters(datastore),
    }),
    [DATABASE_MONITORING_ROLE]: resource('AWS::IAM::Role', {
      Description: `${stagePrefix(stage)}: lets RDS enhanced monitoring publish OS metrics`,
      AssumeRolePolicyDocument: assumeRolePolicy('monitoring.rds.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': AWS.accountId },
      }),
      // The actions of AWS's AmazonRDSEnhancedMonitoringRole, inline and narrowed from "RDS*" log
      // groups in any account and region to the one group enhanced monitoring writes, RDSOSMetrics, in
      // this account and region (no managed policy: PLATFORM.IAM.3).
      Policies: [
        {
          PolicyName: 'enhanced-monitoring',
          PolicyDocument: policyDocument(
            {
              Sid: 'CreateOsMetricsLogGroup',
              Effect: 'Allow',
              Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
              Resource: sub(OS_METRICS_LOG_GROUP_ARN),
            },
            {
              Sid: 'WriteOsMetrics',
              Effect: 'Allow',
              Action: [
                'logs:CreateLogStream',
                'logs:PutLogEvents',
                'logs:DescribeLogStreams',
                'logs:GetLogEvents',
              ],
              Resource: sub(`${OS_METRICS_LOG_GROUP_ARN}:log-stream:*`),
            },
          ),
        },
      ],
    }),
    ...logGroups,
    [INSTANCE]: databaseInstance(profile, identifier, Object.keys(logGroups)),
  };
};

const databaseInstance = (
  { datastore }: StageProfile,
  identifier: string,
  logGroupIds: string[],
): CfnResource<'AWS::RDS::DBInstance'> =>
  resource(
    'AWS::RDS::DBInstance',
    {
      DBInstanceIdentifier: identifier,
      Engine: 'postgres',
      // The major version only: RDS applies minor versions in the maintenance window, and a pinned
      // minor version would make the next stack update try to downgrade.
      EngineVersion: datastore.engineVersion,
      AutoMinorVersionUpgrade: true,
      AllowMajorVersionUpgrade: false,
      DBInstanceClass: datastore.instanceClass,
      DBName: DATABASE_NAME,
      Port: String(DATABASE_PORT),
      DBParameterGroupName: ref(DATABASE_PARAMETER_GROUP),
      CACertificateIdentifier: CA_CERTIFICATE,

      // Network: the isolated subnets, reachable only through the database security group.
      DBSubnetGroupName: ref(DATABASE_SUBNET_GROUP),
      VPCSecurityGroups: ['${param:databaseSecurityGroupId}'],
      PubliclyAccessible: false,
      MultiAZ: datastore.multiAz,

      // Storage: gp3, encrypted with this stack's key, growing on its own up to the ceiling.
      StorageType: 'gp3',
      AllocatedStorage: String(datastore.allocatedStorageGiB),
      MaxAllocatedStorage: datastore.maxAllocatedStorageGiB,
      StorageEncrypted: true,
      KmsKeyId: getAtt(DATABASE_KEY, 'Arn'),

      // Credentials: RDS keeps the master password in Secrets Manager (AWS-managed key, so readers
      // need only secretsmanager:GetSecretValue) and rotates it; workloads use IAM authentication.
      MasterUsername: MASTER_USERNAME,
      ManageMasterUserPassword: true,
      EnableIAMDatabaseAuthentication: true,

      // Recovery.
      BackupRetentionPeriod: datastore.backupRetentionDays,
      PreferredBackupWindow: '02:00-03:00',
      PreferredMaintenanceWindow: 'sun:03:30-sun:04:30',
      CopyTagsToSnapshot: true,
      // A second region keeps a copy of the automated backups (snapshots and transaction logs, so a
      // point-in-time restore works there), under the backups service's key of that region. RDS
      // "automated backups replication": StartDBInstanceAutomatedBackupsReplication, which
      // CloudFormation calls for these properties (there is no resource type of its own).
      ...(datastore.backupReplication
        ? {
            AutomaticBackupReplicationRegion: datastore.backupReplication.region,
            AutomaticBackupReplicationKmsKeyId: '${param:backupReplicaKeyArn}',
            AutomaticBackupReplicationRetentionPeriod: datastore.backupReplication.retentionDays,
          }
        : {}),
      // Automated backups outlive an instance deleted by mistake, until their retention ends.
      DeleteAutomatedBackups: false,
      DeletionProtection: datastore.deletionProtection,

      // Observability.
      EnableCloudwatchLogsExports: [...LOG_EXPORTS],
      MonitoringInterval: datastore.monitoringIntervalSeconds,
      MonitoringRoleArn: getAtt(DATABASE_MONITORING_ROLE, 'Arn'),
      EnablePerformanceInsights: datastore.performanceInsights,
      ...(datastore.performanceInsights
        ? {
            PerformanceInsightsRetentionPeriod: datastore.performanceInsightsRetentionDays,
            PerformanceInsightsKMSKeyId: getAtt(DATABASE_KEY, 'Arn'),
          }
        : {}),
    },
    {
      // RDS would create the log groups itself, with no retention and no KMS key.
      DependsOn: logGroupIds,
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    },
  );
