/**
 * A VPC function's role: the AWS-managed AWSLambdaVPCAccessExecutionRole (log writes on "*") is
 * replaced by statements for the function's own network interfaces, which its code cannot use.
 * Unit test of the plugin step, then the synthesized consumer and migrate roles of every stage.
 */

import { LAMBDA_NETWORK_INTERFACE_ACTIONS, stackName } from '@game-platform/resources';
import { CHECKED_PROFILES } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { replaceLambdaVpcManagedPolicy } from '../src/plugin';

type Statement = { Sid?: string; Effect: string; Action: string[]; Resource: unknown; Condition?: unknown };
type Resource = { Type: string; Properties?: Record<string, unknown> };

const VPC_ACCESS = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
  ],
};

const statementsOf = (role: Resource | undefined): Statement[] =>
  ((role?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );

/** What serverless-iam-roles-per-function generates for a function in a VPC. */
const frameworkTemplate = (): { Resources: Record<string, Resource> } => ({
  Resources: {
    FnIamRoleLambdaExecution: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [{ PolicyName: 'fn', PolicyDocument: { Statement: [] } }],
        ManagedPolicyArns: [VPC_ACCESS],
      },
    },
    FnLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'game-integrations-dev-consumer',
        Role: { 'Fn::GetAtt': ['FnIamRoleLambdaExecution', 'Arn'] },
        VpcConfig: { SubnetIds: ['subnet-0a', 'subnet-0b'], SecurityGroupIds: ['sg-0c'] },
      },
    },
  },
});

describe('replaceLambdaVpcManagedPolicy', () => {
  it('drops the managed policy and grants the network-interface actions for the function only', () => {
    // Prepare
    const template = frameworkTemplate();

    // Act
    replaceLambdaVpcManagedPolicy(template);

    // Assess
    const role = template.Resources.FnIamRoleLambdaExecution;
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf(role);
    const ec2 = (kind: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${kind}`,
    });
    expect(statements.find((s) => s.Sid === 'CreateFunctionNetworkInterfaces')?.Resource).toEqual([
      ec2('network-interface/*'),
      ec2('subnet/subnet-0a'),
      ec2('subnet/subnet-0b'),
      ec2('security-group/sg-0c'),
    ]);
    expect(statements.find((s) => s.Sid === 'NoNetworkInterfacesFromFunctionCode')).toEqual({
      Sid: 'NoNetworkInterfacesFromFunctionCode',
      Effect: 'Deny',
      Action: LAMBDA_NETWORK_INTERFACE_ACTIONS,
      Resource: '*',
      Condition: {
        ArnEquals: {
          'lambda:SourceFunctionArn': {
            'Fn::Sub':
              'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:game-integrations-dev-consumer',
          },
        },
      },
    });
    expect(statements.flatMap((s) => s.Action).filter((action) => action.startsWith('logs:'))).toEqual([]);
  });

  it('leaves a role that attaches nothing alone', () => {
    // Prepare
    const template = frameworkTemplate();
    delete template.Resources.FnIamRoleLambdaExecution?.Properties?.ManagedPolicyArns;

    // Act
    replaceLambdaVpcManagedPolicy(template);

    // Assess
    expect(statementsOf(template.Resources.FnIamRoleLambdaExecution)).toEqual([]);
  });
});

describe.each(CHECKED_PROFILES)('the VPC functions of %s as synthesized', (stage) => {
  it.each([
    ['integrations', 'ConsumerIamRoleLambdaExecution', 'consumer'],
    ['datastore', 'MigrateIamRoleLambdaExecution', 'migrate'],
    ['datastore', 'PruneIamRoleLambdaExecution', 'prune'],
  ] as const)(
    '%s/%s attaches no managed policy, writes only its own logs and cannot touch interfaces from its code',
    (service, roleId, fn) => {
      // Prepare
      const template = synthesizedTemplate(stage, service);

      // Act
      const role = template.Resources[roleId] as Resource;
      const statements = statementsOf(role);

      // Assess
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      for (const statement of statements.filter((s) => s.Action.some((a) => a.startsWith('logs:')))) {
        expect(JSON.stringify(statement.Resource)).toContain(
          `log-group:/aws/lambda/${stackName(service, stage)}-${fn}:`,
        );
      }
      const onAny = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource) === '"*"');
      expect(onAny.flatMap((s) => s.Action).sort()).toEqual([
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
      ]);
      expect(statements.find((s) => s.Effect === 'Deny')?.Condition).toEqual({
        ArnEquals: {
          'lambda:SourceFunctionArn': {
            'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${stackName(service, stage)}-${fn}`,
          },
        },
      });
    },
  );
});
