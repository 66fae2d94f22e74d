/**
 * The engine stack as synthesized for each checked stage profile (the CloudFormation that would be
 * deployed, not the TypeScript that produced it): the image it runs (the repository is the image
 * step's, not the stack's), the hardened task
 * definition, the two roles and what they grant, the private Fargate service with its rollout and
 * autoscaling, the alarms, and that PLATFORM.ENGINE.1-2 fail on this very template when the task
 * role grants something on "*" or the CPU/memory pair is not one Fargate accepts.
 */

import { resourceName, stagePrefix } from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { CHECKED_PROFILES, isFargateTaskSize, loadStageProfile } from '@game-platform/shared/profiles';
import {
  resourceById,
  resourcesOfType,
  synthesizedTemplate,
  type Template,
} from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules';
import { engineImageTag } from '../stack/image';
import { REPO_ROOT } from '../stack/image-inputs';
import { EXEC_CHANNEL_ACTIONS } from '../stack/roles';
import { HEALTH_CHECK, SHUTDOWN_MARGIN_SECONDS, STOP_TIMEOUT_SECONDS } from '../stack/task-definition';

/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;

type Json = Record<string, unknown>;
interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: unknown;
}

const policyStatements = (role: Json): Statement[] =>
  (role.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );

describe.each(STAGES)('engine template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'engine');
  const profile = loadStageProfile(stage);
  const { engine } = profile;
  const properties = (id: string) => resourceById(template, id).Properties ?? {};
  const container = () => (properties('EngineTaskDefinition').ContainerDefinitions as Json[])[0] ?? {};
  const environment = () =>
    Object.fromEntries(
      (container().Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]),
    );

  it('creates a cluster with Container Insights', () => {
    expect(properties('EngineCluster')).toMatchObject({
      ClusterName: resourceName(stage, 'engine'),
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('does not declare the image repository: the image step creates it before the first push', () => {
    expect(resourcesOfType(template, 'AWS::ECR::Repository')).toEqual({});
  });

  it('sizes the Fargate task from the profile, with a pair Fargate accepts, on the profile architecture', () => {
    const task = properties('EngineTaskDefinition');
    expect(task).toMatchObject({
      Family: resourceName(stage, 'engine'),
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: engine.cpuArchitecture, OperatingSystemFamily: 'LINUX' },
      Cpu: String(engine.cpu),
      Memory: String(engine.memoryMiB),
    });
    expect(isFargateTaskSize(Number(task.Cpu), Number(task.Memory))).toBe(true);
    expect(task.ContainerDefinitions).toHaveLength(1);
  });

  it('hardens the container: non-root, read-only root with a writable /tmp, no privileges or capabilities, memory capped', () => {
    expect(container()).toMatchObject({
      Name: 'engine',
      Essential: true,
      User: '65532:65532',
      ReadonlyRootFilesystem: true,
      Privileged: false,
      Memory: engine.memoryMiB,
      LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
      PortMappings: [{ ContainerPort: ENGINE_CONTAINER_PORT, Protocol: 'tcp', Name: 'http' }],
    });
    // ECS Exec's agent needs two more writable paths; the root filesystem stays read-only.
    const writable = [
      ['scratch', '/tmp'],
      ...(engine.enableExecuteCommand
        ? [
            ['ssm-agent-state', '/var/lib/amazon'],
            ['ssm-agent-logs', '/var/log/amazon'],
          ]
        : []),
    ];
    expect(container().MountPoints).toEqual(
      writable.map(([SourceVolume, ContainerPath]) => ({ SourceVolume, ContainerPath, ReadOnly: false })),
    );
    expect(properties('EngineTaskDefinition').Volumes).toEqual(writable.map(([Name]) => ({ Name })));
  });

  it('runs the content tag of this checkout (or the pinned tag) from the stage repository in the stage region', () => {
    const tag = engineImageTag(profile, REPO_ROOT);
    expect(tag).toMatch(engine.imageTag === null ? /^src-[0-9a-f]{16}$/ : /.+/);
    expect(container().Image).toEqual({
      'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.${profile.region}.amazonaws.com/${resourceName(stage, 'engine')}:${tag}`,
    });
  });

  it('checks health with the app command after a start period, and stops after the app drain budget', () => {
    expect(container().HealthCheck).toEqual({
      Command: ['CMD', '/nodejs/bin/node', '/app/healthcheck.mjs'],
      Interval: HEALTH_CHECK.intervalSeconds,
      Timeout: HEALTH_CHECK.timeoutSeconds,
      Retries: HEALTH_CHECK.retries,
      StartPeriod: HEALTH_CHECK.startPeriodSeconds,
    });
    // What the stage profile's validation used to ask of these values, now the service's own.
    expect(HEALTH_CHECK.startPeriodSeconds).toBeGreaterThan(0);
    expect(HEALTH_CHECK.timeoutSeconds).toBeLessThan(HEALTH_CHECK.intervalSeconds);
    expect(container().StopTimeout).toBe(STOP_TIMEOUT_SECONDS);
    expect(STOP_TIMEOUT_SECONDS).toBeGreaterThan(SHUTDOWN_MARGIN_SECONDS);
    expect(STOP_TIMEOUT_SECONDS).toBeLessThanOrEqual(120); // Fargate's maximum
    expect(Number(environment().SHUTDOWN_TIMEOUT_SECONDS)).toBe(
      STOP_TIMEOUT_SECONDS - SHUTDOWN_MARGIN_SECONDS,
    );
  });

  it('logs through awslogs to a KMS-encrypted log group with the stage retention', () => {
    expect(container().LogConfiguration).toMatchObject({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: 'EngineLogGroup' },
        'awslogs-region': profile.region,
        'awslogs-stream-prefix': 'engine',
      },
    });
    expect(properties('EngineLogGroup')).toMatchObject({
      LogGroupName: `/game/${stage}/engine`,
      RetentionInDays: profile.observability.logRetentionDays,
      KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
    });
  });

  it('passes the queue and the database endpoint in the environment, and no secret anywhere', () => {
    expect(environment()).toEqual({
      EVENTS_QUEUE_URL: `https://sqs.${profile.region}.amazonaws.com/123456789012/${resourceName(stage, 'events')}`,
      DATABASE_IAM_USER: 'game_engine',
      DATABASE_ENDPOINT_ADDRESS: expect.stringMatching(/\.rds\.amazonaws\.com$/),
      DATABASE_PORT: '5432',
      DATABASE_NAME: expect.any(String),
      DATABASE_POOL_MAX: String(engine.databasePoolMax),
      AWS_REGION: { Ref: 'AWS::Region' },
      PORT: String(ENGINE_CONTAINER_PORT),
      SHUTDOWN_TIMEOUT_SECONDS: String(STOP_TIMEOUT_SECONDS - SHUTDOWN_MARGIN_SECONDS),
      LOG_LEVEL: 'info',
      STAGE: stage,
      LIVE_MAX_CONNECTIONS: '1000',
    });
    expect(JSON.stringify(environment())).not.toMatch(/secretsmanager|PASSWORD|SECRET|TOKEN/i);
    // IAM database authentication: no database secret; the player id key and a profile's secrets go to `Secrets`.
    expect(container().Secrets).toEqual([
      ...Object.entries(engine.secrets).map(([Name, ValueFrom]) => ({ Name, ValueFrom })),
      { Name: 'PLAYER_ID_SIGNING_KEY', ValueFrom: { Ref: 'PlayerIdSigningKeySecret' } },
    ]);
  });

  it('creates the player id signing key as a generated secret that only the execution role may read', () => {
    expect(properties('PlayerIdSigningKeySecret')).toEqual({
      Name: `${stagePrefix(stage)}/engine/player-id-signing-key`,
      Description: expect.stringContaining('not rotated'),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    expect(properties('PlayerIdSigningKeySecretPolicy')).toEqual({
      SecretId: { Ref: 'PlayerIdSigningKeySecret' },
      BlockPublicPolicy: true,
      ResourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OnlyEngineTasksReadTheKey',
            Effect: 'Deny',
            Principal: '*',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: '*',
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['EngineExecutionRole', 'Arn'] } },
            },
          },
        ],
      },
    });
  });

  it(`lets the task role send to the events queue, connect as game_engine, protect its own tasks from scale-in${engine.enableExecuteCommand ? ', open ECS Exec sessions' : ''}, and nothing else`, () => {
    const role = properties('EngineTaskRole');
    expect(role.ManagedPolicyArns).toBeUndefined();
    const exec = [
      { Sid: 'OpenExecSessionChannels', Effect: 'Allow', Action: EXEC_CHANNEL_ACTIONS, Resource: '*' },
      { Sid: 'FindExecLogGroup', Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: '*' },
      {
        Sid: 'WriteExecSessionLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['EngineLogGroup', 'Arn'] },
      },
    ];
    expect(policyStatements(role)).toEqual([
      {
        Sid: 'PublishGameEvents',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        Resource: `arn:aws:sqs:${profile.region}:123456789012:${resourceName(stage, 'events')}`,
      },
      {
        Sid: 'ConnectToDatabaseAsEngine',
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: {
          'Fn::Sub': expect.stringMatching(
            /^arn:\$\{AWS::Partition\}:rds-db:\$\{AWS::Region\}:\$\{AWS::AccountId\}:dbuser:db-[A-Z0-9]+\/game_engine$/,
          ),
        },
      },
      {
        Sid: 'ProtectOwnTasksFromScaleIn',
        Effect: 'Allow',
        Action: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/${resourceName(stage, 'engine')}/*`,
        },
      },
      ...(engine.enableExecuteCommand ? exec : []),
    ]);
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('ecs-tasks.amazonaws.com');
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
  });

  it('lets the execution role pull this repository, write this log group and read the injected secrets; only the registry token is on "*"', () => {
    const role = properties('EngineExecutionRole');
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(policyStatements(role)).toEqual([
      { Sid: 'GetRegistryToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Sid: 'PullEngineImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:ecr:${profile.region}:\${AWS::AccountId}:repository/${resourceName(stage, 'engine')}`,
        },
      },
      {
        Sid: 'WriteContainerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['EngineLogGroup', 'Arn'] },
      },
      {
        Sid: 'ReadInjectedSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [...Object.values(engine.secrets), { Ref: 'PlayerIdSigningKeySecret' }],
      },
    ]);
    expect(properties('EngineTaskDefinition')).toMatchObject({
      TaskRoleArn: { 'Fn::GetAtt': ['EngineTaskRole', 'Arn'] },
      ExecutionRoleArn: { 'Fn::GetAtt': ['EngineExecutionRole', 'Arn'] },
    });
  });

  it('runs the service in the private subnets without a public IP, on Fargate LATEST, rolling back failed deploys', () => {
    const service = properties('EngineService');
    expect(service).toMatchObject({
      ServiceName: resourceName(stage, 'engine'),
      Cluster: { Ref: 'EngineCluster' },
      TaskDefinition: { Ref: 'EngineTaskDefinition' },
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      // The strategy per stage (rolling or blue/green): tests/release.test.ts.
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: expect.objectContaining({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
      AvailabilityZoneRebalancing: 'ENABLED',
      EnableExecuteCommand: engine.enableExecuteCommand,
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
    });
    const network = (service.NetworkConfiguration as { AwsvpcConfiguration: Json }).AwsvpcConfiguration;
    expect(network.AssignPublicIp).toBe('DISABLED');
    expect(network.SecurityGroups).toEqual([expect.stringMatching(/^sg-/)]);
    expect(network.Subnets).toHaveLength(profile.network.azCount);
    for (const subnet of network.Subnets as string[]) expect(subnet).toMatch(/^subnet-/);
  });

  it(`leaves the task count to autoscaling between ${engine.minCount} and ${engine.maxCount}, on CPU, memory, requests and live connections per task`, () => {
    expect(properties('EngineService').DesiredCount).toBeUndefined();
    expect(properties('EngineScalableTarget')).toMatchObject({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: { 'Fn::Sub': 'service/${EngineCluster}/${EngineService.Name}' },
      MinCapacity: engine.minCount,
      MaxCapacity: engine.maxCount,
    });
    const policies = Object.values(resourcesOfType(template, 'AWS::ApplicationAutoScaling::ScalingPolicy'));
    expect(
      policies.map((policy) => (policy.Properties?.TargetTrackingScalingPolicyConfiguration as Json) ?? {}),
    ).toEqual([
      expect.objectContaining({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
      expect.objectContaining({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
        TargetValue: 75,
      }),
      // From the load balancer: tests/load-balancer.test.ts.
      expect.objectContaining({
        CustomizedMetricSpecification: expect.objectContaining({ Metrics: expect.any(Array) }),
      }),
      // The live channel's connections per task, from the engine's EMF lines: 70 % of the task's cap.
      expect.objectContaining({
        CustomizedMetricSpecification: {
          Namespace: 'GamePlatform/Engine',
          MetricName: 'LiveConnections',
          Dimensions: [{ Name: 'Stage', Value: stage }],
          Statistic: 'Average',
          Unit: 'Count',
        },
        TargetValue: 700,
      }),
    ]);
    expect(environment().LIVE_MAX_CONNECTIONS).toBe('1000');
  });

  it('alarms, with actions, on missing tasks (desired - running), high CPU and high memory', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms).sort()).toEqual([
      'EngineCpuHighAlarm',
      // The load balancer's alarms: tests/load-balancer.test.ts.
      'EngineLoadBalancer5xxAlarm',
      'EngineMemoryHighAlarm',
      'EngineResponseTimeP99Alarm',
      'EngineRunningTasksBelowDesiredAlarm',
      'EngineTarget5xxAlarm',
      'EngineUnhealthyHostsAlarm',
    ]);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties).toMatchObject({
        ActionsEnabled: true,
        AlarmActions: [expect.stringMatching(/^arn:aws:sns:/)],
        OKActions: [expect.stringMatching(/^arn:aws:sns:/)],
        EvaluationPeriods: 5,
      });
    }
    const missing = properties('EngineRunningTasksBelowDesiredAlarm');
    expect(missing).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 });
    const metrics = missing.Metrics as Array<Json & { MetricStat?: { Metric: Json } }>;
    expect(metrics.map((metric) => metric.Expression ?? metric.MetricStat?.Metric.MetricName)).toEqual([
      'DesiredTaskCount',
      'RunningTaskCount',
      'desired - running',
    ]);
    expect(metrics[0]?.MetricStat?.Metric.Namespace).toBe('ECS/ContainerInsights');
    expect(properties('EngineCpuHighAlarm')).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 85 });
    expect(properties('EngineMemoryHighAlarm')).toMatchObject({
      MetricName: 'MemoryUtilization',
      Threshold: 90,
    });
  });

  it('outputs the names an operator needs', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'engineClusterArn',
        'engineClusterName',
        'engineServiceName',
        'engineImageUri',
        'engineLogGroupName',
      ]),
    );
  });

  describe('PLATFORM.ENGINE rules on this template', () => {
    const check = (candidate: Template) =>
      rules
        .flatMap((rule) => rule.check({ stage, profile, templates: { engine: candidate } }))
        .map((finding) => finding.rule);
    const copy = (): Template => structuredClone(template);

    it('pass as synthesized', () => {
      expect(check(template)).toEqual([]);
    });

    it('fail when the task role grants an action on "*"', () => {
      const broken = copy();
      const taskRole = resourceById(broken, 'EngineTaskRole').Properties ?? {};
      const [policy] = taskRole.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
      policy?.PolicyDocument.Statement.push({
        Sid: 'Everything',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: '*',
      });
      expect(check(broken)).toEqual(['PLATFORM.ENGINE.1']);
    });

    it('fail when the CPU/memory pair is not one Fargate accepts', () => {
      const broken = copy();
      Object.assign(broken.Resources.EngineTaskDefinition?.Properties ?? {}, {
        Memory: String(engine.memoryMiB + 1),
      });
      expect(check(broken)).toEqual(['PLATFORM.ENGINE.2']);
    });
  });
});
