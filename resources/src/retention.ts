/**
 * What happens to a stateful resource's data when its stack deletes or replaces it. CloudFormation's
 * default is Delete: a `serverless remove`, or an update that replaces a queue or a log group, would
 * take its messages or logs with it. So every stateful resource states both policies, from the stage
 * profile's `retainData`: `Retain` (the resource outlives the stack and is cleaned up by hand) or
 * `Delete` (gone with the stack, for stages whose data nobody needs). The database keeps its own
 * `Snapshot`, whatever the stage. PLATFORM.DATA.1 checks that every stateful resource states both,
 * PLATFORM.DATA.2 that production keeps its data.
 */
import type { StageProfile } from '@game-platform/shared/profiles';

/** Resource types that hold data (messages, logs, objects, rows, keys, images, secrets, backups). */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  'AWS::SQS::Queue',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::ECR::Repository',
  'AWS::SecretsManager::Secret',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::EFS::FileSystem',
  'AWS::Backup::BackupVault',
];

export type DataPolicy = 'Retain' | 'Delete';

/** `{ DeletionPolicy, UpdateReplacePolicy }` for a stage's stateful resources. */
export const dataPolicies = (
  profile: Pick<StageProfile, 'retainData'>,
): { DeletionPolicy: DataPolicy; UpdateReplacePolicy: DataPolicy } => {
  const policy: DataPolicy = profile.retainData ? 'Retain' : 'Delete';
  return { DeletionPolicy: policy, UpdateReplacePolicy: policy };
};

interface TemplateResource {
  Type: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/**
 * Gives every stateful resource of a template the stage's policies where it states none (what the
 * framework generates, and our builders, which leave the choice to the stage); a policy a builder
 * states on purpose (the database's Snapshot) is kept.
 */
export const stateDataPolicies = (
  resources: Record<string, TemplateResource>,
  profile: Pick<StageProfile, 'retainData'>,
): void => {
  const policies = dataPolicies(profile);
  for (const resource of Object.values(resources)) {
    if (!STATEFUL_RESOURCE_TYPES.includes(resource.Type)) continue;
    resource.DeletionPolicy ??= policies.DeletionPolicy;
    resource.UpdateReplacePolicy ??= policies.UpdateReplacePolicy;
  }
};
