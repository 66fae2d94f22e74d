/**
 * The engine as its alarms watch it and the dashboard shows it. Each alarm notifies the stage's
 * alarm topic (network output `alarmTopicArn`):
 *
 * - fewer tasks running than desired for 5 minutes: tasks crash, fail their health check, cannot
 *   pull the image or cannot be placed. Compared with metric math on Container Insights, per
 *   minute: `DesiredTaskCount - RunningTaskCount > 0`. Against the desired count, not a fixed
 *   number, so it holds at any scale; 5 minutes, because a scale-out legitimately runs short while
 *   its new tasks start (about a minute on Fargate) and a rolling deploy never does (100 % minimum);
 * - average CPU above 85 % for 5 minutes: target tracking (60 %) could not keep up, usually because
 *   the service is at `engine.maxCount`;
 * - average memory above 90 % for 5 minutes: same, and the tasks are close to being killed at the
 *   container memory limit.
 *
 * The load balancer in front of the tasks (stack/load-balancer.ts), per minute over
 * `EDGE_ALARMS.minutes`: the tasks' 5xx, the load balancer's own 5xx, p99 target response time and
 * unhealthy hosts (thresholds and why: `EDGE_ALARMS`). They watch the load balancer as a whole, or
 * both target groups, never one group: a blue/green release moves the traffic from one group to the
 * other, and an alarm on one group would go blind to the players after every second release.
 * These four are the release alarms (`RELEASE_ALARMS`): a blue/green deployment rolls back when one
 * goes off during its bake time.
 *
 * One definition, two readers: the engine stack deploys the alarms with its own resources
 * (`engineStackResources` in service.ts: `Ref`/`GetAtt`), and the stage's dashboard in the frontend stack draws the
 * same section with the engine's outputs (compose params naming the same resources).
 */
import { type DashboardSection, stagePrefix, type Value } from '@game-platform/resources';
import { EDGE_ALARMS, HEALTH_CHECK_PATH } from './load-balancer';

export const ALARM_MINUTES = 5;
export const CPU_HIGH_PERCENT = 85;
export const MEMORY_HIGH_PERCENT = 90;

/** The engine's resources as CloudWatch names them in metric dimensions. */
export interface EngineResourceNames {
  clusterName: Value<string>;
  serviceName: Value<string>;
  /** `app/<name>/<id>`: ELBv2 metrics name the load balancer by its "full name". */
  loadBalancerFullName: Value<string>;
  /** `targetgroup/<name>/<id>`. */
  targetGroupFullName: Value<string>;
  /** The same for blue/green's second target group. */
  alternateTargetGroupFullName: Value<string>;
}

export interface EngineSectionOptions extends EngineResourceNames {
  stage: string;
}

/**
 * The alarms a blue/green release rolls back on (service.ts, `DeploymentConfiguration.Alarms`): the
 * ones a bad image trips under real traffic (errors, slowness, failing health checks). Not CPU,
 * memory or the task count: those measure capacity, and a release doubling the tasks for its bake
 * time, or a traffic peak, must not undo a good image.
 */
export const RELEASE_ALARMS = [
  'EngineTarget5xxAlarm',
  'EngineLoadBalancer5xxAlarm',
  'EngineResponseTimeP99Alarm',
  'EngineUnhealthyHostsAlarm',
] as const;

