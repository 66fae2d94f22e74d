/**
 * The network stack as synthesized for each checked stage profile: what the other stacks rely on
 * and what the security baseline asks of a VPC.
 */

import { CHECKED_PROFILES, stageProfiles } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;

describe.each(STAGES)('network template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'network');
  const profile = stageProfiles[stage];

  it('spreads public, private and isolated subnets over the profile AZs, none handing out public IPs', () => {
    const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(3 * profile.network.azCount);
    for (const subnet of subnets) expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(false);
    const azIndexes = subnets.map((subnet) => JSON.stringify(subnet.Properties?.AvailabilityZone));
    expect(new Set(azIndexes).size).toBe(profile.network.azCount);
  });

  it('creates NAT gateways according to natMode', () => {
    const expected = { none: 0, single: 1, perAz: profile.network.azCount }[profile.network.natMode];
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::NatGateway'))).toHaveLength(expected);
    const defaultRoutes = Object.values(resourcesOfType(template, 'AWS::EC2::Route')).filter(
      (route) => route.Properties?.NatGatewayId,
    );
    expect(defaultRoutes).toHaveLength(expected === 0 ? 0 : profile.network.azCount);
  });

  it('gives isolated subnets a route table with no route out of the VPC', () => {
    const routes = Object.values(resourcesOfType(template, 'AWS::EC2::Route'));
    expect(
      routes.filter(
        (route) => JSON.stringify(route.Properties?.RouteTableId) === '{"Ref":"IsolatedRouteTable"}',
      ),
    ).toEqual([]);
  });

  it('logs all VPC traffic to an encrypted log group with the profile retention', () => {
    expect(resourceById(template, 'VpcFlowLog').Properties).toMatchObject({
      ResourceType: 'VPC',
      TrafficType: 'ALL',
    });
    expect(resourceById(template, 'FlowLogsLogGroup').Properties).toMatchObject({
      RetentionInDays: profile.network.flowLogRetentionDays,
      KmsKeyId: { 'Fn::GetAtt': ['ObservabilityKey', 'Arn'] },
    });
  });

  it('empties the default security group through the custom resource', () => {
    expect(resourceById(template, 'RestrictDefaultSecurityGroup').Properties).toMatchObject({
      DefaultSecurityGroupId: { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] },
    });
  });

  it('lets only engine and Lambda groups reach the database (5432) and the endpoints (443)', () => {
    const groupOf = (value: unknown) => (value as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    // The player edge's groups (load balancer, engine ingress): tests/edge-security-groups.test.ts.
    const ingress = Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))
      .filter(({ Properties = {} }) =>
        ['DatabaseSecurityGroup', 'EndpointsSecurityGroup'].includes(groupOf(Properties.GroupId) ?? ''),
      )
      .map(({ Properties = {} }) => ({
        to: groupOf(Properties.GroupId),
        from: groupOf(Properties.SourceSecurityGroupId),
        port: Properties.FromPort,
      }));
    expect(ingress).toEqual(
      expect.arrayContaining([
        { to: 'DatabaseSecurityGroup', from: 'EngineSecurityGroup', port: 5432 },
        { to: 'DatabaseSecurityGroup', from: 'ConsumerSecurityGroup', port: 5432 },
        { to: 'EndpointsSecurityGroup', from: 'EngineSecurityGroup', port: 443 },
        { to: 'EndpointsSecurityGroup', from: 'ConsumerSecurityGroup', port: 443 },
      ]),
    );
    expect(ingress).toHaveLength(4);
  });

  it("keeps the Lambda group's first logical id and description, so a deploy does not replace it", () => {
    // A new id or description would make CloudFormation replace the group that the functions of later
    // stacks still use (stack/security-groups.ts, LAMBDA_SECURITY_GROUP).
    expect(template.Outputs?.lambdaSecurityGroupId?.Value).toEqual({
      'Fn::GetAtt': ['ConsumerSecurityGroup', 'GroupId'],
    });
    expect(resourceById(template, 'ConsumerSecurityGroup').Properties?.GroupDescription).toBe(
      `game-${stage}: Lambda functions in the VPC (event consumer, migration runner)`,
    );
  });

  it('exports every output the other stacks consume', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'vpcId',
        'privateSubnetIds',
        'isolatedSubnetIds',
        'privateRouteTableIds',
        'engineSecurityGroupId',
        'lambdaSecurityGroupId',
        'databaseSecurityGroupId',
        'endpointsSecurityGroupId',
        'observabilityKeyArn',
        'alarmTopicArn',
      ]),
    );
  });
});
