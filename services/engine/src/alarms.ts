/**
 * The engine's alarms, each notifying the stage's alarm topic (network output `alarmTopicArn`):
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
 */
import { alarm, expressionAlarm, getAtt, type Resources, ref } from '@game-platform/resources';

export const ALARM_MINUTES = 5;
export const CPU_HIGH_PERCENT = 85;
export const MEMORY_HIGH_PERCENT = 90;

export interface EngineAlarmsOptions {
  stage: string;
  topicArn: string;
  clusterId: string;
  serviceId: string;
}

export const engineAlarms = (options: EngineAlarmsOptions): Resources => {
  const { stage, topicArn } = options;
  // A cluster's Ref is its name.
  const dimensions = { ClusterName: ref(options.clusterId), ServiceName: getAtt(options.serviceId, 'Name') };
  const sustained = { periodSeconds: 60, evaluationPeriods: ALARM_MINUTES, topicArn };
  return {
    EngineRunningTasksBelowDesiredAlarm: expressionAlarm({
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
    }),
    EngineCpuHighAlarm: alarm({
      description: `game-${stage}: engine tasks averaged over ${CPU_HIGH_PERCENT} % CPU for ${ALARM_MINUTES} minutes; autoscaling is at engine.maxCount or too slow`,
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions,
      statistic: 'Average',
      comparison: 'GreaterThanThreshold',
      threshold: CPU_HIGH_PERCENT,
      ...sustained,
    }),
    EngineMemoryHighAlarm: alarm({
      description: `game-${stage}: engine tasks averaged over ${MEMORY_HIGH_PERCENT} % memory for ${ALARM_MINUTES} minutes; tasks near the container memory limit are killed`,
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions,
      statistic: 'Average',
      comparison: 'GreaterThanThreshold',
      threshold: MEMORY_HIGH_PERCENT,
      ...sustained,
    }),
  };
};
