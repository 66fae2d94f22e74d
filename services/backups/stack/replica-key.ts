/**
 * The key that encrypts the database's automated backups replicated into this service's region.
 * RDS needs a key of the destination region (a KMS key never leaves its region), and uses it
 * through grants it creates for the principal that deploys the datastore, which the account-root
 * statement lets IAM policies allow; so no service statement is needed, as for the database's own key.
 */
import {
  getAtt,
  kmsKey,
  type Outputs,
  type Resources,
  ref,
  resource,
  resourceName,
  stagePrefix,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';

export const REPLICA_KEY = 'BackupReplicaKey';

/** The replica key and its alias, when the profile replicates; nothing otherwise. */
export const backupResources = ({ stage, datastore }: StageProfile): Resources =>
  datastore.backupReplication
    ? {
        [REPLICA_KEY]: kmsKey({
          description: `${stagePrefix(stage)}: encrypts the database's automated backups replicated to ${datastore.backupReplication.region}`,
          serviceStatements: [],
        }),
        BackupReplicaKeyAlias: resource('AWS::KMS::Alias', {
          AliasName: `alias/${resourceName(stage, 'database-backups')}`,
          TargetKeyId: ref(REPLICA_KEY),
        }),
      }
    : {};

/**
 * `backupReplicaKeyArn`, the datastore's compose param. A stage that does not replicate still
 * declares it (compose params are the same for every stage), as `none`, which the datastore ignores.
 */
export const backupOutputs = (profile: StageProfile): Outputs => ({
  backupReplicaKeyArn: {
    Description: profile.datastore.backupReplication
      ? `KMS key in ${profile.datastore.backupReplication.region} for the database's replicated automated backups`
      : 'none: this stage does not replicate its database backups (datastore.backupReplication is null)',
    Value: profile.datastore.backupReplication ? getAtt(REPLICA_KEY, 'Arn') : 'none',
  },
});
