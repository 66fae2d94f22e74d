/**
 * VPC endpoints: the way a workload in a subnet with no route to the internet reaches AWS APIs.
 * Interface endpoints (PrivateLink) are network interfaces in the private subnets; the S3 gateway
 * endpoint is a route in the private route tables. Both carry an endpoint policy that lets only
 * this account's principals through, so stolen or foreign credentials cannot use our network path.
 */
import { AWS, type Intrinsic, sub, type Tag, type Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import { type PolicyStatement, policyDocument } from './iam';

/** `com.amazonaws.<region>.<name>` in the stack's own region. */
export const endpointServiceName = (name: string): Intrinsic => sub(`com.amazonaws.\${AWS::Region}.${name}`);

/**
 * An endpoint policy never grants anything: a request through the endpoint needs its caller's IAM
 * policy to allow it as well. So `*` actions on `*` resources here mean "whatever IAM allows", and
 * the condition is the restriction: only principals of this account (the identity perimeter).
 */
export const accountPrincipalsStatement = (): PolicyStatement => ({
  Sid: 'OnlyThisAccountsPrincipals',
  Effect: 'Allow',
  Principal: '*',
  Action: ['*'],
  Resource: '*',
  Condition: { StringEquals: { 'aws:PrincipalAccount': AWS.accountId } },
});

/**
 * The S3 endpoint policy: this account's principals on this account's buckets (identity and
 * resource perimeter: no copying data to a bucket elsewhere through our network path), plus the
 * AWS-owned buckets that AWS services make our workloads call with AWS's own credentials:
 *
 * - ECR image layers: `GetDownloadUrlForLayer` returns a pre-signed URL on
 *   `prod-<region>-starport-layer-bucket`, so image pulls need `s3:GetObject` there (ECR user guide,
 *   "Minimum Amazon S3 bucket permissions for Amazon ECR").
 * - CloudFormation custom-resource responses: a custom resource backed by a Lambda function in the
 *   VPC (a migration runner, for one) answers with a pre-signed PUT to
 *   `cloudformation-custom-resource-response-<region without dashes>`; blocking it would hang the
 *   deploy for an hour.
 */
export const s3EndpointPolicy = () =>
  policyDocument(
    {
      Sid: 'OnlyThisAccountsPrincipalsOnThisAccountsBuckets',
      Effect: 'Allow',
      Principal: '*',
      Action: ['*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalAccount': AWS.accountId, 'aws:ResourceAccount': AWS.accountId },
      },
    },
    {
      Sid: 'EcrImageLayers',
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject'],
      Resource: sub('arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*'),
    },
    {
      Sid: 'CloudFormationCustomResourceResponses',
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:PutObject'],
      Resource: sub(
        'arn:${AWS::Partition}:s3:::cloudformation-custom-resource-response-${RegionWithoutDashes}/*',
        {
          RegionWithoutDashes: { 'Fn::Join': ['', { 'Fn::Split': ['-', AWS.region] }] },
        },
      ),
    },
  );

/** What `interfaceEndpoint` uses where its options say nothing (the policy default is `accountPrincipalsStatement`). */
export const INTERFACE_ENDPOINT_DEFAULTS = {
  /** The SDKs' default endpoint names resolve to the endpoint, so no client needs configuring. */
  privateDnsEnabled: true,
  privateDnsOnlyForInboundResolver: false,
} as const;

export interface InterfaceEndpointOptions {
  /** The endpoint name: `sqs`, `ecr.dkr`... (`com.amazonaws.<region>.<name>`). */
  service: string;
  vpcId: Value<string>;
  /** Subnets that get a network interface of the endpoint, one per AZ (each AZ is billed per hour). */
  subnetIds: Value<Array<Value<string>>>;
  /** The security group admitting HTTPS from the workloads (the network stack's endpoints group). */
  securityGroupIds: Value<Array<Value<string>>>;
  /**
   * Endpoint policy. Default: this account's principals only (`accountPrincipalsStatement`). Pass a
   * document to narrow it further, or `false` for a service that accepts no endpoint policy (AWS then
   * allows full access through the endpoint; say so where you pass it).
   */
  policy?: ReturnType<typeof policyDocument> | false;
  /**
   * For a service that also has a gateway endpoint (S3): private DNS answers only queries from
   * Route 53 Resolver inbound endpoints (on-premises, peered networks), so traffic from inside the
   * VPC keeps taking the free gateway. Needs the gateway endpoint to exist first. Default: false.
   */
  privateDnsOnlyForInboundResolver?: boolean;
  tags?: Tag[];
  dependsOn?: string[];
}

/**
 * An interface VPC endpoint with private DNS on, so the AWS SDKs' default endpoint names resolve to
 * it and no client needs configuring. Default policy: this account's principals only.
 */
export const interfaceEndpoint = (options: InterfaceEndpointOptions): CfnResource<'AWS::EC2::VPCEndpoint'> =>
  resource(
    'AWS::EC2::VPCEndpoint',
    {
      VpcEndpointType: 'Interface',
      ServiceName: endpointServiceName(options.service),
      VpcId: options.vpcId,
      SubnetIds: options.subnetIds,
      SecurityGroupIds: options.securityGroupIds,
      PrivateDnsEnabled: INTERFACE_ENDPOINT_DEFAULTS.privateDnsEnabled,
      ...((options.privateDnsOnlyForInboundResolver ??
      INTERFACE_ENDPOINT_DEFAULTS.privateDnsOnlyForInboundResolver)
        ? { DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: 'OnlyInboundResolver' } }
        : {}),
      ...(options.policy === false
        ? {}
        : { PolicyDocument: options.policy ?? policyDocument(accountPrincipalsStatement()) }),
      ...(options.tags ? { Tags: options.tags } : {}),
    },
    options.dependsOn ? { DependsOn: options.dependsOn } : {},
  );

export interface GatewayEndpointOptions {
  /** `s3` or `dynamodb`, the two services with gateway endpoints. */
  service: 's3' | 'dynamodb';
  vpcId: Value<string>;
  /** Route tables that get a route to the service's prefix list (the private subnets'). */
  routeTableIds: Value<Array<Value<string>>>;
  /** Endpoint policy; required, because the default lets any principal reach any bucket or table. */
  policy: ReturnType<typeof policyDocument>;
  tags?: Tag[];
}

/**
 * A gateway VPC endpoint (S3, DynamoDB): routes in the given route tables, no hourly or per-GB
 * charge, so it is on in every stage. No default policy: AWS's default admits any principal to any
 * bucket or table, so callers pass one (`s3EndpointPolicy()` for S3).
 */
export const gatewayEndpoint = (options: GatewayEndpointOptions): CfnResource<'AWS::EC2::VPCEndpoint'> =>
  resource('AWS::EC2::VPCEndpoint', {
    VpcEndpointType: 'Gateway',
    ServiceName: endpointServiceName(options.service),
    VpcId: options.vpcId,
    RouteTableIds: options.routeTableIds,
    PolicyDocument: options.policy,
    ...(options.tags ? { Tags: options.tags } : {}),
  });
