/**
 * The engine's ECS cluster, Fargate service and its autoscaling.
 *
 * The service runs in the private subnets (no public IP, no NAT needed: AWS APIs through the
 * endpoints stack) and releases a new task definition the way the profile's `engine.deployment` says:
 *
 * - `ROLLING` (dev): new tasks start before old ones stop (100 % / 200 %); the deployment circuit
 *   breaker rolls back when they do not become healthy;
 * - `BLUE_GREEN` (staging, prod), ECS's own strategy: a full set of new (green) tasks starts in the
 *   target group without traffic, ECS moves the production listener rule's weights to it in one step,
 *   and the old (blue) tasks keep running for `bakeTimeMinutes`. If a release alarm (`RELEASE_ALARMS`)
 *   goes off or the circuit breaker trips before the bake ends, ECS moves the weights back to blue
 *   (still running, so nothing waits for a task to start) and stops green. After the bake, blue's
 *   tasks are deregistered (drained for `DEREGISTRATION_DELAY_SECONDS`) and stopped.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html
 *
 * Fargate spreads tasks over the subnets' AZs and rebalances them after an AZ event.
 *
 * How many tasks run is Application Auto Scaling's job, between `engine.minCount` and
 * `engine.maxCount`: target tracking on average CPU, on average memory and on requests per task
 * (from the load balancer), whichever asks for more.
 * The template sets no `DesiredCount`: one in the template would reset a scaled-out service to
 * that number on every deploy.
 */
import {
  type ApplicationAutoScalingScalingPolicy_CustomizedMetricSpecification,
  alarmName,
  type CfnResource,
  getAtt,
  type Resources,
  ref,
  resource,
  resourceName,
  splitList,
  sub,
} from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import type { StageProfile } from '@game-platform/shared/profiles';
import { ENGINE_METRICS_NAMESPACE, LIVE_CONNECTIONS_METRIC } from '../src/adapters/emf-metrics';
import { LIVE_CONNECTIONS_SCALE_AT, LIVE_MAX_CONNECTIONS_PER_TASK } from './environment';
import {
  ALTERNATE_TARGET_GROUP,
  HEALTH_CHECK_GRACE_PERIOD_SECONDS,
  LOAD_BALANCER,
  TARGET_GROUP,
} from './load-balancer';
import { type EngineResourceNames, RELEASE_ALARMS } from './monitoring';
import { CONTAINER_NAME } from './task-definition';

/**
 * Target tracking settings: scale out when the tasks' average CPU passes 60 % or memory 75 %
 * (headroom for a burst while new tasks start, ~1 min on Fargate), out fast, in slowly.
 * To change them, change these values; the README's "Scaling" table quotes them.
 */
export const SCALING = {
  cpuTargetPercent: 60,
  memoryTargetPercent: 75,
  /**
   * Requests per task per minute (`requestsPerTask`). One task served ~2,400 leaderboard reads
   * a second in the benchmark; 1,000 a minute keeps a wide margin for the database behind them and
   * scales out on a burst before CPU shows it (CloudFront's cache absorbs most reads first).
   */
  requestsPerTaskPerMinute: 1000,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
} as const;

/**
 * The cluster, with Container Insights (CT.ECS.PR.2: per-service task counts, CPU and memory
 * metrics; the running-tasks alarm reads them). ECS Exec sessions, when a stage allows them,
 * log to the task's awslogs group.
 */
/** The cluster (`cluster`), the service (`engineService`) and its scalable target (`scalingResources`). */
export const ENGINE_CLUSTER = 'EngineCluster';
export const ENGINE_SERVICE = 'EngineService';
export const ENGINE_SCALABLE_TARGET = 'EngineScalableTarget';

export const cluster = (stage: string): CfnResource<'AWS::ECS::Cluster'> =>
  resource('AWS::ECS::Cluster', {
    ClusterName: resourceName(stage, 'engine'),
    ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    Configuration: { ExecuteCommandConfiguration: { Logging: 'DEFAULT' } },
  });

