/**
 * PLATFORM.RDS.5 (the datastore's rules): production replicates its automated backups to a second
 * region, under the backups service's key there; on a small template, then on prod as synthesized.
 */
import type { PlatformRule, Template } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { databaseBackupsInSecondRegion } from '../rules';

const run = (rule: PlatformRule, template: Template, profileName: string) =>
  rule
    .check({ stage: profileName, profile: loadStageProfile(profileName), templates: { svc: template } })
    .map((f) => `${f.rule} ${f.resource}: ${f.message}`);

describe('PLATFORM.RDS.5: production replicates its automated backups to a second region', () => {
  const instance = (properties: Record<string, unknown>): Template => ({
    Resources: { DatabaseInstance: { Type: 'AWS::RDS::DBInstance', Properties: properties } },
  });

  it('fails a production instance whose backups stay in its region, and passes dev', () => {
    // Act
    const prod = run(databaseBackupsInSecondRegion, instance({}), 'prod');
    const dev = run(databaseBackupsInSecondRegion, instance({}), 'dev');

    // Assess
    expect(prod).toEqual([
      'PLATFORM.RDS.5 DatabaseInstance: AutomaticBackupReplicationRegion is null; expected a region other than eu-west-1; AutomaticBackupReplicationKmsKeyId is unset; expected the key of the backups service in that region (production profile "prod": set datastore.backupReplication)',
    ]);
    expect(dev).toEqual([]);
  });

  it("passes prod as synthesized: replicated to eu-central-1 under the backups service's key there", () => {
    // Prepare
    const template = synthesizedTemplate('prod', 'datastore');
    const backups = synthesizedTemplate('prod', 'backups');

    // Act
    const findings = run(databaseBackupsInSecondRegion, template, 'prod');

    // Assess
    expect(findings).toEqual([]);
    expect(template.Resources.DatabaseInstance?.Properties).toMatchObject({
      AutomaticBackupReplicationRegion: 'eu-central-1',
      AutomaticBackupReplicationKmsKeyId: expect.stringMatching(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//),
      AutomaticBackupReplicationRetentionPeriod: 14,
    });
    expect(backups.Outputs?.backupReplicaKeyArn?.Value).toEqual({
      'Fn::GetAtt': ['BackupReplicaKey', 'Arn'],
    });
    expect(backups.Resources.BackupReplicaKey).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });
});
