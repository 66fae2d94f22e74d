/**
 * Live-channel metrics as CloudWatch embedded metric format (EMF) log lines: one JSON object on stdout,
 * which the awslogs driver ships to the engine's log group and CloudWatch turns into metrics. No
 * PutMetricData call, so no extra IAM permission and no `monitoring` VPC endpoint is needed.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { LiveMetrics } from '../domain/ports';

/** The namespace of the engine's own metrics (the dashboard and alarms read them from here). */
export const ENGINE_METRICS_NAMESPACE = 'GamePlatform/Engine';
/** Live connections a task holds, one datapoint per task per interval: autoscaling tracks its Average. */
export const LIVE_CONNECTIONS_METRIC = 'LiveConnections';

export const emfLiveMetrics = (
  stage: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: () => number = Date.now,
): LiveMetrics => ({
  record: ({ liveConnections, rejectedTaps, roundsPublished }) =>
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [
            {
              Namespace: ENGINE_METRICS_NAMESPACE,
              Dimensions: [['Stage']],
              Metrics: [
                { Name: LIVE_CONNECTIONS_METRIC, Unit: 'Count' },
                { Name: 'RejectedTaps', Unit: 'Count' },
                { Name: 'LiveRoundsPublished', Unit: 'Count' },
              ],
            },
          ],
        },
        Stage: stage,
        message: 'live metrics',
        [LIVE_CONNECTIONS_METRIC]: liveConnections,
        RejectedTaps: rejectedTaps,
        LiveRoundsPublished: roundsPublished,
      }),
    ),
});
