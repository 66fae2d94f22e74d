/**
 * Every billable resource of a stage, read from its synthesized templates and priced from the
 * price table. Each resource type the platform uses is either priced here (`PRICERS`) or listed as
 * having no charge of its own (`NO_CHARGE`, with the reason); a type in neither is reported by
 * `unpricedTypes`, and the cost test fails on it, so a new billable resource cannot slip past.
 */

import type { Template, TemplateResource } from '@game-platform/resources/template';
import { deployedEndpoints } from '@game-platform/shared/endpoints';
import type { StageProfile } from '@game-platform/shared/profiles';
import { HOURS_PER_MONTH, type PriceKey, type RegionPrices } from './prices';
import { ASSUMPTIONS, type StageUsage } from './usage';

export interface CostLine {
  service: string;
  /** Logical id of the resource the line is for. */
  resource: string;
  /** What is billed, e.g. "db.t4g.micro instance, Single-AZ". */
  item: string;
  /** Fixed: billed whatever the traffic. Usage: follows the assumptions. */
  kind: 'fixed' | 'usage';
  /** How the figure is made: quantity x price. */
  quantity: string;
  /** Dollars a month; `null` when the line is deliberately not estimated (see `note`). */
  monthlyUsd: number | null;
  /** Dollars a month at the ceiling (tasks at `maxCount`), where it differs. */
  atMaxUsd?: number;
  prices: PriceKey[];
  /** The assumption behind a usage line, or why a line is not estimated. */
  note?: string;
}

interface PricingContext {
  service: string;
  logicalId: string;
  resource: TemplateResource;
  template: Template;
  templates: Record<string, Template>;
  profile: StageProfile;
  prices: RegionPrices;
  usage: StageUsage;
}

type Pricer = (context: PricingContext) => CostLine[];
type Json = Record<string, unknown>;

const props = (resource: TemplateResource): Json => resource.Properties ?? {};
const hourly = (key: PriceKey, prices: RegionPrices, count = 1) => prices[key].usd * HOURS_PER_MONTH * count;
const fmt = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : 0 });

const line = (context: PricingContext, fields: Omit<CostLine, 'service' | 'resource'>): CostLine => ({
  service: context.service,
  resource: context.logicalId,
  ...fields,
});

/** Log groups: what writes to them decides their size. */
const logGroupGb = (context: PricingContext): { gb: number; what: string; vended: boolean } => {
  const { template, logicalId, profile, usage } = context;
  const name = String(props(context.resource).LogGroupName ?? '');
  const flowLogTarget = Object.values(template.Resources).some(
    (r) =>
      r.Type === 'AWS::EC2::FlowLog' &&
      JSON.stringify(props(r).LogGroupName) === JSON.stringify({ Ref: logicalId }),
  );
  if (flowLogTarget)
    return {
      gb: ASSUMPTIONS.flowLogGbPerAzMonth * profile.network.azCount,
      what: `VPC flow logs, ${ASSUMPTIONS.flowLogGbPerAzMonth} GB per AZ`,
      vended: true,
    };
  if (name.startsWith('/aws/rds/'))
    return {
      gb: ASSUMPTIONS.databaseLogGbMonth / 2,
      what: 'database log export (half of the database logs)',
      vended: false,
    };
  if (name.startsWith('/aws/lambda/') && name.endsWith('-consumer'))
    return {
      gb: (usage.consumerInvocationsPerMonth * ASSUMPTIONS.consumerLogBytesPerInvocation) / 1e9,
      what: `${fmt(usage.consumerInvocationsPerMonth)} invocations x ${ASSUMPTIONS.consumerLogBytesPerInvocation} bytes`,
      vended: false,
    };
  if (name.startsWith('/aws/lambda/')) return { gb: 0, what: 'runs on deploy only', vended: false };
  if (context.service === 'engine') {
    // The deploy builds the image when none is pinned, so every stage runs at least minCount tasks.
    const tasks = profile.engine.minCount;
    const matches = profile.expectedLoad.matchesPerDay * 30.4;
    return {
      gb: (matches * ASSUMPTIONS.engineLogBytesPerMatch) / 1e9 + tasks * ASSUMPTIONS.engineLogGbPerTaskMonth,
      what: `${fmt(matches)} matches x ${ASSUMPTIONS.engineLogBytesPerMatch} bytes + ${ASSUMPTIONS.engineLogGbPerTaskMonth} GB per task`,
      vended: false,
    };
  }
  return { gb: 0, what: 'no writer known to the cost model', vended: false };
};

