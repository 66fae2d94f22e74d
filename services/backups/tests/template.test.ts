/**
 * The backups stack as synthesized for each checked stage: the replica key where the profile
 * replicates the database's automated backups, nothing of its own elsewhere, and the output the
 * datastore takes either way.
 */

import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

describe.each(CHECKED_PROFILES)('backups template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'backups');
  const replication = loadStageProfile(stage).datastore.backupReplication;
  const own = Object.entries(template.Resources)
    .filter(([id]) => !id.startsWith('ServerlessDeploymentBucket'))
    .map(([id, resource]) => [id, resource.Type]);

  it('holds the replica key and its alias where the stage replicates, nothing else', () => {
    expect(own).toEqual(
      replication
        ? [
            ['BackupReplicaKey', 'AWS::KMS::Key'],
            ['BackupReplicaKeyAlias', 'AWS::KMS::Alias'],
          ]
        : [],
    );
  });

  it('outputs backupReplicaKeyArn for the datastore: the key, or "none"', () => {
    expect(template.Outputs?.backupReplicaKeyArn?.Value).toEqual(
      replication ? { 'Fn::GetAtt': ['BackupReplicaKey', 'Arn'] } : 'none',
    );
  });

  it.runIf(replication !== null)('keeps the key, rotated yearly, when the stack goes', () => {
    expect(template.Resources.BackupReplicaKey).toMatchObject({
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});
