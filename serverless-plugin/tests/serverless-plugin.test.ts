/**
 * The platform plugin hardens what the framework generates. Unit tests on its functions, and a
 * check over every synthesized stack that the result is what the baseline asks for.
 */

import { SERVICE_NAMES } from '@game-platform/resources';
import { CHECKED_PROFILES } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import {
  encryptLogGroups,
  hardenDeploymentBucket,
  inlineLiteralSplits,
  removeUnusedSharedLambdaRole,
} from '../src/plugin';

const frameworkTemplate = () => ({
  Resources: {
    ServerlessDeploymentBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      },
    },
    ServerlessDeploymentBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'ServerlessDeploymentBucket' }, PolicyDocument: {} },
    },
    ConsumerLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/x' } },
    IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} },
    ConsumerIamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} },
    ConsumerLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['ConsumerIamRoleLambdaExecution', 'Arn'] } },
    },
  } as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
});

describe('platform serverless plugin', () => {
  it('gives the deployment bucket the S3 baseline and a TLS-only policy', () => {
    const template = frameworkTemplate();
    hardenDeploymentBucket(template);
    expect(template.Resources.ServerlessDeploymentBucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(JSON.stringify(template.Resources.ServerlessDeploymentBucketPolicy)).toContain(
      '"aws:SecureTransport":"false"',
    );
  });

  it('encrypts log groups that have no key and leaves others alone', () => {
    const template = frameworkTemplate();
    template.Resources.OwnLogGroup = { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: 'mine' } };
    encryptLogGroups(template, 'arn:aws:kms:eu-west-1:1:key/k');
    expect(template.Resources.ConsumerLogGroup?.Properties?.KmsKeyId).toBe('arn:aws:kms:eu-west-1:1:key/k');
    expect(template.Resources.OwnLogGroup?.Properties?.KmsKeyId).toBe('mine');
  });

  it('removes the shared Lambda role only when nothing references it', () => {
    const unused = frameworkTemplate();
    removeUnusedSharedLambdaRole(unused);
    expect(unused.Resources.IamRoleLambdaExecution).toBeUndefined();
    const used = frameworkTemplate();
    used.Resources.OtherFunction = {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } },
    };
    removeUnusedSharedLambdaRole(used);
    expect(used.Resources.IamRoleLambdaExecution).toBeDefined();
  });

  it('turns a split of a literal list into the list, and leaves splits of intrinsics alone', () => {
    const template = frameworkTemplate();
    template.Resources.ConsumerLambdaFunction = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        VpcConfig: { SubnetIds: { 'Fn::Split': [',', 'subnet-a,subnet-b'] }, SecurityGroupIds: ['sg-1'] },
        Layers: { 'Fn::Split': [',', { 'Fn::ImportValue': 'layers' }] },
      },
    };
    inlineLiteralSplits(template);
    expect(template.Resources.ConsumerLambdaFunction?.Properties).toEqual({
      VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] },
      Layers: { 'Fn::Split': [',', { 'Fn::ImportValue': 'layers' }] },
    });
  });

  it.each(CHECKED_PROFILES)('left every %s stack with a hardened deployment bucket', (stage) => {
    for (const service of SERVICE_NAMES) {
      const bucket = synthesizedTemplate(stage, service).Resources.ServerlessDeploymentBucket;
      expect(
        bucket?.Properties?.PublicAccessBlockConfiguration,
        `${service} deployment bucket`,
      ).toMatchObject({ RestrictPublicBuckets: true });
    }
  });
});
