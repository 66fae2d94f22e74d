/**
 * endpoints: the VPC endpoints through which workloads in the private subnets reach AWS APIs, so a
 * stage can run with no NAT gateway and no path to the internet. Deployed after the network and
 * before every workload: datastore, integrations and engine list `endpoints` in their compose
 * `dependsOn`. Which endpoints a stage has, and what they cost, is in the README.
 */
import {
  join,
  output,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  ref,
  serviceContext,
} from '@game-platform/resources';
import { interfaceEndpointsOf } from '@game-platform/shared/endpoints';
import { endpointResources, interfaceEndpointId, S3_GATEWAY_ENDPOINT } from './stack/endpoints';

const context = serviceContext('endpoints');
const interfaceEndpoints = interfaceEndpointsOf(context.profile);

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: endpointResources(context.profile),
    Outputs: {
      // No service takes it as a param: the workloads deploy after this stack through their compose
      // `dependsOn: endpoints`. It is there for audits (README, "Outputs").
      interfaceEndpointIds: output(
        `Interface endpoints (${interfaceEndpoints.join(', ')}), comma-separated; no service takes it as a param (workloads deploy after the endpoints through compose dependsOn)`,
        join(
          ',',
          interfaceEndpoints.map((name) => ref(interfaceEndpointId(name))),
        ),
      ),
      s3GatewayEndpointId: output(
        'S3 gateway endpoint on the private route tables (ECR image layers, S3 access)',
        ref(S3_GATEWAY_ENDPOINT),
      ),
    },
  },
};

export default config;