export interface ServiceOptions {
  profile: StageProfile;
  clusterId: string;
  taskDefinitionId: string;
  /** Comma-separated private subnet ids (compose param `privateSubnetIds`). */
  subnetIds: string;
  securityGroupId: string;
  /** The load balancer's target group the tasks register in (load-balancer.ts). */
  targetGroupId: string;
  /** Blue/green's second target group (load-balancer.ts). */
  alternateTargetGroupId: string;
  /** The listener rule whose weights ECS moves between the two groups (load-balancer.ts). */
  productionListenerRuleId: string;
  /** The role ECS assumes to move them (roles.ts `loadBalancerInfrastructureRole`); blue/green only. */
  infrastructureRoleId: string;
}

/**
 * How the service releases, from the profile: rolling with the circuit breaker, or ECS blue/green with
 * the bake time and the release alarms as rollback triggers (by their fixed names, `alarmName`).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-deploymentconfiguration.html
 */
export const deploymentConfiguration = (profile: StageProfile) => {
  const { deployment } = profile.engine;
  const circuitBreaker = { DeploymentCircuitBreaker: { Enable: true, Rollback: true } };
  if (deployment.strategy === 'ROLLING')
    return { Strategy: 'ROLLING', MinimumHealthyPercent: 100, MaximumPercent: 200, ...circuitBreaker };
  return {
    Strategy: 'BLUE_GREEN',
    BakeTimeInMinutes: deployment.bakeTimeMinutes,
    ...circuitBreaker,
    Alarms: {
      AlarmNames: RELEASE_ALARMS.map((id) => alarmName(profile.stage, id)),
      Enable: true,
      Rollback: true,
    },
  };
};

/** The Fargate service `game-<stage>-engine`. */
export const engineService = (options: ServiceOptions): CfnResource<'AWS::ECS::Service'> => {
  const { stage, engine } = options.profile;
  return resource(
    'AWS::ECS::Service',
    {
      ServiceName: resourceName(stage, 'engine'),
      Cluster: ref(options.clusterId),
      TaskDefinition: ref(options.taskDefinitionId),
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: deploymentConfiguration(options.profile),
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [options.securityGroupId],
          // One private subnet per AZ; the platform plugin writes the list out in the template.
          Subnets: splitList(options.subnetIds),
        },
      },
      // Each task registers its IP in a target group; ECS waits for it to pass the load balancer's
      // health check in a deployment, and deregisters (and drains) it before stopping it. Blue/green
      // names the second group, the production rule and the role ECS moves traffic with.
      LoadBalancers: [
        {
          ContainerName: CONTAINER_NAME,
          ContainerPort: ENGINE_CONTAINER_PORT,
          TargetGroupArn: ref(options.targetGroupId),
          ...(engine.deployment.strategy === 'BLUE_GREEN'
            ? {
                AdvancedConfiguration: {
                  AlternateTargetGroupArn: ref(options.alternateTargetGroupId),
                  ProductionListenerRule: ref(options.productionListenerRuleId),
                  RoleArn: getAtt(options.infrastructureRoleId, 'Arn'),
                },
              }
            : {}),
        },
      ],
      HealthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_PERIOD_SECONDS,
      AvailabilityZoneRebalancing: 'ENABLED',
      EnableExecuteCommand: engine.enableExecuteCommand,
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
    },
    // ECS refuses a target group that no listener rule uses yet.
    { DependsOn: [options.productionListenerRuleId] },
  );
};

/** `service/<cluster>/<service>`, how Application Auto Scaling names an ECS service. */
const scalableResourceId = (clusterId: string, serviceId: string) =>
  sub(`service/\${${clusterId}}/\${${serviceId}.Name}`);

/**
 * Requests per running task per minute, for the whole load balancer: the load balancer's
 * `RequestCount` over Container Insights' `RunningTaskCount`. Not the predefined
 * ALBRequestCountPerTarget, which names ONE target group: after a blue/green release moves the
 * traffic to the other group it would read no data, and request scaling would stop unnoticed.
 */
const requestsPerTask = (clusterId: string, serviceId: string) => ({
  Metrics: [
    {
      Id: 'requests',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: [{ Name: 'LoadBalancer', Value: getAtt(LOAD_BALANCER, 'LoadBalancerFullName') }],
        },
        Stat: 'Sum',
      },
      ReturnData: false,
    },
    {
      Id: 'running',
      MetricStat: {
        Metric: {
          Namespace: 'ECS/ContainerInsights',
          MetricName: 'RunningTaskCount',
          Dimensions: [
            { Name: 'ClusterName', Value: ref(clusterId) },
            { Name: 'ServiceName', Value: getAtt(serviceId, 'Name') },
          ],
        },
        Stat: 'Average',
      },
      ReturnData: false,
    },
    { Id: 'requestsPerTask', Expression: 'requests / running', Label: 'Requests per task', ReturnData: true },
  ],
});

