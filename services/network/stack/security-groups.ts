/**
 * Every security group of the platform lives here, so no stack references another stack's
 * groups and each flow between tiers is declared once, in one place:
 *
 *   engine   --5432--> database      Lambda in the VPC --5432--> database
 *   engine   --443---> endpoints     Lambda in the VPC --443---> endpoints
 *   engine, Lambda in the VPC --443--> anywhere the private route tables lead (S3 gateway endpoint; NAT if enabled)
 *   CloudFront VPC origin --80--> load balancer --container port--> engine (the engine admits nothing else)
 *
 * Groups start with no rules at all (see `securityGroup`); nothing is open to the world.
 */

import {
  egressRule,
  getAtt,
  ingressRule,
  type Resources,
  ref,
  securityGroup,
  stagePrefix,
} from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT, LOAD_BALANCER_LISTENER_PORT } from '@game-platform/shared/edge';
import { VPC } from './vpc';

const POSTGRES_PORT = 5432;
const HTTPS_PORT = 443;

const groupId = (logicalId: string) => getAtt(logicalId, 'GroupId');

export const ENGINE_SECURITY_GROUP = 'EngineSecurityGroup';
/**
 * The group of every Lambda function in the VPC (the consumer, the migration runner, the pruner),
 * output as `lambdaSecurityGroupId`. Its logical id keeps the name it was first deployed under: a
 * new logical id (or a new `GroupDescription` or `GroupName`) makes CloudFormation create a new group
 * and delete the old one when the network stack's update completes, which compose runs before the
 * stacks whose functions use it. The functions' network interfaces would still hold the old group, so
 * its deletion fails (the group is left behind), and the old group's rules go with their stack
 * update, so the functions lose the database and the endpoints until their own stacks deploy. The
 * rules between it and the database and endpoints keep their logical ids (`...FromConsumerIngress`,
 * `Consumer...Egress`) for the same reason: a rule under a new id is created before the old one is
 * deleted, and EC2 refuses a second identical rule (`InvalidPermission.Duplicate`).
 */
export const LAMBDA_SECURITY_GROUP = 'ConsumerSecurityGroup';
export const DATABASE_SECURITY_GROUP = 'DatabaseSecurityGroup';
export const LOAD_BALANCER_SECURITY_GROUP = 'LoadBalancerSecurityGroup';
export const ENDPOINTS_SECURITY_GROUP = 'EndpointsSecurityGroup';

/** The custom resource whose `PrefixListId` is CloudFront's origin-facing managed prefix list in this region. */
export const CLOUDFRONT_PREFIX_LIST = 'CloudFrontOriginFacingPrefixList';

export interface SecurityGroupOptions {
  stage: string;
}

