/**
 * Placeholder values for compose references, so every service packages offline before its
 * producers were ever deployed. Each placeholder has the shape of the real value (`subnet-…`,
 * `arn:aws:sqs:…`), chosen from the output's name: outputs are named `{thing}{Attribute}`
 * (`privateSubnetIds`, `eventsQueueArn`), and the attribute says what the value is.
 *
 * After packaging, `checkReferences` verifies each reference against the producer's real template:
 * the output must exist, and where it is a `Ref`/`Fn::GetAtt` the resource type must match the
 * shape that was assumed here.
 */
import { createHash } from 'node:crypto';
import type { StageProfile } from '@game-platform/shared/profiles';
import { resourceName } from './naming';

export const PLACEHOLDER_ACCOUNT = '123456789012';

interface PlaceholderContext {
  profile: StageProfile;
  producer: string;
  output: string;
}

export interface PlaceholderKind {
  /** Output names this kind applies to. */
  pattern: RegExp;
  description: string;
  /** CloudFormation types the producer's output may come from, when it is a Ref or GetAtt. */
  resourceTypes?: string[];
  make: (context: PlaceholderContext) => string;
}

const hex = (seed: string, length: number) =>
  createHash('sha256').update(seed).digest('hex').slice(0, length);
const seedOf = ({ profile, producer, output }: PlaceholderContext) =>
  `${profile.stage}:${producer}.${output}`;
const awsId = (prefix: string) => (context: PlaceholderContext) => `${prefix}-0${hex(seedOf(context), 16)}`;
const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const nameFor = (context: PlaceholderContext, suffix: RegExp) =>
  resourceName(context.profile.stage, kebab(context.output.replace(suffix, '')) || context.producer);
const arn =
  (service: string, resource: (context: PlaceholderContext) => string) => (context: PlaceholderContext) =>
    `arn:aws:${service}:${context.profile.region}:${PLACEHOLDER_ACCOUNT}:${resource(context)}`;
const idList = (prefix: string) => (context: PlaceholderContext) =>
  Array.from(
    { length: context.profile.network.azCount },
    (_, az) => `${prefix}-0${hex(`${seedOf(context)}#${az}`, 16)}`,
  ).join(',');

