/** Adapter: the domain's metrics on Powertools for AWS Lambda (CloudWatch EMF: no API call, no IAM grant). */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ConsumerMetrics } from './consumer';

export const powertoolsMetrics = (metrics: Metrics): ConsumerMetrics => ({
  count: (outcome, value) => metrics.addMetric(outcome, MetricUnit.Count, value),
  batchLatency: (milliseconds) => metrics.addMetric('batchLatency', MetricUnit.Milliseconds, milliseconds),
});