const s3Gib = (context: PricingContext): { gib: number; what: string } => {
  const { logicalId, profile, usage } = context;
  if (logicalId === 'ServerlessDeploymentBucket')
    return { gib: ASSUMPTIONS.deploymentArtifactsGiB, what: 'deployment artifacts' };
  if (logicalId === 'SiteBucket') return { gib: ASSUMPTIONS.siteGiB, what: 'the site and its kept versions' };
  if (logicalId === 'AccessLogBucket') {
    const gib =
      (usage.siteRequestsPerMonth *
        ASSUMPTIONS.accessLogBytesPerRequest *
        (profile.frontend.accessLogRetentionDays / 30.4)) /
      1024 ** 3;
    return { gib, what: `access logs kept ${profile.frontend.accessLogRetentionDays} days` };
  }
  return { gib: 0, what: 'no content known to the cost model' };
};

/** Tasks the engine service runs at rest and at most: its scalable target, or its desired count. */
const engineTasks = (context: PricingContext): { min: number; max: number } => {
  const target = Object.values(context.template.Resources).find(
    (r) =>
      r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' &&
      JSON.stringify(props(r).ResourceId).includes(context.logicalId),
  );
  if (target) return { min: Number(props(target).MinCapacity), max: Number(props(target).MaxCapacity) };
  const desired = Number(props(context.resource).DesiredCount ?? 1);
  return { min: desired, max: desired };
};

