/**
 * The datastore's platform rules (PLATFORM.RDS.1-4) on hand-made templates: a compliant instance
 * passes all four, and each way of breaking one is reported against the right resource.
 */

import type { Template, TemplateResource } from '@game-platform/resources/template';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules';

interface Fixture {
  Key: TemplateResource;
  Parameters: TemplateResource & { Properties: { Parameters: Record<string, string> } };
  PostgresqlLogs: TemplateResource & { Properties: Record<string, unknown> };
  Db: TemplateResource & { Properties: Record<string, unknown> & { EnableCloudwatchLogsExports: string[] } };
}

/** A template with an instance that meets every rule; `change` breaks one thing. */
const templateWith = (change: (resources: Fixture) => void = () => {}): Template => {
  const resources: Fixture = {
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Parameters: {
      Type: 'AWS::RDS::DBParameterGroup',
      Properties: {
        Family: 'postgres17',
        Parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '500' },
      },
    },
    PostgresqlLogs: {
      Type: 'AWS::Logs::LogGroup',
      Properties: {
        LogGroupName: '/aws/rds/instance/db-1/postgresql',
        RetentionInDays: 14,
        KmsKeyId: 'arn:key',
      },
    },
    Db: {
      Type: 'AWS::RDS::DBInstance',
      DependsOn: ['PostgresqlLogs'],
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: {
        DBInstanceIdentifier: 'db-1',
        DBParameterGroupName: { Ref: 'Parameters' },
        EnableCloudwatchLogsExports: ['postgresql'],
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] },
      },
    },
  };
  change(resources);
  return { Resources: { ...resources } };
};

const findings = (template: Template) =>
  rules
    .flatMap((rule) =>
      rule.check({ stage: 'dev', profile: loadStageProfile('dev'), templates: { datastore: template } }),
    )
    .map(({ rule, resource, message }) => ({ rule, resource, message }));

describe('datastore platform rules', () => {
  it('pass an instance that meets them all', () => {
    // Act / Assess
    expect(findings(templateWith())).toEqual([]);
  });

  it.each([
    [
      'no snapshot on replace',
      (r: Fixture) => delete r.Db.UpdateReplacePolicy,
      'PLATFORM.RDS.1',
      'Db',
      /UpdateReplacePolicy is \(unset: Delete\); expected Snapshot/,
    ],
    [
      'the default parameter group',
      (r: Fixture) => delete r.Db.Properties.DBParameterGroupName,
      'PLATFORM.RDS.2',
      'Db',
      /the default group does not force TLS/,
    ],
    [
      'TLS not forced',
      (r: Fixture) => {
        r.Parameters.Properties.Parameters['rds.force_ssl'] = '0';
      },
      'PLATFORM.RDS.2',
      'Parameters',
      /rds\.force_ssl is "0"; expected "1"/,
    ],
    [
      'slow statements not logged',
      (r: Fixture) => delete r.Parameters.Properties.Parameters.log_min_duration_statement,
      'PLATFORM.RDS.2',
      'Parameters',
      /log_min_duration_statement is null/,
    ],
    [
      'an exported log without a log group',
      (r: Fixture) => r.Db.Properties.EnableCloudwatchLogsExports.push('upgrade'),
      'PLATFORM.RDS.3',
      'Db',
      /no log group named \/aws\/rds\/instance\/db-1\/upgrade/,
    ],
    [
      'a log group without retention',
      (r: Fixture) => delete r.PostgresqlLogs.Properties.RetentionInDays,
      'PLATFORM.RDS.3',
      'PostgresqlLogs',
      /lacks RetentionInDays/,
    ],
    [
      'a log group the instance does not wait for',
      (r: Fixture) => delete r.Db.DependsOn,
      'PLATFORM.RDS.3',
      'PostgresqlLogs',
      /lacks a DependsOn from Db/,
    ],
    [
      'Performance Insights off',
      (r: Fixture) => {
        r.Db.Properties.EnablePerformanceInsights = false;
      },
      'PLATFORM.RDS.4',
      'Db',
      /EnablePerformanceInsights is false; expected true/,
    ],
    [
      'Performance Insights on the AWS-managed key',
      (r: Fixture) => delete r.Db.Properties.PerformanceInsightsKMSKeyId,
      'PLATFORM.RDS.4',
      'Db',
      /expected a reference to a customer-managed AWS::KMS::Key/,
    ],
  ])('report %s', (_what, change, rule, resource, message) => {
    // Act
    const reported = findings(templateWith(change));

    // Assess
    expect(reported).toEqual([{ rule, resource, message: expect.stringMatching(message) }]);
  });
});
