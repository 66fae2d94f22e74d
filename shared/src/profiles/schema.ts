/**
 * The shape of a stage profile: every setting that differs between stages, with what is
 * allowed for each. Validated with valibot when a profile is loaded, so a bad value fails
 * before anything is packaged, with one line per problem (see `load.ts`).
 *
 * Conventions: durations say their unit (`...Seconds`, `...Days`), sizes too (`...GiB`, `...MiB`);
 * switches that turn a protection off are explicit booleans, never omissions.
 */
import * as v from 'valibot';
import { ENDPOINT_SERVICE_NAMES } from '../endpoints';
import { canonicalCidr, isPrivateRange, parseCidr } from '../ipv4';
import { FARGATE_CPU_UNITS } from './fargate';

/**
 * A key-checked object: an unknown key is reported with the list of keys that are allowed, a missing
 * one with the keys that are required (and those that may be left out, where there are any).
 */
const section = <const TEntries extends v.ObjectEntries>(entries: TEntries) => {
  const keys = Object.keys(entries);
  const optional = keys.filter((key) => entries[key]?.type === 'optional');
  const required = keys.filter((key) => !optional.includes(key));
  const missing =
    optional.length === 0
      ? `every key is required: ${keys.join(', ')}`
      : `every key is required but ${optional.join(', ')}: ${required.join(', ')}`;
  return v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? keys.join(', ')
      : issue.input === undefined && issue.path?.length
        ? `a value (${missing})`
        : `an object with the keys ${keys.join(', ')}`,
  );
};

const integer = (min: number, max: number) =>
  v.pipe(
    v.number(`an integer from ${min} to ${max}`),
    v.integer(`an integer from ${min} to ${max}`),
    v.minValue(min, `an integer from ${min} to ${max}`),
    v.maxValue(max, `an integer from ${min} to ${max}`),
  );

const oneOf = <const T extends readonly string[]>(values: T) =>
  v.picklist(values, `one of ${values.map((value) => `"${value}"`).join(', ')}`);

const vpcCidr = v.pipe(
  v.string('an IPv4 CIDR such as "10.20.0.0/16"'),
  v.check(
    (text) => parseCidr(text) !== undefined || canonicalCidr(text) === undefined,
    (issue) =>
      `a network address with its host bits zero (did you mean "${canonicalCidr(String(issue.input))}"?)`,
  ),
  v.check((text) => canonicalCidr(text) !== undefined, 'an IPv4 CIDR such as "10.20.0.0/16"'),
  v.check((text) => {
    const cidr = parseCidr(text);
    return cidr === undefined || (cidr.prefixLength >= 16 && cidr.prefixLength <= 24);
  }, 'a prefix length from /16 to /24 (AWS allows /16 to /28; the subnet layout needs four slots per tier)'),
  v.check((text) => {
    const cidr = parseCidr(text);
    return cidr === undefined || isPrivateRange(cidr);
  }, 'a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)'),
);

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const logRetentionDays = v.picklist(
  LOG_RETENTION_DAYS,
  `one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')})`,
);

export const NAT_MODES = ['none', 'single', 'perAz'] as const;

export const networkSchema = section({
  /** The VPC's private address range. Each stage profile needs its own, so VPCs can be peered later. */
  vpcCidr,
  /** Availability zones to spread subnets over. 2 is the minimum RDS accepts for a subnet group. */
  azCount: integer(2, 3),
  /**
   * Outbound internet for the private subnets. `none` (no NAT gateway: AWS APIs are reached through
   * the endpoints service), `single` (one NAT gateway, cheapest with internet access, not AZ-resilient),
   * `perAz` (one per AZ: egress survives an AZ outage).
   */
  natMode: oneOf(NAT_MODES),
  /** How long VPC flow logs are kept. */
  flowLogRetentionDays: logRetentionDays,
});

export const observabilitySchema = section({
  /** Where alarm notifications are emailed; `null` means alarms notify the SNS topic only. */
  alarmEmail: v.nullable(v.pipe(v.string(), v.email('an email address or null'))),
  /** Retention of every application log group (Lambda, ECS). */
  logRetentionDays,
});

