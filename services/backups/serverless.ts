/**
 * backups: what the datastore's backups need in a second region, deployed to that region
 * (`datastore.backupReplication.region`): the KMS key the replicated automated backups are encrypted
 * with there. Compose passes its ARN to the datastore, which turns on the replication; so this
 * service deploys before the datastore. A stage that does not replicate deploys it to its own region
 * with nothing in it but the framework's deployment bucket. See the README.
 */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';
import { backupOutputs, backupResources } from './stack/replica-key';

const context = serviceContext('backups');
const { profile } = context;
const base = provider(context);

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: {
    ...base,
    // The second region; compose passes outputs across regions.
    region: (profile.datastore.backupReplication?.region ?? base.region) as typeof base.region,
  },
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: backupResources(profile),
    Outputs: backupOutputs(profile),
  },
};

export default config;
