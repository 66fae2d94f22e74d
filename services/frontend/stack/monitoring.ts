/**
 * The players' edge as the dashboard shows it: CloudFront requests, error rates and cache hit rate.
 * CloudFront publishes its metrics in us-east-1 with the dimension `Region: Global`, whatever region
 * the stack is in; the cache hit rate is one of the "additional metrics", published only while the
 * distribution has a monitoring subscription (`DistributionMonitoringSubscription`, billed per metric).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/viewing-cloudfront-metrics.html
 */
import {
  type CfnResource,
  type DashboardSection,
  type Resources,
  ref,
  resource,
  type Value,
} from '@game-platform/resources';
import { DISTRIBUTION } from './origin-access';

/** CloudFront's metrics live here, for every distribution. */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/** Turns on CloudFront's additional metrics (cache hit rate, origin latency, error rates by status). */
export const monitoringSubscriptionResources = (): Resources => ({
  DistributionMonitoringSubscription: resource('AWS::CloudFront::MonitoringSubscription', {
    DistributionId: ref(DISTRIBUTION),
    MonitoringSubscription: {
      RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' },
    },
  }) satisfies CfnResource<'AWS::CloudFront::MonitoringSubscription'>,
});

/** The edge section; `distributionId` is the frontend output of the same name. No alarm yet. */
export const edgeSection = (distributionId: Value<string>): DashboardSection => {
  const metric = {
    namespace: 'AWS/CloudFront',
    dimensions: { DistributionId: distributionId, Region: 'Global' },
  };
  return {
    title: "Players' edge: CloudFront",
    region: CLOUDFRONT_METRICS_REGION,
    alarms: {},
    panels: [
      {
        title: 'Site requests',
        metrics: [{ ...metric, metricName: 'Requests', statistic: 'Sum', label: 'requests' }],
      },
      {
        title: 'Site error rates (%)',
        metrics: [
          { ...metric, metricName: '4xxErrorRate', statistic: 'Average', label: '4xx' },
          { ...metric, metricName: '5xxErrorRate', statistic: 'Average', label: '5xx' },
        ],
      },
      {
        title: 'Cache hit rate (%)',
        metrics: [{ ...metric, metricName: 'CacheHitRate', statistic: 'Average', label: 'hits' }],
      },
    ],
  };
};
