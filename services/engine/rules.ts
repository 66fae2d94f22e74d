/**
 * Platform rules for ECS task definitions (the engine's shape, checked wherever it appears).
 *
 * - PLATFORM.ENGINE.1: a task's roles grant nothing on every resource. The task role (what the
 *   app's code may do) may hold no action on `*` at all, except ECS Exec's Session Manager channels
 *   and `logs:DescribeLogGroups` when a service running the task definition enables ECS Exec; the
 *   execution role (what ECS does to start the task) only `ecr:GetAuthorizationToken`, the one ECR
 *   call AWS authorizes on `*` alone. What this adds to PLATFORM.IAM.2, which lets any role hold any
 *   action of the global "no resource-level permissions" list on `*`: the list is narrowed per role
 *   (a task role with `ec2:CreateNetworkInterface` or `sts:GetCallerIdentity` on `*` fails here);
 *   an ARN whose resource part is a wildcard (`arn:aws:sqs:*:*:*`) counts as `*`; `NotResource`
 *   counts as `*`; and a managed policy on either role fails, because its statements are not in the
 *   template to review (AmazonECSTaskExecutionRolePolicy grants ECR and Logs on `*`).
 * - PLATFORM.ENGINE.2: a Fargate task definition's CPU and memory are a pair Fargate accepts (the
 *   same table the stage profile is validated with), and its containers fit inside them.
 */

import {
  asList,
  type Finding,
  platformFinding as finding,
  referencedLogicalId as localId,
  type PlatformRule,
  resourcesOfType,
  statementsOf,
  type Template,
} from '@game-platform/resources/template';
import {
  describeFargateMemoryOptions,
  FARGATE_CPU_UNITS,
  isFargateTaskSize,
} from '@game-platform/shared/profiles';

type Json = Record<string, unknown>;

/** Actions ECS Exec needs on `*` in the task role, allowed only where a service enables ECS Exec. */
export const ECS_EXEC_ACTIONS_ON_ANY_RESOURCE = new Set([
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'logs:DescribeLogGroups',
]);

/** What an execution role may hold on `*`: the registry login token (ECR authorizes it on `*` only). */
export const EXECUTION_ROLE_ACTIONS_ON_ANY_RESOURCE = new Set(['ecr:GetAuthorizationToken']);

/**
 * Whether a `Resource` entry means every resource: `*`, or an ARN (literal or `Fn::Sub` template)
 * whose resource part is only `*` (`arn:aws:sqs:*:*:*`, `arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*`).
 */
export const isAnyResource = (resource: unknown): boolean => {
  const sub = (resource as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
  const text = typeof resource === 'string' ? resource : typeof sub === 'string' ? sub : undefined;
  if (text === undefined) return false;
  if (text === '*') return true;
  // arn:partition:service:region:account:resource; ${...} placeholders contain ":" themselves.
  const parts = text.replace(/\$\{[^}]*\}/g, 'x').split(':');
  return parts[0] === 'arn' && parts.length >= 6 && /^[*/]*$/.test(parts.slice(5).join(':'));
};

interface RoleStatement {
  where: string;
  statement: Json;
}

/** The statements of a role: inline policies and `AWS::IAM::Policy`/`ManagedPolicy` of the stack attached to it. */
const roleStatements = (template: Template, roleId: string): RoleStatement[] => {
  const statements: RoleStatement[] = [];
  const add = (where: string, document: unknown) => {
    for (const statement of statementsOf(document)) statements.push({ where, statement });
  };
  for (const policy of asList(template.Resources[roleId]?.Properties?.Policies) as Json[]) {
    add(`policy ${JSON.stringify(policy.PolicyName)}`, policy.PolicyDocument);
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    const attached =
      ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type) &&
      asList(resource.Properties?.Roles).some((entry) => localId(entry) === roleId);
    if (attached) add(`policy ${id}`, resource.Properties?.PolicyDocument);
  }
  return statements;
};

/** Whether a service of the template runs this task definition with ECS Exec enabled. */
const execEnabledFor = (template: Template, taskDefinitionId: string): boolean =>
  Object.entries(resourcesOfType(template, 'AWS::ECS::Service')).some(
    ([, service]) =>
      localId(service.Properties?.TaskDefinition) === taskDefinitionId &&
      service.Properties?.EnableExecuteCommand === true,
  );

const taskDefinitionsOf = (templates: Record<string, Template>) =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(resourcesOfType(template, 'AWS::ECS::TaskDefinition')).map(([id, resource]) => ({
      service,
      template,
      id,
      properties: resource.Properties ?? {},
    })),
  );