export const PRICERS: Record<string, Pricer> = {
  'AWS::EC2::NatGateway': (c) => [
    line(c, {
      item: 'NAT gateway',
      kind: 'fixed',
      quantity: `${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly('natGatewayHour', c.prices),
      prices: ['natGatewayHour'],
    }),
    line(c, {
      item: 'NAT data processed',
      kind: 'usage',
      quantity: `${ASSUMPTIONS.natGbPerMonth} GB`,
      monthlyUsd: ASSUMPTIONS.natGbPerMonth * c.prices.natGatewayGb.usd,
      prices: ['natGatewayGb'],
      note: 'internet traffic only; AWS API calls take the endpoints',
    }),
  ],
  'AWS::EC2::EIP': (c) => [
    line(c, {
      item: 'public IPv4 address (NAT gateway)',
      kind: 'fixed',
      quantity: `${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly('publicIpv4Hour', c.prices),
      prices: ['publicIpv4Hour'],
    }),
  ],
  'AWS::EC2::VPCEndpoint': (c) => {
    const endpoint = deployedEndpoints({ [c.service]: c.template }).find((e) => e.logicalId === c.logicalId);
    if (!endpoint || endpoint.type === 'Gateway')
      return [
        line(c, {
          item: `${endpoint?.name ?? ''} gateway endpoint`,
          kind: 'fixed',
          quantity: 'no charge',
          monthlyUsd: 0,
          prices: ['gatewayEndpointHour'],
        }),
      ];
    const azs = endpoint.azCount ?? c.profile.network.azCount;
    return [
      line(c, {
        item: `${endpoint.name} interface endpoint`,
        kind: 'fixed',
        quantity: `${HOURS_PER_MONTH} h x ${azs} AZ`,
        monthlyUsd: hourly('interfaceEndpointAzHour', c.prices, azs),
        prices: ['interfaceEndpointAzHour'],
      }),
    ];
  },
  'AWS::ECS::Service': (c) => {
    const taskDefinitionId = (props(c.resource).TaskDefinition as { Ref?: string } | undefined)?.Ref ?? '';
    const task = props(c.template.Resources[taskDefinitionId] ?? { Type: '', Properties: {} });
    const vcpu = Number(task.Cpu) / 1024;
    const gb = Number(task.Memory) / 1024;
    const arm = (task.RuntimePlatform as Json | undefined)?.CpuArchitecture === 'ARM64';
    const [cpuKey, memoryKey]: [PriceKey, PriceKey] = arm
      ? ['fargateArmVcpuHour', 'fargateArmGbHour']
      : ['fargateX86VcpuHour', 'fargateX86GbHour'];
    const perTask = (vcpu * c.prices[cpuKey].usd + gb * c.prices[memoryKey].usd) * HOURS_PER_MONTH;
    const tasks = engineTasks(c);
    return [
      line(c, {
        item: `Fargate ${arm ? 'ARM' : 'x86'} tasks, ${vcpu} vCPU / ${gb} GB`,
        kind: 'fixed',
        quantity: `${tasks.min} (at most ${tasks.max}) x ${HOURS_PER_MONTH} h`,
        monthlyUsd: perTask * tasks.min,
        atMaxUsd: perTask * tasks.max,
        prices: [cpuKey, memoryKey],
      }),
    ];
  },
  'AWS::ECS::Cluster': (c) =>
    JSON.stringify(props(c.resource).ClusterSettings ?? []).includes('"enabled"')
      ? [
          line(c, {
            item: 'Container Insights',
            kind: 'usage',
            quantity: 'per task and service metrics',
            monthlyUsd: null,
            prices: [],
            note: 'not estimated: billed as custom metrics and performance-log ingestion, which depend on task count',
          }),
        ]
      : [],
  'AWS::RDS::DBInstance': (c) => {
    const p = props(c.resource);
    const instanceClass = String(p.DBInstanceClass);
    const copies = p.MultiAZ === true ? 2 : 1;
    const key = `rds:${instanceClass}` as PriceKey;
    const lines: CostLine[] = [];
    lines.push(
      line(c, {
        item: `${instanceClass} instance, ${copies === 2 ? 'Multi-AZ (primary and standby)' : 'Single-AZ'}`,
        kind: 'fixed',
        quantity: `${HOURS_PER_MONTH} h x ${copies}`,
        monthlyUsd: c.prices[key] ? hourly(key, c.prices, copies) : null,
        prices: c.prices[key] ? [key] : [],
        ...(c.prices[key] ? {} : { note: `NO PRICE: the table has no figure for ${instanceClass}; add one` }),
      }),
      line(c, {
        item: 'gp3 storage',
        kind: 'fixed',
        quantity: `${String(p.AllocatedStorage)} GB x ${copies}`,
        monthlyUsd: Number(p.AllocatedStorage) * copies * c.prices.rdsGp3GbMonth.usd,
        prices: ['rdsGp3GbMonth'],
        note: `grows with storage autoscaling up to ${String(p.MaxAllocatedStorage)} GB; backups free up to the storage size`,
      }),
    );
    if (p.ManageMasterUserPassword === true)
      lines.push(
        line(c, {
          item: 'RDS-managed master secret (Secrets Manager)',
          kind: 'fixed',
          quantity: '1 secret',
          monthlyUsd: c.prices.secretMonth.usd,
          prices: ['secretMonth'],
        }),
      );
    if (Number(p.PerformanceInsightsRetentionPeriod ?? 7) > 7)
      lines.push(
        line(c, {
          item: `Performance Insights, ${String(p.PerformanceInsightsRetentionPeriod)} days`,
          kind: 'fixed',
          quantity: 'per vCPU',
          monthlyUsd: null,
          prices: [],
          note: 'not estimated: no price for retention beyond the free 7 days could be confirmed offline (https://aws.amazon.com/rds/performance-insights/pricing/)',
        }),
      );
    return lines;
  },
  'AWS::Lambda::Function': (c) => {
    const p = props(c.resource);
    const name = String(p.FunctionName ?? c.logicalId);
    if (!name.endsWith('-consumer'))
      return [
        line(c, {
          item: `${name} (runs on deploy only)`,
          kind: 'usage',
          quantity: 'a few invocations',
          monthlyUsd: 0,
          prices: ['lambdaMillionRequests'],
        }),
      ];
    const arm = JSON.stringify(p.Architectures ?? []).includes('arm64');
    const key: PriceKey = arm ? 'lambdaArmGbSecond' : 'lambdaX86GbSecond';
    return [
      line(c, {
        item: `${name}, ${String(p.MemorySize)} MB ${arm ? 'arm64' : 'x86_64'}`,
        kind: 'usage',
        quantity: `${fmt(c.usage.consumerInvocationsPerMonth)} invocations, ${fmt(c.usage.consumerGbSeconds)} GB-s`,
        monthlyUsd:
          c.usage.consumerGbSeconds * c.prices[key].usd +
          (c.usage.consumerInvocationsPerMonth / 1e6) * c.prices.lambdaMillionRequests.usd,
        prices: [key, 'lambdaMillionRequests'],
        note: `one invocation per batch; ${ASSUMPTIONS.consumerMsPerInvocation} ms each`,
      }),
    ];
  },
  'AWS::SQS::Queue': (c) => {
    const source = props(c.resource).RedrivePolicy !== undefined;
    return [
      line(c, {
        item: `${source ? 'events queue' : 'dead-letter queue'} requests`,
        kind: 'usage',
        quantity: source ? `${fmt(c.usage.queueRequestsPerMonth)} requests` : 'only failed events',
        monthlyUsd: source ? (c.usage.queueRequestsPerMonth / 1e6) * c.prices.sqsMillionRequests.usd : 0,
        prices: ['sqsMillionRequests'],
        ...(source
          ? {
              note: `one send per event, a receive and a delete per batch, ${ASSUMPTIONS.idlePollers} idle long-polling pollers`,
            }
          : {}),
      }),
    ];
  },
  'AWS::Logs::LogGroup': (c) => {
    const { gb, what, vended } = logGroupGb(c);
    const retentionDays = Number(props(c.resource).RetentionInDays ?? 3653);
    const storedGb = gb * Math.min(retentionDays / 30.4, 120);
    const ingestKey: PriceKey = vended ? 'vendedLogsIngestGb' : 'logsIngestGb';
    return [
      line(c, {
        item: `log ingestion and storage (${retentionDays} days)`,
        kind: 'usage',
        quantity: `${fmt(gb)} GB in, ${fmt(storedGb)} GB kept`,
        monthlyUsd: gb * c.prices[ingestKey].usd + storedGb * c.prices.logsStorageGbMonth.usd,
        prices: [ingestKey, 'logsStorageGbMonth'],
        note: what,
      }),
    ];
  },
  // API calls are billed too ($0.05 per 10,000); ECS reads the engine's key once per task start.
  'AWS::SecretsManager::Secret': (c) => [
    line(c, {
      item: 'secret',
      kind: 'fixed',
      quantity: '1 secret',
      monthlyUsd: c.prices.secretMonth.usd,
      prices: ['secretMonth'],
    }),
  ],
  'AWS::KMS::Key': (c) => [
    line(c, {
      item: 'customer managed key',
      kind: 'fixed',
      quantity: '1 key',
      monthlyUsd: c.prices.kmsKeyMonth.usd,
      prices: ['kmsKeyMonth'],
      ...(props(c.resource).EnableKeyRotation === true
        ? { note: 'rotation on: each yearly rotation adds $1/month' }
        : {}),
    }),
  ],
  'AWS::S3::Bucket': (c) => {
    const { gib, what } = s3Gib(c);
    return [
      line(c, {
        item: 'S3 Standard storage',
        kind: 'usage',
        quantity: `${fmt(gib)} GB`,
        monthlyUsd: gib * c.prices.s3StandardGbMonth.usd,
        prices: ['s3StandardGbMonth'],
        note: what,
      }),
    ];
  },
  'AWS::ECR::Repository': (c) => {
    const gib = ASSUMPTIONS.engineImageGiB * ASSUMPTIONS.engineImagesStored;
    return [
      line(c, {
        item: 'image storage',
        kind: 'usage',
        quantity: `${fmt(gib)} GB`,
        monthlyUsd: gib * c.prices.ecrStorageGbMonth.usd,
        prices: ['ecrStorageGbMonth'],
        note: `${ASSUMPTIONS.engineImagesStored} images of ${ASSUMPTIONS.engineImageGiB * 1024} MB`,
      }),
    ];
  },
  'AWS::CloudFront::Distribution': (c) => [
    line(c, {
      item: 'data out to players',
      kind: 'usage',
      quantity: `${fmt(c.usage.siteGbOutPerMonth)} GB`,
      monthlyUsd: c.usage.siteGbOutPerMonth * c.prices.cloudfrontEuropeGb.usd,
      prices: ['cloudfrontEuropeGb'],
      note: `${fmt(c.profile.expectedLoad.pageViewsPerMonth)} page views x ${ASSUMPTIONS.pageViewKiB} KiB, priced at the Europe rate`,
    }),
    line(c, {
      item: 'HTTPS requests',
      kind: 'usage',
      quantity: `${fmt(c.usage.siteRequestsPerMonth)} requests`,
      monthlyUsd: (c.usage.siteRequestsPerMonth / 1e6) * c.prices.cloudfrontMillionHttpsRequests.usd,
      prices: ['cloudfrontMillionHttpsRequests'],
      note: `${ASSUMPTIONS.requestsPerPageView} requests per page view`,
    }),
  ],
  'AWS::CloudFront::MonitoringSubscription': (c) => [
    line(c, {
      item: 'CloudFront additional metrics (cache hit rate...)',
      kind: 'fixed',
      quantity: '8 metrics',
      monthlyUsd: 8 * c.prices.customMetricMonth.usd,
      prices: ['customMetricMonth'],
      note: 'billed as CloudWatch custom metrics, per distribution',
    }),
  ],
  'AWS::CloudWatch::Alarm': (c) => {
    const queries = props(c.resource).Metrics as Array<{ MetricStat?: unknown }> | undefined;
    const metrics = queries ? queries.filter((q) => q.MetricStat).length : 1;
    return [
      line(c, {
        item: 'alarm',
        kind: 'fixed',
        quantity: `${metrics} metric${metrics > 1 ? 's' : ''}`,
        monthlyUsd: metrics * c.prices.alarmMetricMonth.usd,
        prices: ['alarmMetricMonth'],
      }),
    ];
  },
  'AWS::CloudWatch::Dashboard': (c) => [
    line(c, {
      item: 'dashboard',
      kind: 'fixed',
      quantity: '1 dashboard',
      monthlyUsd: c.prices.dashboardMonth.usd,
      prices: ['dashboardMonth'],
    }),
  ],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (c) => [
    line(c, {
      item: 'Application Load Balancer',
      kind: 'fixed',
      quantity: `${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly('albHour', c.prices),
      prices: ['albHour'],
    }),
    line(c, {
      item: 'load balancer capacity units',
      kind: 'usage',
      quantity: `${ASSUMPTIONS.loadBalancerLcus} LCU x ${HOURS_PER_MONTH} h`,
      monthlyUsd: hourly('albLcuHour', c.prices, ASSUMPTIONS.loadBalancerLcus),
      prices: ['albLcuHour'],
      note: 'the average LCUs in use',
    }),
  ],
  'AWS::WAFv2::WebACL': (c) => {
    const rules = (props(c.resource).Rules as unknown[] | undefined)?.length ?? 0;
    return [
      line(c, {
        item: `web ACL with ${rules} rules`,
        kind: 'fixed',
        quantity: `1 web ACL + ${rules} rules`,
        monthlyUsd: c.prices.wafWebAclMonth.usd + rules * c.prices.wafRuleMonth.usd,
        prices: ['wafWebAclMonth', 'wafRuleMonth'],
      }),
      line(c, {
        item: 'requests inspected',
        kind: 'usage',
        quantity: `${fmt(c.usage.siteRequestsPerMonth)} requests`,
        monthlyUsd: (c.usage.siteRequestsPerMonth / 1e6) * c.prices.wafMillionRequests.usd,
        prices: ['wafMillionRequests'],
        note: 'the site requests; add the game traffic when the player edge routes it through the ACL',
      }),
    ];
  },
};

/** Types that cost nothing by themselves, with the reason (what is billed instead, if anything). */
export const NO_CHARGE: Record<string, string> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': 'Application Auto Scaling has no charge',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'Application Auto Scaling has no charge',
  'AWS::CloudFront::CachePolicy': 'no charge',
  'AWS::CloudFront::CloudFrontOriginAccessIdentity': 'no charge',
  'AWS::CloudFront::OriginAccessControl': 'no charge',
  'AWS::CloudFront::OriginRequestPolicy': 'no charge',
  'AWS::CloudFront::ResponseHeadersPolicy': 'no charge',
  'AWS::CloudFront::VpcOrigin': "no charge of its own; data and requests are the distribution's",
  'AWS::Events::Rule':
    'scheduled rules have no charge (https://aws.amazon.com/eventbridge/pricing/: state changes and scheduled events on the default bus are free)',
  'AWS::SecretsManager::ResourcePolicy': "no charge of its own; the secret's is counted",
  'AWS::EC2::FlowLog': 'the flow logs are billed as ingestion into their log group',
  'AWS::EC2::InternetGateway': 'no charge',
  'AWS::EC2::Route': 'no charge',
  'AWS::EC2::RouteTable': 'no charge',
  'AWS::EC2::SecurityGroup': 'no charge',
  'AWS::EC2::SecurityGroupEgress': 'no charge',
  'AWS::EC2::SecurityGroupIngress': 'no charge',
  'AWS::EC2::Subnet': 'no charge',
  'AWS::EC2::SubnetRouteTableAssociation': 'no charge',
  'AWS::EC2::VPC': 'no charge (NAT gateways, endpoints and addresses in it are priced)',
  'AWS::EC2::VPCGatewayAttachment': 'no charge',
  'AWS::ECS::TaskDefinition': 'priced through the service that runs it',
  'AWS::ElasticLoadBalancingV2::Listener':
    "no charge of its own; the load balancer's hours and LCUs are priced",
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'no charge of its own; rule evaluations count in LCUs',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'no charge',
  'AWS::IAM::ManagedPolicy': 'IAM has no charge',
  'AWS::IAM::Policy': 'IAM has no charge',
  'AWS::IAM::Role': 'IAM has no charge',
  'AWS::KMS::Alias': 'no charge',
  'AWS::Lambda::EventSourceMapping': 'no charge; its polling requests are priced on the queue',
  'AWS::Lambda::Permission': 'no charge',
  'AWS::RDS::DBParameterGroup': 'no charge',
  'AWS::RDS::DBSubnetGroup': 'no charge',
  'AWS::S3::BucketPolicy': 'no charge',
  'AWS::SNS::Subscription': 'alarm emails stay in the free 1,000 a month',
  'AWS::SNS::Topic': 'no charge for the topic; a few alarm notifications a month',
  'AWS::SNS::TopicPolicy': 'no charge',
  'AWS::SQS::QueuePolicy': 'no charge',
};

/** Resource types of the templates that are neither priced nor known to cost nothing. */
export const unpricedTypes = (
  templates: Record<string, Template>,
): Array<{ service: string; type: string }> =>
  Object.entries(templates).flatMap(([service, template]) =>
    [...new Set(Object.values(template.Resources).map((r) => r.Type))]
      .filter((type) => !PRICERS[type] && !NO_CHARGE[type] && !type.startsWith('Custom::'))
      .map((type) => ({ service, type })),
  );

/** Every cost line of a stage, service by service, in template order. */
export const stageCostLines = (
  profile: StageProfile,
  templates: Record<string, Template>,
  prices: RegionPrices,
  usage: StageUsage,
): CostLine[] =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(template.Resources).flatMap(([logicalId, resource]) =>
      (PRICERS[resource.Type] ?? (() => []))({
        service,
        logicalId,
        resource,
        template,
        templates,
        profile,
        prices,
        usage,
      }),
    ),
  );
