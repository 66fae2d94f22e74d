/**
 * The datastore stack as synthesized (`.synth/<stage>/datastore.json`): every default the issue
 * asks for is present in prod, and every other stage differs from prod only at the places its
 * stage profile sets, with exactly the profile's values.
 */
import { readFileSync } from 'node:fs';
import { dataPolicies } from '@game-platform/resources';
import { CHECKED_PROFILES, type StageProfile, stageProfiles } from '@game-platform/shared/profiles';
import { resourceById, synthesizedTemplate, type Template } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { idempotencyRetentionDays } from '../src/retention';
import { alarmThresholds } from '../stack/monitoring';

type Stage = keyof typeof stageProfiles;
/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;
const profileOf = (stage: Stage): StageProfile => ({ ...stageProfiles[stage], stage, profileName: stage });

/** The value synth's placeholder stands for, e.g. `${network.databaseSecurityGroupId}`. */
const placeholders = (stage: Stage): Map<string, string> => {
  const file = new URL(`../../../.synth/${stage}/compose/.serverless/state.${stage}.json`, import.meta.url);
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    components: Record<string, { outputs?: Record<string, string> }>;
  };
  return new Map(
    Object.entries(state.components).flatMap(([producer, { outputs = {} }]) =>
      Object.entries(outputs).map(([output, value]) => [value, `\${${producer}.${output}}`]),
    ),
  );
};

/** The template with compose placeholders named and the stage name replaced by `<stage>`. */
const normalized = (stage: Stage): Template => {
  const names = placeholders(stage);
  const stageWord = new RegExp(`(?<![a-z0-9])${stage}(?![a-z0-9])`, 'g');
  // List params (subnet ids) arrive split into one id per AZ; name the whole list, whatever its length.
  const listOf = new Map(
    [...names].flatMap(([value, name]) =>
      value.includes(',') ? value.split(',').map((id) => [id, name] as const) : [],
    ),
  );
  const nameOfList = (value: unknown[]) => {
    const found = new Set(value.map((item) => (typeof item === 'string' ? listOf.get(item) : undefined)));
    return found.size === 1 && !found.has(undefined) ? [...found][0] : undefined;
  };
  // An id inside a text (a subnet or security group ARN): named too; the per-AZ copies then repeat, once is enough.
  const inText = [...listOf, ...[...names].filter(([value]) => value.length >= 12 && !value.includes(','))];
  const withinText = (text: string) =>
    inText.reduce((result, [value, name]) => result.replaceAll(value, name), text);
  const withoutRepeats = (value: unknown[]) =>
    value.filter((item, index) => index === 0 || JSON.stringify(item) !== JSON.stringify(value[index - 1]));
  const template = JSON.parse(JSON.stringify(synthesizedTemplate(stage, 'datastore')), (_key, value) => {
    if (typeof value === 'string') return withinText(names.get(value) ?? value).replace(stageWord, '<stage>');
    if (Array.isArray(value) && value.length > 0) return nameOfList(value) ?? withoutRepeats(value);
    return value;
  }) as Template;
  // The artifact key carries the packaging time.
  delete resourceById(template, 'MigrateLambdaFunction').Properties?.Code;
  delete resourceById(template, 'PruneLambdaFunction').Properties?.Code;
  return template;
};

/**
 * Every place a stage profile reaches into the template, with the value the profile puts there.
 * Applying these to another stage's template must give this stage's template exactly.
 */
