import type { Value } from './cfn/intrinsics';
import { sub } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import type { CloudWatchAlarmProps } from './cfn/spec.generated';
import { resourceName } from './naming';

export type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount' | `p${number}`;

/** What an alarm uses where its definition says nothing (each field's doc says why). */
export const ALARM_DEFAULTS = {
  periodSeconds: 60,
  evaluationPeriods: 1,
  treatMissingData: 'notBreaching',
} as const;

/** What every alarm states, whatever it watches: the condition, how long it must hold, who hears it. */
interface AlarmCondition {
  /** A few words for the dashboard graph of this alarm, e.g. "Database CPU (%)". */
  title: string;
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
}

/** One CloudWatch metric with the statistic taken over each period. */
export interface MetricSpec {
  namespace: string;
  metricName: string;
  dimensions: Record<string, Value<string>>;
  statistic: Statistic;
}

/** An alarm on one metric. */
export interface AlarmOptions extends AlarmCondition, MetricSpec {}

/** An alarm on a metric math expression over several metrics (e.g. one metric compared with another). */
export interface ExpressionAlarmOptions extends AlarmCondition {
  /** The metrics the expression combines, by id (lowercase first letter, as CloudWatch requires). */
  metrics: Record<string, MetricSpec>;
  /** CloudWatch metric math over the ids, e.g. `desired - running`; its result is compared to the threshold. */
  expression: string;
  /** What the expression's value means, shown on the alarm's graph. */
  label: string;
}

/**
 * What an alarm watches and when it fires: one definition, from which the stack that owns the
 * resource deploys the alarm (`alarmResources`) and the stage's dashboard draws it (`dashboard`).
 */
export type AlarmDefinition = AlarmOptions | ExpressionAlarmOptions;

export const isExpressionAlarm = (definition: AlarmDefinition): definition is ExpressionAlarmOptions =>
  'expression' in definition;

/** Where the alarm is deployed and who hears it. */
export interface AlarmTarget {
  stage: string;
  /** The stage's alarm topic (network output `alarmTopicArn`). ALARM and OK both notify it. */
  topicArn: Value<string>;
}

/**
 * The alarm's name: `game-<stage>-<logical id>`, unique per account and region because stage names
 * are. Fixed rather than generated, so the dashboard (another stack) can name every alarm's ARN
 * from the same definition without an output per alarm.
 */
export const alarmName = (stage: string, logicalId: string): string => resourceName(stage, logicalId);

/** The ARN of an alarm named by `alarmName`, in the deploying stack's account and region. */
export const alarmArn = (name: string): Value<string> =>
  sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${name}`);

const dimensionList = (dimensions: Record<string, Value<string>>) =>
  Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));

/** The condition and the actions: ALARM and OK notify the topic, actions enabled (CT.CLOUDWATCH.PR.1/4). */
const conditionProperties = (name: string, options: AlarmCondition, topicArn: Value<string>) => ({
  AlarmName: name,
  AlarmDescription: options.description,
  ComparisonOperator: options.comparison,
  Threshold: options.threshold,
  EvaluationPeriods: options.evaluationPeriods ?? ALARM_DEFAULTS.evaluationPeriods,
  DatapointsToAlarm:
    options.datapointsToAlarm ?? options.evaluationPeriods ?? ALARM_DEFAULTS.evaluationPeriods,
  TreatMissingData: options.treatMissingData ?? ALARM_DEFAULTS.treatMissingData,
  ActionsEnabled: true,
  AlarmActions: [topicArn],
  OKActions: [topicArn],
});

/** `Average` and friends are statistics; percentiles (`p99`) are extended statistics. */
const statisticProperties = (statistic: Statistic) =>
  statistic.startsWith('p') ? { ExtendedStatistic: statistic } : { Statistic: statistic };

/**
 * A CloudWatch alarm that notifies the stage's alarm topic on ALARM and on OK, with actions
 * enabled (CT.CLOUDWATCH.PR.1/4): an alarm nobody hears is not an alarm. A metric alarm reads its
 * statistic over `periodSeconds`; an expression alarm reads each metric so and compares the
 * expression's value with the threshold.
 */
export const alarm = (
  name: string,
  definition: AlarmDefinition,
  topicArn: Value<string>,
): CfnResource<'AWS::CloudWatch::Alarm'> => {
  const period = definition.periodSeconds ?? ALARM_DEFAULTS.periodSeconds;
  const condition = conditionProperties(name, definition, topicArn);
  if (!isExpressionAlarm(definition)) {
    const properties: CloudWatchAlarmProps = {
      ...condition,
      Namespace: definition.namespace,
      MetricName: definition.metricName,
      Dimensions: dimensionList(definition.dimensions),
      ...statisticProperties(definition.statistic),
      Period: period,
    };
    return resource('AWS::CloudWatch::Alarm', properties);
  }
  const properties: CloudWatchAlarmProps = {
    ...condition,
    Metrics: [
      ...Object.entries(definition.metrics).map(([Id, metric]) => ({
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
      { Id: 'expression', Expression: definition.expression, Label: definition.label, ReturnData: true },
    ],
  };
  return resource('AWS::CloudWatch::Alarm', properties);
};

/** Every alarm of a set of definitions as resources, each named `alarmName(stage, logicalId)`. */
export const alarmResources = (
  alarms: Record<string, AlarmDefinition>,
  target: AlarmTarget,
): Record<string, CfnResource<'AWS::CloudWatch::Alarm'>> =>
  Object.fromEntries(
    Object.entries(alarms).map(([logicalId, definition]) => [
      logicalId,
      alarm(alarmName(target.stage, logicalId), definition, target.topicArn),
    ]),
  );
