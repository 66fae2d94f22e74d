import type { Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import type { CloudWatchAlarmProps } from './cfn/spec.generated';

/** A basic statistic, or a percentile such as `p99` (an `ExtendedStatistic` in CloudFormation). */
type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount' | `p${number}`;

const statisticProperty = (statistic: Statistic) =>
  statistic.startsWith('p') ? { ExtendedStatistic: statistic } : { Statistic: statistic };

/** What every alarm states, whatever it watches: the condition, how long it must hold, who hears it. */
interface AlarmCondition {
  description: string;
  comparison:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  threshold: number;
  /** Seconds per datapoint. Default: 60. */
  periodSeconds?: number;
  /** Datapoints that must breach, out of `evaluationPeriods`. Default: 1 of 1. */
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  /** What missing data means. Default: `notBreaching` (no traffic is not an incident). */
  treatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  /** The stage's alarm topic (network output `alarmTopicArn`). Alarm and OK both notify it. */
  topicArn: Value<string>;
}

/** One CloudWatch metric with the statistic taken over each period. */
export interface MetricSpec {
  namespace: string;
  metricName: string;
  dimensions: Record<string, Value<string>>;
  statistic: Statistic;
}

export interface AlarmOptions extends AlarmCondition, MetricSpec {}

const dimensionList = (dimensions: Record<string, Value<string>>) =>
  Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));

/** The condition and the actions: ALARM and OK notify the topic, actions enabled (CT.CLOUDWATCH.PR.1/4). */
const conditionProperties = (options: AlarmCondition) => ({
  AlarmDescription: options.description,
  ComparisonOperator: options.comparison,
  Threshold: options.threshold,
  EvaluationPeriods: options.evaluationPeriods ?? 1,
  DatapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
  TreatMissingData: options.treatMissingData ?? 'notBreaching',
  ActionsEnabled: true,
  AlarmActions: [options.topicArn],
  OKActions: [options.topicArn],
});

/**
 * A CloudWatch alarm that notifies the stage's alarm topic on ALARM and on OK, with actions
 * enabled (CT.CLOUDWATCH.PR.1/4): an alarm nobody hears is not an alarm.
 */
export const alarm = (options: AlarmOptions): CfnResource<'AWS::CloudWatch::Alarm'> => {
  const properties: CloudWatchAlarmProps = {
    ...conditionProperties(options),
    Namespace: options.namespace,
    MetricName: options.metricName,
    Dimensions: dimensionList(options.dimensions),
    ...statisticProperty(options.statistic),
    Period: options.periodSeconds ?? 60,
  };
  return resource('AWS::CloudWatch::Alarm', properties);
};

export interface ExpressionAlarmOptions extends AlarmCondition {
  /** The metrics the expression combines, by id (lowercase first letter, as CloudWatch requires). */
  metrics: Record<string, MetricSpec>;
  /** CloudWatch metric math over the ids, e.g. `desired - running`; its result is compared to the threshold. */
  expression: string;
  /** What the expression's value means, shown on the alarm's graph. */
  label: string;
}

/**
 * An alarm on a metric math expression (e.g. one metric compared with another), with the same
 * actions and defaults as `alarm()`. Each metric is read with its statistic over `periodSeconds`.
 */
export const expressionAlarm = (options: ExpressionAlarmOptions): CfnResource<'AWS::CloudWatch::Alarm'> => {
  const period = options.periodSeconds ?? 60;
  const properties: CloudWatchAlarmProps = {
    ...conditionProperties(options),
    Metrics: [
      ...Object.entries(options.metrics).map(([Id, metric]) => ({
        Id,
        MetricStat: {
          Metric: {
            Namespace: metric.namespace,
            MetricName: metric.metricName,
            Dimensions: dimensionList(metric.dimensions),
          },
          Period: period,
          Stat: metric.statistic,
        },
        ReturnData: false,
      })),
      { Id: 'expression', Expression: options.expression, Label: options.label, ReturnData: true },
    ],
  };
  return resource('AWS::CloudWatch::Alarm', properties);
};
