/**
 * The key that encrypts the database's automated backups replicated into this service's region.
 * RDS needs a key of the destination region (a KMS key never leaves its region), and uses it
 * through grants it creates for the principal that deploys the datastore, which the account-root
 * statement lets IAM policies allow; so no service statement is needed, as for the database's own key.
 */
import { kmsKey, type Resources, ref, resource, resourceName, stagePrefix } from '@game-platform/resources';
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
