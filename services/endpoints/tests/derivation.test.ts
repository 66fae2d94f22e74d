/**
 * The synth rules PLATFORM.ENDPOINTS.1/2 (services/endpoints/rules.ts, on the derivation in
 * shared/src/endpoints/derivation.ts) on templates shaped
 * like the workloads' real ones (tests/templates/): what each workload is derived to call, that a
 * stage with no NAT fails when an endpoint is missing, naming workload, service and statement, and
 * that it passes when NAT is on.
 */
import { readFileSync } from 'node:fs';
import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import { deriveEndpointNeeds, interfaceEndpointsOf, reasonsOf } from '@game-platform/shared/endpoints';
import { loadStageProfile, type NAT_MODES, type StageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate, type Template } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { endpointCoverage, endpointDerivation, endpointsMatchCalls } from '../rules';

const fixture = (name: string): Template =>
  JSON.parse(readFileSync(new URL(`./templates/${name}.json`, import.meta.url), 'utf8')) as Template;

/** A hand-made endpoints stack: the S3 gateway endpoint and one interface endpoint per name. */
const endpointsTemplate = (interfaceNames: readonly string[]): Template => ({
  Resources: {
    S3GatewayEndpoint: {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
      },
    },
    ...Object.fromEntries(
      interfaceNames.map((name) => [
        `${name}Endpoint`,
        {
          Type: 'AWS::EC2::VPCEndpoint',
          Properties: { VpcEndpointType: 'Interface', ServiceName: `com.amazonaws.eu-west-1.${name}` },
        },
      ]),
    ),
  },
});

const DEV_INTERFACE_ENDPOINTS = ['sqs', 'secretsmanager', 'ecr.api', 'ecr.dkr', 'logs', 'ecs'];
const devEndpointsWithout = (dropped: string) => DEV_INTERFACE_ENDPOINTS.filter((name) => name !== dropped);

const stage = (
  natMode: (typeof NAT_MODES)[number],
  interfaceNames: readonly string[],
  workloads: Record<string, Template> = {
    integrations: fixture('integrations-consumer'),
    engine: fixture('engine-task'),
  },
) => {
  const dev = loadStageProfile('dev');
  const profile: StageProfile = { ...dev, network: { ...dev.network, natMode } };
  return { stage: 'dev', profile, templates: { ...workloads, endpoints: endpointsTemplate(interfaceNames) } };
};

const endpointsNeededBy = (templates: Record<string, Template>, logicalId: string) =>
  [
    ...new Set(
      deriveEndpointNeeds(templates, IAM_FACTS)
        .needs.filter((need) => need.workload.logicalId === logicalId)
        .map((need) => need.endpoint),
    ),
  ].sort();

/** The workload fixtures and the datastore stack as synthesized for dev (its migrate function). */
const withMigrate = (): Record<string, Template> => ({
  integrations: fixture('integrations-consumer'),
  engine: fixture('engine-task'),
  datastore: synthesizedTemplate('dev', 'datastore'),
});

const bothRules = (input: ReturnType<typeof stage>) => [
  ...endpointCoverage.check(input),
  ...endpointDerivation.check(input),
];

/** A copy of a fixture with one more statement in the consumer's role. */
const consumerWithStatement = (statement: Record<string, unknown>): Template => {
  const template = fixture('integrations-consumer');
  const role = template.Resources.ConsumerIamRoleLambdaExecution?.Properties as {
    Policies: Array<{ PolicyDocument: { Statement: unknown[] } }>;
  };
  role.Policies[0]?.PolicyDocument.Statement.push(statement);
  return template;
};