/** PostgreSQL major versions the datastore can run; the parameter group family follows (`postgres17`). */
export const POSTGRES_MAJOR_VERSIONS = ['16', '17'] as const;
/** Enhanced monitoring granularities RDS accepts (0, "off", is not offered: CT.RDS.PR.2 requires it on). */
export const MONITORING_INTERVAL_SECONDS = [1, 5, 10, 15, 30, 60] as const;
/** Performance Insights retention RDS accepts: 7 days (free), whole months of 31 days up to 23, or 731. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [
  7,
  ...Array.from({ length: 23 }, (_, month) => 31 * (month + 1)),
  731,
] as const;

export const datastoreSchema = section({
  /** PostgreSQL major version; RDS applies minor versions itself (auto minor version upgrade). */
  engineVersion: oneOf(POSTGRES_MAJOR_VERSIONS),
  /** RDS instance class, e.g. `db.t4g.micro` (dev) or `db.m7g.large` (prod). Its memory must be known (`rds.ts`). */
  instanceClass: v.pipe(
    v.string(),
    v.regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS instance class such as "db.t4g.micro"'),
  ),
  /** Initial gp3 storage. */
  allocatedStorageGiB: integer(20, 65536),
  /** Storage autoscaling ceiling. */
  maxAllocatedStorageGiB: integer(20, 65536),
  /** A standby in a second AZ. Turn off only outside production. */
  multiAz: v.boolean('true or false'),
  /** Refuse `DeleteDBInstance`. Turn off only outside production. */
  deletionProtection: v.boolean('true or false'),
  /** Automated backup retention; AWS's security baseline asks for at least 7. */
  backupRetentionDays: integer(7, 35),
  /** Enhanced monitoring (OS metrics) granularity. */
  monitoringIntervalSeconds: v.picklist(
    MONITORING_INTERVAL_SECONDS,
    `one of ${MONITORING_INTERVAL_SECONDS.join(', ')} (seconds)`,
  ),
  /** Performance Insights (Database Insights, standard mode). Supported on every RDS for PostgreSQL class. */
  performanceInsights: v.boolean('true or false'),
  /** How long Performance Insights keeps its data; beyond 7 days it is billed per vCPU. */
  performanceInsightsRetentionDays: v.picklist(
    PERFORMANCE_INSIGHTS_RETENTION_DAYS,
    '7, a multiple of 31 up to 713, or 731 (the retention periods Performance Insights accepts)',
  ),
  /**
   * PostgreSQL `max_connections`, set in the parameter group so the limit is known, not estimated:
   * the connections alarm fires at 80 % of it, and every client's pool must fit in it. At most
   * what the instance class can hold (see `maxConnectionsFor`).
   */
  maxConnections: integer(20, 5000),
  /** Statements slower than this are logged (`log_min_duration_statement`); 0 logs every statement. */
  slowStatementMs: integer(0, 3_600_000),
  /**
   * Replicate the automated backups (snapshots and transaction logs, so point-in-time restore works
   * there too) to a second region, encrypted with a key of the `backups` service in that region.
   * `null`: backups stay in the stage's region only. A production profile must replicate
   * (PLATFORM.RDS.5). Runbook: services/datastore/README.md, "Restore".
   */
  backupReplication: v.nullable(
    section({
      /** The second region; another region than the stage's own. */
      region: v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-central-1"')),
      /** Days the replicated backups are kept there (RDS allows 1 to 35). */
      retentionDays: integer(1, 35),
    }),
  ),
});

