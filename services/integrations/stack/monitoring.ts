/**
 * The events backbone as its alarms watch it and the dashboard shows it. The alarms notify the
 * stage's alarm topic (network output `alarmTopicArn`, which carries the email subscription when
 * the stage profile gives one):
 *
 * - a message in the dead-letter queue: something could not be processed and needs a person;
 * - the oldest message waiting too long: the consumer is down, throttled or too slow;
 * - consumer errors (the invocation failed as a whole, e.g. an unhandled exception or a timeout);
 * - consumer throttles (Lambda refused to run it: account or reserved concurrency is exhausted).
 *
 * The dashboard adds queue depth, throughput (events sent against events applied) and the
 * consumer's other outcomes (duplicates, invalid, failed), from its EMF metrics.
 */
import type { DashboardSection, MetricSpec, Value } from '@game-platform/resources';
import { stackName, stagePrefix } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { OUTCOMES } from '../src/consumer';
import { CONSUMER_METRICS, eventsQueueOptions } from './consumer-settings';

/** What the section's metrics are about; the integrations stack passes `Ref`/`GetAtt`, the dashboard the names. */
export interface EventsNames {
  queueName: Value<string>;
  deadLetterQueueName: Value<string>;
  consumerFunctionName: Value<string>;
}

/** The names the stack gives them: `game-<stage>-events`, its `-dlq`, `game-integrations-<stage>-consumer`. */
export const eventsNames = ({ stage, integrations }: StageProfile): EventsNames => {
  const { queueName } = eventsQueueOptions(stage, integrations);
  return {
    queueName,
    deadLetterQueueName: `${queueName}-dlq`,
    // The framework names functions `<service>-<stage>-<function>`.
    consumerFunctionName: `${stackName('integrations', stage)}-consumer`,
  };
};

export const eventsSection = (
  profile: StageProfile,
  names: EventsNames = eventsNames(profile),
): DashboardSection => {
  const { stage } = profile;
  const queue = { namespace: 'AWS/SQS', dimensions: { QueueName: names.queueName } };
  const consumer = { namespace: 'AWS/Lambda', dimensions: { FunctionName: names.consumerFunctionName } };
  const outcome = (name: (typeof OUTCOMES)[number]): MetricSpec & { label: string } => ({
    namespace: CONSUMER_METRICS.namespace,
    dimensions: { service: CONSUMER_METRICS.service },
    metricName: name,
    statistic: 'Sum',
    label: name,
  });
  return {
    title: 'Events: queue, dead-letter queue and consumer',
    alarms: {
      EventsQueueOldestMessageAgeAlarm: {
        ...queue,
        title: 'Oldest event waiting (s)',
        description: `${stagePrefix(stage)}: a game event has waited more than ${profile.integrations.oldestMessageAgeAlarmSeconds} s on the events queue`,
        metricName: 'ApproximateAgeOfOldestMessage',
        statistic: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: profile.integrations.oldestMessageAgeAlarmSeconds,
      },
      EventsDeadLetterQueueDepthAlarm: {
        namespace: 'AWS/SQS',
        dimensions: { QueueName: names.deadLetterQueueName },
        title: 'Events in the dead-letter queue',
        description: `${stagePrefix(stage)}: game events in the dead-letter queue; inspect with npm run dlq:show -- --stage ${stage}`,
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
      },
      ConsumerErrorsAlarm: {
        ...consumer,
        title: 'Consumer errors',
        description: `${stagePrefix(stage)}: the events consumer failed invocations (crash or timeout)`,
        metricName: 'Errors',
        statistic: 'Sum',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
      },
      ConsumerThrottlesAlarm: {
        ...consumer,
        title: 'Consumer throttles',
        description: `${stagePrefix(stage)}: Lambda throttled the events consumer`,
        metricName: 'Throttles',
        statistic: 'Sum',
        comparison: 'GreaterThanThreshold',
        threshold: 0,
      },
    },
    panels: [
      {
        title: 'Events queue depth',
        metrics: [
          {
            ...queue,
            metricName: 'ApproximateNumberOfMessagesVisible',
            statistic: 'Maximum',
            label: 'waiting',
          },
          {
            ...queue,
            metricName: 'ApproximateNumberOfMessagesNotVisible',
            statistic: 'Maximum',
            label: 'being processed',
          },
        ],
      },
      { alarm: 'EventsQueueOldestMessageAgeAlarm' },
      { alarm: 'EventsDeadLetterQueueDepthAlarm' },
      {
        title: 'Consumer throughput (events per minute)',
        metrics: [
          { ...queue, metricName: 'NumberOfMessagesSent', statistic: 'Sum', label: 'sent to the queue' },
          outcome('processed'),
        ],
      },
      { alarm: 'ConsumerErrorsAlarm' },
      { alarm: 'ConsumerThrottlesAlarm' },
      {
        title: 'Duplicates, invalid and failed events',
        metrics: OUTCOMES.filter((name) => name !== 'processed').map(outcome),
      },
    ],
  };
};

/** The consumer's outcomes, each a metric the section draws (the dashboard test reads them here). */
export { OUTCOMES };
