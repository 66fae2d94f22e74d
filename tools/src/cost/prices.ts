/**
 * The platform's one price table: on-demand list prices in USD, before tax, per region, as recorded
 * on `recordedOn`. `npm run cost` prices every stage's templates from it, and the endpoints report
 * (`npm run endpoints:cost`) reads its endpoint and NAT figures from here too.
 *
 * Every figure names the AWS pricing page it belongs to (`source`) and how it was checked on the day
 * it was recorded (`check`). The build machines cannot open the AWS pricing pages; what could be
 * checked was checked against stored copies of public pages:
 *   - `aws`: a stored copy of an AWS page states the figure for this region (or for every region);
 *   - `third-party`: only a third-party page states it for this region;
 *   - `us-east-1`: only the US East (N. Virginia) figure was found; this region's list price may be higher;
 *   - `unconfirmed`: nothing found offline; the figure is the one last read from the AWS page.
 * `npm run cost` prints which lines rest on figures that are not `aws`. A test fails when
 * `recordedOn` is older than `MAX_PRICE_AGE_DAYS`: re-check every figure, then move the date.
 *
 * Free tiers are never deducted: they are per account, and stages often share one.
 */

export type PriceCheck =
  | { status: 'aws'; via: string }
  | { status: 'third-party'; via: string }
  | { status: 'us-east-1'; via: string }
  | { status: 'unconfirmed'; note: string };

export interface Price {
  usd: number;
  /** What one `usd` buys, e.g. "hour", "GB-month", "million requests". */
  per: string;
  /** The AWS pricing page the figure belongs to. */
  source: string;
  check: PriceCheck;
}

/** Days after `recordedOn` when the table must be re-checked (a test fails past it). */
export const MAX_PRICE_AGE_DAYS = 120;

/** AWS's pricing calculator counts 730 hours in a month. */
export const HOURS_PER_MONTH = 730;

const PAGE = {
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privatelink: 'https://aws.amazon.com/privatelink/pricing/',
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  rds: 'https://aws.amazon.com/rds/postgresql/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  cloudfront: 'https://aws.amazon.com/cloudfront/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  ecr: 'https://aws.amazon.com/ecr/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
} as const;

const LAST_READ =
  'not found in any stored page; the figure last read from the AWS page. Check before budgeting';

const price = (usd: number, per: string, source: string, check: PriceCheck): Price => ({
  usd,
  per,
  source,
  check,
});

