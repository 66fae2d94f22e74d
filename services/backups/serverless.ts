/**
 * backups: what the datastore's backups need in a second region, deployed to that region
 * (`datastore.backupReplication.region`): the KMS key the replicated automated backups are encrypted
 * with there. Compose passes its ARN to the datastore, which turns on the replication; so this
 * service deploys before the datastore. A stage that does not replicate deploys it to its own region
 * with nothing in it but the framework's deployment bucket. See the README.
 */
import {
  getAtt,
  output,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';
import { backupResources, REPLICA_KEY } from './stack/replica-key';

const context = serviceContext('backups');
const { profile } = context;
const replication = profile.datastore.backupReplication;
const base = provider(context);

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: {
    ...base,
    // The second region; compose passes outputs across regions.
    region: (replication?.region ?? base.region) as typeof base.region,
  },
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: backupResources(profile),
    // The datastore's compose param. A stage that does not replicate declares it too (compose params
    // are the same for every stage), as `none`, which the datastore ignores.
    Outputs: {
      backupReplicaKeyArn: replication
        ? output(
            `KMS key in ${replication.region} for the database's replicated automated backups`,
            getAtt(REPLICA_KEY, 'Arn'),
          )
        : output(
            'none: this stage does not replicate its database backups (datastore.backupReplication is null)',
            'none',
          ),
    },
  },
};

export default config;