/** The load balancer's alarms: the players' requests as the engine sees them. */
const loadBalancerAlarms = (options: EngineSectionOptions): DashboardSection['alarms'] => {
  const { stage } = options;
  const { minutes } = EDGE_ALARMS;
  const namespace = 'AWS/ApplicationELB';
  const loadBalancer = { LoadBalancer: options.loadBalancerFullName };
  const unhealthyHosts = (targetGroupFullName: Value<string>) => ({
    namespace,
    metricName: 'UnHealthyHostCount',
    // UnHealthyHostCount exists per target group only, so the alarm takes the larger of the two.
    dimensions: { ...loadBalancer, TargetGroup: targetGroupFullName },
    statistic: 'Maximum' as const,
  });
  const sustained = { periodSeconds: 60, evaluationPeriods: minutes };
  return {
    EngineTarget5xxAlarm: {
      title: 'Engine 5xx a minute (tasks)',
      description: `${stagePrefix(stage)}: engine tasks answered more than ${EDGE_ALARMS.target5xxPerMinute} 5xx responses a minute for ${minutes} minutes; see the engine's logs (the database or the queue is usually why)`,
      namespace,
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensions: loadBalancer,
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: EDGE_ALARMS.target5xxPerMinute,
      ...sustained,
    },
    EngineLoadBalancer5xxAlarm: {
      title: 'Load balancer 5xx a minute (its own)',
      description: `${stagePrefix(stage)}: the engine's load balancer itself answered more than ${EDGE_ALARMS.loadBalancer5xxPerMinute} 5xx a minute for ${minutes} minutes (no healthy task, tasks refusing connections or timing out)`,
      namespace,
      metricName: 'HTTPCode_ELB_5XX_Count',
      dimensions: loadBalancer,
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: EDGE_ALARMS.loadBalancer5xxPerMinute,
      ...sustained,
    },
    EngineResponseTimeP99Alarm: {
      title: 'Engine response time p99 (s)',
      description: `${stagePrefix(stage)}: the slowest 1 % of engine responses took over ${EDGE_ALARMS.p99ResponseSeconds} s for ${minutes} minutes (database load, pool exhaustion or CPU)`,
      namespace,
      metricName: 'TargetResponseTime',
      dimensions: loadBalancer,
      statistic: 'p99',
      comparison: 'GreaterThanThreshold',
      threshold: EDGE_ALARMS.p99ResponseSeconds,
      ...sustained,
    },
    EngineUnhealthyHostsAlarm: {
      title: 'Engine tasks failing the health check',
      description: `${stagePrefix(stage)}: an engine task failed the load balancer's health check (${HEALTH_CHECK_PATH}) for ${minutes} minutes`,
      metrics: {
        primary: unhealthyHosts(options.targetGroupFullName),
        alternate: unhealthyHosts(options.alternateTargetGroupFullName),
      },
      expression: 'MAX([primary, alternate])',
      label: 'Unhealthy tasks (the larger of the two target groups)',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      ...sustained,
    },
  };
};

export const engineSection = (options: EngineSectionOptions): DashboardSection => {
  const { stage } = options;
  const dimensions = { ClusterName: options.clusterName, ServiceName: options.serviceName };
  const sustained = { periodSeconds: 60, evaluationPeriods: ALARM_MINUTES };
  return {
    title: 'Engine: load balancer and Fargate tasks',
    alarms: {
      ...loadBalancerAlarms(options),
      EngineRunningTasksBelowDesiredAlarm: {
        title: 'Engine tasks: running vs desired',
        description: `${stagePrefix(stage)}: fewer engine tasks running than desired for ${ALARM_MINUTES} minutes (crashing, unhealthy, image pull or placement failures); see the service events in the ECS console`,
        metrics: {
          desired: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'DesiredTaskCount',
            dimensions,
            statistic: 'Average',
          },
          running: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensions,
            statistic: 'Average',
          },
        },
        expression: 'desired - running',
        label: 'Tasks missing (desired - running)',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
        ...sustained,
      },
      EngineCpuHighAlarm: {
        title: 'Engine CPU (%)',
        description: `${stagePrefix(stage)}: engine tasks averaged over ${CPU_HIGH_PERCENT} % CPU for ${ALARM_MINUTES} minutes; autoscaling is at engine.maxCount or too slow`,
        namespace: 'AWS/ECS',
        metricName: 'CPUUtilization',
        dimensions,
        statistic: 'Average',
        comparison: 'GreaterThanThreshold',
        threshold: CPU_HIGH_PERCENT,
        ...sustained,
      },
      EngineMemoryHighAlarm: {
        title: 'Engine memory (%)',
        description: `${stagePrefix(stage)}: engine tasks averaged over ${MEMORY_HIGH_PERCENT} % memory for ${ALARM_MINUTES} minutes; tasks near the container memory limit are killed`,
        namespace: 'AWS/ECS',
        metricName: 'MemoryUtilization',
        dimensions,
        statistic: 'Average',
        comparison: 'GreaterThanThreshold',
        threshold: MEMORY_HIGH_PERCENT,
        ...sustained,
      },
    },
    panels: [
      {
        title: 'Load balancer requests',
        metrics: [
          {
            namespace: 'AWS/ApplicationELB',
            metricName: 'RequestCount',
            dimensions: { LoadBalancer: options.loadBalancerFullName },
            statistic: 'Sum',
            label: 'requests',
          },
        ],
      },
      { alarm: 'EngineTarget5xxAlarm' },
      { alarm: 'EngineLoadBalancer5xxAlarm' },
      { alarm: 'EngineResponseTimeP99Alarm' },
      { alarm: 'EngineUnhealthyHostsAlarm' },
      { alarm: 'EngineRunningTasksBelowDesiredAlarm' },
      { alarm: 'EngineCpuHighAlarm' },
      { alarm: 'EngineMemoryHighAlarm' },
    ],
  };
};
