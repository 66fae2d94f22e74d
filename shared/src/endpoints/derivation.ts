/**
 * Which VPC endpoints the workloads of a stage call, derived from its templates; next to the catalogue
 * (`index.ts`) it reads, so the synth rules PLATFORM.ENDPOINTS.* (services/endpoints/rules.ts) and the
 * cost report (tools/src/cost) both import it downward.
 *
 * Workloads: Lambda functions with a `VpcConfig`, and ECS task definitions.
 * What a workload calls:
 *   - the Allow actions of its roles: the function's `Role`; the task's `TaskRoleArn` and
 *     `ExecutionRoleArn` (Fargate pulls images, writes awslogs and reads secrets through the task's
 *     own network interface). Inline policies, `AWS::IAM::Policy`/`ManagedPolicy` of the same stack,
 *     and the AWS-managed policies whose documents resources/src/managed-policies.ts holds;
 *   - what the resource itself implies: an ECR image (ecr.api, ecr.dkr, S3 for the layers), the
 *     awslogs driver (logs), container secrets (secretsmanager, ssm), a function environment
 *     variable naming a secret (secretsmanager).
 * What is not a call from inside the VPC:
 *   - for a Lambda function, log delivery and network-interface management: the Lambda service
 *     does them with the function's role, outside the VPC;
 *   - KMS actions under a `kms:ViaService` condition: the named service calls KMS on the caller's behalf;
 *   - `rds-db:connect` and the other `PREFIXES_WITHOUT_ENDPOINT`.
 * Where a role cannot say who calls (an SQS event source mapping polls with the function's role),
 * the derivation counts the call: an extra endpoint costs dollars, a missing one an outage.
 *
 * Shared is bundled into Lambda functions too, so this file reads templates with the readers of
 * `../template` only; what it must know about IAM that no template says (the AWS-managed policies'
 * documents, the actions Lambda performs with a function's role) lives with the builders in
 * resources/ and is passed in (`IamFacts`, `IAM_FACTS` in resources/src/managed-policies.ts).
 */
import { asList, referencedLogicalId, statementsOf, type Template, type TemplateResource } from '../template';
import {
  type EndpointServiceName,
  endpointNameOf,
  endpointsForIamPrefix,
  PREFIXES_WITHOUT_ENDPOINT,
} from './catalogue';

/** What the derivation needs to know about IAM that a template does not say. */
export interface IamFacts {
  /** An attached AWS-managed policy's name and statements, when its document is known. */
  managedPolicy(arn: unknown): { name: string; statements: readonly Record<string, unknown>[] } | undefined;
  /** Where a managed policy's document is added, for the message that asks for it. */
  managedPoliciesFile: string;
  /** The network-interface actions the Lambda service performs with a VPC function's role. */
  lambdaNetworkInterfaceActions: readonly string[];
}

export type WorkloadKind = 'Lambda function' | 'ECS task definition';

export interface Workload {
  /** The compose service (stack) it is in. */
  service: string;
  logicalId: string;
  kind: WorkloadKind;
}

export interface EndpointNeed {
  workload: Workload;
  endpoint: EndpointServiceName;
  /** What in the template makes the call: `role X statement "Sid"`, `container "engine" log driver awslogs`. */
  source: string;
  /** The IAM action, when the source is a policy statement. */
  action?: string;
}

export interface DerivationProblem {
  workload: Workload;
  problem: string;
}

export interface Derivation {
  workloads: Workload[];
  needs: EndpointNeed[];
  problems: DerivationProblem[];
}

/** A VPC endpoint found in the stage's templates. */
export interface DeployedEndpoint {
  service: string;
  logicalId: string;
  name: string;
  type: 'Gateway' | 'Interface';
  /** Interface endpoints: AZs (subnets) with a network interface, when the template says. */
  azCount?: number;
}

/** What a Lambda function's role lets the Lambda service do for it: deliver its logs, and manage its network interfaces. */
const LAMBDA_LOG_DELIVERY = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
/** Actions the Lambda service performs with a function's role from outside the VPC: no endpoint involved. */
const lambdaServiceActions = (iam: IamFacts): ReadonlySet<string> =>
  new Set(
    [...LAMBDA_LOG_DELIVERY, ...iam.lambdaNetworkInterfaceActions].map((action) => action.toLowerCase()),
  );

type Json = Record<string, unknown>;

