/**
 * The engine's platform rules (PLATFORM.ENGINE.1-2) on hand-made templates: a task definition shaped
 * like the engine's passes both, and each way of breaking one is reported against the task definition.
 */

import type { Template, TemplateResource } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { exactResources } from '@game-platform/tools/checks/platform-rules';
import { describe, expect, it } from 'vitest';
import { isAnyResource, rules } from '../rules';

type Statement = Record<string, unknown>;
type Properties = Record<string, unknown>;

interface Fixture {
  TaskRole: TemplateResource & { Properties: Properties };
  ExecutionRole: TemplateResource & { Properties: Properties };
  TaskDefinition: TemplateResource & { Properties: Properties & { ContainerDefinitions: Properties[] } };
  Service: TemplateResource & { Properties: Properties };
  [extra: string]: TemplateResource;
}

const role = (...statements: Statement[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {},
    Policies: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
  },
});

/** The statements of a role's inline policy, to add to in a test. */
const statementsOf = (resource: TemplateResource): Statement[] => {
  const policies = resource.Properties?.Policies ?? [];
  const [policy] = policies as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  if (!policy) throw new Error('the fixture role has no inline policy');
  return policy.PolicyDocument.Statement;
};

/** A template shaped like the engine's, meeting both rules; `change` breaks one thing. */
const templateWith = (change: (resources: Fixture) => void = () => {}): Template => {
  const resources: Fixture = {
    TaskRole: role(
      {
        Sid: 'Send',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: 'arn:aws:sqs:eu-west-1:123456789012:events',
      },
      {
        Sid: 'Connect',
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:db-ABC/game_engine',
        },
      },
    ),
    ExecutionRole: role(
      { Sid: 'Token', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Sid: 'Pull',
        Effect: 'Allow',
        Action: ['ecr:BatchGetImage'],
        Resource: { 'Fn::GetAtt': ['Repo', 'Arn'] },
      },
    ),
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        RequiresCompatibilities: ['FARGATE'],
        Cpu: '256',
        Memory: '512',
        TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] },
        ExecutionRoleArn: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
        ContainerDefinitions: [{ Name: 'engine', Cpu: 256, Memory: 512 }],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: { TaskDefinition: { Ref: 'TaskDefinition' }, EnableExecuteCommand: false },
    },
  };
  change(resources);
  return { Resources: { ...resources } };
};

const findings = (template: Template) =>
  rules
    .flatMap((rule) =>
      rule.check({ stage: 'dev', profile: loadStageProfile('dev'), templates: { engine: template } }),
    )
    .map(({ rule, resource, message }) => ({ rule, resource, message }));

const EXEC_CHANNELS: Statement = {
  Sid: 'Exec',
  Effect: 'Allow',
  Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel', 'logs:DescribeLogGroups'],
  Resource: '*',
};