describe('endpoint derivation', () => {
  it('derives that the consumer calls SQS only: no secret (IAM database authentication), and not Logs or EC2 (the Lambda service does those)', () => {
    // Prepare
    const templates = { integrations: fixture('integrations-consumer') };

    // Act
    const derivation = deriveEndpointNeeds(templates, IAM_FACTS);

    // Assess
    expect(derivation.workloads).toEqual([
      { service: 'integrations', logicalId: 'ConsumerLambdaFunction', kind: 'Lambda function' },
    ]);
    expect(endpointsNeededBy(templates, 'ConsumerLambdaFunction')).toEqual(['sqs']);
    expect(reasonsOf(derivation.needs)).toEqual([
      'role ConsumerIamRoleLambdaExecution statement #2 (no Sid) (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes)',
    ]);
    expect(derivation.problems).toEqual([]);
  });

  it.each([
    ['integrations-consumer', 'integrations', 'ConsumerLambdaFunction'],
    ['engine-task', 'engine', 'EngineTaskDefinition'],
  ])('the %s fixture derives what the synthesized dev stack derives', (name, service, logicalId) => {
    // Prepare
    const synthesized = { [service]: synthesizedTemplate('dev', service) };

    // Act
    const fromFixture = endpointsNeededBy({ [service]: fixture(name) }, logicalId);
    const fromSynth = endpointsNeededBy(synthesized, logicalId);

    // Assess
    expect(fromFixture).toEqual(fromSynth);
  });

  it('derives that the engine task calls SQS, ECS (scale-in protection), ECR (api, dkr, S3 layers), Logs and Secrets Manager (its injected key); rds-db:connect needs no endpoint', () => {
    // Prepare
    const templates = { engine: fixture('engine-task') };

    // Act
    const derivation = deriveEndpointNeeds(templates, IAM_FACTS);

    // Assess
    expect(endpointsNeededBy(templates, 'EngineTaskDefinition')).toEqual([
      'ecr.api',
      'ecr.dkr',
      'ecs',
      'logs',
      's3',
      'secretsmanager',
      'sqs',
    ]);
    expect(reasonsOf(derivation.needs)).toEqual([
      'role EngineTaskRole statement "SendGameEvents" (sqs:SendMessage)',
      'role EngineTaskRole statement "ProtectOwnTasksFromScaleIn" (ecs:UpdateTaskProtection, ecs:GetTaskProtection)',
      'role EngineExecutionRole statement "PullEngineImage" (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)',
      'role EngineExecutionRole statement "GetRegistryToken" (ecr:GetAuthorizationToken)',
      'role EngineExecutionRole statement "WriteEngineLogs" (logs:CreateLogStream, logs:PutLogEvents)',
      'role EngineExecutionRole statement "ReadInjectedSecrets" (secretsmanager:GetSecretValue)',
      'container "engine" image from ECR',
      'container "engine" image from ECR (layers are served from S3)',
      'container "engine" log driver awslogs',
      'container "engine" secret PLAYER_ID_SIGNING_KEY',
    ]);
    expect(derivation.problems).toEqual([]);
  });

  it('derives Secrets Manager, not SSM, for a container secret that references a secret of its own stack', () => {
    // Prepare: the engine's task injects a secret its stack creates (ValueFrom is the secret's Ref, its ARN)
    const engine = fixture('engine-task');
    engine.Resources.PlayerIdSigningKeySecret = {
      Type: 'AWS::SecretsManager::Secret',
      Properties: { GenerateSecretString: { PasswordLength: 64 } },
    };
    const definition = engine.Resources.EngineTaskDefinition?.Properties as {
      ContainerDefinitions: Array<Record<string, unknown>>;
    };
    const container = definition.ContainerDefinitions[0] ?? {};
    container.Secrets = [{ Name: 'PLAYER_ID_SIGNING_KEY', ValueFrom: { Ref: 'PlayerIdSigningKeySecret' } }];
    const templates = { engine };

    // Act
    const needed = endpointsNeededBy(templates, 'EngineTaskDefinition');
    const findings = bothRules(stage('none', devEndpointsWithout('secretsmanager'), templates));

    // Assess
    expect(needed).toContain('secretsmanager');
    expect(needed).not.toContain('ssm');
    expect(findings.map((finding) => finding.message).join('\n')).toContain(
      'container "engine" secret PLAYER_ID_SIGNING_KEY',
    );
  });

  it('ignores Lambda functions outside the VPC: their calls never use the endpoints', () => {
    // Prepare
    const template = fixture('integrations-consumer');
    delete template.Resources.ConsumerLambdaFunction?.Properties?.VpcConfig;

    // Act
    const derivation = deriveEndpointNeeds({ integrations: template }, IAM_FACTS);

    // Assess
    expect(derivation).toEqual({ workloads: [], needs: [], problems: [] });
  });

  it('attributes KMS calls under a kms:ViaService condition to that service, and counts direct ones', () => {
    // Prepare
    const viaSqs = consumerWithStatement({
      Sid: 'DecryptThroughSqs',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000',
      Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } },
    });
    const direct = consumerWithStatement({
      Sid: 'DecryptPayloads',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000',
    });

    // Act
    const throughSqs = endpointsNeededBy({ integrations: viaSqs }, 'ConsumerLambdaFunction');
    const ownCall = endpointsNeededBy({ integrations: direct }, 'ConsumerLambdaFunction');

    // Assess
    expect(throughSqs).not.toContain('kms');
    expect(ownCall).toContain('kms');
  });

  it('reads the actions of a known AWS-managed policy', () => {
    // Prepare
    const template = fixture('engine-task');
    const execution = template.Resources.EngineExecutionRole?.Properties as Record<string, unknown>;
    delete execution.Policies;
    execution.ManagedPolicyArns = ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'];

    // Act
    const derivation = deriveEndpointNeeds({ engine: template }, IAM_FACTS);

    // Assess
    expect(derivation.problems).toEqual([]);
    expect(
      derivation.needs.filter((need) => need.source.startsWith('AWS-managed policy')).map((n) => n.endpoint),
    ).toEqual(expect.arrayContaining(['ecr.api', 'ecr.dkr', 's3', 'logs']));
  });
});