const profileDrivenValues = (profile: StageProfile): Record<string, unknown> => {
  const { datastore, observability } = profile;
  const thresholds = alarmThresholds(profile);
  const instance = 'DatabaseInstance.Properties';
  return {
    [`${instance}.DBInstanceClass`]: datastore.instanceClass,
    [`${instance}.AllocatedStorage`]: String(datastore.allocatedStorageGiB),
    [`${instance}.MaxAllocatedStorage`]: datastore.maxAllocatedStorageGiB,
    [`${instance}.MultiAZ`]: datastore.multiAz,
    [`${instance}.DeletionProtection`]: datastore.deletionProtection,
    [`${instance}.BackupRetentionPeriod`]: datastore.backupRetentionDays,
    [`${instance}.MonitoringInterval`]: datastore.monitoringIntervalSeconds,
    [`${instance}.EnablePerformanceInsights`]: datastore.performanceInsights,
    [`${instance}.PerformanceInsightsRetentionPeriod`]: datastore.performanceInsightsRetentionDays,
    // Automated backups replicated to a second region, or not at all (undefined: the key is absent).
    [`${instance}.AutomaticBackupReplicationRegion`]: datastore.backupReplication?.region,
    [`${instance}.AutomaticBackupReplicationKmsKeyId`]: datastore.backupReplication
      ? '${backups.backupReplicaKeyArn}'
      : undefined,
    [`${instance}.AutomaticBackupReplicationRetentionPeriod`]: datastore.backupReplication?.retentionDays,
    'DatabaseParameterGroup.Properties.Parameters.log_min_duration_statement': String(
      datastore.slowStatementMs,
    ),
    'DatabaseParameterGroup.Properties.Parameters.max_connections': String(datastore.maxConnections),
    'DatabasePostgresqlLogGroup.Properties.RetentionInDays': observability.logRetentionDays,
    'DatabaseUpgradeLogGroup.Properties.RetentionInDays': observability.logRetentionDays,
    'MigrateLogGroup.Properties.RetentionInDays': observability.logRetentionDays,
    'PruneLogGroup.Properties.RetentionInDays': observability.logRetentionDays,
    // The idempotency records live as long as a redelivery can come: queue + DLQ retention.
    'PruneLambdaFunction.Properties.Environment.Variables.RETENTION_DAYS': String(
      idempotencyRetentionDays(profile.integrations),
    ),
    'DatabaseCpuAlarm.Properties.Threshold': thresholds.cpuPercent,
    'DatabaseFreeStorageAlarm.Properties.Threshold': thresholds.freeStorageBytes,
    'DatabaseFreeableMemoryAlarm.Properties.Threshold': thresholds.freeableMemoryBytes,
    'DatabaseConnectionsAlarm.Properties.Threshold': thresholds.connections,
    // What the stack does with the data of its log groups and deployment bucket (retainData).
    ...Object.fromEntries(
      [
        'DatabasePostgresqlLogGroup',
        'DatabaseUpgradeLogGroup',
        'MigrateLogGroup',
        'PruneLogGroup',
        'ServerlessDeploymentBucket',
      ].flatMap((id) =>
        Object.entries(dataPolicies(profile)).map(([policy, value]) => [`${id}.${policy}`, value]),
      ),
    ),
    // Descriptions quote the thresholds above.
    'DatabaseFreeStorageAlarm.Properties.AlarmDescription': `game-<stage> database: less than ${(thresholds.freeStorageBytes / 2 ** 30).toFixed(1)} GiB of storage free (autoscaling not keeping up, or at its ceiling of ${datastore.maxAllocatedStorageGiB} GiB)`,
    'DatabaseFreeableMemoryAlarm.Properties.AlarmDescription': `game-<stage> database: less than ${Math.round(thresholds.freeableMemoryBytes / 2 ** 20)} MiB of memory free for 15 minutes`,
    'DatabaseConnectionsAlarm.Properties.AlarmDescription': `game-<stage> database: more than ${thresholds.connections} connections (80 % of max_connections ${datastore.maxConnections}) for 5 minutes`,
  };
};

/** A copy of the template's resources with the values at the given paths replaced. */
const withValues = (template: Template, values: Record<string, unknown>) => {
  const resources = structuredClone(template.Resources) as Record<string, unknown>;
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node = resources as Record<string, unknown>;
    for (const key of keys) {
      if (!(key in node)) throw new Error(`${path}: no "${key}" in the template`);
      node = node[key] as Record<string, unknown>;
    }
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return resources;
};

