/**
 * Platform rules: what no single Control Tower control covers, checked on every stage's templates.
 * Each rule has an id that `policy-exceptions.yml` can name, like the Control Tower controls.
 * The rules here concern every stack (security groups, IAM, substitutions, data retention); a
 * service's own rules (e.g. the queue's visibility-timeout rule) live in its `rules.ts`, which
 * exports them as `rules`, and `loadPlatformRules` finds them through serverless-compose.yml.
 */

import { readCompose, serviceExports } from '@game-platform/resources/compose';
import {
  AWS_MANAGED_POLICIES_FILE,
  awsManagedPolicyName,
  managedPolicyStatements,
} from '@game-platform/resources/managed-policies';
import {
  asList,
  type Finding,
  type PlatformRule,
  platformFinding,
  referencedLogicalId,
  resourcesOfType,
  statementsOf,
  type Template,
} from '@game-platform/resources/template';
import { RETENTION_RULES } from './rules/retention';
import { noPlaceholderOutsideSub } from './rules/substitution';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const WORLD_OPEN_PORTS = new Set([80, 443]);

interface SecurityGroupRuleView {
  resource: string;
  direction: 'ingress' | 'egress';
  rule: Record<string, unknown>;
}

/** Every security group rule of a template, inline or standalone. */
const securityGroupRules = (template: Template): SecurityGroupRuleView[] => [
  ...Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroup')).flatMap(([id, resource]) => [
    ...((resource.Properties?.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? []).map(
      (rule) => ({ resource: id, direction: 'ingress' as const, rule }),
    ),
    ...((resource.Properties?.SecurityGroupEgress as Record<string, unknown>[] | undefined) ?? []).map(
      (rule) => ({ resource: id, direction: 'egress' as const, rule }),
    ),
  ]),
  ...Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')).map(([id, resource]) => ({
    resource: id,
    direction: 'ingress' as const,
    rule: resource.Properties ?? {},
  })),
  ...Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress')).map(([id, resource]) => ({
    resource: id,
    direction: 'egress' as const,
    rule: resource.Properties ?? {},
  })),
];

const forEachTemplate = (
  templates: Record<string, Template>,
  check: (service: string, template: Template) => Finding[],
) => Object.entries(templates).flatMap(([service, template]) => check(service, template));

export const noWorldOpenIngress: PlatformRule = {
  id: 'PLATFORM.SG.1',
  description: 'No security group admits the whole internet except on ports 80 and 443',
  check: ({ templates }) =>
    forEachTemplate(templates, (service, template) =>
      securityGroupRules(template)
        .filter(
          ({ direction, rule }) =>
            direction === 'ingress' && (WORLD.has(String(rule.CidrIp)) || WORLD.has(String(rule.CidrIpv6))),
        )
        .filter(({ rule }) => {
          const protocol = String(rule.IpProtocol);
          const from = Number(rule.FromPort);
          const to = Number(rule.ToPort);
          return !((protocol === 'tcp' || protocol === '6') && from === to && WORLD_OPEN_PORTS.has(from));
        })
        .map(({ resource, rule }) => ({
          check: 'platform rules',
          rule: 'PLATFORM.SG.1',
          service,
          resource,
          message: `ingress from ${rule.CidrIp ?? rule.CidrIpv6} on ${rule.IpProtocol} ${rule.FromPort ?? '*'}-${rule.ToPort ?? '*'}; only tcp 80 and 443 may be open to the world`,
        })),
    ),
};

export const everySecurityGroupRuleDescribed: PlatformRule = {
  id: 'PLATFORM.SG.2',
  description: 'Every security group rule has a description',
  check: ({ templates }) =>
    forEachTemplate(templates, (service, template) =>
      securityGroupRules(template)
        .filter(({ rule }) => typeof rule.Description !== 'string' || rule.Description.trim() === '')
        .map(({ resource, direction }) => ({
          check: 'platform rules',
          rule: 'PLATFORM.SG.2',
          service,
          resource,
          message: `an ${direction} rule has no Description; say who talks to whom and why`,
        })),
    ),
};

