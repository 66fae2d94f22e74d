/**
 * network: the VPC every workload runs in, and everything the other stacks must not own
 * themselves: all security groups, the stage's observability key and alarm topic.
 * Deployed first; see the README for what each output feeds.
 */
import {
  customResource,
  esbuildSettings,
  FUNCTION_PLUGINS,
  getAtt,
  join,
  type Outputs,
  type PlatformServiceConfig,
  provider,
  ref,
  serviceContext,
  sub,
} from '@game-platform/resources';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '@game-platform/shared/edge';
import { observabilityResources } from './stack/observability';
import {
  CLOUDFRONT_PREFIX_LIST,
  LAMBDA_SECURITY_GROUP,
  securityGroupResources,
} from './stack/security-groups';
import {
  flowLogResources,
  natResources,
  privateRouteTableId,
  subnetId,
  subnetResources,
  vpcResources,
} from './stack/vpc';

const context = serviceContext('network');
const { profile } = context;
const azs = Array.from({ length: profile.network.azCount }, (_, az) => az);

const listOutput = (description: string, logicalIds: string[]) => ({
  Description: description,
  Value: join(',', logicalIds.map(ref)),
});

const outputs: Outputs = {
  vpcId: { Description: 'The VPC', Value: ref('Vpc') },
  vpcCidrBlock: { Description: 'The VPC address range', Value: getAtt('Vpc', 'CidrBlock') },
  publicSubnetIds: listOutput(
    'Public subnets, one per AZ (NAT gateways)',
    azs.map((az) => subnetId('public', az)),
  ),
  privateSubnetIds: listOutput(
    'Private subnets, one per AZ (Fargate tasks, Lambda functions, endpoints)',
    azs.map((az) => subnetId('private', az)),
  ),
  isolatedSubnetIds: listOutput(
    'Isolated subnets, one per AZ, no route out (the database)',
    azs.map((az) => subnetId('isolated', az)),
  ),
  privateRouteTableIds: listOutput(
    'Route tables of the private subnets (S3 gateway endpoint)',
    azs.map(privateRouteTableId),
  ),
  loadBalancerSecurityGroupId: {
    Description: "Security group of the engine's internal load balancer (CloudFront VPC origin traffic only)",
    Value: getAtt('LoadBalancerSecurityGroup', 'GroupId'),
  },
  engineSecurityGroupId: {
    Description: 'Security group of engine tasks',
    Value: getAtt('EngineSecurityGroup', 'GroupId'),
  },
  lambdaSecurityGroupId: {
    Description: 'Security group of Lambda functions in the VPC',
    Value: getAtt(LAMBDA_SECURITY_GROUP, 'GroupId'),
  },
  databaseSecurityGroupId: {
    Description: 'Security group of the database',
    Value: getAtt('DatabaseSecurityGroup', 'GroupId'),
  },
  endpointsSecurityGroupId: {
    Description: 'Security group of interface VPC endpoints',
    Value: getAtt('EndpointsSecurityGroup', 'GroupId'),
  },
  observabilityKeyArn: {
    Description: 'KMS key for log groups and the alarm topic',
    Value: getAtt('ObservabilityKey', 'Arn'),
  },
  alarmTopicArn: { Description: 'SNS topic every alarm of the stage notifies', Value: ref('AlarmTopic') },
};

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: FUNCTION_PLUGINS,
  custom: {
    esbuild: esbuildSettings,
    platform: { logsKmsKeyArn: getAtt('ObservabilityKey', 'Arn') },
  },
  functions: {
    restrictDefaultSecurityGroup: {
      handler: 'src/handlers/restrict-default-security-group.handler',
      description: 'Custom resource: empties the VPC default security group',
      timeout: 60,
      iamRoleStatements: [
        {
          Sid: 'RevokeDefaultSecurityGroupRules',
          Effect: 'Allow',
          Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
          Resource: sub(
            'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Vpc.DefaultSecurityGroup}',
          ),
        },
      ],
    },
    resolveManagedPrefixList: {
      handler: 'src/handlers/resolve-managed-prefix-list.handler',
      description:
        "Custom resource: the id of an AWS-managed prefix list (CloudFront's origin-facing addresses)",
      timeout: 60,
      iamRoleStatements: [
        {
          Sid: 'DescribeManagedPrefixLists',
          Effect: 'Allow',
          // EC2 Describe calls have no resource-level permissions: "*" is the only resource AWS accepts.
          Action: ['ec2:DescribeManagedPrefixLists'],
          Resource: '*',
        },
      ],
    },
  },
  resources: {
    Resources: {
      ...vpcResources(profile),
      ...subnetResources(profile),
      ...natResources(profile),
      ...flowLogResources(profile),
      ...securityGroupResources({ stage: context.stage }),
      ...observabilityResources(profile),
      [CLOUDFRONT_PREFIX_LIST]: customResource(
        'ManagedPrefixList',
        getAtt('ResolveManagedPrefixListLambdaFunction', 'Arn'),
        { PrefixListName: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST },
      ),
      RestrictDefaultSecurityGroup: customResource(
        'RestrictDefaultSecurityGroup',
        getAtt('RestrictDefaultSecurityGroupLambdaFunction', 'Arn'),
        { DefaultSecurityGroupId: getAtt('Vpc', 'DefaultSecurityGroup') },
      ),
    },
    Outputs: outputs,
  },
};

export default config;
