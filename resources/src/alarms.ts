import type { Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import type { CloudWatchAlarmProps } from './cfn/spec.generated';

export interface AlarmOptions {
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, Value<string>>;
  statistic: 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
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

/**
 * A CloudWatch alarm that notifies the stage's alarm topic on ALARM and on OK, with actions
 * enabled (CT.CLOUDWATCH.PR.1/4): an alarm nobody hears is not an alarm.
 */
export const alarm = (options: AlarmOptions): CfnResource<'AWS::CloudWatch::Alarm'> => {
  const properties: CloudWatchAlarmProps = {
    AlarmDescription: options.description,
    Namespace: options.namespace,
    MetricName: options.metricName,
    Dimensions: Object.entries(options.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Statistic: options.statistic,
    ComparisonOperator: options.comparison,
    Threshold: options.threshold,
    Period: options.periodSeconds ?? 60,
    EvaluationPeriods: options.evaluationPeriods ?? 1,
    DatapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
    TreatMissingData: options.treatMissingData ?? 'notBreaching',
    ActionsEnabled: true,
    AlarmActions: [options.topicArn],
    OKActions: [options.topicArn],
  };
  return resource('AWS::CloudWatch::Alarm', properties);
};
