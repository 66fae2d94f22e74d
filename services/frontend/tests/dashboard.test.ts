/**
 * The stage dashboard as synthesized for each checked stage profile, against every template of the
 * stage: every alarm of the stage is on it, and every metric on it is one that a stack of the stage
 * emits or that AWS emits for a resource of the stage (no widget pointing at nothing). Names are
 * followed to resources: `Ref`/`Fn::GetAtt` in the engine template, compose params back to the
 * producer's output (synth's placeholders), literal names to the resource that carries that name.
 */

import { OUTCOMES } from '@game-platform/integrations/src/consumer';
import { type Resources, SERVICE_NAMES } from '@game-platform/resources';
import {
  composeParamSources,
  type ParamSource,
  resourcesOfType,
  synthesizedTemplate,
  type Template,
} from '@game-platform/scripts/testing';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { describe, expect, it } from 'vitest';
import { stageDashboardResources } from '../src/dashboard';

type Json = Record<string, unknown>;

/** What AWS emits, per namespace: the resource each dimension names and the metrics it publishes (AWS docs, "... CloudWatch metrics"). */
const AWS_METRICS: Record<
  string,
  {
    dimensions: Record<string, { type: string; nameProperty: string } | { literal: string }>;
    metrics: string[];
  }
> = {
  'AWS/CloudFront': {
    dimensions: {
      DistributionId: { type: 'AWS::CloudFront::Distribution', nameProperty: '' },
      Region: { literal: 'Global' },
    },
    metrics: [
      'Requests',
      'BytesDownloaded',
      'BytesUploaded',
      '4xxErrorRate',
      '5xxErrorRate',
      'TotalErrorRate',
    ],
  },
  'AWS/ApplicationELB': {
    dimensions: { LoadBalancer: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', nameProperty: '' } },
    metrics: ['RequestCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime'],
  },
  'AWS/ECS': {
    dimensions: {
      ClusterName: { type: 'AWS::ECS::Cluster', nameProperty: 'ClusterName' },
      ServiceName: { type: 'AWS::ECS::Service', nameProperty: 'ServiceName' },
    },
    metrics: ['CPUUtilization', 'MemoryUtilization'],
  },
  'ECS/ContainerInsights': {
    dimensions: {
      ClusterName: { type: 'AWS::ECS::Cluster', nameProperty: 'ClusterName' },
      ServiceName: { type: 'AWS::ECS::Service', nameProperty: 'ServiceName' },
    },
    metrics: ['RunningTaskCount', 'DesiredTaskCount', 'PendingTaskCount', 'CpuUtilized', 'MemoryUtilized'],
  },
  'AWS/SQS': {
    dimensions: { QueueName: { type: 'AWS::SQS::Queue', nameProperty: 'QueueName' } },
    metrics: [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage',
      'NumberOfMessagesSent',
      'NumberOfMessagesReceived',
      'NumberOfMessagesDeleted',
    ],
  },
  'AWS/Lambda': {
    dimensions: { FunctionName: { type: 'AWS::Lambda::Function', nameProperty: 'FunctionName' } },
    metrics: ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions'],
  },
  'AWS/RDS': {
    dimensions: {
      DBInstanceIdentifier: { type: 'AWS::RDS::DBInstance', nameProperty: 'DBInstanceIdentifier' },
    },
    metrics: [
      'CPUUtilization',
      'DatabaseConnections',
      'FreeStorageSpace',
      'FreeableMemory',
      'ReadLatency',
      'WriteLatency',
      'ReadIOPS',
      'WriteIOPS',
    ],
  },
};

/** CloudFront's "additional metrics": published only while the distribution has a monitoring subscription. */
const CLOUDFRONT_ADDITIONAL_METRICS = [
  'CacheHitRate',
  'OriginLatency',
  '401ErrorRate',
  '403ErrorRate',
  '404ErrorRate',
];

/** What the consumer publishes through Powertools (src/powertools.ts): one count per outcome, and the batch latency. */
const CONSUMER_METRIC_NAMES = [...OUTCOMES, 'batchLatency'];

/** The dashboard body with every intrinsic written as a marker: `{{Ref X}}`, `{{GetAtt X.Attr}}`. */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const intrinsic = value as Json;
  if (typeof intrinsic.Ref === 'string') return `{{Ref ${intrinsic.Ref}}}`;
  if (Array.isArray(intrinsic['Fn::GetAtt'])) return `{{GetAtt ${intrinsic['Fn::GetAtt'].join('.')}}}`;
  if (typeof intrinsic['Fn::Sub'] === 'string')
    return intrinsic['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, name: string) =>
      name.includes('.') && !name.startsWith('AWS::') ? `{{GetAtt ${name}}}` : `{{Ref ${name}}}`,
    );
  const joined = intrinsic['Fn::Join'] as [string, unknown[]] | undefined;
  if (joined) return joined[1].map(render).join(joined[0]);
  throw new Error(`unexpected intrinsic in the dashboard body: ${JSON.stringify(value)}`);
};