const targetTracking = (
  targetId: string,
  metric:
    | 'ECSServiceAverageCPUUtilization'
    | 'ECSServiceAverageMemoryUtilization'
    | {
        custom:
          | ReturnType<typeof requestsPerTask>
          | ApplicationAutoScalingScalingPolicy_CustomizedMetricSpecification;
      },
  targetValue: number,
  policyName: string,
): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy'> =>
  resource('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: policyName,
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: ref(targetId),
    TargetTrackingScalingPolicyConfiguration: {
      ...(typeof metric === 'string'
        ? { PredefinedMetricSpecification: { PredefinedMetricType: metric } }
        : { CustomizedMetricSpecification: metric.custom }),
      TargetValue: targetValue,
      ScaleOutCooldown: SCALING.scaleOutCooldownSeconds,
      ScaleInCooldown: SCALING.scaleInCooldownSeconds,
    },
  });

/**
 * The scalable target (bounds from the profile) and the four target
 * tracking policies (CPU, memory, requests per task, live connections per task). No `RoleARN`: Application Auto Scaling uses its ECS service-linked role
 * (AWSServiceRoleForApplicationAutoScaling_ECSService), creating it on first use.
 */
export const scalingResources = (options: {
  profile: StageProfile;
  clusterId: string;
  serviceId: string;
}): Resources => {
  const { engine, stage } = options.profile;
  return {
    [ENGINE_SCALABLE_TARGET]: resource('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: scalableResourceId(options.clusterId, options.serviceId),
      MinCapacity: engine.minCount,
      MaxCapacity: engine.maxCount,
    }),
    EngineCpuScalingPolicy: targetTracking(
      ENGINE_SCALABLE_TARGET,
      'ECSServiceAverageCPUUtilization',
      SCALING.cpuTargetPercent,
      resourceName(stage, 'engine-cpu'),
    ),
    EngineMemoryScalingPolicy: targetTracking(
      ENGINE_SCALABLE_TARGET,
      'ECSServiceAverageMemoryUtilization',
      SCALING.memoryTargetPercent,
      resourceName(stage, 'engine-memory'),
    ),
    EngineRequestCountScalingPolicy: targetTracking(
      ENGINE_SCALABLE_TARGET,
      { custom: requestsPerTask(options.clusterId, options.serviceId) },
      SCALING.requestsPerTaskPerMinute,
      resourceName(stage, 'engine-requests'),
    ),
    // Live connections per task, from the engine's EMF log lines (Average over the tasks' datapoints):
    // a crowd of open pages scales out before the task's connection cap refuses anyone.
    EngineLiveConnectionsScalingPolicy: targetTracking(
      ENGINE_SCALABLE_TARGET,
      {
        custom: {
          Namespace: ENGINE_METRICS_NAMESPACE,
          MetricName: LIVE_CONNECTIONS_METRIC,
          Dimensions: [{ Name: 'Stage', Value: stage }],
          Statistic: 'Average',
          Unit: 'Count',
        },
      },
      LIVE_MAX_CONNECTIONS_PER_TASK * LIVE_CONNECTIONS_SCALE_AT,
      resourceName(stage, 'engine-live-connections'),
    ),
  };
};

/** The names inside the engine stack itself, for its own alarms: a cluster's `Ref` is its name. */
export const engineStackResources: EngineResourceNames = {
  clusterName: ref(ENGINE_CLUSTER),
  serviceName: getAtt(ENGINE_SERVICE, 'Name'),
  loadBalancerFullName: getAtt(LOAD_BALANCER, 'LoadBalancerFullName'),
  targetGroupFullName: getAtt(TARGET_GROUP, 'TargetGroupFullName'),
  alternateTargetGroupFullName: getAtt(ALTERNATE_TARGET_GROUP, 'TargetGroupFullName'),
};