describe('PLATFORM.ENDPOINTS.1: every call has an endpoint when NAT is off', () => {
  it('passes the dev stage (natMode none) with its endpoint list', () => {
    // Prepare
    const input = stage('none', DEV_INTERFACE_ENDPOINTS);

    // Act
    const findings = bothRules(input);

    // Assess
    expect(findings).toEqual([]);
  });

  it('fails a profile that drops logs while natMode is none, naming workload, service and statement', () => {
    // Prepare
    const input = stage('none', devEndpointsWithout('logs'));

    // Act
    const findings = endpointCoverage.check(input);

    // Assess: the engine writes logs (awslogs, execution role); the consumer's logs are the Lambda service's.
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: 'platform rules',
      rule: 'PLATFORM.ENDPOINTS.1',
      service: 'engine',
      resource: 'EngineTaskDefinition',
    });
    expect(findings[0]?.message).toContain('ECS task definition calls Amazon CloudWatch Logs ("logs")');
    expect(findings[0]?.message).toContain(
      ': role EngineExecutionRole statement "WriteEngineLogs" (logs:CreateLogStream, logs:PutLogEvents); container "engine" log driver awslogs. Stage dev has network.natMode "none" and no "logs" endpoint',
    );
    expect(findings[0]?.message).toContain(
      'list the call in shared/src/endpoints/workload-calls.ts, from which the endpoints stack of stage profile "dev" is derived',
    );
  });

  it.each(['single', 'perAz'] as const)('passes the same profile when natMode is %s', (natMode) => {
    // Prepare
    const input = stage(natMode, devEndpointsWithout('logs'));

    // Act
    const findings = bothRules(input);

    // Assess
    expect(findings).toEqual([]);
  });

  it('fails a profile without secretsmanager for the engine (its injected key) and the migrate function, naming the statement', () => {
    // Prepare: the datastore stack as synthesized (its migrate function reads the master secret).
    const input = stage('none', devEndpointsWithout('secretsmanager'), withMigrate());

    // Act
    const findings = endpointCoverage.check(input);

    // Assess
    expect(findings.map((f) => `${f.service}/${f.resource}`)).toEqual([
      'engine/EngineTaskDefinition',
      'datastore/MigrateLambdaFunction',
    ]);
    expect(findings[1]?.message).toContain(
      ': role MigrateIamRoleLambdaExecution statement "ReadDatabaseMasterSecret" (secretsmanager:GetSecretValue). Stage dev',
    );
  });

  it('fails every workload that needs S3 when the endpoints stack has no S3 endpoint at all', () => {
    // Prepare
    const input = stage('none', DEV_INTERFACE_ENDPOINTS);
    delete input.templates.endpoints.Resources.S3GatewayEndpoint;

    // Act
    const findings = endpointCoverage.check(input);

    // Assess
    expect(findings.map((f) => `${f.resource}: ${f.message.slice(0, 40)}`)).toEqual([
      'EngineTaskDefinition: ECS task definition calls Amazon S3 (in-',
    ]);
    expect(findings[0]?.message).toContain('the endpoints stack must keep its S3 gateway endpoint');
  });
});

