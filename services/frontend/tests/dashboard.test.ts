/**
 * The stage dashboard as synthesized for each checked stage profile (in the frontend stack, which
 * deploys last), against every template of the stage: every alarm of the stage is on it, and every
 * metric on it is one that a stack of the stage emits or that AWS emits for a resource of the stage
 * (no widget pointing at nothing). Names are followed to resources: `Ref`/`Fn::GetAtt` in the
 * frontend template, compose params back to the producer's output (synth's placeholders: the
 * engine's cluster, service, load balancer and target group), literal names to the resource that
 * carries that name (database, queues, functions, web ACL).
 */

import { OUTCOMES } from '@game-platform/integrations/stack/monitoring';
import { resourceName, SERVICE_NAMES } from '@game-platform/resources';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import {
  composeParamSources,
  type ParamSource,
  resourcesOfType,
  synthesizedTemplate,
  type Template,
} from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

type Json = Record<string, unknown>;

/**
 * A dimension's value: the name of a resource of a type (`nameProperty`, a dotted path, names it;
 * '' when only a `Ref`/`GetAtt` or a compose param can), a literal AWS uses, or (WAF's `Rule`) `ALL`
 * or the metric name of a rule of the web ACL the metric's `WebACL` names.
 */
type DimensionValue = { type: string; nameProperty: string } | { literal: string } | { webAclRule: true };

/** What AWS emits, per namespace: the resource each dimension names and the metrics it publishes (AWS docs, "... CloudWatch metrics"). */
const AWS_METRICS: Record<
  string,
  {
    dimensions: Record<string, DimensionValue>;
    /** The dimension sets AWS publishes the metrics by. Default: all the dimensions above. */
    dimensionSets?: string[][];
    /** Region AWS publishes in, whatever the stack's region. Default: the stack's. */
    region?: string;
    metrics: string[];
  }