export const securityGroupResources = ({ stage }: SecurityGroupOptions): Resources => ({
  [ENGINE_SECURITY_GROUP]: securityGroup({
    description: `${stagePrefix(stage)}: engine Fargate tasks`,
    vpcId: ref(VPC),
  }),
  [LAMBDA_SECURITY_GROUP]: securityGroup({
    // Changing the description replaces the group (see LAMBDA_SECURITY_GROUP); the pruner uses it too.
    description: `${stagePrefix(stage)}: Lambda functions in the VPC (event consumer, migration runner)`,
    vpcId: ref(VPC),
  }),
  [DATABASE_SECURITY_GROUP]: securityGroup({
    description: `${stagePrefix(stage)}: PostgreSQL`,
    vpcId: ref(VPC),
  }),
  [LOAD_BALANCER_SECURITY_GROUP]: securityGroup({
    description: `${stagePrefix(stage)}: the engine's internal load balancer, reached only by CloudFront's VPC origin`,
    vpcId: ref(VPC),
  }),
  [ENDPOINTS_SECURITY_GROUP]: securityGroup({
    description: `${stagePrefix(stage)}: interface VPC endpoints`,
    vpcId: ref(VPC),
  }),

  DatabaseFromEngineIngress: ingressRule(groupId(DATABASE_SECURITY_GROUP), {
    description: 'PostgreSQL from engine tasks',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId(ENGINE_SECURITY_GROUP),
  }),
  DatabaseFromConsumerIngress: ingressRule(groupId(DATABASE_SECURITY_GROUP), {
    description: 'PostgreSQL from Lambda functions in the VPC',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId(LAMBDA_SECURITY_GROUP),
  }),
  EndpointsFromEngineIngress: ingressRule(groupId(ENDPOINTS_SECURITY_GROUP), {
    description: 'HTTPS to AWS APIs from engine tasks',
    port: HTTPS_PORT,
    peerSecurityGroupId: groupId(ENGINE_SECURITY_GROUP),
  }),
  EndpointsFromConsumerIngress: ingressRule(groupId(ENDPOINTS_SECURITY_GROUP), {
    description: 'HTTPS to AWS APIs from Lambda functions in the VPC',
    port: HTTPS_PORT,
    peerSecurityGroupId: groupId(LAMBDA_SECURITY_GROUP),
  }),

  // The mechanism AWS documents for VPC origins: "Update the security group for your VPC private
  // origin (Application Load Balancer, Network Load Balancer, or EC2 instance) to explicitly allow the
  // CloudFront managed prefix list. This restricts traffic coming to the VPC origin."
  // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html;
  // the list, com.amazonaws.global.cloudfront.origin-facing:
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list).
  // Those are CloudFront's own public addresses: nothing inside the VPC has one, and the load balancer
  // is internal, so only CloudFront's VPC origin can use this rule. The list weighs 55 rules against the
  // group's quota of 60. README of the network service: "Who reaches the engine".
  LoadBalancerFromCloudFrontIngress: ingressRule(groupId(LOAD_BALANCER_SECURITY_GROUP), {
    description: 'HTTP from CloudFront VPC origins (CloudFront origin-facing managed prefix list)',
    port: LOAD_BALANCER_LISTENER_PORT,
    peerPrefixListId: getAtt(CLOUDFRONT_PREFIX_LIST, 'PrefixListId'),
  }),
  LoadBalancerToEngineEgress: egressRule(groupId(LOAD_BALANCER_SECURITY_GROUP), {
    description: 'Requests and health checks to engine tasks',
    port: ENGINE_CONTAINER_PORT,
    peerSecurityGroupId: groupId(ENGINE_SECURITY_GROUP),
  }),
  EngineFromLoadBalancerIngress: ingressRule(groupId(ENGINE_SECURITY_GROUP), {
    description: 'Requests and health checks from the internal load balancer (the only way in)',
    port: ENGINE_CONTAINER_PORT,
    peerSecurityGroupId: groupId(LOAD_BALANCER_SECURITY_GROUP),
  }),

  EngineToDatabaseEgress: egressRule(groupId(ENGINE_SECURITY_GROUP), {
    description: 'PostgreSQL to the database',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId(DATABASE_SECURITY_GROUP),
  }),
  EngineHttpsEgress: egressRule(groupId(ENGINE_SECURITY_GROUP), {
    description: 'HTTPS to AWS APIs (interface and S3 gateway endpoints) and, where NAT is on, the internet',
    port: HTTPS_PORT,
    peerCidr: '0.0.0.0/0',
  }),
  ConsumerToDatabaseEgress: egressRule(groupId(LAMBDA_SECURITY_GROUP), {
    description: 'PostgreSQL to the database',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId(DATABASE_SECURITY_GROUP),
  }),
  ConsumerHttpsEgress: egressRule(groupId(LAMBDA_SECURITY_GROUP), {
    description: 'HTTPS to AWS APIs (interface and S3 gateway endpoints) and, where NAT is on, the internet',
    port: HTTPS_PORT,
    peerCidr: '0.0.0.0/0',
  }),
});