export const integrationsSchema = section({
  /** Records per Lambda invocation; the consumer writes each batch in one statement. */
  batchSize: integer(1, 10000),
  /** How long Lambda gathers records before invoking (required above 10 records per batch). */
  maximumBatchingWindowSeconds: integer(0, 300),
  /** Consumer function timeout; the queue's visibility timeout is derived from it (6 x timeout + window). */
  functionTimeoutSeconds: integer(1, 900),
  /** Consumer function memory (CPU grows with it). */
  memorySizeMiB: integer(128, 10240),
  /** Receives before a message moves to the dead-letter queue; below 5, throttling dead-letters good messages. */
  maxReceiveCount: integer(5, 1000),
  /** How long an unprocessed message stays on the queue. */
  messageRetentionDays: integer(1, 14),
  /**
   * How long the dead-letter queue keeps a message. Must be longer than `messageRetentionDays`: SQS keeps
   * a message's original enqueue time when it dead-letters it, so a shorter DLQ retention loses it early.
   */
  deadLetterRetentionDays: integer(2, 14),
  /** Concurrent consumer invocations (event source mapping `MaximumConcurrency`, 2-1000). */
  maximumConcurrency: integer(2, 1000),
  /**
   * PostgreSQL connections the consumer may hold at once: its share of the database's `max_connections`.
   * Each consumer instance holds one connection, so `maximumConcurrency` may not exceed it.
   */
  databaseConnectionBudget: integer(2, 5000),
  /** The "age of oldest message" alarm fires when a message has waited longer than this. */
  oldestMessageAgeAlarmSeconds: integer(60, 1_209_600),
});

/** Fargate's CPU architectures (`RuntimePlatform.CpuArchitecture`). */
export const ENGINE_CPU_ARCHITECTURES = ['ARM64', 'X86_64'] as const;

/** Stands for the stage name in an engine image repository name: `game-{stage}-engine` -> `game-alice-engine`. */
export const STAGE_PLACEHOLDER = '{stage}';

/** ECR repository names: lowercase path segments of letters and digits joined by `.`, `_` or `-`. */
export const ECR_REPOSITORY_NAME =
  /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const ECR_REPOSITORY_NAME_RULE =
  'an ECR repository name of 2-256 characters such as "game-engine" or "game/engine" (lowercase letters and digits, separated by ".", "_", "-" or "/")';

/**
 * Image tags the engine deploys and `npm run engine:image` pushes: ECR's tag syntax, minus `latest`
 * (a mutable-sounding name for an immutable tag; a service must name one build to roll back to).
 */
export const ENGINE_IMAGE_TAG = /^(?!latest$)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const ENGINE_IMAGE_TAG_RULE =
  'an image tag of 1-128 letters, digits, "_", "." or "-", not starting with "." or "-", and not "latest"';

const SECRET_ARN =
  /^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z]{2}(-[a-z]+)+-\d:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}(:[^:]*:[^:]*:[^:]*)?$/;

/**
 * The engine's stage decisions. Facts of its image and service, the same in every stage, live with
 * the service instead (services/engine/stack: health check, stop timeout, the repository name pattern;
 * the container port in `shared/src/edge`, which the network's security groups also need).
 */