> = {
  'AWS/CloudFront': {
    dimensions: {
      DistributionId: { type: 'AWS::CloudFront::Distribution', nameProperty: '' },
      Region: { literal: 'Global' },
    },
    region: 'us-east-1',
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
    dimensions: {
      LoadBalancer: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', nameProperty: '' },
      TargetGroup: { type: 'AWS::ElasticLoadBalancingV2::TargetGroup', nameProperty: '' },
    },
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    dimensionSets: [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']],
    metrics: [
      'RequestCount',
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'TargetResponseTime',
      'HealthyHostCount',
      'UnHealthyHostCount',
    ],
  },
  // A CLOUDFRONT web ACL: us-east-1, no Region dimension (https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html).
  'AWS/WAFV2': {
    dimensions: {
      WebACL: { type: 'AWS::WAFv2::WebACL', nameProperty: 'VisibilityConfig.MetricName' },
      Rule: { webAclRule: true },
    },
    region: 'us-east-1',
    metrics: ['AllowedRequests', 'BlockedRequests', 'CountedRequests', 'PassedRequests'],
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

/**
 * What the consumer publishes through Powertools (services/integrations/src/powertools.ts): one count
 * per outcome, and the batch latency.
 */
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
    resourcesOfType(templates.frontend as Template, 'AWS::CloudWatch::Dashboard'),
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

/** A property by dotted path, e.g. `VisibilityConfig.MetricName`. */
const property = (properties: Json, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], properties);

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
        if (property(resource.Properties ?? {}, nameProperty) === value) return inTemplate(name, logicalId);
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
  const expectedRegion = catalogue.region ?? '{{Ref AWS::Region}}';
  if (metric.region !== expectedRegion)
    problems.push(`${where}: read in region ${metric.region}, published in ${expectedRegion}`);
  const sets = (catalogue.dimensionSets ?? [Object.keys(catalogue.dimensions)]).map((set) =>
    [...set].sort().join(', '),
  );
  if (!sets.includes(Object.keys(metric.dimensions).sort().join(', ')))
    problems.push(
      `${where}: dimensions ${Object.keys(metric.dimensions).join(', ')}; AWS publishes it by ${sets.join(' or by ')}`,
    );
  for (const [dimension, value] of Object.entries(metric.dimensions)) {
    const expected = catalogue.dimensions[dimension];
    if (!expected) continue;
    if ('webAclRule' in expected) {
      const acl = resolve(
        'frontend',
        metric.dimensions.WebACL ?? '',
        'AWS::WAFv2::WebACL',
        'VisibilityConfig.MetricName',
      );
      const rules = ((acl?.properties.Rules ?? []) as Json[]).map((rule) =>
        property(rule, 'VisibilityConfig.MetricName'),
      );
      if (value !== 'ALL' && !rules.includes(value))
        problems.push(`${where}: Rule "${value}" is neither ALL nor a rule metric of the web ACL`);
      continue;
    }
    if ('literal' in expected) {
      if (value !== expected.literal)
        problems.push(`${where}: ${dimension} is "${value}", AWS uses "${expected.literal}"`);
      continue;
    }
    const found = resolve('frontend', value, expected.type, expected.nameProperty);
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
  const params = composeParamSources(stage, 'frontend', templates);
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
    // Among them the engine's four on its load balancer.
    expect(alarms.length).toBeGreaterThanOrEqual(15);
    expect(alarms.filter((a) => a.service === 'engine').map((a) => a.logicalId)).toEqual(
      expect.arrayContaining([
        'EngineTarget5xxAlarm',
        'EngineLoadBalancer5xxAlarm',
        'EngineResponseTimeP99Alarm',
        'EngineUnhealthyHostsAlarm',
      ]),
    );
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
          if (!expected || !('type' in expected)) return `${name}=${value}`;
          const found = resolve(service, value, expected.type, expected.nameProperty);
          return `${name}=${found ? `${found.service}/${found.logicalId}` : `unresolved ${value}`}`;
        })
        .sort()
        .join(',');
    const drawn = new Set(
      metrics.map((m) => `${m.namespace} ${m.metricName} ${identity('frontend', m.namespace, m.dimensions)}`),
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

  it('reads in the order a request flows: edge (and its web ACL where the stage has one), engine, events, database', () => {
    const headings = widgets
      .filter((widget) => widget.type === 'text')
      .map((widget) => String(widget.properties.markdown).replace(/^## /, ''));
    const webAcl = loadStageProfile(stage).edge.webAcl;
    expect(headings.map((heading) => heading.split(':')[0])).toEqual([
      "Players' edge",
      ...(webAcl ? ["Players' edge"] : []),
      'Engine',
      'Events',
      'Database',
    ]);
    expect(headings.includes("Players' edge: web application firewall")).toBe(webAcl);
  });

  it("draws the engine's load balancer and both target groups as the engine stack's outputs name them", () => {
    const loadBalancerMetrics = metrics.filter((metric) => metric.namespace === 'AWS/ApplicationELB');
    expect(loadBalancerMetrics.map((metric) => metric.metricName).sort()).toEqual([
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'RequestCount',
      'TargetResponseTime',
      // One per target group: blue/green's two.
      'UnHealthyHostCount',
      'UnHealthyHostCount',
    ]);
    const named = new Set(
      loadBalancerMetrics.flatMap((metric) =>
        Object.values(metric.dimensions).map((value) => {
          const source = params.get(value);
          return `${source?.producer}.${source?.output} -> ${source?.resource?.logicalId}`;
        }),
      ),
    );
    expect([...named].sort()).toEqual([
      'engine.engineAlternateTargetGroupFullName -> EngineAlternateTargetGroup',
      'engine.engineTargetGroupFullName -> EngineTargetGroup',
      'engine.loadBalancerFullName -> EngineLoadBalancer',
    ]);
  });

  it('draws the web ACL, as a whole and by each of its rules, exactly where the stage has one', () => {
    const firewall = templates.firewall as Template;
    const acls = Object.values(resourcesOfType(firewall, 'AWS::WAFv2::WebACL'));
    const drawn = metrics.filter((metric) => metric.namespace === 'AWS/WAFV2');
    if (acls.length === 0) {
      expect(drawn).toEqual([]);
      return;
    }
    const ruleMetrics = ((acls[0]?.Properties?.Rules ?? []) as Json[]).map((rule) =>
      property(rule, 'VisibilityConfig.MetricName'),
    );
    expect(ruleMetrics.length).toBeGreaterThan(0);
    expect(drawn.map((metric) => metric.dimensions.Rule).sort()).toEqual(
      ['ALL', 'ALL', ...ruleMetrics].sort(),
    );
    // A rule the web ACL does not have points at nothing.
    const wrongRule = {
      ...(drawn[0] as DrawnMetric),
      dimensions: { ...drawn[0]?.dimensions, Rule: 'NoSuchRule' },
    };
    expect(metricProblems(wrongRule, templates, params)).toEqual([
      expect.stringContaining('Rule "NoSuchRule" is neither ALL nor a rule metric of the web ACL'),
    ]);
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
    const wrongQueue = { ...queueMetric, dimensions: { QueueName: resourceName(stage, 'no-such-queue') } };
    const wrongMetric = { ...queueMetric, metricName: 'ApproximateNumberOfMessages' };

    // Act
    const problems = [
      ...metricProblems(wrongQueue, templates, params),
      ...metricProblems(wrongMetric, templates, params),
    ];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining(
        `QueueName "${resourceName(stage, 'no-such-queue')}" names no AWS::SQS::Queue of the stage`,
      ),
      expect.stringContaining('AWS publishes no such metric in AWS/SQS'),
    ]);
  });
});