interface SourcedStatement {
  /** `role X statement "Sid"`, `AWS-managed policy Y`. */
  source: string;
  statement: Json;
}

const sidLabel = (statement: Json, index: number) =>
  typeof statement.Sid === 'string' ? `"${statement.Sid}"` : `#${index + 1} (no Sid)`;

/** Every statement that applies to a role: inline, policies attached in the stack, managed policies. */
const roleStatements = (
  template: Template,
  roleId: string,
  iam: IamFacts,
): { statements: SourcedStatement[]; problems: string[] } => {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') {
    return { statements: [], problems: [`role "${roleId}" is not an AWS::IAM::Role of this stack`] };
  }
  const statements: SourcedStatement[] = [];
  const problems: string[] = [];
  const add = (where: string, document: unknown) =>
    (statementsOf(document) as Json[]).forEach((statement, index) => {
      statements.push({ source: `${where} statement ${sidLabel(statement, index)}`, statement });
    });

  for (const policy of asList(role.Properties?.Policies) as Array<{ PolicyDocument?: unknown }>) {
    add(`role ${roleId}`, policy.PolicyDocument);
  }
  const attached = new Set<string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (asList(resource.Properties?.Roles).some((entry) => referencedLogicalId(entry) === roleId)) {
      attached.add(id);
      add(`policy ${id}`, resource.Properties?.PolicyDocument);
    }
  }
  for (const arn of asList(role.Properties?.ManagedPolicyArns)) {
    const id = referencedLogicalId(arn);
    const inStack = id ? template.Resources[id] : undefined;
    if (id && inStack?.Type === 'AWS::IAM::ManagedPolicy') {
      if (!attached.has(id)) add(`policy ${id}`, inStack.Properties?.PolicyDocument);
      continue;
    }
    const managed = iam.managedPolicy(arn);
    if (managed) {
      for (const statement of managed.statements)
        statements.push({ source: `AWS-managed policy ${managed.name}`, statement });
    } else {
      problems.push(
        `role ${roleId} attaches managed policy ${JSON.stringify(arn)} whose actions are unknown here; use inline statements, or add the policy's document to ${iam.managedPoliciesFile}`,
      );
    }
  }
  return { statements, problems };
};

/** The endpoints a call with this IAM prefix needs; `[]` when it needs none; `undefined` when unknown. */
const endpointsForPrefix = (prefix: string): EndpointServiceName[] | undefined => {
  if (Object.hasOwn(PREFIXES_WITHOUT_ENDPOINT, prefix)) return [];
  const names = endpointsForIamPrefix(prefix);
  if (names.length === 0) return undefined;
  // ECR serves image layers as pre-signed S3 URLs: a pull needs S3 too.
  return prefix === 'ecr' ? [...names, 's3'] : names;
};

/** What the Allow statements of a workload's roles call. */
const statementNeeds = (
  workload: Workload,
  statements: SourcedStatement[],
  lambdaService: ReadonlySet<string>,
): { needs: EndpointNeed[]; problems: string[] } => {
  const needs: EndpointNeed[] = [];
  const problems: string[] = [];
  for (const { source, statement } of statements) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined) {
      problems.push(
        `${source} uses NotAction, so the services it reaches cannot be listed; name the actions`,
      );
      continue;
    }
    const viaService = JSON.stringify(statement.Condition ?? {})
      .toLowerCase()
      .includes('kms:viaservice');
    for (const action of asList(statement.Action).map(String)) {
      const [prefix = '', name] = action.toLowerCase().split(':');
      if (!name) {
        problems.push(`${source} allows "${action}", which names no service; name the actions`);
        continue;
      }
      if (workload.kind === 'Lambda function' && lambdaService.has(action.toLowerCase())) continue;
      if (prefix === 'kms' && viaService) continue;
      const endpoints = endpointsForPrefix(prefix);
      if (!endpoints) {
        problems.push(
          `${source} allows "${action}", but no VPC endpoint is known for the IAM prefix "${prefix}"; add the service to ENDPOINT_SERVICES (shared/src/endpoints) or, if its calls never leave the VPC, to PREFIXES_WITHOUT_ENDPOINT`,
        );
        continue;
      }
      for (const endpoint of endpoints) needs.push({ workload, endpoint, source, action });
    }
  }
  return { needs, problems };
};

const SECRETS_MANAGER_ARN = /:secretsmanager:/;
const SSM_PARAMETER_ARN = /:ssm:/;
const ECR_IMAGE = /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/;