describe('datastore template (prod): every default', () => {
  const template = synthesizedTemplate('prod', 'datastore');
  const prod = profileOf('prod');
  /** The value synth put in for the network output `output`. */
  const placeholder = (output: string) =>
    [...placeholders('prod')].find(([, name]) => name === `\${network.${output}}`)?.[0];

  it('runs PostgreSQL with every protection on, Multi-AZ and deletion protection included', () => {
    // Act
    const instance = resourceById(template, 'DatabaseInstance');

    // Assess
    expect(instance.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '17',
      AutoMinorVersionUpgrade: true,
      AllowMajorVersionUpgrade: false,
      PubliclyAccessible: false,
      DBSubnetGroupName: { Ref: 'DatabaseSubnetGroup' },
      VPCSecurityGroups: [placeholder('databaseSecurityGroupId')],
      StorageType: 'gp3',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': ['DatabaseKey', 'Arn'] },
      ManageMasterUserPassword: true,
      MasterUsername: 'game_admin',
      EnableIAMDatabaseAuthentication: true,
      CopyTagsToSnapshot: true,
      DeleteAutomatedBackups: false,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      MonitoringRoleArn: { 'Fn::GetAtt': ['DatabaseMonitoringRole', 'Arn'] },
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': ['DatabaseKey', 'Arn'] },
      DBParameterGroupName: { Ref: 'DatabaseParameterGroup' },
      CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      MultiAZ: true,
      DeletionProtection: true,
    });
    expect(Number(instance.Properties?.BackupRetentionPeriod)).toBeGreaterThanOrEqual(7);
    expect(Number(instance.Properties?.MaxAllocatedStorage)).toBeGreaterThan(
      Number(instance.Properties?.AllocatedStorage),
    );
    expect(instance).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    // No password anywhere: the only property that mentions one says RDS manages it.
    expect(JSON.stringify(template).match(/"\w*password"(?=\s*:)/gi)).toEqual(['"ManageMasterUserPassword"']);
  });

  it('forces TLS and logs slow statements through its own parameter group', () => {
    // Act
    const group = resourceById(template, 'DatabaseParameterGroup');

    // Assess
    expect(group.Properties).toMatchObject({
      Family: 'postgres17',
      Parameters: {
        'rds.force_ssl': '1',
        log_min_duration_statement: String(prod.datastore.slowStatementMs),
        max_connections: String(prod.datastore.maxConnections),
      },
    });
  });

  it('creates the exported log groups first, with retention and the observability key', () => {
    // Act
    const instance = resourceById(template, 'DatabaseInstance');

    // Assess
    for (const [id, logType] of [
      ['DatabasePostgresqlLogGroup', 'postgresql'],
      ['DatabaseUpgradeLogGroup', 'upgrade'],
    ] as const) {
      expect(resourceById(template, id).Properties).toEqual({
        LogGroupName: `/aws/rds/instance/game-prod-database/${logType}`,
        RetentionInDays: prod.observability.logRetentionDays,
        KmsKeyId: placeholder('observabilityKeyArn'),
      });
      expect(instance.DependsOn).toContain(id);
    }
  });

  it('encrypts storage with its own rotating key, kept after the stack is gone', () => {
    // Act
    const key = resourceById(template, 'DatabaseKey');

    // Assess
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lets only RDS enhanced monitoring of this account assume the monitoring role', () => {
    // Act
    const role = resourceById(template, 'DatabaseMonitoringRole');

    // Assess
    expect(role.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Principal: { Service: 'monitoring.rds.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  it('alarms on CPU, free storage, freeable memory and connections, notifying the alarm topic', () => {
    // Prepare
    const thresholds = alarmThresholds(prod);
    const expected = {
      DatabaseCpuAlarm: ['CPUUtilization', 'GreaterThanThreshold', thresholds.cpuPercent],
      DatabaseFreeStorageAlarm: ['FreeStorageSpace', 'LessThanThreshold', thresholds.freeStorageBytes],
      DatabaseFreeableMemoryAlarm: ['FreeableMemory', 'LessThanThreshold', thresholds.freeableMemoryBytes],
      DatabaseConnectionsAlarm: ['DatabaseConnections', 'GreaterThanThreshold', thresholds.connections],
    };

    // Act / Assess
    for (const [id, [metric, comparison, threshold]] of Object.entries(expected)) {
      expect(resourceById(template, id).Properties, id).toMatchObject({
        Namespace: 'AWS/RDS',
        MetricName: metric,
        ComparisonOperator: comparison,
        Threshold: threshold,
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: 'DatabaseInstance' } }],
        ActionsEnabled: true,
        AlarmActions: [placeholder('alarmTopicArn')],
        OKActions: [placeholder('alarmTopicArn')],
      });
    }
    // prod: 500 connections allowed, 400 alarms; 8 GiB of memory, 819 MiB alarms; 100 GiB storage, 10 GiB alarms.
    expect(thresholds).toEqual({
      cpuPercent: 80,
      connections: 400,
      freeableMemoryBytes: Math.round(0.8 * 2 ** 30),
      freeStorageBytes: 10 * 2 ** 30,
    });
  });

  it('exports the five outputs of the contract, from the instance', () => {
    // Act
    const outputs = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, output.Value]),
    );

    // Assess
    expect(outputs).toEqual({
      ServerlessDeploymentBucketName: { Ref: 'ServerlessDeploymentBucket' },
      databaseEndpointAddress: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Address'] },
      databasePort: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Port'] },
      databaseName: 'game',
      databaseSecretArn: { 'Fn::GetAtt': ['DatabaseInstance', 'MasterUserSecret.SecretArn'] },
      databaseResourceId: { 'Fn::GetAtt': ['DatabaseInstance', 'DbiResourceId'] },
    });
  });

  it('runs the migrate function in the private subnets with the consumer group, reading only the master secret', () => {
    // Act
    const migrate = resourceById(template, 'MigrateLambdaFunction');
    const role = resourceById(template, 'MigrateIamRoleLambdaExecution');

    // Assess: in the VPC, the subnets listed one by one (the platform plugin inlines the param's split).
    expect(migrate.Properties?.VpcConfig).toEqual({
      SecurityGroupIds: [placeholder('lambdaSecurityGroupId')],
      SubnetIds: String(placeholder('privateSubnetIds')).split(','),
    });
    expect(migrate.Properties?.Environment).toEqual({
      Variables: {
        DATABASE_SECRET_ARN: { 'Fn::GetAtt': ['DatabaseInstance', 'MasterUserSecret.SecretArn'] },
        DATABASE_ENDPOINT_ADDRESS: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Address'] },
        DATABASE_PORT: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Port'] },
        DATABASE_NAME: 'game',
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      },
    });
    const policies = (role.Properties?.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Array<Record<string, unknown>> };
    }>;
    const statements = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.filter((statement) => statement.Sid === 'ReadDatabaseMasterSecret')).toEqual([
      {
        Sid: 'ReadDatabaseMasterSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: { 'Fn::GetAtt': ['DatabaseInstance', 'MasterUserSecret.SecretArn'] },
      },
    ]);
    expect(resourceById(template, 'MigrateLogGroup').Properties?.KmsKeyId).toBe(
      placeholder('observabilityKeyArn'),
    );
  });
});

