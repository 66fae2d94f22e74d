/**
 * The VPC and its routing: three subnet tiers across the stage's AZs, an internet gateway for the
 * public tier, NAT per the stage's `natMode`, and VPC flow logs.
 */
import {
  assumeRolePolicy,
  type CfnResource,
  getAtt,
  getAZs,
  logGroup,
  policyDocument,
  type Resources,
  ref,
  resource,
  resourceName,
  select,
  sub,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { OBSERVABILITY_KEY } from './observability';
import { SUBNET_TIERS, type SubnetTier, subnetLayout } from './subnet-layout';

/** AZ letters used in logical ids: `PrivateSubnetA` is in the region's first AZ. */
export const AZ_LETTERS = ['A', 'B', 'C', 'D'] as const;

const capitalize = (tier: SubnetTier) => `${tier[0]?.toUpperCase()}${tier.slice(1)}`;

export const subnetId = (tier: SubnetTier, az: number) => `${capitalize(tier)}Subnet${AZ_LETTERS[az]}`;
export const privateRouteTableId = (az: number) => `PrivateRouteTable${AZ_LETTERS[az]}`;
const natGatewayId = (az: number) => `NatGateway${AZ_LETTERS[az]}`;
const natElasticIpId = (az: number) => `NatElasticIp${AZ_LETTERS[az]}`;

export const VPC = 'Vpc';
export const INTERNET_GATEWAY = 'InternetGateway';
/** Routes through the internet gateway wait for it. */
export const INTERNET_GATEWAY_ATTACHMENT = 'InternetGatewayAttachment';
export const PUBLIC_ROUTE_TABLE = 'PublicRouteTable';
export const ISOLATED_ROUTE_TABLE = 'IsolatedRouteTable';
export const FLOW_LOGS_LOG_GROUP = 'FlowLogsLogGroup';
export const FLOW_LOGS_DELIVERY_ROLE = 'FlowLogsDeliveryRole';

const tagged = (name: string, stage: string) => [{ Key: 'Name', Value: resourceName(stage, name) }];

export const vpcResources = (profile: StageProfile): Resources => {
  const { vpcCidr } = profile.network;
  return {
    [VPC]: resource('AWS::EC2::VPC', {
      CidrBlock: vpcCidr,
      // Both are required for the private DNS names of interface endpoints.
      EnableDnsSupport: true,
      EnableDnsHostnames: true,
      Tags: tagged('vpc', profile.stage),
    }),
    [INTERNET_GATEWAY]: resource('AWS::EC2::InternetGateway', { Tags: tagged('igw', profile.stage) }),
    [INTERNET_GATEWAY_ATTACHMENT]: resource('AWS::EC2::VPCGatewayAttachment', {
      VpcId: ref(VPC),
      InternetGatewayId: ref(INTERNET_GATEWAY),
    }),
  };
};

/**
 * Subnets and route tables. Public subnets share one route table (default route to the internet
 * gateway); each AZ's private subnet has its own route table, so NAT and gateway endpoints can be
 * per AZ; isolated subnets share a route table with no route out of the VPC.
 */
export const subnetResources = (profile: StageProfile): Resources => {
  const { vpcCidr, azCount } = profile.network;
  const layout = subnetLayout(vpcCidr, azCount);
  const resources: Resources = {
    [PUBLIC_ROUTE_TABLE]: resource('AWS::EC2::RouteTable', {
      VpcId: ref(VPC),
      Tags: tagged('public', profile.stage),
    }),
    PublicDefaultRoute: resource(
      'AWS::EC2::Route',
      {
        RouteTableId: ref(PUBLIC_ROUTE_TABLE),
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: ref(INTERNET_GATEWAY),
      },
      { DependsOn: [INTERNET_GATEWAY_ATTACHMENT] },
    ),
    [ISOLATED_ROUTE_TABLE]: resource('AWS::EC2::RouteTable', {
      VpcId: ref(VPC),
      Tags: tagged('isolated', profile.stage),
    }),
  };
  for (let az = 0; az < azCount; az++) {
    resources[privateRouteTableId(az)] = resource('AWS::EC2::RouteTable', {
      VpcId: ref(VPC),
      Tags: tagged(`private-${AZ_LETTERS[az]?.toLowerCase()}`, profile.stage),
    });
    for (const tier of SUBNET_TIERS) {
      const id = subnetId(tier, az);
      resources[id] = resource('AWS::EC2::Subnet', {
        VpcId: ref(VPC),
        CidrBlock: layout[tier][az] ?? '',
        AvailabilityZone: select(az, getAZs()),
        // No subnet hands out public IPs; anything public goes through a load balancer or NAT (CT.EC2.PR.11).
        MapPublicIpOnLaunch: false,
        Tags: [
          ...tagged(`${tier}-${AZ_LETTERS[az]?.toLowerCase()}`, profile.stage),
          { Key: 'game:tier', Value: tier },
        ],
      });
      const routeTable =
        tier === 'public'
          ? PUBLIC_ROUTE_TABLE
          : tier === 'private'
            ? privateRouteTableId(az)
            : ISOLATED_ROUTE_TABLE;
      resources[`${id}RouteTableAssociation`] = resource('AWS::EC2::SubnetRouteTableAssociation', {
        SubnetId: ref(id),
        RouteTableId: ref(routeTable),
      });
    }
  }
  return resources;
};

/**
 * NAT gateways per `network.natMode`: `none` creates nothing (private subnets reach AWS through the
 * endpoints service only), `single` one gateway in the first AZ for every private route table,
 * `perAz` one per AZ so egress survives the loss of an AZ.
 */
export const natResources = (profile: StageProfile): Resources => {
  const { natMode, azCount } = profile.network;
  if (natMode === 'none') return {};
  const gateways = natMode === 'single' ? 1 : azCount;
  const resources: Resources = {};
  for (let az = 0; az < gateways; az++) {
    resources[natElasticIpId(az)] = resource(
      'AWS::EC2::EIP',
      { Domain: 'vpc', Tags: tagged(`nat-${AZ_LETTERS[az]?.toLowerCase()}`, profile.stage) },
      { DependsOn: [INTERNET_GATEWAY_ATTACHMENT] },
    );
    resources[natGatewayId(az)] = resource('AWS::EC2::NatGateway', {
      SubnetId: ref(subnetId('public', az)),
      AllocationId: getAtt(natElasticIpId(az), 'AllocationId'),
      Tags: tagged(`nat-${AZ_LETTERS[az]?.toLowerCase()}`, profile.stage),
    });
  }
  for (let az = 0; az < azCount; az++) {
    resources[`PrivateDefaultRoute${AZ_LETTERS[az]}`] = resource('AWS::EC2::Route', {
      RouteTableId: ref(privateRouteTableId(az)),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: ref(natGatewayId(natMode === 'single' ? 0 : az)),
    });
  }
  return resources;
};

/** VPC flow logs of all traffic to an encrypted log group (SH EC2.6), delivered through a role scoped to that group. */
export const flowLogResources = (profile: StageProfile): Resources => ({
  [FLOW_LOGS_LOG_GROUP]: logGroup({
    name: `/game/${profile.stage}/vpc-flow-logs`,
    retentionDays: profile.network.flowLogRetentionDays,
    kmsKeyArn: getAtt(OBSERVABILITY_KEY, 'Arn'),
  }),
  [FLOW_LOGS_DELIVERY_ROLE]: resource('AWS::IAM::Role', {
    AssumeRolePolicyDocument: assumeRolePolicy('vpc-flow-logs.amazonaws.com', {
      StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
      ArnLike: {
        'aws:SourceArn': sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*'),
      },
    }),
    Policies: [
      {
        PolicyName: 'DeliverFlowLogs',
        PolicyDocument: policyDocument({
          Sid: 'WriteFlowLogRecords',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [getAtt(FLOW_LOGS_LOG_GROUP, 'Arn')],
        }),
      },
    ],
  }),
  VpcFlowLog: resource('AWS::EC2::FlowLog', {
    ResourceId: ref(VPC),
    ResourceType: 'VPC',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: ref(FLOW_LOGS_LOG_GROUP),
    DeliverLogsPermissionArn: getAtt(FLOW_LOGS_DELIVERY_ROLE, 'Arn'),
    MaxAggregationInterval: 600,
  }) satisfies CfnResource<'AWS::EC2::FlowLog'>,
});
