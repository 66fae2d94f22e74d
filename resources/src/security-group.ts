import type { Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';

/**
 * One TCP rule between two security groups (or a group and a prefix list). `description` is
 * required: every rule says who talks to whom and why (security baseline, "Network").
 */
export interface TcpRule {
  description: string;
  port: number;
  /** The peer security group id (source for ingress, destination for egress). */
  peerSecurityGroupId?: Value<string>;
  /** The peer prefix list (e.g. the S3 gateway endpoint's). */
  peerPrefixListId?: Value<string>;
  /** The peer CIDR. World-open CIDRs are rejected at synth except on 80/443. */
  peerCidr?: Value<string>;
}

/**
 * The one egress rule every group starts with: it matches no traffic (ICMP type 252 code 86 to the
 * broadcast address), and stating it replaces AWS's default allow-all egress.
 */
export const DENY_ALL_EGRESS = {
  IpProtocol: 'icmp',
  FromPort: 252,
  ToPort: 86,
  CidrIp: '255.255.255.255/32',
  Description: 'Disallow all traffic (replaces the default allow-all egress)',
} as const;

/**
 * A security group with no inline rules and no default allow-all egress: rules are separate
 * resources (`ingressRule`, `egressRule`), which avoids circular references between groups
 * that allow each other, and every flow is declared on purpose.
 */
export const securityGroup = (options: {
  description: string;
  vpcId: Value<string>;
  name?: Value<string>;
}): CfnResource<'AWS::EC2::SecurityGroup'> =>
  resource('AWS::EC2::SecurityGroup', {
    GroupDescription: options.description,
    VpcId: options.vpcId,
    ...(options.name ? { GroupName: options.name } : {}),
    SecurityGroupEgress: [{ ...DENY_ALL_EGRESS }],
  });

const peer = (rule: TcpRule, direction: 'ingress' | 'egress') => {
  if (rule.peerSecurityGroupId) {
    return direction === 'ingress'
      ? { SourceSecurityGroupId: rule.peerSecurityGroupId }
      : { DestinationSecurityGroupId: rule.peerSecurityGroupId };
  }
  if (rule.peerPrefixListId) {
    return direction === 'ingress'
      ? { SourcePrefixListId: rule.peerPrefixListId }
      : { DestinationPrefixListId: rule.peerPrefixListId };
  }
  if (rule.peerCidr) return { CidrIp: rule.peerCidr };
  throw new Error(
    `security group rule "${rule.description}" names no peer; expected peerSecurityGroupId, peerPrefixListId or peerCidr`,
  );
};

export const ingressRule = (
  groupId: Value<string>,
  rule: TcpRule,
): CfnResource<'AWS::EC2::SecurityGroupIngress'> =>
  resource('AWS::EC2::SecurityGroupIngress', {
    GroupId: groupId,
    IpProtocol: 'tcp',
    FromPort: rule.port,
    ToPort: rule.port,
    Description: rule.description,
    ...peer(rule, 'ingress'),
  });

export const egressRule = (
  groupId: Value<string>,
  rule: TcpRule,
): CfnResource<'AWS::EC2::SecurityGroupEgress'> =>
  resource('AWS::EC2::SecurityGroupEgress', {
    GroupId: groupId,
    IpProtocol: 'tcp',
    FromPort: rule.port,
    ToPort: rule.port,
    Description: rule.description,
    ...peer(rule, 'egress'),
  });