/** One region's prices; every key is used by `npm run cost` (`pricing.ts`). */
const euWest1 = {
  natGatewayHour: price(0.048, 'NAT gateway-hour', PAGE.vpc, {
    status: 'third-party',
    via: 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/ (Europe (Ireland) ~$0.048-0.052)',
  }),
  natGatewayGb: price(0.048, 'GB processed by a NAT gateway', PAGE.vpc, {
    status: 'third-party',
    via: 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/ (Europe (Ireland) ~$0.048-0.052)',
  }),
  publicIpv4Hour: price(0.005, 'public IPv4 address-hour', PAGE.vpc, {
    status: 'third-party',
    via: 'https://cloudburn.io/blog/aws-nat-gateway-pricing ($0.005/hour per IP)',
  }),
  interfaceEndpointAzHour: price(0.011, 'interface endpoint-hour per AZ', PAGE.privatelink, {
    status: 'unconfirmed',
    note: `recorded 2026-11-27 for eu-west-1 by the endpoints report; ${LAST_READ}`,
  }),
  interfaceEndpointGb: price(0.01, 'GB processed by interface endpoints', PAGE.privatelink, {
    status: 'third-party',
    via: 'https://www.egresscost.com/nat-gateway (VPC endpoint $0.01/GB)',
  }),
  gatewayEndpointHour: price(0, 'gateway endpoint-hour (no charge)', PAGE.vpc, {
    status: 'third-party',
    via: 'https://basavytix.com/blog/aws-nat-gateway-pricing (S3 gateway endpoint $0)',
  }),
  fargateArmVcpuHour: price(0.03238, 'vCPU-hour, Linux/ARM', PAGE.fargate, {
    status: 'us-east-1',
    via: 'https://vantage.sh/blog/fargate-pricing (us-east-1 Linux/ARM)',
  }),
  fargateArmGbHour: price(0.00356, 'GB-hour, Linux/ARM', PAGE.fargate, {
    status: 'us-east-1',
    via: 'https://vantage.sh/blog/fargate-pricing (us-east-1 Linux/ARM)',
  }),
  fargateX86VcpuHour: price(0.04048, 'vCPU-hour, Linux/x86', PAGE.fargate, {
    status: 'us-east-1',
    via: 'https://vantage.sh/blog/fargate-pricing (us-east-1 Linux/x86)',
  }),
  fargateX86GbHour: price(0.004445, 'GB-hour, Linux/x86', PAGE.fargate, {
    status: 'us-east-1',
    via: 'https://vantage.sh/blog/fargate-pricing (us-east-1 Linux/x86)',
  }),
  'rds:db.t4g.micro': price(0.016, 'instance-hour, Single-AZ, PostgreSQL', PAGE.rds, {
    status: 'us-east-1',
    via: 'https://infratally.com/articles/aws-rds-pricing-explained-2026.html (us-east-1)',
  }),
  'rds:db.t4g.small': price(0.032, 'instance-hour, Single-AZ, PostgreSQL', PAGE.rds, {
    status: 'us-east-1',
    via: 'https://infratally.com/articles/aws-rds-pricing-explained-2026.html (us-east-1)',
  }),
  'rds:db.t4g.medium': price(0.065, 'instance-hour, Single-AZ, PostgreSQL', PAGE.rds, {
    status: 'us-east-1',
    via: 'https://infratally.com/articles/aws-rds-pricing-explained-2026.html (us-east-1)',
  }),
  'rds:db.m7g.large': price(0.168, 'instance-hour, Single-AZ, PostgreSQL', PAGE.rds, {
    status: 'unconfirmed',
    note: `the us-east-1 figure; ${LAST_READ}`,
  }),
  rdsGp3GbMonth: price(0.115, 'GB-month of gp3 storage, per copy (Multi-AZ stores two)', PAGE.rds, {
    status: 'us-east-1',
    via: 'https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/ (us-east-1 gp3)',
  }),
  lambdaArmGbSecond: price(0.0000133334, 'GB-second, arm64', PAGE.lambda, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  lambdaX86GbSecond: price(0.0000166667, 'GB-second, x86_64', PAGE.lambda, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  lambdaMillionRequests: price(0.2, 'million invocations', PAGE.lambda, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  sqsMillionRequests: price(0.4, 'million standard-queue requests (64 KB chunks)', PAGE.sqs, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  logsIngestGb: price(0.5, 'GB ingested, standard log class', PAGE.cloudwatch, {
    status: 'us-east-1',
    via: 'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)',
  }),
  vendedLogsIngestGb: price(
    0.5,
    'GB of vended logs (VPC flow logs) delivered to CloudWatch Logs',
    PAGE.cloudwatch,
    {
      status: 'unconfirmed',
      note: `the us-east-1 first-10-TB figure; ${LAST_READ}`,
    },
  ),
  logsStorageGbMonth: price(0.03, 'GB-month stored (compressed)', PAGE.cloudwatch, {
    status: 'us-east-1',
    via: 'https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)',
  }),
  dashboardMonth: price(3, 'dashboard-month', PAGE.cloudwatch, {
    status: 'third-party',
    via: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/ ($3 each)',
  }),
  alarmMetricMonth: price(0.1, 'standard-resolution alarm metric-month', PAGE.cloudwatch, {
    status: 'unconfirmed',
    note: `the us-east-1 figure; ${LAST_READ}`,
  }),
  customMetricMonth: price(0.3, 'custom metric-month (first 10,000)', PAGE.cloudwatch, {
    status: 'unconfirmed',
    note: `the us-east-1 figure; ${LAST_READ}`,
  }),
  kmsKeyMonth: price(1, 'customer managed key-month (+$1 per rotated backing key)', PAGE.kms, {
    status: 'aws',
    via: 'https://aws.amazon.com/kms/pricing/ ("Each AWS KMS key that you create in KMS costs $1/month")',
  }),
  secretMonth: price(0.4, 'secret-month', PAGE.secretsManager, { status: 'unconfirmed', note: LAST_READ }),
  s3StandardGbMonth: price(0.023, 'GB-month, S3 Standard (first 50 TB)', PAGE.s3, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  ecrStorageGbMonth: price(0.1, 'GB-month of image storage', PAGE.ecr, {
    status: 'unconfirmed',
    note: LAST_READ,
  }),
  cloudfrontEuropeGb: price(
    0.085,
    'GB out to the internet, Europe/North America, first 10 TB',
    PAGE.cloudfront,
    {
      status: 'aws',
      via: 'http://aws.amazon.com/cloudfront/pricing (stored copy: "First 10TB $0.085" for Europe)',
    },
  ),
  cloudfrontMillionHttpsRequests: price(1.2, 'million HTTPS requests, Europe', PAGE.cloudfront, {
    status: 'unconfirmed',
    note: `$0.0120 per 10,000; ${LAST_READ}`,
  }),
  albHour: price(0.0252, 'Application Load Balancer-hour', PAGE.elb, {
    status: 'third-party',
    via: 'https://cal53.calculator.city/aws-alb-cost-calculator/ (Europe (Ireland) $0.0252)',
  }),
  albLcuHour: price(0.008, 'LCU-hour', PAGE.elb, {
    status: 'third-party',
    via: 'https://aws.darcy-it.com/ (ALB $0.008 per LCU-hour)',
  }),
  wafWebAclMonth: price(5, 'web ACL-month', PAGE.waf, {
    status: 'third-party',
    via: 'https://c3x.dev/blog/aws-waf-cost-explained/; the same in every region (AWS blog "Cost-effective ways for securing your web applications using AWS WAF")',
  }),
  wafRuleMonth: price(1, 'rule (or rule group)-month', PAGE.waf, {
    status: 'third-party',
    via: 'https://c3x.dev/blog/aws-waf-cost-explained/',
  }),
  wafMillionRequests: price(0.6, 'million requests inspected', PAGE.waf, {
    status: 'third-party',
    via: 'https://c3x.dev/blog/aws-waf-cost-explained/',
  }),
} satisfies Record<string, Price>;

export type PriceKey = keyof typeof euWest1;
export type RegionPrices = Record<PriceKey, Price>;

export const PRICE_TABLE = {
  /** When these figures were recorded and checked as described above. */
  recordedOn: '2026-12-01',
  currency: 'USD',
  regions: { 'eu-west-1': euWest1 } as Record<string, RegionPrices>,
};

/** The prices of a region, or an error naming the regions the table has. */
export const regionPrices = (region: string): RegionPrices => {
  const prices = PRICE_TABLE.regions[region];
  if (!prices)
    throw new Error(
      `the price table (tools/src/cost/prices.ts) has no prices for region ${region}; it has ${Object.keys(PRICE_TABLE.regions).join(', ')}. Add the region's figures with their sources`,
    );
  return prices;
};

/** Whole days from `recordedOn` to `today`. */
export const priceTableAgeDays = (today: Date, recordedOn = PRICE_TABLE.recordedOn): number =>
  Math.floor((today.getTime() - Date.parse(`${recordedOn}T00:00:00Z`)) / 86_400_000);