/** First match wins; order from most to least specific. */
export const PLACEHOLDER_KINDS: PlaceholderKind[] = [
  { pattern: /^vpcId$/, description: 'VPC id', resourceTypes: ['AWS::EC2::VPC'], make: awsId('vpc') },
  {
    pattern: /SubnetIds$/,
    description: 'comma-separated subnet ids, one per AZ',
    resourceTypes: ['AWS::EC2::Subnet'],
    make: idList('subnet'),
  },
  {
    pattern: /RouteTableIds$/,
    description: 'comma-separated route table ids, one per AZ',
    resourceTypes: ['AWS::EC2::RouteTable'],
    make: idList('rtb'),
  },
  {
    pattern: /SecurityGroupId$/,
    description: 'security group id',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    make: awsId('sg'),
  },
  {
    pattern: /QueueUrl$/,
    description: 'SQS queue URL',
    resourceTypes: ['AWS::SQS::Queue'],
    make: (c) =>
      `https://sqs.${c.profile.region}.amazonaws.com/${PLACEHOLDER_ACCOUNT}/${nameFor(c, /QueueUrl$/)}`,
  },
  {
    pattern: /QueueArn$/,
    description: 'SQS queue ARN',
    resourceTypes: ['AWS::SQS::Queue'],
    make: arn('sqs', (c) => nameFor(c, /QueueArn$/)),
  },
  {
    pattern: /TopicArn$/,
    description: 'SNS topic ARN',
    resourceTypes: ['AWS::SNS::Topic'],
    make: arn('sns', (c) => nameFor(c, /TopicArn$/)),
  },
  {
    pattern: /KeyArn$/,
    description: 'KMS key ARN',
    resourceTypes: ['AWS::KMS::Key'],
    make: arn(
      'kms',
      (c) =>
        `key/${hex(seedOf(c), 8)}-${hex(`${seedOf(c)}1`, 4)}-4${hex(`${seedOf(c)}2`, 3)}-8${hex(`${seedOf(c)}3`, 3)}-${hex(`${seedOf(c)}4`, 12)}`,
    ),
  },
  {
    pattern: /ClusterName$/,
    description: 'ECS cluster name',
    resourceTypes: ['AWS::ECS::Cluster'],
    make: (c) => nameFor(c, /ClusterName$/),
  },
  {
    pattern: /EndpointAddress$/,
    description: 'RDS endpoint host name',
    resourceTypes: ['AWS::RDS::DBInstance'],
    make: (c) =>
      `${nameFor(c, /EndpointAddress$/)}.c${hex(seedOf(c), 11)}.${c.profile.region}.rds.amazonaws.com`,
  },
  {
    pattern: /LoadBalancerArn$/i,
    description: 'Elastic Load Balancing v2 load balancer ARN',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
    make: arn(
      'elasticloadbalancing',
      (c) => `loadbalancer/app/${resourceName(c.profile.stage, c.producer)}/${hex(seedOf(c), 16)}`,
    ),
  },
  {
    pattern: /LoadBalancerFullName$/i,
    description: 'load balancer full name, as CloudWatch dimensions name it (app/<name>/<id>)',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
    make: (c) => `app/${resourceName(c.profile.stage, c.producer)}/${hex(seedOf(c), 16)}`,
  },
  {
    pattern: /TargetGroupFullName$/i,
    description: 'target group full name, as CloudWatch dimensions name it (targetgroup/<name>/<id>)',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::TargetGroup'],
    make: (c) => `targetgroup/${resourceName(c.profile.stage, c.producer)}/${hex(seedOf(c), 16)}`,
  },
  {
    pattern: /DnsName$/,
    description: 'internal load balancer DNS name',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
    make: (c) =>
      `internal-${resourceName(c.profile.stage, c.producer)}-${parseInt(hex(seedOf(c), 8), 16)}.${c.profile.region}.elb.amazonaws.com`,
  },
  {
    pattern: /WebAclArn$/i,
    description: 'WAFv2 web ACL ARN of CLOUDFRONT scope (us-east-1, global/)',
    resourceTypes: ['AWS::WAFv2::WebACL'],
    make: (c) =>
      `arn:aws:wafv2:us-east-1:${PLACEHOLDER_ACCOUNT}:global/webacl/${resourceName(c.profile.stage, 'edge')}/${hex(seedOf(c), 8)}-${hex(`${seedOf(c)}1`, 4)}-4${hex(`${seedOf(c)}2`, 3)}-8${hex(`${seedOf(c)}3`, 3)}-${hex(`${seedOf(c)}4`, 12)}`,
  },
  { pattern: /Port$/, description: 'TCP port', make: () => '5432' },
  {
    pattern: /ResourceId$/,
    description: 'resource id',
    resourceTypes: ['AWS::RDS::DBInstance'],
    make: (c) => `db-${hex(seedOf(c), 26).toUpperCase()}`,
  },
  { pattern: /Name$/, description: 'resource name', make: (c) => nameFor(c, /Name$/) },
];

export const placeholderKind = (output: string): PlaceholderKind | undefined =>
  PLACEHOLDER_KINDS.find((kind) => kind.pattern.test(output));

/** The placeholder for `${producer.output}`, or an error line saying how to name the output. */
export const placeholderFor = (context: PlaceholderContext): { value: string } | { error: string } => {
  const kind = placeholderKind(context.output);
  if (!kind) {
    return {
      error: `${context.producer}.${context.output}: no placeholder shape for this output name; name outputs {thing}{Attribute} with a known attribute (${PLACEHOLDER_KINDS.map((k) => k.pattern.source.replace(/[$^]/g, '')).join(', ')}) or add a shape in resources/src/placeholders.ts`,
    };
  }
  return { value: kind.make(context) };
};
