/** datastore (stub until its own issue): RDS PostgreSQL in the isolated subnets. */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  ref,
  resource,
  serviceContext,
  splitList,
} from '@game-platform/resources';

const context = serviceContext('datastore');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: {
      DatabaseSubnetGroup: resource('AWS::RDS::DBSubnetGroup', {
        DBSubnetGroupDescription: `game-${context.stage}: isolated subnets for PostgreSQL`,
        SubnetIds: splitList('${param:isolatedSubnetIds}'),
      }),
    },
    Outputs: {
      databaseSubnetGroupName: {
        Description: 'DB subnet group in the isolated subnets',
        Value: ref('DatabaseSubnetGroup'),
      },
    },
  },
};

export default config;
