/** Platform rules: what no single Control Tower control covers. */

import type { PlatformRule, Template } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { describe, expect, it } from 'vitest';
import {
  everySecurityGroupRuleDescribed,
  exactActions,
  exactResources,
  noWorldOpenIngress,
} from '../src/checks/platform-rules';
import { firstIngressRule, validTemplate } from './fixtures';

const run = (rule: PlatformRule, template: Template) =>
  rule
    .check({ stage: 'dev', profile: loadStageProfile('dev'), templates: { network: template } })
    .map((f) => `${f.rule} ${f.resource}: ${f.message}`);

const withRole = (statements: unknown[]): Template => ({
  Resources: {
    ConsumerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {},
        Policies: [
          { PolicyName: 'consumer', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
        ],
      },
    },
  },
});

describe('PLATFORM.SG.1: no world-open ingress except 80/443', () => {
  it('accepts HTTPS from anywhere', () => {
    expect(run(noWorldOpenIngress, validTemplate())).toEqual([]);
  });

  it('rejects PostgreSQL from anywhere, in a standalone ingress resource too', () => {
    const template = validTemplate();
    template.Resources.OpenDatabase = {
      Type: 'AWS::EC2::SecurityGroupIngress',
      Properties: {
        GroupId: 'sg-1',
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        CidrIpv6: '::/0',
        Description: 'oops',
      },
    };
    expect(run(noWorldOpenIngress, template)).toEqual([
      'PLATFORM.SG.1 OpenDatabase: ingress from ::/0 on tcp 5432-5432; only tcp 80 and 443 may be open to the world',
    ]);
  });

  it('rejects a port range that merely includes 443', () => {
    const template = validTemplate();
    const ingress = firstIngressRule(template);
    Object.assign(ingress, { FromPort: 0, ToPort: 65535 });
    expect(run(noWorldOpenIngress, template)).toHaveLength(1);
  });
});

describe('PLATFORM.SG.2: every rule described', () => {
  it('rejects an inline rule without a description', () => {
    const template = validTemplate();
    const ingress = firstIngressRule(template);
    delete ingress.Description;
    expect(run(everySecurityGroupRuleDescribed, template)).toEqual([
      'PLATFORM.SG.2 WebSecurityGroup: an ingress rule has no Description; say who talks to whom and why',
    ]);
  });
});

describe('PLATFORM.IAM.1: exact actions', () => {
  it('accepts exact actions', () => {
    expect(
      run(
        exactActions,
        withRole([
          {
            Sid: 'Send',
            Effect: 'Allow',
            Action: ['sqs:SendMessage'],
            Resource: 'arn:aws:sqs:eu-west-1:1:q',
          },
        ]),
      ),
    ).toEqual([]);
  });

  it('rejects "*", "service:*", partial wildcards and NotAction', () => {
    const template = withRole([
      { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'AllOfS3', Effect: 'Allow', Action: ['s3:*', 's3:Get*'], Resource: 'arn:aws:s3:::b' },
      { Sid: 'AllButIam', Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:s3:::b' },
    ]);
    expect(run(exactActions, template)).toEqual([
      'PLATFORM.IAM.1 ConsumerRole: policy "consumer", statement "Everything": action "*" is a wildcard; name the exact actions',
      'PLATFORM.IAM.1 ConsumerRole: policy "consumer", statement "AllOfS3": action "s3:*" is a wildcard; name the exact actions',
      'PLATFORM.IAM.1 ConsumerRole: policy "consumer", statement "AllOfS3": action "s3:Get*" is a wildcard; name the exact actions',
      'PLATFORM.IAM.1 ConsumerRole: policy "consumer", statement "AllButIam": uses NotAction, which grants everything else; name the exact actions',
    ]);
  });

  it('ignores Deny statements (a TLS-only deny on s3:* is a protection) and the KMS root delegation', () => {
    const template: Template = {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Properties: {
            KeyPolicy: {
              Statement: [
                {
                  Sid: 'Root',
                  Effect: 'Allow',
                  Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
                  Action: ['kms:*'],
                  Resource: '*',
                },
              ],
            },
          },
        },
        BucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            PolicyDocument: {
              Statement: [{ Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: ['s3:*'], Resource: '*' }],
            },
          },
        },
      },
    };
    expect(run(exactActions, template)).toEqual([]);
  });
});

describe('PLATFORM.IAM.2: "*" resources only where AWS offers nothing narrower', () => {
  it('accepts actions that have no resource-level permissions', () => {
    expect(
      run(
        exactResources,
        withRole([{ Sid: 'Metrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' }]),
      ),
    ).toEqual([]);
  });

  it('rejects an action that could name its resource', () => {
    expect(
      run(
        exactResources,
        withRole([{ Sid: 'Queue', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['*'] }]),
      ),
    ).toEqual([
      'PLATFORM.IAM.2 ConsumerRole: policy "consumer", statement "Queue": "sqs:SendMessage" is granted on every resource ("*"); name the resources',
    ]);
  });
});