describe('PLATFORM.ENGINE.1: a task role and an execution role grant nothing on "*"', () => {
  it('passes exact resources and the registry token on the execution role', () => {
    // Act and assess
    expect(findings(templateWith())).toEqual([]);
  });

  it.each([
    [
      'an SQS action on "*"',
      { Action: ['sqs:SendMessage'], Resource: '*' },
      '"sqs:SendMessage" is granted on "*"',
    ],
    [
      'an action PLATFORM.IAM.2 accepts on "*" for any role',
      { Action: ['sts:GetCallerIdentity'], Resource: '*' },
      '"sts:GetCallerIdentity" is granted on "*"',
    ],
    [
      'an ARN whose resource part is a wildcard',
      {
        Action: ['sqs:SendMessage'],
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*' },
      },
      '"sqs:SendMessage" is granted on {"Fn::Sub":"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*"}',
    ],
    [
      'NotResource',
      { Action: ['sqs:SendMessage'], NotResource: 'arn:aws:sqs:eu-west-1:123456789012:other' },
      '"sqs:SendMessage" is granted on every resource but NotResource',
    ],
    [
      'the ECS Exec channels while no service enables ECS Exec',
      { Action: ['ssmmessages:OpenDataChannel'], Resource: '*' },
      'no service runs this task definition with ECS Exec, so nothing may be on "*"',
    ],
  ])('fails the task role with %s', (_, grant, message) => {
    // Prepare
    const template = templateWith((r) =>
      statementsOf(r.TaskRole).push({ Sid: 'Bad', Effect: 'Allow', ...grant }),
    );

    // Act
    const result = findings(template);

    // Assess
    expect(result).toEqual([
      { rule: 'PLATFORM.ENGINE.1', resource: 'TaskDefinition', message: expect.stringContaining(message) },
    ]);
    expect(result[0]?.message).toMatch(/^the task role TaskRole, policy "inline", statement "Bad": /);
  });

  it('tells the difference from PLATFORM.IAM.2, which accepts sts:GetCallerIdentity on "*"', () => {
    // Prepare
    const template = templateWith((r) =>
      statementsOf(r.TaskRole).push({
        Sid: 'WhoAmI',
        Effect: 'Allow',
        Action: ['sts:GetCallerIdentity'],
        Resource: '*',
      }),
    );

    // Act
    const generalRule = exactResources.check({
      stage: 'dev',
      profile: loadStageProfile('dev'),
      templates: { engine: template },
    });

    // Assess
    expect(generalRule).toEqual([]);
    expect(findings(template).map(({ rule }) => rule)).toEqual(['PLATFORM.ENGINE.1']);
  });

  it('allows the ECS Exec channels on "*" where the service enables ECS Exec', () => {
    // Prepare
    const template = templateWith((r) => {
      statementsOf(r.TaskRole).push(EXEC_CHANNELS);
      r.Service.Properties.EnableExecuteCommand = true;
    });

    // Act and assess
    expect(findings(template)).toEqual([]);
  });

  it('fails the execution role with anything but the registry token on "*"', () => {
    // Prepare
    const template = templateWith((r) =>
      statementsOf(r.ExecutionRole).push({
        Sid: 'Pull',
        Effect: 'Allow',
        Action: ['ecr:BatchGetImage'],
        Resource: '*',
      }),
    );

    // Act and assess
    expect(findings(template)).toEqual([
      {
        rule: 'PLATFORM.ENGINE.1',
        resource: 'TaskDefinition',
        message:
          'the execution role ExecutionRole, policy "inline", statement "Pull": "ecr:BatchGetImage" is granted on "*"; name the resources (only ecr:GetAuthorizationToken may be on "*")',
      },
    ]);
  });

  it('fails an AWS-managed policy on the execution role, whose statements cannot be reviewed', () => {
    // Prepare
    const template = templateWith((r) => {
      r.ExecutionRole.Properties.ManagedPolicyArns = [
        'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      ];
    });

    // Act and assess
    expect(findings(template)).toEqual([
      {
        rule: 'PLATFORM.ENGINE.1',
        resource: 'TaskDefinition',
        message: expect.stringMatching(
          /^the execution role ExecutionRole attaches the managed policy ".*AmazonECSTaskExecutionRolePolicy"/,
        ),
      },
    ]);
  });

  it('reads policies attached to the role elsewhere in the stack', () => {
    // Prepare
    const template = templateWith((r) => {
      r.Extra = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'TaskRole' }],
          PolicyDocument: {
            Statement: [
              { Sid: 'Metrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' },
            ],
          },
        },
      };
    });

    // Act and assess
    expect(findings(template)).toEqual([
      {
        rule: 'PLATFORM.ENGINE.1',
        resource: 'TaskDefinition',
        message: expect.stringContaining(
          'the task role TaskRole, policy Extra, statement "Metrics": "cloudwatch:PutMetricData"',
        ),
      },
    ]);
  });

  it('fails a role it cannot read', () => {
    // Prepare
    const template = templateWith((r) => {
      r.TaskDefinition.Properties.TaskRoleArn = 'arn:aws:iam::123456789012:role/somewhere-else';
    });

    // Act and assess
    expect(findings(template)).toEqual([
      {
        rule: 'PLATFORM.ENGINE.1',
        resource: 'TaskDefinition',
        message: expect.stringContaining('is not an AWS::IAM::Role of this stack'),
      },
    ]);
  });

  it.each([
    ['*', true],
    ['arn:aws:sqs:*:*:*', true],
    ['arn:aws:s3:::*', true],
    ['arn:aws:sqs:eu-west-1:123456789012:events', false],
    ['arn:aws:logs:eu-west-1:123456789012:log-group:/game/dev/engine:*', false],
    [{ 'Fn::GetAtt': ['Repo', 'Arn'] }, false],
  ])('treats %j as every resource: %s', (resource, expected) => {
    expect(isAnyResource(resource)).toBe(expected);
  });
});

describe('PLATFORM.ENGINE.2: a Fargate task size Fargate accepts', () => {
  it.each([
    [
      'memory not offered with the CPU',
      (r: Fixture) => Object.assign(r.TaskDefinition.Properties, { Cpu: '256', Memory: '4096' }),
      'Memory is 4096 with Cpu 256; expected one Fargate accepts with 256: 512, 1024-2048 in steps of 1024',
    ],
    [
      'a CPU value Fargate does not offer',
      (r: Fixture) => Object.assign(r.TaskDefinition.Properties, { Cpu: '768', Memory: '2048' }),
      'Cpu is 768; expected one of the CPU values Fargate accepts (256, 512, 1024, 2048, 4096, 8192, 16384)',
    ],
    [
      'a container larger than its task',
      (r: Fixture) =>
        Object.assign(r.TaskDefinition.Properties.ContainerDefinitions[0] ?? {}, { Memory: 1024 }),
      "the containers' Memory adds up to 1024 MiB; expected at most the task's 512 MiB",
    ],
    [
      'a computed size',
      (r: Fixture) => Object.assign(r.TaskDefinition.Properties, { Cpu: { Ref: 'TaskCpu' } }),
      'Cpu {"Ref":"TaskCpu"} and Memory "512" must be literal numbers for Fargate; expected values from the stage profile',
    ],
  ])('fails %s', (_, change, message) => {
    // Act and assess
    expect(findings(templateWith(change))).toEqual([
      { rule: 'PLATFORM.ENGINE.2', resource: 'TaskDefinition', message },
    ]);
  });

  it('leaves task definitions that do not run on Fargate to ECS', () => {
    // Prepare
    const template = templateWith((r) =>
      Object.assign(r.TaskDefinition.Properties, {
        RequiresCompatibilities: ['EC2'],
        Cpu: '768',
        Memory: '300',
      }),
    );

    // Act and assess
    expect(findings(template)).toEqual([]);
  });
});
