/**
 * The alarms of the integrations service, each notifying the stage's alarm topic (network output
 * `alarmTopicArn`, which carries the email subscription when the stage profile gives one):
 *
 * - a message in the dead-letter queue: something could not be processed and needs a person;
 * - the oldest message waiting too long: the consumer is down, throttled or too slow;
 * - consumer errors (the invocation failed as a whole, e.g. an unhandled exception or a timeout);
 * - consumer throttles (Lambda refused to run it: account or reserved concurrency is exhausted).
 */
import { alarm, getAtt, type Resources, ref } from '@game-platform/resources';

export interface ConsumerAlarmsOptions {
  stage: string;
  topicArn: string;
  oldestMessageAgeAlarmSeconds: number;
}

export const consumerAlarms = (options: ConsumerAlarmsOptions): Resources => {
  const { stage, topicArn } = options;
  return {
    EventsDeadLetterQueueDepthAlarm: alarm({
      description: `game-${stage}: game events in the dead-letter queue; inspect with npm run dlq:show -- --stage ${stage}`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: getAtt('EventsDeadLetterQueue', 'QueueName') },
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      topicArn,
    }),
    EventsQueueOldestMessageAgeAlarm: alarm({
      description: `game-${stage}: a game event has waited more than ${options.oldestMessageAgeAlarmSeconds} s on the events queue`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: getAtt('EventsQueue', 'QueueName') },
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: options.oldestMessageAgeAlarmSeconds,
      topicArn,
    }),
    ConsumerErrorsAlarm: alarm({
      description: `game-${stage}: the events consumer failed invocations (crash or timeout)`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: ref('ConsumerLambdaFunction') },
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      topicArn,
    }),
    ConsumerThrottlesAlarm: alarm({
      description: `game-${stage}: Lambda throttled the events consumer`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: ref('ConsumerLambdaFunction') },
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      topicArn,
    }),
  };
};