interface Widget {
  type: string;
  properties: Json;
}

export interface DrawnMetric {
  widget: string;
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

const stageTemplates = (stage: string): Record<string, Template> =>
  Object.fromEntries(SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)]));

const dashboardOf = (templates: Record<string, Template>): Widget[] => {
  const dashboards = Object.values(
    resourcesOfType(templates.engine as Template, 'AWS::CloudWatch::Dashboard'),
  );
  expect(dashboards).toHaveLength(1);
  return (JSON.parse(render(dashboards[0]?.Properties?.DashboardBody)) as { widgets: Widget[] }).widgets;
};

/** Every metric row of every graph (metric math rows aside). */
const drawnMetrics = (widgets: Widget[]): DrawnMetric[] =>
  widgets
    .filter((widget) => widget.type === 'metric')
    .flatMap((widget) =>
      (widget.properties.metrics as unknown[][])
        .filter((row) => typeof row[0] === 'string')
        .map((row) => {
          const names = row.filter((cell) => typeof cell === 'string') as string[];
          const [namespace = '', metricName = '', ...pairs] = names;
          const dimensions: Record<string, string> = {};
          for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] ?? ''] = pairs[i + 1] ?? '';
          return {
            widget: String(widget.properties.title),
            region: String(widget.properties.region),
            namespace,
            metricName,
            dimensions,
          };
        }),
    );

interface Found {
  service: string;
  logicalId: string;
  type: string;
  properties: Json;
}

/**
 * The resource a dimension value names, seen from `service`'s template: a `Ref`/`GetAtt` marker in
 * that template, a compose param's placeholder traced to its producer, or a literal physical name.
 */
