/**
 * The stage's VPC endpoints: one interface endpoint per service the workloads call (derived from the
 * profile, `interfaceEndpointsOf`) and per extra the profile lists with its reason, in the first `endpoints.interfaceAzCount` private subnets, and the
 * S3 gateway endpoint on every private route table (free; ECR image layers come from S3).
 */
import {
  gatewayEndpoint,
  interfaceEndpoint,
  type Resources,
  resourceName,
  s3EndpointPolicy,
  select,
  splitList,
} from '@game-platform/resources';
import {
  ENDPOINT_SERVICES,
  type EndpointServiceName,
  interfaceEndpointsOf,
} from '@game-platform/shared/endpoints';
import type { StageProfile } from '@game-platform/shared/profiles';

export const S3_GATEWAY_ENDPOINT = 'S3GatewayEndpoint';

/** `ecr.dkr` -> `EcrDkrInterfaceEndpoint`. */
export const interfaceEndpointId = (name: EndpointServiceName): string =>
  `${ENDPOINT_SERVICES[name].logicalName}InterfaceEndpoint`;

const nameTag = (stage: string, name: string) => [{ Key: 'Name', Value: resourceName(stage, name) }];

/**
 * The private subnets that hold the endpoints' network interfaces: all of them, or the first
 * `interfaceAzCount` when the profile trades AZ resilience for cost.
 */
export const endpointSubnetIds = (profile: StageProfile) => {
  const { interfaceAzCount } = profile.endpoints;
  if (interfaceAzCount >= profile.network.azCount) return splitList('${param:privateSubnetIds}');
  return Array.from({ length: interfaceAzCount }, (_, az) =>
    select(az, splitList('${param:privateSubnetIds}')),
  );
};

/**
 * S3 gets its own policy (identity and resource perimeter, plus the AWS-owned buckets image pulls and
 * custom resources need); other services the default, this account's principals only. A service
 * without endpoint-policy support gets none: AWS rejects one there and allows full access instead.
 */
const interfaceEndpointPolicy = (name: EndpointServiceName) => {
  if (name === 's3') return s3EndpointPolicy();
  return ENDPOINT_SERVICES[name].endpointPolicy ? undefined : false;
};

export const endpointResources = (profile: StageProfile): Resources => {
  const resources: Resources = {
    [S3_GATEWAY_ENDPOINT]: gatewayEndpoint({
      service: 's3',
      vpcId: '${param:vpcId}',
      routeTableIds: splitList('${param:privateRouteTableIds}'),
      policy: s3EndpointPolicy(),
      tags: nameTag(profile.stage, 's3-gateway'),
    }),
  };
  for (const name of interfaceEndpointsOf(profile)) {
    const isS3 = name === 's3';
    resources[interfaceEndpointId(name)] = interfaceEndpoint({
      service: name,
      vpcId: '${param:vpcId}',
      subnetIds: endpointSubnetIds(profile),
      securityGroupIds: ['${param:endpointsSecurityGroupId}'],
      policy: interfaceEndpointPolicy(name),
      // In-VPC S3 traffic stays on the free gateway; the interface endpoint serves clients outside the VPC.
      privateDnsOnlyForInboundResolver: isS3,
      dependsOn: isS3 ? [S3_GATEWAY_ENDPOINT] : undefined,
      tags: nameTag(profile.stage, name),
    });
  }
  return resources;
};
