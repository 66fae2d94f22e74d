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
  output,
  type PlatformServiceConfig,
  provider,
  ref,
  serviceContext,
  sub,
} from '@game-platform/resources';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '@game-platform/shared/edge';
import { ALARM_TOPIC, OBSERVABILITY_KEY, observabilityResources } from './stack/observability';
import {
  CLOUDFRONT_PREFIX_LIST,
  DATABASE_SECURITY_GROUP,
  ENDPOINTS_SECURITY_GROUP,
  ENGINE_SECURITY_GROUP,
  LAMBDA_SECURITY_GROUP,
  LOAD_BALANCER_SECURITY_GROUP,
  securityGroupResources,
} from './stack/security-groups';
import {
  flowLogResources,
  natResources,
  privateRouteTableId,
  subnetId,
  subnetResources,
  VPC,
  vpcResources,
} from './stack/vpc';

const context = serviceContext('network');
const { profile } = context;
const azs = Array.from({ length: profile.network.azCount }, (_, az) => az);

/** A comma-separated list of resource ids, as compose passes list params (`subnet-a,subnet-b`). */
const idList = (logicalIds: string[]) => join(',', logicalIds.map(ref));

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: FUNCTION_PLUGINS,
  custom: {
    esbuild: esbuildSettings,
    platform: { logsKmsKeyArn: getAtt(OBSERVABILITY_KEY, 'Arn') },
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
            `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:security-group/\${${VPC}.DefaultSecurityGroup}`,
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
        { DefaultSecurityGroupId: getAtt(VPC, 'DefaultSecurityGroup') },
      ),
    },
    Outputs: {
      vpcId: output('The VPC', ref(VPC)),
      vpcCidrBlock: output('The VPC address range', getAtt(VPC, 'CidrBlock')),
      publicSubnetIds: output(
        'Public subnets, one per AZ (NAT gateways)',
        idList(azs.map((az) => subnetId('public', az))),
      ),
      privateSubnetIds: output(
        'Private subnets, one per AZ (Fargate tasks, Lambda functions, endpoints)',
        idList(azs.map((az) => subnetId('private', az))),
      ),
      isolatedSubnetIds: output(
        'Isolated subnets, one per AZ, no route out (the database)',
        idList(azs.map((az) => subnetId('isolated', az))),
      ),
      privateRouteTableIds: output(
        'Route tables of the private subnets (S3 gateway endpoint)',
        idList(azs.map(privateRouteTableId)),
      ),
      loadBalancerSecurityGroupId: output(
        "Security group of the engine's internal load balancer (CloudFront VPC origin traffic only)",
        getAtt(LOAD_BALANCER_SECURITY_GROUP, 'GroupId'),
      ),
      engineSecurityGroupId: output(
        'Security group of engine tasks',
        getAtt(ENGINE_SECURITY_GROUP, 'GroupId'),
      ),
      lambdaSecurityGroupId: output(
        'Security group of Lambda functions in the VPC',
        getAtt(LAMBDA_SECURITY_GROUP, 'GroupId'),
      ),
      databaseSecurityGroupId: output(
        'Security group of the database',
        getAtt(DATABASE_SECURITY_GROUP, 'GroupId'),
      ),
      endpointsSecurityGroupId: output(
        'Security group of interface VPC endpoints',
        getAtt(ENDPOINTS_SECURITY_GROUP, 'GroupId'),
      ),
      observabilityKeyArn: output(
        'KMS key for log groups and the alarm topic',
        getAtt(OBSERVABILITY_KEY, 'Arn'),
      ),
      alarmTopicArn: output('SNS topic every alarm of the stage notifies', ref(ALARM_TOPIC)),
    },
  },
};

export default config;
