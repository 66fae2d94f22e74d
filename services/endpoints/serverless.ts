/**
 * endpoints: the VPC endpoints through which workloads in the private subnets reach AWS APIs, so a
 * stage can run with no NAT gateway and no path to the internet. Deployed after the network and
 * before every workload: datastore, integrations and engine list `endpoints` in their compose
 * `dependsOn`. Which endpoints a stage has, and what they cost, is in the README.
 */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';
import { endpointOutputs, endpointResources } from './stack/endpoints';

const context = serviceContext('endpoints');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: endpointResources(context.profile),
    Outputs: endpointOutputs(context.profile),
  },
};

export default config;
