/**
 * PLATFORM.ENDPOINTS.1, .2 and .3: with `network.natMode: none` a workload in the VPC reaches an AWS
 * API only through a VPC endpoint. These rules read which AWS services each workload of the stage
 * calls from the derivation next to the endpoint catalogue (shared/src/endpoints/derivation.ts), and
 * fail the stage when the endpoints stack has no endpoint for one of them (.1), when what a workload
 * calls cannot be derived (.2), or when the interface endpoints are not what the workloads call plus
 * the profile's listed extras (.3). With NAT on, calls without an
 * endpoint go through the NAT gateway, so .1 and .2 pass; `npm run endpoints:cost` still lists them.
 */
import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import type { Finding, PlatformRule } from '@game-platform/resources/template';
import {
  deployedEndpoints,
  deriveEndpointNeeds,
  ENDPOINT_SERVICES,
  type EndpointServiceName,
  isEndpointServiceName,
  missingEndpoints,
  workloadCalls,
} from '@game-platform/shared/endpoints';

const howToFix = (endpoint: EndpointServiceName, profileName: string) =>
  endpoint === 's3'
    ? 'the endpoints stack must keep its S3 gateway endpoint (services/endpoints)'
    : `list the call in shared/src/endpoints/workload-calls.ts, from which the endpoints stack of stage profile "${profileName}" is derived`;

export const endpointCoverage: PlatformRule = {
  id: 'PLATFORM.ENDPOINTS.1',
  description: 'With natMode "none", every AWS service a workload in the VPC calls has a VPC endpoint',
  check: ({ stage, profile, templates }) => {
    if (profile.network.natMode !== 'none') return [];
    const available = new Set(deployedEndpoints(templates).map((endpoint) => endpoint.name));
    return missingEndpoints(deriveEndpointNeeds(templates, IAM_FACTS).needs, available).map(
      ({ workload, endpoint, reasons }): Finding => ({
        check: 'platform rules',
        rule: 'PLATFORM.ENDPOINTS.1',
        service: workload.service,
        resource: workload.logicalId,
        message: `${workload.kind} calls ${ENDPOINT_SERVICES[endpoint].title} ("${endpoint}"): ${reasons.join('; ')}. Stage ${stage} has network.natMode "none" and no "${endpoint}" endpoint, so these calls cannot leave the VPC. Fix: ${howToFix(endpoint, profile.profileName)}`,
      }),
    );
  },
};

export const endpointDerivation: PlatformRule = {
  id: 'PLATFORM.ENDPOINTS.2',
  description: 'With natMode "none", what each workload in the VPC calls can be read from the templates',
  check: ({ profile, templates }) => {
    if (profile.network.natMode !== 'none') return [];
    return deriveEndpointNeeds(templates, IAM_FACTS).problems.map(
      ({ workload, problem }): Finding => ({
        check: 'platform rules',
        rule: 'PLATFORM.ENDPOINTS.2',
        service: workload.service,
        resource: workload.logicalId,
        message: `${workload.kind}: ${problem}; with network.natMode "none" an AWS call nobody planned an endpoint for times out`,
      }),
    );
  },
};

const WORKLOAD_CALLS_FILE = 'shared/src/endpoints/workload-calls.ts';

export const endpointsMatchCalls: PlatformRule = {
  id: 'PLATFORM.ENDPOINTS.3',
  description:
    'The interface endpoints are what the workloads call (derived from the templates), plus the extras the profile lists with a reason',
  check: ({ profile, templates }) => {
    const { needs } = deriveEndpointNeeds(templates, IAM_FACTS);
    const extras = profile.endpoints.extraInterfaceServices as Record<string, string>;
    const listed = new Set(workloadCalls(profile).map((call) => call.endpoint as string));
    // In-VPC S3 calls take the gateway endpoint; an S3 interface endpoint is only ever an extra.
    const called = new Set(needs.map((need) => need.endpoint as string).filter((name) => name !== 's3'));
    const unused = deployedEndpoints(templates)
      .filter((endpoint) => endpoint.type === 'Interface')
      .filter((endpoint) => !called.has(endpoint.name) && !Object.hasOwn(extras, endpoint.name))
      .map(
        (endpoint): Finding => ({
          check: 'platform rules',
          rule: 'PLATFORM.ENDPOINTS.3',
          service: endpoint.service,
          resource: endpoint.logicalId,
          message: `interface endpoint "${endpoint.name}" is paid for in every AZ it sits in, but no workload of the stage calls ${isEndpointServiceName(endpoint.name) ? ENDPOINT_SERVICES[endpoint.name].title : endpoint.name}; drop the call from ${WORKLOAD_CALLS_FILE}, or list it in endpoints.extraInterfaceServices of stage profile "${profile.profileName}" with the reason it is paid for`,
        }),
      );
    const unlisted = missingEndpoints(
      needs.filter((need) => need.endpoint !== 's3'),
      new Set([...listed, ...Object.keys(extras)]),
    ).map(
      ({ workload, endpoint, reasons }): Finding => ({
        check: 'platform rules',
        rule: 'PLATFORM.ENDPOINTS.3',
        service: workload.service,
        resource: workload.logicalId,
        message: `${workload.kind} calls ${ENDPOINT_SERVICES[endpoint].title} ("${endpoint}"): ${reasons.join('; ')}; but ${WORKLOAD_CALLS_FILE} lists no workload calling it, so the endpoints stack (derived from that list) has no "${endpoint}" endpoint. Add the call there`,
      }),
    );
    return [...unused, ...unlisted];
  },
};

/** The endpoints service's platform rules, as the checks find them (tools/src/checks/platform-rules.ts). */
export const rules: PlatformRule[] = [endpointCoverage, endpointDerivation, endpointsMatchCalls];