interface StatementView {
  resource: string;
  where: string;
  statement: Record<string, unknown>;
  /** Key policies: `Resource: "*"` means "this key", and the account-root delegation is required by KMS. */
  keyPolicy: boolean;
}

/** Every policy statement of a template: identity policies (roles, policies) and resource policies. */
const policyStatements = (template: Template): StatementView[] =>
  Object.entries(template.Resources).flatMap(([resource, { Type, Properties = {} }]) => {
    const views: StatementView[] = [];
    const add = (where: string, document: unknown, keyPolicy = false) => {
      for (const statement of statementsOf(document)) views.push({ resource, where, statement, keyPolicy });
    };
    if (Type === 'AWS::IAM::Role') {
      for (const policy of (Properties.Policies as
        | Array<{ PolicyName?: unknown; PolicyDocument?: unknown }>
        | undefined) ?? []) {
        add(`policy ${JSON.stringify(policy.PolicyName)}`, policy.PolicyDocument);
      }
      // Attached AWS-managed policies are judged like inline ones, from their known documents.
      for (const arn of asList(Properties.ManagedPolicyArns)) {
        const statements = managedPolicyStatements(arn);
        if (statements)
          add(`AWS-managed policy ${awsManagedPolicyName(arn)}`, { Statement: [...statements] });
      }
    }
    if (Type === 'AWS::IAM::Policy' || Type === 'AWS::IAM::ManagedPolicy')
      add('policy', Properties.PolicyDocument);
    if (['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].includes(Type))
      add('resource policy', Properties.PolicyDocument);
    if (Type === 'AWS::KMS::Key') add('key policy', Properties.KeyPolicy, true);
    if (Type === 'AWS::EC2::VPCEndpoint' && Properties.PolicyDocument)
      add('endpoint policy', Properties.PolicyDocument);
    return views;
  });

/** KMS requires the key policy to delegate to IAM: `kms:*` for the account root, which IAM policies then narrow. */
const isKmsRootDelegation = ({ statement, keyPolicy }: StatementView): boolean =>
  keyPolicy &&
  JSON.stringify(asList(statement.Action)) === '["kms:*"]' &&
  JSON.stringify((statement.Principal as { AWS?: unknown } | undefined)?.AWS ?? '').includes(':root');

export const exactActions: PlatformRule = {
  id: 'PLATFORM.IAM.1',
  description: 'Every Allow statement names exact actions: no "*", no "service:*", no wildcard, no NotAction',
  check: ({ templates }) =>
    forEachTemplate(templates, (service, template) =>
      policyStatements(template)
        .filter((view) => view.statement.Effect === 'Allow' && !isKmsRootDelegation(view))
        .flatMap((view) => {
          const { statement } = view;
          const wildcards = asList(statement.Action).filter(
            (action) => typeof action === 'string' && action.includes('*'),
          );
          const problems = [
            ...wildcards.map((action) => `action "${action}" is a wildcard`),
            ...(statement.NotAction ? ['uses NotAction, which grants everything else'] : []),
          ];
          return problems.map((problem) => ({
            check: 'platform rules' as const,
            rule: 'PLATFORM.IAM.1',
            service,
            resource: view.resource,
            message: `${view.where}, statement ${JSON.stringify(statement.Sid ?? '(no Sid)')}: ${problem}; name the exact actions`,
          }));
        }),
    ),
};

/**
 * Actions AWS authorizes only on `Resource: "*"` (no resource-level permissions), so granting them
 * on `*` is not a shortcut. Anything else on `*` is flagged. Sources: the Service Authorization Reference.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = new Set([
  'cloudwatch:PutMetricData',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeManagedPrefixLists',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ecr:GetAuthorizationToken',
  // What ECS reads in a blue/green release (the engine's load balancer infrastructure role).
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'logs:CreateLogDelivery',
  'logs:DescribeLogGroups',
  // ECS Exec (Session Manager channels of the task itself).
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'sts:GetCallerIdentity',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
]);

export const exactResources: PlatformRule = {
  id: 'PLATFORM.IAM.2',
  description: 'An Allow statement on Resource "*" holds only actions that AWS authorizes on "*" alone',
  check: ({ templates }) =>
    forEachTemplate(templates, (service, template) =>
      policyStatements(template)
        .filter(
          (view) =>
            !view.keyPolicy &&
            view.statement.Effect === 'Allow' &&
            asList(view.statement.Resource).includes('*'),
        )
        .flatMap((view) =>
          asList(view.statement.Action)
            .filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(String(action)))
            .map((action) => ({
              check: 'platform rules' as const,
              rule: 'PLATFORM.IAM.2',
              service,
              resource: view.resource,
              message: `${view.where}, statement ${JSON.stringify(view.statement.Sid ?? '(no Sid)')}: "${action}" is granted on every resource ("*"); name the resources`,
            })),
        ),
    ),
};

/**
 * No managed policy is attached to a role unless `policy-exceptions.yml` lists it with a reason: its
 * document lives outside the template, AWS may widen it at any time, and the usual ones grant on
 * `*` (AWSLambdaVPCAccessExecutionRole lets function code write into any log group). A policy
 * defined in the same template (`AWS::IAM::ManagedPolicy`) is inline in all but name and is judged
 * by PLATFORM.IAM.1/2 already.
 */
export const noManagedPolicies: PlatformRule = {
  id: 'PLATFORM.IAM.3',
  description:
    'No role attaches a managed policy unless listed with a reason; known AWS-managed ones are judged like inline ones',
  check: ({ templates }) =>
    forEachTemplate(templates, (service, template) =>
      Object.entries(resourcesOfType(template, 'AWS::IAM::Role')).flatMap(([id, role]) =>
        asList(role.Properties?.ManagedPolicyArns)
          .filter((arn) => {
            const local = referencedLogicalId(arn);
            return !(local && template.Resources[local]?.Type === 'AWS::IAM::ManagedPolicy');
          })
          .map((arn) => {
            const name = awsManagedPolicyName(arn);
            const known = managedPolicyStatements(arn) !== undefined;
            return platformFinding(
              'PLATFORM.IAM.3',
              service,
              id,
              `attaches the managed policy ${name ?? JSON.stringify(arn)}; grant its exact actions inline instead, or list it in policy-exceptions.yml with the reason${known ? '' : `, and add its document to ${AWS_MANAGED_POLICIES_FILE} so its actions are judged like inline ones`}`,
            );
          }),
      ),
    ),
};

/** The rules that concern every stack, whatever services the compose file lists. */
export const PLATFORM_RULES: PlatformRule[] = [
  noWorldOpenIngress,
  everySecurityGroupRuleDescribed,
  exactActions,
  exactResources,
  noManagedPolicies,
  noPlaceholderOutsideSub,
  ...RETENTION_RULES,
];

/** What a service's `rules.ts` must export: its platform rules, as one list. */
const isRuleList = (value: unknown): value is PlatformRule[] =>
  Array.isArray(value) &&
  value.every(
    (rule) =>
      typeof (rule as PlatformRule | undefined)?.id === 'string' &&
      typeof (rule as PlatformRule | undefined)?.check === 'function',
  );

/**
 * Every platform rule of the stage: `PLATFORM_RULES`, then each service's own rules, in the order
 * the compose file lists the services. A service has rules when its folder holds a `rules.ts`;
 * tools import no service by name, so a new service's rules are checked as soon as compose lists it.
 */
export const loadPlatformRules = async (services = readCompose()): Promise<PlatformRule[]> => {
  const serviceRules = (
    await serviceExports(
      services,
      'rules.ts',
      'rules',
      isRuleList,
      "a service's rules.ts exports its platform rules as `export const rules: PlatformRule[]`",
    )
  ).map(({ value }) => value);
  const all = [...PLATFORM_RULES, ...serviceRules.flat()];
  const seen = new Set<string>();
  for (const { id } of all) {
    if (seen.has(id))
      throw new Error(`two platform rules have the id ${id}; policy-exceptions.yml names a rule by its id`);
    seen.add(id);
  }
  return all;
};
