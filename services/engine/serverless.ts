/** engine (stub until its own issue): the game engine on ECS Fargate. */
import {
  getAtt,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  resource,
  serviceContext,
} from '@game-platform/resources';

const context = serviceContext('engine');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: {
      EngineCluster: resource('AWS::ECS::Cluster', {
        ClusterName: `game-${context.stage}-engine`,
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      }),
    },
    Outputs: {
      engineClusterArn: { Description: 'ECS cluster of the engine', Value: getAtt('EngineCluster', 'Arn') },
    },
  },
};

export default config;