describe('PLATFORM.ENDPOINTS.2: what a workload calls can be derived when NAT is off', () => {
  /** Textract has interface endpoints, but the catalogue does not list it. */
  const consumerCallingTextract = () =>
    consumerWithStatement({
      Sid: 'ReadDocuments',
      Effect: 'Allow',
      Action: ['textract:AnalyzeDocument'],
      Resource: '*',
    });

  it('fails an action whose IAM prefix no endpoint is known for, saying where to add it', () => {
    // Prepare
    const consumer = consumerCallingTextract();
    const input = stage('none', DEV_INTERFACE_ENDPOINTS, { integrations: consumer });

    // Act
    const findings = endpointDerivation.check(input);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: 'PLATFORM.ENDPOINTS.2',
      service: 'integrations',
      resource: 'ConsumerLambdaFunction',
    });
    expect(findings[0]?.message).toContain(
      'role ConsumerIamRoleLambdaExecution statement "ReadDocuments" allows "textract:AnalyzeDocument", but no VPC endpoint is known for the IAM prefix "textract"',
    );
    expect(findings[0]?.message).toContain('shared/src/endpoints');
  });

  it('fails a managed policy whose actions are unknown, and an image outside ECR', () => {
    // Prepare
    const template = fixture('engine-task');
    const task = template.Resources.EngineTaskDefinition?.Properties as {
      ContainerDefinitions: Array<Record<string, unknown>>;
    };
    const container = task.ContainerDefinitions[0] as Record<string, unknown>;
    container.Image = 'docker.io/library/nginx:1.27';
    const role = template.Resources.EngineTaskRole?.Properties as Record<string, unknown>;
    role.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    const input = stage('none', DEV_INTERFACE_ENDPOINTS, { engine: template });

    // Act
    const messages = endpointDerivation.check(input).map((finding) => finding.message);

    // Assess
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('AdministratorAccess');
    expect(messages[0]).toContain('AWS_MANAGED_POLICIES (resources/src/managed-policies.ts)');
    expect(messages[1]).toContain('"docker.io/library/nginx:1.27" is not an ECR image');
  });

  it('fails a function whose role is not in its stack', () => {
    // Prepare
    const template = fixture('integrations-consumer');
    const fn = template.Resources.ConsumerLambdaFunction?.Properties as Record<string, unknown>;
    fn.Role = 'arn:aws:iam::123456789012:role/made-elsewhere';
    const input = stage('none', DEV_INTERFACE_ENDPOINTS, { integrations: template });

    // Act
    const findings = endpointDerivation.check(input);

    // Assess
    expect(findings.map((finding) => finding.message)).toEqual([
      'Lambda function: Role "arn:aws:iam::123456789012:role/made-elsewhere" is not a role of this stack; what it allows cannot be read; with network.natMode "none" an AWS call nobody planned an endpoint for times out',
    ]);
  });

  it('does not apply when NAT is on: underivable calls go through the NAT gateway', () => {
    // Prepare
    const consumer = consumerCallingTextract();
    const input = stage('single', DEV_INTERFACE_ENDPOINTS, { integrations: consumer });

    // Act
    const findings = endpointDerivation.check(input);

    // Assess
    expect(findings).toEqual([]);
  });
});

describe('PLATFORM.ENDPOINTS.3: the interface endpoints are what the workloads call, plus listed extras', () => {
  const withExtras = (input: ReturnType<typeof stage>, extras: Record<string, string>) => ({
    ...input,
    profile: { ...input.profile, endpoints: { ...input.profile.endpoints, extraInterfaceServices: extras } },
  });

  it('passes the endpoints derived for dev from the workload calls', () => {
    // Prepare
    const input = stage('none', interfaceEndpointsOf(loadStageProfile('dev')), withMigrate());

    // Act
    const findings = endpointsMatchCalls.check(input);

    // Assess
    expect(interfaceEndpointsOf(loadStageProfile('dev')).sort()).toEqual([...DEV_INTERFACE_ENDPOINTS].sort());
    expect(findings).toEqual([]);
  });

  it('fails an endpoint no workload calls (monitoring, paid for in every stage before)', () => {
    // Prepare
    const input = stage('perAz', [...DEV_INTERFACE_ENDPOINTS, 'monitoring'], withMigrate());

    // Act
    const findings = endpointsMatchCalls.check(input);

    // Assess
    expect(findings.map((f) => `${f.rule} ${f.service}/${f.resource}`)).toEqual([
      'PLATFORM.ENDPOINTS.3 endpoints/monitoringEndpoint',
    ]);
    expect(findings[0]?.message).toContain(
      'interface endpoint "monitoring" is paid for in every AZ it sits in, but no workload of the stage calls Amazon CloudWatch metrics (PutMetricData)',
    );
  });

  it('accepts an endpoint nobody calls when the profile lists it as an extra with its reason', () => {
    // Prepare
    const input = withExtras(stage('perAz', [...DEV_INTERFACE_ENDPOINTS, 's3'], withMigrate()), {
      s3: 'clients outside the VPC reach S3 privately',
    });

    // Act
    const findings = endpointsMatchCalls.check(input);

    // Assess
    expect(findings).toEqual([]);
  });

  it('fails a call that workload-calls.ts does not list, so the endpoints stack would lack it', () => {
    // Prepare
    const consumer = consumerWithStatement({
      Sid: 'DecryptPayloads',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000',
    });
    const input = stage('single', DEV_INTERFACE_ENDPOINTS, { ...withMigrate(), integrations: consumer });

    // Act
    const findings = endpointsMatchCalls.check(input);

    // Assess
    expect(findings.map((f) => `${f.service}/${f.resource}`)).toEqual([
      'integrations/ConsumerLambdaFunction',
    ]);
    expect(findings[0]?.message).toContain(
      'calls AWS KMS ("kms"): role ConsumerIamRoleLambdaExecution statement "DecryptPayloads" (kms:Decrypt); but shared/src/endpoints/workload-calls.ts lists no workload calling it',
    );
  });
});
