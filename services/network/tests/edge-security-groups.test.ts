/**
 * Who reaches the engine, as synthesized for each checked stage: the load balancer's group admits
 * only CloudFront's origin-facing managed prefix list (resolved at deploy time by a custom resource)
 * on the listener port and sends only to the engine's group on the container port; the engine's
 * group admits only the load balancer's group, on the container port.
 */

import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { CHECKED_PROFILES } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

type Json = Record<string, unknown>;
const groupId = (id: string) => ({ 'Fn::GetAtt': [id, 'GroupId'] });

describe.each(CHECKED_PROFILES)('network: the player edge security groups (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'network');
  const containerPort = ENGINE_CONTAINER_PORT;
  /** The standalone rules of one group and direction, without their descriptions. */
  const rulesOf = (type: string, group: string) =>
    Object.entries(resourcesOfType(template, type))
      .filter(
        ([, rule]) => JSON.stringify((rule.Properties as Json).GroupId) === JSON.stringify(groupId(group)),
      )
      .map(([id, rule]) => {
        const { Description, GroupId, ...rest } = rule.Properties as Json;
        expect(Description).toEqual(expect.any(String));
        return { id, ...rest };
      });

  it('admits only CloudFront origin-facing addresses into the load balancer group, on port 80', () => {
    expect(rulesOf('AWS::EC2::SecurityGroupIngress', 'LoadBalancerSecurityGroup')).toEqual([
      {
        id: 'LoadBalancerFromCloudFrontIngress',
        IpProtocol: 'tcp',
        FromPort: 80,
        ToPort: 80,
        SourcePrefixListId: { 'Fn::GetAtt': ['CloudFrontOriginFacingPrefixList', 'PrefixListId'] },
      },
    ]);
    expect(resourceById(template, 'CloudFrontOriginFacingPrefixList')).toMatchObject({
      Type: 'Custom::ManagedPrefixList',
      Properties: {
        ServiceToken: { 'Fn::GetAtt': ['ResolveManagedPrefixListLambdaFunction', 'Arn'] },
        PrefixListName: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
      },
    });
    expect(
      (resourceById(template, 'LoadBalancerSecurityGroup').Properties as Json).SecurityGroupIngress,
    ).toBeUndefined();
  });

  it('lets the load balancer send only to the engine group, on the container port', () => {
    expect(rulesOf('AWS::EC2::SecurityGroupEgress', 'LoadBalancerSecurityGroup')).toEqual([
      {
        id: 'LoadBalancerToEngineEgress',
        IpProtocol: 'tcp',
        FromPort: containerPort,
        ToPort: containerPort,
        DestinationSecurityGroupId: groupId('EngineSecurityGroup'),
      },
    ]);
  });

  it('admits nothing into the engine group but the load balancer group, on the container port', () => {
    expect(rulesOf('AWS::EC2::SecurityGroupIngress', 'EngineSecurityGroup')).toEqual([
      {
        id: 'EngineFromLoadBalancerIngress',
        IpProtocol: 'tcp',
        FromPort: containerPort,
        ToPort: containerPort,
        SourceSecurityGroupId: groupId('LoadBalancerSecurityGroup'),
      },
    ]);
  });

  it('resolves the prefix list with a role that may only describe prefix lists', () => {
    const role = Object.values(resourcesOfType(template, 'AWS::IAM::Role')).find((candidate) =>
      JSON.stringify(candidate).includes('DescribeManagedPrefixLists'),
    );
    const statements = (
      ((role?.Properties ?? {}) as Json).Policies as Array<{ PolicyDocument: { Statement: Json[] } }>
    )
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Sid === 'DescribeManagedPrefixLists');
    expect(statements).toEqual([
      {
        Sid: 'DescribeManagedPrefixLists',
        Effect: 'Allow',
        Action: ['ec2:DescribeManagedPrefixLists'],
        Resource: '*',
      },
    ]);
    expect(template.Outputs?.loadBalancerSecurityGroupId?.Value).toEqual(
      groupId('LoadBalancerSecurityGroup'),
    );
  });
});
