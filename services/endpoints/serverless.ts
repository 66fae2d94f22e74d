/** endpoints (stub until its own issue): PrivateLink endpoints so workloads reach AWS without the internet. */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  resource,
  serviceContext,
  splitList,
  sub,
} from '@game-platform/resources';

const context = serviceContext('endpoints');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: {
      S3GatewayEndpoint: resource('AWS::EC2::VPCEndpoint', {
        VpcId: '${param:vpcId}',
        ServiceName: sub('com.amazonaws.${AWS::Region}.s3'),
        VpcEndpointType: 'Gateway',
        RouteTableIds: splitList('${param:privateRouteTableIds}'),
      }),
    },
    Outputs: {
      s3GatewayEndpointId: {
        Description: 'S3 gateway endpoint on the private route tables',
        Value: { Ref: 'S3GatewayEndpoint' },
      },
      // STUB (added by the integrations branch so its compose param resolves at synth; the endpoints
      // issue replaces it with the interface endpoints' ids).
      interfaceEndpointIds: { Description: 'STUB: interface endpoint ids', Value: 'vpce-stub' },
    },
  },
};

export default config;