const resolver = (templates: Record<string, Template>, params: Map<string, ParamSource>) => {
  const inTemplate = (service: string, logicalId: string): Found | undefined => {
    const resource = templates[service]?.Resources[logicalId];
    return resource && { service, logicalId, type: resource.Type, properties: resource.Properties ?? {} };
  };
  return (service: string, value: string, type: string, nameProperty: string): Found | undefined => {
    const marker = /^\{\{(Ref|GetAtt) ([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}\}$/.exec(value);
    if (marker) return inTemplate(service, marker[2] ?? '');
    const param = params.get(value);
    if (param?.resource)
      return {
        service: param.producer,
        logicalId: param.resource.logicalId,
        type: param.resource.Type,
        properties: param.resource.Properties ?? {},
      };
    if (!nameProperty) return undefined;
    for (const [name, template] of Object.entries(templates)) {
      for (const [logicalId, resource] of Object.entries(resourcesOfType(template, type))) {
        if (resource.Properties?.[nameProperty] === value) return inTemplate(name, logicalId);
      }
    }
    return undefined;
  };
};

/** What is wrong with one drawn metric, if anything: the checks this file is about. */
export const metricProblems = (
  metric: DrawnMetric,
  templates: Record<string, Template>,
  params: Map<string, ParamSource>,
): string[] => {
  const resolve = resolver(templates, params);
  const where = `"${metric.widget}": ${metric.namespace} ${metric.metricName}`;
  const catalogue = AWS_METRICS[metric.namespace];
  if (!catalogue) {
    // A custom namespace: a function of the stage must publish it (Powertools EMF) under this service.
    const publishers = Object.values(templates).flatMap((template) =>
      Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).filter((fn) => {
        const variables = ((fn.Properties?.Environment as Json | undefined)?.Variables ?? {}) as Json;
        return (
          variables.POWERTOOLS_METRICS_NAMESPACE === metric.namespace &&
          variables.POWERTOOLS_SERVICE_NAME === metric.dimensions.service
        );
      }),
    );
    const problems: string[] = [];
    if (publishers.length === 0)
      problems.push(`${where}: no function of the stage publishes this namespace and service`);
    if (!CONSUMER_METRIC_NAMES.includes(metric.metricName))
      problems.push(`${where}: the consumer publishes ${CONSUMER_METRIC_NAMES.join(', ')}, not this`);
    return problems;
  }
  const problems: string[] = [];
  const additional =
    metric.namespace === 'AWS/CloudFront' && CLOUDFRONT_ADDITIONAL_METRICS.includes(metric.metricName);
  if (!catalogue.metrics.includes(metric.metricName) && !additional)
    problems.push(`${where}: AWS publishes no such metric in ${metric.namespace}`);
  const expectedRegion = metric.namespace === 'AWS/CloudFront' ? 'us-east-1' : '{{Ref AWS::Region}}';
  if (metric.region !== expectedRegion)
    problems.push(`${where}: read in region ${metric.region}, published in ${expectedRegion}`);
  const named = Object.keys(catalogue.dimensions).sort();
  if (Object.keys(metric.dimensions).sort().join() !== named.join())
    problems.push(
      `${where}: dimensions ${Object.keys(metric.dimensions).join(', ')}; AWS publishes it by ${named.join(', ')}`,
    );
  for (const [dimension, value] of Object.entries(metric.dimensions)) {
    const expected = catalogue.dimensions[dimension];
    if (!expected) continue;
    if ('literal' in expected) {
      if (value !== expected.literal)
        problems.push(`${where}: ${dimension} is "${value}", AWS uses "${expected.literal}"`);
      continue;
    }
    const found = resolve('engine', value, expected.type, expected.nameProperty);
    if (!found || found.type !== expected.type) {
      problems.push(`${where}: ${dimension} "${value}" names no ${expected.type} of the stage`);
      continue;
    }
    if (metric.namespace === 'ECS/ContainerInsights' && found.type === 'AWS::ECS::Cluster') {
      const settings = (found.properties.ClusterSettings ?? []) as Array<{ Name: string; Value: string }>;
      if (!settings.some((s) => s.Name === 'containerInsights' && s.Value !== 'disabled'))
        problems.push(
          `${where}: cluster ${found.logicalId} has Container Insights off, so nothing is published`,
        );
    }
    if (additional) {
      const subscribed = Object.values(
        resourcesOfType(templates[found.service] as Template, 'AWS::CloudFront::MonitoringSubscription'),
      ).some(
        (subscription) =>
          JSON.stringify(subscription.Properties?.DistributionId) ===
            JSON.stringify({ Ref: found.logicalId }) &&
          JSON.stringify(subscription.Properties?.MonitoringSubscription).includes('"Enabled"'),
      );
      if (!subscribed)
        problems.push(
          `${where}: an additional CloudFront metric, but ${found.logicalId} has no enabled monitoring subscription`,
        );
    }
  }
  return problems;
};

describe.each(CHECKED_PROFILES)('stage dashboard (%s)', (stage) => {
  const templates = stageTemplates(stage);
  const params = composeParamSources(stage, 'engine', templates);
  const widgets = dashboardOf(templates);
  const metrics = drawnMetrics(widgets);
  const alarms = Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(([logicalId, resource]) => ({
      service,
      logicalId,
      properties: resource.Properties ?? {},
    })),
  );

  it('shows the state of every alarm of the stage, and of nothing else', () => {
    // Prepare
    const statusWidgets = widgets.filter((widget) => widget.type === 'alarm');

    // Act
    const shown = statusWidgets.flatMap((widget) => widget.properties.alarms as string[]);

    // Assess
    expect(alarms.length).toBeGreaterThanOrEqual(11);
    expect(statusWidgets).toHaveLength(1);
    expect(shown.sort()).toEqual(
      alarms
        .map(
          ({ properties }) =>
            `arn:{{Ref AWS::Partition}}:cloudwatch:{{Ref AWS::Region}}:{{Ref AWS::AccountId}}:alarm:${String(properties.AlarmName)}`,
        )
        .sort(),
    );
  });

  it("draws every alarm's metrics on a graph with its threshold", () => {
    const resolve = resolver(templates, params);
    const identity = (service: string, namespace: string, dimensions: Record<string, string>) =>
      Object.entries(dimensions)
        .map(([name, value]) => {
          const expected = AWS_METRICS[namespace]?.dimensions[name];
          if (!expected || 'literal' in expected) return `${name}=${value}`;
          const found = resolve(service, value, expected.type, expected.nameProperty);
          return `${name}=${found ? `${found.service}/${found.logicalId}` : `unresolved ${value}`}`;
        })
        .sort()
        .join(',');
    const drawn = new Set(
      metrics.map((m) => `${m.namespace} ${m.metricName} ${identity('engine', m.namespace, m.dimensions)}`),
    );
    const thresholds = new Set(
      widgets.flatMap((widget) =>
        (
          (widget.properties.annotations as { horizontal?: Array<{ value: number }> } | undefined)
            ?.horizontal ?? []
        ).map((line) => `${String(widget.properties.title)}=${line.value}`),
      ),
    );
    for (const { service, logicalId, properties } of alarms) {
      const read = (properties.Metrics as Array<{ MetricStat?: { Metric: Json } }> | undefined)
        ?.flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric] : []))
        .map((metric) => ({ ...metric })) ?? [properties];
      for (const metric of read) {
        const dimensions = Object.fromEntries(
          (metric.Dimensions as Array<{ Name: string; Value: unknown }>).map((d) => [
            d.Name,
            render(d.Value),
          ]),
        );
        const key = `${String(metric.Namespace)} ${String(metric.MetricName)} ${identity(service, String(metric.Namespace), dimensions)}`;
        expect(drawn, `${service}/${logicalId} reads ${key}`).toContain(key);
      }
      expect(
        [...thresholds].some((line) => line.endsWith(`=${String(properties.Threshold)}`)),
        `${service}/${logicalId}: threshold ${String(properties.Threshold)} drawn`,
      ).toBe(true);
    }
  });

  it('draws only metrics a stack of the stage emits or AWS emits for a resource of the stage', () => {
    expect(metrics.length).toBeGreaterThan(20);
    expect(metrics.flatMap((metric) => metricProblems(metric, templates, params))).toEqual([]);
  });

  it('reads in the order a request flows: edge, engine, events, database', () => {
    const headings = widgets
      .filter((widget) => widget.type === 'text')
      .map((widget) => String(widget.properties.markdown).replace(/^## /, '').split(':')[0]);
    expect(headings).toEqual(["Players' edge", 'Engine', 'Events', 'Database']);
  });

  it('draws the connections against max_connections and the budget the profile checks', () => {
    const connections = widgets.find((widget) => widget.properties.title === 'Database connections');
    const annotations = connections?.properties.annotations as
      | { horizontal?: Array<{ label: string }> }
      | undefined;
    const lines = annotations?.horizontal ?? [];
    expect(lines.map((line) => line.label.split(' ')[0])).toEqual(['alarm', 'max_connections', 'budgeted']);
  });

  it('fails a widget that points at nothing (a queue the stage does not have, a metric AWS does not publish)', () => {
    // Prepare: the first SQS metric, renamed twice.
    const queueMetric = metrics.find((metric) => metric.namespace === 'AWS/SQS') as DrawnMetric;
    const wrongQueue = { ...queueMetric, dimensions: { QueueName: `game-${stage}-no-such-queue` } };
    const wrongMetric = { ...queueMetric, metricName: 'ApproximateNumberOfMessages' };

    // Act
    const problems = [
      ...metricProblems(wrongQueue, templates, params),
      ...metricProblems(wrongMetric, templates, params),
    ];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining(
        `QueueName "game-${stage}-no-such-queue" names no AWS::SQS::Queue of the stage`,
      ),
      expect.stringContaining('AWS publishes no such metric in AWS/SQS'),
    ]);
  });
});

