/**
 * The shape of a stage profile: every setting that differs between stages, with what is
 * allowed for each. Validated with valibot when a profile is loaded, so a bad value fails
 * before anything is packaged, with one line per problem (see `load.ts`).
 *
 * Conventions: durations say their unit (`...Seconds`, `...Days`), sizes too (`...GiB`, `...MiB`);
 * switches that turn a protection off are explicit booleans, never omissions.
 */
import * as v from 'valibot';
import { canonicalCidr, isPrivateRange, parseCidr } from '../ipv4';

/** A key-checked object: an unknown key is reported with the list of keys that are allowed. */
const section = <const TEntries extends v.ObjectEntries>(entries: TEntries) =>
  v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? Object.keys(entries).join(', ')
      : `an object with the keys ${Object.keys(entries).join(', ')}`,
  );

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

export const datastoreSchema = section({
  /** RDS instance class, e.g. `db.t4g.micro` (dev) or `db.m7g.large` (prod). */
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

export const engineSchema = section({
  /** Fargate task CPU units (256 = 0.25 vCPU). */
  cpu: integer(256, 16384),
  /** Fargate task memory. */
  memoryMiB: integer(512, 122880),
  /** Tasks the service keeps running. */
  desiredCount: integer(0, 100),
  /** Autoscaling bounds. */
  minCount: integer(0, 100),
  maxCount: integer(1, 100),
});

export const frontendSchema = section({
  /** CloudFront price class: which edge locations serve the site. */
  priceClass: oneOf(['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const),
});

export const endpointsSchema = section({
  /** AWS services reached through interface VPC endpoints (PrivateLink). */
  interfaceServices: v.array(
    v.pipe(v.string(), v.regex(/^[a-z0-9.-]+$/, 'an AWS service endpoint name such as "sqs" or "ecr.dkr"')),
  ),
});

export const stageProfileSchema = section({
  /** AWS region every service of the stage deploys to. */
  region: v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-west-1"')),
  /** Production protections (deletion protection, Multi-AZ...) are asserted for stages where this is true. */
  production: v.boolean('true or false'),
  network: networkSchema,
  observability: observabilitySchema,
  datastore: datastoreSchema,
  integrations: integrationsSchema,
  engine: engineSchema,
  frontend: frontendSchema,
  endpoints: endpointsSchema,
});

export type StageProfileInput = v.InferInput<typeof stageProfileSchema>;
export type StageProfileValues = v.InferOutput<typeof stageProfileSchema>;