/**
 * Where a container secret's `ValueFrom` is read: a Secrets Manager ARN, or a reference to a secret
 * of the same stack (`Ref` of an `AWS::SecretsManager::Secret` is its ARN) -> secretsmanager; an SSM
 * parameter (ARN, name, or `AWS::SSM::Parameter` of the stack) -> ssm.
 */
const secretStore = (valueFrom: unknown, template: Template): EndpointServiceName => {
  const id = referencedLogicalId(valueFrom);
  const type = id === undefined ? undefined : template.Resources[id]?.Type;
  if (type === 'AWS::SecretsManager::Secret') return 'secretsmanager';
  if (type === 'AWS::SSM::Parameter') return 'ssm';
  return SECRETS_MANAGER_ARN.test(JSON.stringify(valueFrom ?? '')) ? 'secretsmanager' : 'ssm';
};

/** Needs implied by container definitions: the image registry, the log driver, secrets. */
const containerNeeds = (
  workload: Workload,
  definition: TemplateResource,
  template: Template,
): { needs: EndpointNeed[]; problems: string[] } => {
  const needs: EndpointNeed[] = [];
  const problems: string[] = [];
  const need = (endpoint: EndpointServiceName, source: string) => needs.push({ workload, endpoint, source });
  const containers = definition.Properties?.ContainerDefinitions;
  if (!Array.isArray(containers)) {
    return {
      needs,
      problems: ['ContainerDefinitions is not a list in the template; cannot read the containers'],
    };
  }
  containers.forEach((container: Json, index) => {
    const name = typeof container.Name === 'string' ? `"${container.Name}"` : `#${index + 1}`;
    const image = JSON.stringify(container.Image ?? '');
    if (ECR_IMAGE.test(image)) {
      for (const endpoint of ['ecr.api', 'ecr.dkr', 's3'] as const) {
        need(
          endpoint,
          `container ${name} image from ECR${endpoint === 's3' ? ' (layers are served from S3)' : ''}`,
        );
      }
    } else {
      problems.push(
        `container ${name} image ${image} is not an ECR image of a region; no VPC endpoint reaches another registry, so the task cannot pull it without NAT`,
      );
    }
    const logConfiguration = container.LogConfiguration as Json | undefined;
    if (logConfiguration?.LogDriver === 'awslogs') need('logs', `container ${name} log driver awslogs`);
    for (const secret of asList(container.Secrets) as Json[]) {
      need(secretStore(secret.ValueFrom, template), `container ${name} secret ${String(secret.Name)}`);
    }
    const credentials = (container.RepositoryCredentials as Json | undefined)?.CredentialsParameter;
    if (credentials !== undefined) need('secretsmanager', `container ${name} repository credentials`);
  });
  return { needs, problems };
};

/** Needs implied by a function's environment: a variable naming a secret is read at run time. */
const environmentNeeds = (workload: Workload, fn: TemplateResource): EndpointNeed[] => {
  const variables = ((fn.Properties?.Environment as Json | undefined)?.Variables ?? {}) as Json;
  return Object.entries(variables).flatMap(([key, value]): EndpointNeed[] => {
    const text = JSON.stringify(value);
    if (SECRETS_MANAGER_ARN.test(text))
      return [{ workload, endpoint: 'secretsmanager', source: `environment variable ${key} names a secret` }];
    if (SSM_PARAMETER_ARN.test(text))
      return [{ workload, endpoint: 'ssm', source: `environment variable ${key} names an SSM parameter` }];
    return [];
  });
};

const isInVpc = (fn: TemplateResource): boolean => {
  const subnets = (fn.Properties?.VpcConfig as Json | undefined)?.SubnetIds;
  return subnets !== undefined && !(Array.isArray(subnets) && subnets.length === 0);
};

