/**
 * The platform rules added by the hardening issue: no `${...}` outside Fn::Sub (PLATFORM.TEMPLATE.1),
 * no managed policy without a listed reason and their statements judged like inline ones
 * (PLATFORM.IAM.3, IAM.2), and stateful resources that state, and in production keep, their data
 * (PLATFORM.DATA.1/2). Each on small templates, then on every synthesized stage.
 */

import { SERVICE_NAMES } from '@game-platform/resources';
import type { PlatformRule, Template } from '@game-platform/resources/template';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { exactResources, noManagedPolicies } from '../src/checks/platform-rules';
import { dataPoliciesStated, productionKeepsData } from '../src/checks/rules/retention';
import { noPlaceholderOutsideSub } from '../src/checks/rules/substitution';

const run = (rule: PlatformRule, template: Template, profileName = 'dev') =>
  rule
    .check({ stage: profileName, profile: loadStageProfile(profileName), templates: { svc: template } })
    .map((f) => `${f.rule} ${f.resource}: ${f.message}`);

const VPC_ACCESS = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
  ],
};

const roleWith = (managedPolicyArns: unknown[], extra: Template['Resources'] = {}): Template => ({
  Resources: {
    FnRole: {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: {}, ManagedPolicyArns: managedPolicyArns },
    },
    ...extra,
  },
});

describe('PLATFORM.TEMPLATE.1: no "${...}" outside Fn::Sub', () => {
  it('flags an output description with Fn::Sub-style text, as databaseResourceId had', () => {
    // Prepare
    const template: Template = {
      Resources: {},
      Outputs: {
        databaseResourceId: {
          Description:
            'for ARNs: arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:<id>/<role>',
          Value: { 'Fn::GetAtt': ['DatabaseInstance', 'DbiResourceId'] },
        },
      },
    };

    // Act
    const findings = run(noPlaceholderOutsideSub, template);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(
      /^PLATFORM\.TEMPLATE\.1 Outputs\.databaseResourceId: Outputs\.databaseResourceId\.Description holds "for ARNs: arn:\$\{AWS::Partition\}/,
    );
  });

  it('accepts placeholders in the text of Fn::Sub, and flags them in its variables and in an unresolved framework variable', () => {
    // Prepare
    const template: Template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            A: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q' },
            B: { 'Fn::Sub': ['arn:${P}:x', { P: 'aws${oops}' }] },
            C: ['${param:privateSubnetIds}'],
          },
        },
      },
    };

    // Act
    const findings = run(noPlaceholderOutsideSub, template);

    // Assess
    expect(findings.map((f) => f.split(' holds ')[0])).toEqual([
      'PLATFORM.TEMPLATE.1 Role: Resources.Role.Properties.B.Fn::Sub[1].P',
      'PLATFORM.TEMPLATE.1 Role: Resources.Role.Properties.C[0]',
    ]);
  });

  it.each(CHECKED_PROFILES)('finds nothing in any synthesized template of %s', (stage) => {
    for (const service of SERVICE_NAMES) {
      expect(run(noPlaceholderOutsideSub, synthesizedTemplate(stage, service), stage)).toEqual([]);
    }
  });
});

describe('PLATFORM.IAM.3: no managed policy without a listed reason', () => {
  it('flags an AWS-managed policy, and judges its statements like inline ones (PLATFORM.IAM.2)', () => {
    // Prepare
    const template = roleWith([VPC_ACCESS]);

    // Act
    const managed = run(noManagedPolicies, template);
    const onAny = run(exactResources, template);

    // Assess
    expect(managed).toEqual([
      'PLATFORM.IAM.3 FnRole: attaches the managed policy AWSLambdaVPCAccessExecutionRole; grant its exact actions inline instead, or list it in policy-exceptions.yml with the reason',
    ]);
    expect(onAny).toContain(
      'PLATFORM.IAM.2 FnRole: AWS-managed policy AWSLambdaVPCAccessExecutionRole, statement "AWSLambdaVPCAccessExecutionPermissions": "logs:PutLogEvents" is granted on every resource ("*"); name the resources',
    );
  });

  it('asks for the document of a managed policy it does not know', () => {
    // Act
    const findings = run(noManagedPolicies, roleWith(['arn:aws:iam::123456789012:policy/team-wide']));

    // Assess
    expect(findings[0]).toContain(
      'add its document to AWS_MANAGED_POLICIES (resources/src/managed-policies.ts)',
    );
  });

  it('accepts a managed policy defined in the same template: its statements are in the template', () => {
    // Prepare
    const template = roleWith([{ Ref: 'LocalPolicy' }], {
      LocalPolicy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [] } } },
    });

    // Act / Assess
    expect(run(noManagedPolicies, template)).toEqual([]);
  });

  it.each(CHECKED_PROFILES)('finds no managed policy on any role of %s', (stage) => {
    for (const service of SERVICE_NAMES) {
      expect(run(noManagedPolicies, synthesizedTemplate(stage, service), stage)).toEqual([]);
    }
  });
});

describe('PLATFORM.DATA.1/2: stateful resources state, and in production keep, their data', () => {
  const queue = (policies: Record<string, string>): Template => ({
    Resources: { EventsQueue: { Type: 'AWS::SQS::Queue', Properties: {}, ...policies } },
  });

  it('flags a queue that states neither policy', () => {
    expect(run(dataPoliciesStated, queue({}))).toEqual([
      "PLATFORM.DATA.1 EventsQueue: AWS::SQS::Queue states no DeletionPolicy and no UpdateReplacePolicy, so CloudFormation would delete its data with the stack or on replacement without anyone having decided it; state both (the platform plugin sets them from the stage profile's retainData)",
    ]);
  });

  it('accepts Delete outside production, and refuses it in production', () => {
    // Prepare
    const deleting = queue({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });

    // Act
    const dev = run(productionKeepsData, deleting, 'dev');
    const prod = run(productionKeepsData, deleting, 'prod');

    // Assess
    expect(dev).toEqual([]);
    expect(prod).toEqual([
      'PLATFORM.DATA.2 EventsQueue: DeletionPolicy is Delete and UpdateReplacePolicy is Delete in production profile "prod"; expected Retain (or Snapshot), so deleting or replacing the AWS::SQS::Queue keeps its data (set retainData: true in the profile)',
    ]);
  });

  it('keeps every queue, log group, bucket, key, repository and the database of prod', () => {
    // Prepare
    const services = ['network', 'frontend', 'endpoints', 'datastore', 'integrations', 'engine'];
    const templates = Object.fromEntries(
      services.map((service) => [service, synthesizedTemplate('prod', service)]),
    );
    const profile = loadStageProfile('prod');

    // Act
    const findings = [
      ...dataPoliciesStated.check({ stage: 'prod', profile, templates }),
      ...productionKeepsData.check({ stage: 'prod', profile, templates }),
    ];
    const queues = Object.entries(templates.integrations?.Resources ?? {}).filter(
      ([, resource]) => resource.Type === 'AWS::SQS::Queue',
    );

    // Assess
    expect(findings).toEqual([]);
    expect(
      queues.map(([id, resource]) => [id, resource.DeletionPolicy, resource.UpdateReplacePolicy]),
    ).toEqual([
      ['EventsDeadLetterQueue', 'Retain', 'Retain'],
      ['EventsQueue', 'Retain', 'Retain'],
    ]);
  });
});
