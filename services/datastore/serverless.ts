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
      // STUB (added by the integrations branch so its compose params resolve at synth; the datastore
      // issue replaces these literals with the DatabaseInstance's attributes).
      databaseEndpointAddress: { Description: 'STUB: database host name', Value: 'stub.invalid' },
      databasePort: { Description: 'STUB: database port', Value: '5432' },
      databaseName: { Description: 'STUB: database name', Value: 'game' },
      databaseResourceId: { Description: 'STUB: DbiResourceId for rds-db:connect', Value: 'db-STUB' },
    },
  },
};

export default config;