describe('when the engine stack gains a load balancer (the player edge)', () => {
  it('starts the engine row with its requests, 5xx and p99 latency, each emitted for that load balancer', () => {
    // Prepare: dev's templates, with an internal ALB added to the engine stack.
    const templates = stageTemplates('dev');
    const engine = templates.engine as Template;
    const withLoadBalancer: Template = {
      ...engine,
      Resources: {
        ...engine.Resources,
        EngineLoadBalancer: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: { Scheme: 'internal', Type: 'application' },
        },
      },
    };
    const profile = loadStageProfile('dev');

    // Act: the dashboard the engine stack would now synthesize.
    const { StageDashboard } = stageDashboardResources({
      profile,
      distributionId: 'E0123456789ABC',
      clusterId: 'EngineCluster',
      serviceId: 'EngineService',
      engineResources: withLoadBalancer.Resources as Resources,
    });
    const widgets = (
      JSON.parse(
        render((StageDashboard?.Properties as { DashboardBody?: unknown } | undefined)?.DashboardBody),
      ) as { widgets: Widget[] }
    ).widgets;
    const metrics = drawnMetrics(widgets);
    const loadBalancerMetrics = metrics.filter((metric) => metric.namespace === 'AWS/ApplicationELB');

    // Assess
    expect(widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown)).toContain(
      '## Engine: load balancer and Fargate tasks',
    );
    expect(loadBalancerMetrics.map((m) => m.metricName)).toEqual([
      'RequestCount',
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'TargetResponseTime',
    ]);
    expect(loadBalancerMetrics[0]?.dimensions).toEqual({
      LoadBalancer: '{{GetAtt EngineLoadBalancer.LoadBalancerFullName}}',
    });
    const params = new Map<string, ParamSource>();
    expect(
      loadBalancerMetrics.flatMap((metric) =>
        metricProblems(metric, { ...templates, engine: withLoadBalancer }, params),
      ),
    ).toEqual([]);
  });
});