export const engineSchema = section({
  /**
   * CPU architecture of the tasks and of the image `npm run engine:image` builds. `ARM64` (Graviton)
   * costs about 20 % less per vCPU-hour than `X86_64`; change both together (the image is built for one).
   */
  cpuArchitecture: oneOf(ENGINE_CPU_ARCHITECTURES),
  /**
   * Overrides the ECR repository (in the stage's account and region) that `npm run engine:image`
   * creates and pushes to and the tasks pull from. Absent (the default): the engine's own pattern,
   * `game-{stage}-engine` (services/engine/stack/image.ts), so every stage, also a sandbox using the
   * fallback profile, owns its own repository. `{stage}` is replaced by the stage name; the fallback
   * profile must use it. A fixed name is fine for a profile whose stage has an account of its own.
   */
  imageRepository: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (name) => ECR_REPOSITORY_NAME.test(name.replaceAll(STAGE_PLACEHOLDER, 'stage')),
        `${ECR_REPOSITORY_NAME_RULE}, where {stage} stands for the stage name`,
      ),
    ),
  ),
  /**
   * Pins the image tag the service runs (e.g. `v1.4.0`, pushed with `npm run engine:image -- --tag`).
   * `null` (the default): the tag is `src-<hash>` of the image's build inputs, and the deploy builds
   * and pushes it when the repository does not have it yet. A pinned tag wins over everything else
   * and must already be in the repository. README of services/engine: "Releases".
   */
  imageTag: v.nullable(v.pipe(v.string(), v.regex(ENGINE_IMAGE_TAG, `${ENGINE_IMAGE_TAG_RULE} (or null)`))),
  /**
   * Build once, promote: run exactly the image (same digest) that this other stage runs, instead of
   * building. The deploy copies it by digest from that stage's repository. `null` (the default):
   * build from source. `engine.imageTag` wins when both are set. README of services/engine: "Promotion".
   */
  promoteFrom: v.nullable(
    v.pipe(
      v.string(),
      v.regex(/^[a-z][a-z0-9-]{0,15}$/, 'the name of another stage with a profile of its own (or null)'),
    ),
  ),
  /**
   * How ECS replaces the tasks in a release (README of services/engine, "Releases").
   * `ROLLING`: new tasks start beside the old ones (100 % / 200 %) and the deployment circuit
   * breaker rolls back when they do not become healthy. `BLUE_GREEN` (ECS's own strategy): a full
   * green set starts in the second target group, the production listener rule moves all traffic to
   * it at once, and the old (blue) set keeps running for `bakeTimeMinutes` while the engine's
   * release alarms watch; an alarm in that time moves traffic back to blue.
   */
  deployment: v.variant(
    'strategy',
    [
      section({ strategy: v.literal('ROLLING') }),
      section({
        strategy: v.literal('BLUE_GREEN'),
        /**
         * Minutes the old tasks keep running after traffic moved to the new ones (ECS
         * `BakeTimeInMinutes`, at most 1440). At least the 5 minutes the release alarms need to fire.
         */
        bakeTimeMinutes: integer(5, 1440),
      }),
    ],
    'an object with "strategy": "ROLLING" or "BLUE_GREEN" (BLUE_GREEN also needs bakeTimeMinutes)',
  ),
  /** Fargate task CPU units (256 = 0.25 vCPU). The memory must be a value Fargate accepts with it. */
  cpu: v.picklist(
    FARGATE_CPU_UNITS,
    `one of the CPU values Fargate accepts (${FARGATE_CPU_UNITS.join(', ')})`,
  ),
  /** Fargate task memory, also the container's hard memory limit (CT.ECS.PR.7). */
  memoryMiB: integer(512, 122880),
  /**
   * Tasks the service runs at least (Application Auto Scaling's minimum), spread over the private
   * subnets' AZs. Production needs 2, so an AZ or a task can fail without an outage.
   */
  minCount: integer(1, 100),
  /** Tasks the service may scale out to (CPU and memory target tracking). */
  maxCount: integer(1, 100),
  /**
   * ECS Exec (`aws ecs execute-command`) into running tasks. Default: false. Turning it on grants the
   * task role the Session Manager channel actions and needs the `ssmmessages` endpoint without NAT.
   */
  enableExecuteCommand: v.boolean('true or false'),
  /**
   * PostgreSQL connections per task (`DATABASE_POOL_MAX`). `maxCount` x this, plus the consumer's budget,
   * must fit the database's `max_connections`.
   */
  databasePoolMax: integer(1, 50),
  /**
   * Secrets injected as environment variables at task start (`Secrets`, never `Environment`):
   * variable name -> full Secrets Manager secret ARN (optionally `:json-key:version-stage:version-id`).
   * The execution role may read exactly these. Default: none (the engine authenticates to the
   * database with IAM, so it needs no secret). Secrets must use the AWS managed key (aws/secretsmanager).
   */
  secrets: v.record(
    v.pipe(
      v.string(),
      v.regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name in SCREAMING_CASE, e.g. API_TOKEN'),
    ),
    v.pipe(
      v.string(),
      v.regex(
        SECRET_ARN,
        'a full Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:game/api-token-AbC123"',
      ),
    ),
    'an object of environment variable name -> secret ARN ({} for none)',
  ),
});

/** How CloudFront reads the site bucket. README of the frontend service: "Moving from OAI to OAC". */
export const ORIGIN_ACCESS_MODES = ['oai', 'oai+oac', 'oac'] as const;
/** Default encryption of the site bucket: SSE-S3 (`AES256`) or a customer-managed KMS key of the stack. */
export const SITE_ENCRYPTIONS = ['sse-s3', 'kms'] as const;

