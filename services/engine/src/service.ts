/**
 * The engine's ECS cluster, Fargate service and its autoscaling.
 *
 * The service runs in the private subnets (no public IP, no NAT needed: AWS APIs through the
 * endpoints stack), rolls out a new task definition by starting new tasks before stopping old ones
 * (100 % / 200 %), and rolls back on its own when the new tasks do not become healthy (deployment
 * circuit breaker). Fargate spreads tasks over the subnets' AZs and rebalances them after an AZ event.
 *
 * How many tasks run is Application Auto Scaling's job, between `engine.minCount` and
 * `engine.maxCount`: target tracking on average CPU, on average memory and on requests per task
 * (from the load balancer), whichever asks for more.
 * The template sets no `DesiredCount`: one in the template would reset a scaled-out service to
 * that number on every deploy.
 */
import {
  type ApplicationAutoScalingScalingPolicy_CustomizedMetricSpecification,
  type CfnResource,
  type Resources,
  ref,
  resource,
  splitList,
  sub,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { ENGINE_METRICS_NAMESPACE, LIVE_CONNECTIONS_METRIC } from '../app/src/adapters/emf-metrics';
import { LIVE_CONNECTIONS_SCALE_AT, LIVE_MAX_CONNECTIONS_PER_TASK } from './environment';
import { healthCheckGracePeriodSeconds, LISTENER, requestCountResourceLabel } from './load-balancer';
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
   * Requests per task per minute (ALBRequestCountPerTarget). One task served ~2,400 leaderboard reads
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
export const cluster = (stage: string): CfnResource<'AWS::ECS::Cluster'> =>
  resource('AWS::ECS::Cluster', {
    ClusterName: `game-${stage}-engine`,
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
}

/** The Fargate service `game-<stage>-engine`. */
export const engineService = (options: ServiceOptions): CfnResource<'AWS::ECS::Service'> => {
  const { stage, engine } = options.profile;
  return resource(
    'AWS::ECS::Service',
    {
      ServiceName: `game-${stage}-engine`,
      Cluster: ref(options.clusterId),
      TaskDefinition: ref(options.taskDefinitionId),
      LaunchType: 'FARGATE',
      PlatformVersion: 'LATEST',
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [options.securityGroupId],
          // One private subnet per AZ; the platform plugin writes the list out in the template.
          Subnets: splitList(options.subnetIds),
        },
      },
      // Each task registers its IP in the target group; ECS waits for it to pass the load balancer's
      // health check in a deployment, and deregisters (and drains) it before stopping it.
      LoadBalancers: [
        {
          ContainerName: CONTAINER_NAME,
          ContainerPort: engine.containerPort,
          TargetGroupArn: ref(options.targetGroupId),
        },
      ],
      HealthCheckGracePeriodSeconds: healthCheckGracePeriodSeconds(options.profile),
      AvailabilityZoneRebalancing: 'ENABLED',
      EnableExecuteCommand: engine.enableExecuteCommand,
      PropagateTags: 'SERVICE',
      EnableECSManagedTags: true,
    },
    // ECS refuses a target group that no listener uses yet.
    { DependsOn: [LISTENER] },
  );
};

/** `service/<cluster>/<service>`, how Application Auto Scaling names an ECS service. */
const scalableResourceId = (clusterId: string, serviceId: string) =>
  sub(`service/\${${clusterId}}/\${${serviceId}.Name}`);

const targetTracking = (
  targetId: string,
  metric:
    | 'ECSServiceAverageCPUUtilization'
    | 'ECSServiceAverageMemoryUtilization'
    | { type: 'ALBRequestCountPerTarget'; resourceLabel: unknown }
    | { custom: ApplicationAutoScalingScalingPolicy_CustomizedMetricSpecification },
  targetValue: number,
  policyName: string,
): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy'> =>
  resource('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: policyName,
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: ref(targetId),
    TargetTrackingScalingPolicyConfiguration: {
      ...(typeof metric === 'object' && 'custom' in metric
        ? { CustomizedMetricSpecification: metric.custom }
        : {
            PredefinedMetricSpecification:
              typeof metric === 'string'
                ? { PredefinedMetricType: metric }
                : { PredefinedMetricType: metric.type, ResourceLabel: metric.resourceLabel as string },
          }),
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
    EngineScalableTarget: resource('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: scalableResourceId(options.clusterId, options.serviceId),
      MinCapacity: engine.minCount,
      MaxCapacity: engine.maxCount,
    }),
    EngineCpuScalingPolicy: targetTracking(
      'EngineScalableTarget',
      'ECSServiceAverageCPUUtilization',
      SCALING.cpuTargetPercent,
      `game-${stage}-engine-cpu`,
    ),
    EngineMemoryScalingPolicy: targetTracking(
      'EngineScalableTarget',
      'ECSServiceAverageMemoryUtilization',
      SCALING.memoryTargetPercent,
      `game-${stage}-engine-memory`,
    ),
    EngineRequestCountScalingPolicy: targetTracking(
      'EngineScalableTarget',
      { type: 'ALBRequestCountPerTarget', resourceLabel: requestCountResourceLabel() },
      SCALING.requestsPerTaskPerMinute,
      `game-${stage}-engine-requests`,
    ),
    // Live connections per task, from the engine's EMF log lines (Average over the tasks' datapoints):
    // a crowd of open pages scales out before the task's connection cap refuses anyone.
    EngineLiveConnectionsScalingPolicy: targetTracking(
      'EngineScalableTarget',
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
      `game-${stage}-engine-live-connections`,
    ),
  };
};
