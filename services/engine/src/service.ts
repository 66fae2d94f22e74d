/**
 * The engine's ECS cluster, Fargate service and its autoscaling.
 *
 * The service runs in the private subnets (no public IP, no NAT needed: AWS APIs through the
 * endpoints stack), rolls out a new task definition by starting new tasks before stopping old ones
 * (100 % / 200 %), and rolls back on its own when the new tasks do not become healthy (deployment
 * circuit breaker). Fargate spreads tasks over the subnets' AZs and rebalances them after an AZ event.
 *
 * How many tasks run is Application Auto Scaling's job, between `engine.minCount` and
 * `engine.maxCount`: target tracking on average CPU and on average memory, whichever asks for more.
 * The template sets no `DesiredCount`: one in the template would reset a scaled-out service to
 * that number on every deploy.
 */
import { type CfnResource, type Resources, ref, resource, splitList, sub } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';

/**
 * Target tracking settings: scale out when the tasks' average CPU passes 60 % or memory 75 %
 * (headroom for a burst while new tasks start, ~1 min on Fargate), out fast, in slowly.
 * To change them, change these values; the README's "Scaling" table quotes them.
 */
export const SCALING = {
  cpuTargetPercent: 60,
  memoryTargetPercent: 75,
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
}

/** The Fargate service `game-<stage>-engine`. */
export const engineService = (options: ServiceOptions): CfnResource<'AWS::ECS::Service'> => {
  const { stage, engine } = options.profile;
  return resource('AWS::ECS::Service', {
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
    AvailabilityZoneRebalancing: 'ENABLED',
    EnableExecuteCommand: engine.enableExecuteCommand,
    PropagateTags: 'SERVICE',
    EnableECSManagedTags: true,
  });
};

/** `service/<cluster>/<service>`, how Application Auto Scaling names an ECS service. */
const scalableResourceId = (clusterId: string, serviceId: string) =>
  sub(`service/\${${clusterId}}/\${${serviceId}.Name}`);

const targetTracking = (
  targetId: string,
  metric: 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization',
  targetValue: number,
  policyName: string,
): CfnResource<'AWS::ApplicationAutoScaling::ScalingPolicy'> =>
  resource('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyName: policyName,
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: ref(targetId),
    TargetTrackingScalingPolicyConfiguration: {
      PredefinedMetricSpecification: { PredefinedMetricType: metric },
      TargetValue: targetValue,
      ScaleOutCooldown: SCALING.scaleOutCooldownSeconds,
      ScaleInCooldown: SCALING.scaleInCooldownSeconds,
    },
  });

/**
 * The scalable target (bounds from the profile) and the two target
 * tracking policies. No `RoleARN`: Application Auto Scaling uses its ECS service-linked role
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
  };
};
