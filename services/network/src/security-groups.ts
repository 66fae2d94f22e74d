/**
 * Every security group of the platform lives here, so no stack references another stack's
 * groups and each flow between tiers is declared once, in one place:
 *
 *   engine   --5432--> database      consumer --5432--> database
 *   engine   --443---> endpoints     consumer --443---> endpoints
 *   engine, consumer --443--> anywhere the private route tables lead (S3 gateway endpoint; NAT if enabled)
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
} from '@game-platform/resources';

const POSTGRES_PORT = 5432;
const HTTPS_PORT = 443;

const groupId = (logicalId: string) => getAtt(logicalId, 'GroupId');

export const securityGroupResources = (stage: string): Resources => ({
  EngineSecurityGroup: securityGroup({
    description: `game-${stage}: engine Fargate tasks`,
    vpcId: ref('Vpc'),
  }),
  ConsumerSecurityGroup: securityGroup({
    description: `game-${stage}: Lambda functions in the VPC (event consumer, migration runner)`,
    vpcId: ref('Vpc'),
  }),
  DatabaseSecurityGroup: securityGroup({ description: `game-${stage}: PostgreSQL`, vpcId: ref('Vpc') }),
  EndpointsSecurityGroup: securityGroup({
    description: `game-${stage}: interface VPC endpoints`,
    vpcId: ref('Vpc'),
  }),

  DatabaseFromEngineIngress: ingressRule(groupId('DatabaseSecurityGroup'), {
    description: 'PostgreSQL from engine tasks',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId('EngineSecurityGroup'),
  }),
  DatabaseFromConsumerIngress: ingressRule(groupId('DatabaseSecurityGroup'), {
    description: 'PostgreSQL from Lambda functions in the VPC',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId('ConsumerSecurityGroup'),
  }),
  EndpointsFromEngineIngress: ingressRule(groupId('EndpointsSecurityGroup'), {
    description: 'HTTPS to AWS APIs from engine tasks',
    port: HTTPS_PORT,
    peerSecurityGroupId: groupId('EngineSecurityGroup'),
  }),
  EndpointsFromConsumerIngress: ingressRule(groupId('EndpointsSecurityGroup'), {
    description: 'HTTPS to AWS APIs from Lambda functions in the VPC',
    port: HTTPS_PORT,
    peerSecurityGroupId: groupId('ConsumerSecurityGroup'),
  }),

  EngineToDatabaseEgress: egressRule(groupId('EngineSecurityGroup'), {
    description: 'PostgreSQL to the database',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId('DatabaseSecurityGroup'),
  }),
  EngineHttpsEgress: egressRule(groupId('EngineSecurityGroup'), {
    description: 'HTTPS to AWS APIs (interface and S3 gateway endpoints) and, where NAT is on, the internet',
    port: HTTPS_PORT,
    peerCidr: '0.0.0.0/0',
  }),
  ConsumerToDatabaseEgress: egressRule(groupId('ConsumerSecurityGroup'), {
    description: 'PostgreSQL to the database',
    port: POSTGRES_PORT,
    peerSecurityGroupId: groupId('DatabaseSecurityGroup'),
  }),
  ConsumerHttpsEgress: egressRule(groupId('ConsumerSecurityGroup'), {
    description: 'HTTPS to AWS APIs (interface and S3 gateway endpoints) and, where NAT is on, the internet',
    port: HTTPS_PORT,
    peerCidr: '0.0.0.0/0',
  }),
});