/** Findings for one role of a task definition, given what it may hold on `*`. */
const roleFindings = (
  service: string,
  template: Template,
  taskDefinitionId: string,
  label: 'task role' | 'execution role',
  roleArn: unknown,
  allowedOnAny: ReadonlySet<string>,
  why: string,
): Finding[] => {
  const report = (message: string) => finding('PLATFORM.ENGINE.1', service, taskDefinitionId, message);
  if (roleArn === undefined) return [];
  const roleId = localId(roleArn);
  const role = roleId ? template.Resources[roleId] : undefined;
  if (!roleId || role?.Type !== 'AWS::IAM::Role')
    return [
      report(
        `the ${label} ${JSON.stringify(roleArn)} is not an AWS::IAM::Role of this stack, so what it grants cannot be checked; define the role in the same template`,
      ),
    ];
  const findings = asList(role.Properties?.ManagedPolicyArns).map((arn) =>
    report(
      `the ${label} ${roleId} attaches the managed policy ${JSON.stringify(arn)}, whose statements are not in the template (AmazonECSTaskExecutionRolePolicy grants ECR and Logs on "*"); use inline statements with exact resources`,
    ),
  );
  for (const { where, statement } of roleStatements(template, roleId)) {
    if (statement.Effect !== 'Allow') continue;
    const sid = JSON.stringify(statement.Sid ?? '(no Sid)');
    const onAny =
      statement.NotResource !== undefined ? 'NotResource' : asList(statement.Resource).find(isAnyResource);
    if (onAny === undefined) continue;
    const resourceText = onAny === 'NotResource' ? 'every resource but NotResource' : JSON.stringify(onAny);
    for (const action of asList(statement.Action ?? statement.NotAction).map(String)) {
      if (statement.NotAction === undefined && allowedOnAny.has(action)) continue;
      findings.push(
        report(
          `the ${label} ${roleId}, ${where}, statement ${sid}: "${action}"${statement.NotAction === undefined ? '' : ' (NotAction)'} is granted on ${resourceText}; ${why}`,
        ),
      );
    }
  }
  return findings;
};

export const taskRolesGrantNothingOnAnyResource: PlatformRule = {
  id: 'PLATFORM.ENGINE.1',
  description:
    'The task role of an ECS task grants no action on "*" (ECS Exec channels only where ECS Exec is on); the execution role only ecr:GetAuthorizationToken',
  check: ({ templates }) =>
    taskDefinitionsOf(templates).flatMap(({ service, template, id, properties }) => {
      const exec = execEnabledFor(template, id);
      return [
        ...roleFindings(
          service,
          template,
          id,
          'task role',
          properties.TaskRoleArn,
          exec ? ECS_EXEC_ACTIONS_ON_ANY_RESOURCE : new Set(),
          exec
            ? 'name the resources (only the ECS Exec channels and logs:DescribeLogGroups may be on "*")'
            : 'name the resources (no service runs this task definition with ECS Exec, so nothing may be on "*")',
        ),
        ...roleFindings(
          service,
          template,
          id,
          'execution role',
          properties.ExecutionRoleArn,
          EXECUTION_ROLE_ACTIONS_ON_ANY_RESOURCE,
          'name the resources (only ecr:GetAuthorizationToken may be on "*")',
        ),
      ];
    }),
};

/** A literal CPU or memory value (`"512"` or `512`), or undefined when the template computes it. */
const literalNumber = (value: unknown): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(number) ? number : undefined;
};

export const fargateTaskSize: PlatformRule = {
  id: 'PLATFORM.ENGINE.2',
  description:
    'A Fargate task definition has a CPU/memory pair Fargate accepts, and its containers fit inside it',
  check: ({ templates }) =>
    taskDefinitionsOf(templates)
      .filter(({ properties }) => asList(properties.RequiresCompatibilities).includes('FARGATE'))
      .flatMap(({ service, id, properties }): Finding[] => {
        const report = (message: string) => finding('PLATFORM.ENGINE.2', service, id, message);
        const cpu = literalNumber(properties.Cpu);
        const memory = literalNumber(properties.Memory);
        if (cpu === undefined || memory === undefined)
          return [
            report(
              `Cpu ${JSON.stringify(properties.Cpu)} and Memory ${JSON.stringify(properties.Memory)} must be literal numbers for Fargate; expected values from the stage profile`,
            ),
          ];
        if (!FARGATE_CPU_UNITS.includes(cpu))
          return [
            report(
              `Cpu is ${cpu}; expected one of the CPU values Fargate accepts (${FARGATE_CPU_UNITS.join(', ')})`,
            ),
          ];
        const findings: Finding[] = [];
        if (!isFargateTaskSize(cpu, memory))
          findings.push(
            report(
              `Memory is ${memory} with Cpu ${cpu}; expected one Fargate accepts with ${cpu}: ${describeFargateMemoryOptions(cpu)}`,
            ),
          );
        const containers = asList(properties.ContainerDefinitions) as Json[];
        const total = (key: string) =>
          containers.reduce((sum, container) => sum + (literalNumber(container[key]) ?? 0), 0);
        if (total('Memory') > memory)
          findings.push(
            report(
              `the containers' Memory adds up to ${total('Memory')} MiB; expected at most the task's ${memory} MiB`,
            ),
          );
        if (total('Cpu') > cpu)
          findings.push(
            report(`the containers' Cpu adds up to ${total('Cpu')}; expected at most the task's ${cpu}`),
          );
        return findings;
      }),
};

/** The engine service's platform rules, as the checks find them through the compose file (tools/src/checks/platform-rules.ts). */
export const rules: PlatformRule[] = [taskRolesGrantNothingOnAnyResource, fargateTaskSize];
