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
 * When the stack has a load balancer in front of the tasks, the section starts with it: requests,
 * 5xx (from the load balancer and from the tasks) and p99 response time.
 */
import {
  type DashboardSection,
  type Graph,
  getAtt,
  type Resources,
  ref,
  type Value,
} from '@game-platform/resources';

export const ALARM_MINUTES = 5;
export const CPU_HIGH_PERCENT = 85;
export const MEMORY_HIGH_PERCENT = 90;

export interface EngineSectionOptions {
  stage: string;
  clusterId: string;
  serviceId: string;
  /** The engine stack's resources: a load balancer among them gets its graphs. */
  resources?: Resources;
}

/** ELBv2 metrics are keyed by the load balancer's "full name" (`app/<name>/<id>`). */
export const loadBalancerGraphs = (loadBalancer: Value<string>): Graph[] => {
  const metric = { namespace: 'AWS/ApplicationELB', dimensions: { LoadBalancer: loadBalancer } };
  return [
    {
      title: 'Load balancer requests',
      metrics: [{ ...metric, metricName: 'RequestCount', statistic: 'Sum', label: 'requests' }],
    },
    {
      title: 'Load balancer 5xx',
      metrics: [
        {
          ...metric,
          metricName: 'HTTPCode_ELB_5XX_Count',
          statistic: 'Sum',
          label: 'from the load balancer',
        },
        { ...metric, metricName: 'HTTPCode_Target_5XX_Count', statistic: 'Sum', label: 'from the tasks' },
      ],
    },
    {
      title: 'Load balancer response time p99 (s)',
      metrics: [{ ...metric, metricName: 'TargetResponseTime', statistic: 'p99', label: 'p99' }],
    },
  ];
};

export const engineSection = (options: EngineSectionOptions): DashboardSection => {
  const { stage } = options;
  // A cluster's Ref is its name.
  const dimensions = { ClusterName: ref(options.clusterId), ServiceName: getAtt(options.serviceId, 'Name') };
  const sustained = { periodSeconds: 60, evaluationPeriods: ALARM_MINUTES };
  const loadBalancers = Object.entries(options.resources ?? {})
    // A string comparison: the type is not among this stack's typed resource types until one is added.
    .filter(([, resource]) => (resource.Type as string) === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
    .map(([logicalId]) => getAtt(logicalId, 'LoadBalancerFullName'));
  return {
    title: loadBalancers.length ? 'Engine: load balancer and Fargate tasks' : 'Engine: Fargate tasks',
    alarms: {
      EngineRunningTasksBelowDesiredAlarm: {
        title: 'Engine tasks: running vs desired',
        description: `game-${stage}: fewer engine tasks running than desired for ${ALARM_MINUTES} minutes (crashing, unhealthy, image pull or placement failures); see the service events in the ECS console`,
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
        description: `game-${stage}: engine tasks averaged over ${CPU_HIGH_PERCENT} % CPU for ${ALARM_MINUTES} minutes; autoscaling is at engine.maxCount or too slow`,
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
        description: `game-${stage}: engine tasks averaged over ${MEMORY_HIGH_PERCENT} % memory for ${ALARM_MINUTES} minutes; tasks near the container memory limit are killed`,
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
      ...loadBalancers.flatMap(loadBalancerGraphs),
      { alarm: 'EngineRunningTasksBelowDesiredAlarm' },
      { alarm: 'EngineCpuHighAlarm' },
      { alarm: 'EngineMemoryHighAlarm' },
    ],
  };
};