/** CloudFront serves only ACM certificates from us-east-1, whatever region the stack is in. */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';
const ACM_CERTIFICATE_ARN = /^arn:aws(-cn|-us-gov)?:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const acmCertificateArn = v.pipe(
  v.string(),
  v.regex(
    ACM_CERTIFICATE_ARN,
    'an ACM certificate ARN such as "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"',
  ),
  v.check(
    (arn) => ACM_CERTIFICATE_ARN.exec(arn)?.[2] === CLOUDFRONT_CERTIFICATE_REGION,
    (issue) =>
      `a certificate in ${CLOUDFRONT_CERTIFICATE_REGION} (CloudFront uses ACM certificates from ${CLOUDFRONT_CERTIFICATE_REGION} only; this one is in ${ACM_CERTIFICATE_ARN.exec(String(issue.input))?.[2]})`,
  ),
);

/** WAF web ACLs for CloudFront have the CLOUDFRONT scope, so they live in us-east-1 under `global/`. */
const cloudFrontWebAclArn = v.pipe(
  v.string(),
  v.regex(
    /^arn:aws(-cn|-us-gov)?:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/,
    'a WAFv2 web ACL ARN with CLOUDFRONT scope such as "arn:aws:wafv2:us-east-1:123456789012:global/webacl/<name>/<uuid>" (or null)',
  ),
);

const domainName = v.pipe(
  v.string(),
  v.regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'a lowercase DNS name such as "play.example.com"',
  ),
);