/** Derives, for every workload of a stage, which VPC endpoints its calls to AWS need. */
export const deriveEndpointNeeds = (templates: Record<string, Template>, iam: IamFacts): Derivation => {
  const derivation: Derivation = { workloads: [], needs: [], problems: [] };
  const lambdaService = lambdaServiceActions(iam);
  const collect = (workload: Workload, result: { needs: EndpointNeed[]; problems: string[] }) => {
    derivation.needs.push(...result.needs);
    derivation.problems.push(...result.problems.map((problem) => ({ workload, problem })));
  };
  /** A task's roles are optional (no role: no calls); a function always has one. */
  const fromRole = (workload: Workload, template: Template, property: string, value: unknown) => {
    if (value === undefined && workload.kind === 'ECS task definition') return;
    const roleId = referencedLogicalId(value);
    if (!roleId) {
      collect(workload, {
        needs: [],
        problems: [
          `${property} ${JSON.stringify(value) ?? '(missing)'} is not a role of this stack; what it allows cannot be read`,
        ],
      });
      return;
    }
    const { statements, problems } = roleStatements(template, roleId, iam);
    collect(workload, { needs: [], problems });
    collect(workload, statementNeeds(workload, statements, lambdaService));
  };

  for (const [service, template] of Object.entries(templates)) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type === 'AWS::Lambda::Function' && isInVpc(resource)) {
        const workload: Workload = { service, logicalId, kind: 'Lambda function' };
        derivation.workloads.push(workload);
        fromRole(workload, template, 'Role', resource.Properties?.Role);
        derivation.needs.push(...environmentNeeds(workload, resource));
      }
      if (resource.Type === 'AWS::ECS::TaskDefinition') {
        const workload: Workload = { service, logicalId, kind: 'ECS task definition' };
        derivation.workloads.push(workload);
        fromRole(workload, template, 'TaskRoleArn', resource.Properties?.TaskRoleArn);
        fromRole(workload, template, 'ExecutionRoleArn', resource.Properties?.ExecutionRoleArn);
        collect(workload, containerNeeds(workload, resource, template));
      }
    }
  }
  return derivation;
};

/** The number of subnets an interface endpoint's `SubnetIds` names, when the template says. */
const subnetCount = (subnetIds: unknown): number | undefined => {
  if (Array.isArray(subnetIds)) return subnetIds.length;
  const split = (subnetIds as { 'Fn::Split'?: unknown } | undefined)?.['Fn::Split'];
  if (Array.isArray(split) && typeof split[1] === 'string') return split[1].split(String(split[0])).length;
  return undefined;
};

/** Every VPC endpoint of the stage's templates, with its endpoint name (`sqs`, `ecr.dkr`). */
export const deployedEndpoints = (templates: Record<string, Template>): DeployedEndpoint[] =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(template.Resources).flatMap(([logicalId, resource]): DeployedEndpoint[] => {
      if (resource.Type !== 'AWS::EC2::VPCEndpoint') return [];
      const serviceName = resource.Properties?.ServiceName as unknown;
      const text =
        typeof serviceName === 'string'
          ? serviceName
          : String((serviceName as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'] ?? '');
      const name = endpointNameOf(text);
      if (!name) return [];
      const type = resource.Properties?.VpcEndpointType === 'Gateway' ? 'Gateway' : 'Interface';
      const azCount = type === 'Interface' ? subnetCount(resource.Properties?.SubnetIds) : undefined;
      return [{ service, logicalId, name, type, ...(azCount === undefined ? {} : { azCount }) }];
    }),
  );

export interface MissingEndpoint {
  workload: Workload;
  endpoint: EndpointServiceName;
  /** Every statement or property that makes the call, with its actions: `role X statement "Sid" (sqs:SendMessage)`. */
  reasons: string[];
}

/** `role X statement "Sid" (a, b)` once per source, in the order the sources appear. */
export const reasonsOf = (needs: EndpointNeed[]): string[] => {
  const actionsBySource = new Map<string, string[]>();
  for (const { source, action } of needs) {
    const actions = actionsBySource.get(source) ?? [];
    if (action && !actions.includes(action)) actions.push(action);
    actionsBySource.set(source, actions);
  }
  return [...actionsBySource].map(([source, actions]) =>
    actions.length ? `${source} (${actions.join(', ')})` : source,
  );
};

/** The needs no deployed endpoint serves, one entry per workload and endpoint. */
export const missingEndpoints = (
  needs: EndpointNeed[],
  available: ReadonlySet<string>,
): MissingEndpoint[] => {
  const byKey = new Map<string, EndpointNeed[]>();
  for (const need of needs) {
    if (available.has(need.endpoint)) continue;
    const key = `${need.workload.service}/${need.workload.logicalId}/${need.endpoint}`;
    byKey.set(key, [...(byKey.get(key) ?? []), need]);
  }
  return [...byKey.values()].flatMap((group) =>
    group[0] ? [{ workload: group[0].workload, endpoint: group[0].endpoint, reasons: reasonsOf(group) }] : [],
  );
};