describe.each(STAGES)('datastore template (%s): pruning the idempotency records', (stage) => {
  const template = synthesizedTemplate(stage, 'datastore');
  const { integrations } = profileOf(stage);

  it('runs the prune hourly from an EventBridge rule, in the VPC, as game_pruner, for queue + DLQ retention days', () => {
    // Act
    const prune = resourceById(template, 'PruneLambdaFunction');
    const rule = resourceById(template, 'PruneEventsRuleSchedule1');
    const permission = resourceById(template, 'PruneLambdaPermissionEventsRuleSchedule1');
    const role = resourceById(template, 'PruneIamRoleLambdaExecution');

    // Assess
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': ['PruneLambdaFunction', 'Arn'] } }],
    });
    // Only this rule may invoke it.
    expect(permission.Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['PruneLambdaFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['PruneEventsRuleSchedule1', 'Arn'] },
    });
    // In the private subnets with the same group as the migrate function, which reaches the database.
    expect(prune.Properties?.VpcConfig).toEqual(
      resourceById(template, 'MigrateLambdaFunction').Properties?.VpcConfig,
    );
    expect(prune.Properties?.VpcConfig).toBeDefined();
    expect(prune.Properties?.Environment).toEqual({
      Variables: {
        DATABASE_IAM_USER: 'game_pruner',
        DATABASE_ENDPOINT_ADDRESS: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Address'] },
        DATABASE_PORT: { 'Fn::GetAtt': ['DatabaseInstance', 'Endpoint.Port'] },
        DATABASE_NAME: 'game',
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        RETENTION_DAYS: String(integrations.messageRetentionDays + integrations.deadLetterRetentionDays),
      },
    });
    const statements = (
      (role.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    // Its own log group, and a database login as game_pruner; nothing else (no secret, no other user).
    // The network-interface grants every VPC function gets are the platform plugin's (resources/tests/lambda-vpc.test.ts).
    const own = statements.filter((statement) => !/"(logs|ec2):/.test(JSON.stringify(statement.Action)));
    expect(own).toEqual([
      {
        Sid: 'ConnectToDatabaseAsPruner',
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${ResourceId}/game_pruner',
            { ResourceId: { 'Fn::GetAtt': ['DatabaseInstance', 'DbiResourceId'] } },
          ],
        },
      },
    ]);
  });

  it('alarms when a prune fails and when none ran for 3 hours', () => {
    // Act
    const errors = resourceById(template, 'PruneErrorsAlarm').Properties;
    const silent = resourceById(template, 'PruneNotRunningAlarm').Properties;

    // Assess
    const onThePrune = [{ Name: 'FunctionName', Value: { Ref: 'PruneLambdaFunction' } }];
    expect(errors).toMatchObject({ MetricName: 'Errors', Dimensions: onThePrune, Threshold: 0 });
    expect(silent).toMatchObject({
      MetricName: 'Invocations',
      Dimensions: onThePrune,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 3600,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
    });
    for (const alarm of [errors, silent]) {
      expect(alarm?.ActionsEnabled).toBe(true);
      expect(alarm?.AlarmActions).toEqual(alarm?.OKActions);
      expect(alarm?.AlarmActions).toHaveLength(1);
    }
  });
});

describe.each(STAGES.filter((stage) => stage !== 'prod'))('datastore template (%s)', (stage) => {
  it('differs from prod only where the stage profile says so, with the profile values', () => {
    // Prepare: prod's template with this stage's profile values put in.
    const prod = normalized('prod');
    const expected = withValues(prod, profileDrivenValues(profileOf(stage)));

    // Act
    const actual = normalized(stage);

    // Assess
    expect(actual.Resources).toEqual(expected);
    expect(actual.Outputs).toEqual(prod.Outputs);
  });
});

describe.each(STAGES)('datastore template (%s) against its own profile', (stage) => {
  it('holds the profile value at every place a profile reaches', () => {
    // Prepare
    const template = normalized(stage);

    // Act / Assess: putting the stage's own values in changes nothing.
    expect(template.Resources).toEqual(withValues(template, profileDrivenValues(profileOf(stage))));
  });
});