export const frontendSchema = section({
  /** CloudFront price class: which edge locations serve the site. */
  priceClass: oneOf(['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const),
  /**
   * How CloudFront reads the bucket: `oai` (Origin Access Identity, as the seed asks), `oac` (Origin
   * Access Control, scoped to this distribution by `AWS:SourceArn`) or `oai+oac` (transitional: the
   * distribution still reads through the OAI while the bucket policy already trusts OAC too).
   */
  originAccess: oneOf(ORIGIN_ACCESS_MODES),
  /**
   * Default encryption of the site bucket. An OAI cannot read SSE-KMS objects, so `oai` and `oai+oac`
   * need `sse-s3`; `kms` (a key of this stack that only CloudFront may decrypt with) needs `oac`.
   */
  siteEncryption: oneOf(SITE_ENCRYPTIONS),
  /** Own domain name with its ACM certificate (us-east-1); `null` serves the site on `*.cloudfront.net`. */
  customDomain: v.nullable(section({ domainName, certificateArn: acmCertificateArn })),
  /** AWS WAF web ACL (CLOUDFRONT scope) in front of the distribution; `null` for none. */
  webAclArn: v.nullable(cloudFrontWebAclArn),
  /**
   * Single-page-app fallback: unknown paths get `/index.html` with status 200 (client-side routing)
   * instead of the site's 404 page with status 404. Default: false.
   */
  spaFallback: v.boolean('true or false'),
  /** Days CloudFront and S3 access logs are kept in the log bucket. */
  accessLogRetentionDays: integer(1, 3650),
  /** Days a replaced or deleted site object stays recoverable as a noncurrent version. */
  noncurrentVersionDays: integer(1, 365),
});

const endpointServiceNames = `one of ${ENDPOINT_SERVICE_NAMES.map((name) => `"${name}"`).join(', ')} (add others to shared/src/endpoints)`;

export const endpointsSchema = section({
  /**
   * Interface VPC endpoints (PrivateLink) beyond those the workloads call, each with the reason it is
   * paid for: endpoint name -> reason. The endpoints a workload calls are derived, not listed here
   * (`shared/src/endpoints/workload-calls.ts`, checked against the templates by PLATFORM.ENDPOINTS.3);
   * with `network.natMode: none` they are the only way to AWS APIs. The S3 gateway endpoint (free)
   * always exists; `s3` here adds the interface endpoint for clients outside the VPC. Default: none.
   */
  extraInterfaceServices: v.record(
    v.picklist(ENDPOINT_SERVICE_NAMES, endpointServiceNames),
    v.pipe(
      v.string('the reason the endpoint is paid for'),
      v.minLength(10, 'the reason the endpoint is paid for, in a sentence'),
    ),
    'an object of endpoint service name -> reason ({} for none)',
  ),
  /**
   * How many AZs hold a network interface of every interface endpoint (the first N private subnets).
   * Each AZ is billed per endpoint-hour; fewer AZs cost less, but callers in the other AZs cross AZs
   * and lose AWS APIs when the endpoint AZs fail. At most `network.azCount`.
   */
  interfaceAzCount: integer(1, 3),
});

/**
 * The load the stage is expected to carry, for `npm run cost` only (nothing is sized from it): the
 * usage lines of the bill (requests, messages, invocations, logs, data out) are derived from it.
 */
export const expectedLoadSchema = section({
  /** Distinct players in a month; the bill is also shown per player. */
  monthlyPlayers: integer(0, 1_000_000_000),
  /** Matches completed per day: one `match.completed` event each, through the queue and the consumer. */
  matchesPerDay: integer(0, 1_000_000_000),
  /** Page views of the site per month (CloudFront requests and data out). */
  pageViewsPerMonth: integer(0, 1_000_000_000_000),
});

/**
 * The player edge: how players reach the engine (CloudFront `/api/*` -> VPC origin -> internal
 * Application Load Balancer -> Fargate tasks) and what protects it. Settings equal in every stage
 * (health check, deregistration delay, alarm thresholds, the `/api/*` cache and origin policies) live
 * with the engine and frontend services; only what differs between stages is here.
 */
export const edgeSchema = section({
  /** Deletion protection on the internal load balancer (CT.ELASTICLOADBALANCING.PR.5). Production: true. */
  loadBalancerDeletionProtection: v.boolean('true or false'),
  /**
   * Load balancer access logs to an S3 bucket of the engine stack (CT.ELASTICLOADBALANCING.PR.6).
   * Default outside production: false (CloudFront's standard logs already record every player request).
   */
  loadBalancerAccessLogs: v.boolean('true or false'),
  /** Days load balancer access logs are kept (when `loadBalancerAccessLogs` is on). */
  accessLogRetentionDays: integer(1, 3650),
  /**
   * An AWS WAF web ACL on the distribution, created by the `firewall` service in us-east-1 (CloudFront
   * web ACLs must live there): a per-IP rate limit on `/api/*` and AWS managed rule groups for a public
   * API. Costs a fixed monthly fee per web ACL and rule plus a fee per million requests. Production: true.
   */
  webAcl: v.boolean('true or false'),
  /**
   * Requests one client IP may send to `/api/*` in 5 minutes before the web ACL blocks it (WAF
   * rate-based rule, from 10 to 2,000,000,000). Only read when `webAcl` is true.
   */
  apiRequestsPer5MinutesPerIp: integer(10, 2_000_000_000),
});

export const stageProfileSchema = section({
  /** AWS region every service of the stage deploys to. */
  region: v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-west-1"')),
  /** Production protections (deletion protection, Multi-AZ...) are asserted for stages where this is true. */
  production: v.boolean('true or false'),
  /**
   * Keep the data of stateful resources (queues, log groups, buckets, KMS keys, the image repository)
   * when their stack deletes or replaces them: DeletionPolicy and UpdateReplacePolicy `Retain`.
   * `false` deletes them with the stack (stages whose data nobody needs). The database keeps a final
   * snapshot either way. A production profile must keep its data (PLATFORM.DATA.2).
   */
  retainData: v.boolean('true or false'),
  network: networkSchema,
  observability: observabilitySchema,
  datastore: datastoreSchema,
  integrations: integrationsSchema,
  engine: engineSchema,
  frontend: frontendSchema,
  endpoints: endpointsSchema,
  expectedLoad: expectedLoadSchema,
  edge: edgeSchema,
});

export type StageProfileInput = v.InferInput<typeof stageProfileSchema>;
export type StageProfileValues = v.InferOutput<typeof stageProfileSchema>;
