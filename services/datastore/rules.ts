/**
 * Platform rules for RDS instances: what the datastore's defaults promise and no Control Tower
 * control checks. Each can be excepted in `policy-exceptions.yml` like a control, with a reason.
 *
 * - PLATFORM.RDS.1: a snapshot is taken when the instance is deleted or replaced.
 * - PLATFORM.RDS.2: the instance uses a parameter group of its own template that forces TLS and
 *   logs slow statements (CT.RDS.PR.28 checks parameter groups, not that an instance uses one:
 *   an instance on the default group passes it while accepting plain-text connections).
 * - PLATFORM.RDS.3: every exported log type has a log group in the template, with a retention
 *   and a KMS key (RDS would otherwise create it with neither).
 * - PLATFORM.RDS.4: Performance Insights is on, encrypted with a customer-managed key.
 * - PLATFORM.RDS.5: production replicates its automated backups to a second region with a key there.
 */
import {
  type PlatformRule,
  platformFinding,
  referencedLogicalId,
  resourcesOfType,
  type Template,
} from '@game-platform/resources/template';

type Properties = Record<string, unknown>;

const instancesOf = (templates: Record<string, Template>) =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(resourcesOfType(template, 'AWS::RDS::DBInstance')).map(([id, resource]) => ({
      service,
      template,
      id,
      resource,
      properties: (resource.Properties ?? {}) as Properties,
    })),
  );

const resourceDependsOn = (template: Template, id: string): string[] => {
  const dependsOn = template.Resources[id]?.DependsOn;
  return dependsOn === undefined ? [] : [dependsOn].flat();
};

export const databaseSnapshotOnDelete: PlatformRule = {
  id: 'PLATFORM.RDS.1',
  description:
    'A DB instance is snapshotted when deleted or replaced (DeletionPolicy and UpdateReplacePolicy)',
  check: ({ templates }) =>
    instancesOf(templates)
      .filter(
        ({ resource }) =>
          resource.DeletionPolicy !== 'Snapshot' || resource.UpdateReplacePolicy !== 'Snapshot',
      )
      .map(({ service, id, resource }) =>
        platformFinding(
          'PLATFORM.RDS.1',
          service,
          id,
          `DeletionPolicy is ${resource.DeletionPolicy ?? '(unset: Delete)'} and UpdateReplacePolicy is ${resource.UpdateReplacePolicy ?? '(unset: Delete)'}; expected Snapshot for both, so deleting or replacing the instance keeps its data`,
        ),
      ),
};

const TRUE_VALUES = new Set(['1', 'true', 'on']);

export const databaseParameterGroup: PlatformRule = {
  id: 'PLATFORM.RDS.2',
  description:
    'A DB instance uses a parameter group of its template that forces TLS and logs slow statements',
  check: ({ templates }) =>
    instancesOf(templates).flatMap(({ service, template, id, properties }) => {
      const groupId = referencedLogicalId(properties.DBParameterGroupName);
      const group = groupId ? template.Resources[groupId] : undefined;
      if (group?.Type !== 'AWS::RDS::DBParameterGroup')
        return [
          platformFinding(
            'PLATFORM.RDS.2',
            service,
            id,
            `DBParameterGroupName is ${JSON.stringify(properties.DBParameterGroupName ?? null)}; expected a Ref to an AWS::RDS::DBParameterGroup of the same template (the default group does not force TLS)`,
          ),
        ];
      const parameters = (group.Properties?.Parameters ?? {}) as Properties;
      const problems: string[] = [];
      if (!TRUE_VALUES.has(String(parameters['rds.force_ssl']).toLowerCase()))
        problems.push(
          `rds.force_ssl is ${JSON.stringify(parameters['rds.force_ssl'] ?? null)}; expected "1"`,
        );
      const slow = Number(parameters.log_min_duration_statement);
      if (parameters.log_min_duration_statement === undefined || !Number.isInteger(slow) || slow < 0)
        problems.push(
          `log_min_duration_statement is ${JSON.stringify(parameters.log_min_duration_statement ?? null)}; expected a threshold in milliseconds (0 or more)`,
        );
      return problems.map((problem) =>
        platformFinding('PLATFORM.RDS.2', service, groupId ?? id, `parameter group of ${id}: ${problem}`),
      );
    }),
};

export const databaseLogGroups: PlatformRule = {
  id: 'PLATFORM.RDS.3',
  description: 'Every log type a DB instance exports has a log group in the template with retention and KMS',
  check: ({ templates }) =>
    instancesOf(templates).flatMap(({ service, template, id, properties }) => {
      const identifier = properties.DBInstanceIdentifier;
      const exports = (properties.EnableCloudwatchLogsExports as unknown[] | undefined) ?? [];
      if (exports.length === 0) return [];
      if (typeof identifier !== 'string')
        return [
          platformFinding(
            'PLATFORM.RDS.3',
            service,
            id,
            'exports logs but has no literal DBInstanceIdentifier, so its log groups cannot be created beforehand; RDS would create them with no retention and no KMS key',
          ),
        ];
      const logGroups = Object.entries(resourcesOfType(template, 'AWS::Logs::LogGroup'));
      return exports.flatMap((logType) => {
        const name = `/aws/rds/instance/${identifier}/${String(logType)}`;
        const match = logGroups.find(([, group]) => group.Properties?.LogGroupName === name);
        if (!match)
          return [
            platformFinding(
              'PLATFORM.RDS.3',
              service,
              id,
              `exports "${String(logType)}" logs but the template has no log group named ${name}; RDS would create it with no retention and no KMS key`,
            ),
          ];
        const [groupId, group] = match;
        const missing = ['RetentionInDays', 'KmsKeyId'].filter(
          (key) => group.Properties?.[key] === undefined,
        );
        if (!resourceDependsOn(template, id).includes(groupId)) missing.push(`a DependsOn from ${id}`);
        return missing.length
          ? [
              platformFinding(
                'PLATFORM.RDS.3',
                service,
                groupId,
                `log group ${name} lacks ${missing.join(', ')}; expected a retention, a KMS key, and the instance to depend on it so RDS does not create it first`,
              ),
            ]
          : [];
      });
    }),
};

export const databasePerformanceInsights: PlatformRule = {
  id: 'PLATFORM.RDS.4',
  description: 'A DB instance has Performance Insights on, encrypted with a customer-managed key',
  check: ({ templates }) =>
    instancesOf(templates).flatMap(({ service, template, id, properties }) => {
      if (properties.EnablePerformanceInsights !== true)
        return [
          platformFinding(
            'PLATFORM.RDS.4',
            service,
            id,
            `EnablePerformanceInsights is ${JSON.stringify(properties.EnablePerformanceInsights ?? null)}; expected true (set datastore.performanceInsights in the stage profile)`,
          ),
        ];
      const keyId = referencedLogicalId(properties.PerformanceInsightsKMSKeyId);
      return keyId && template.Resources[keyId]?.Type === 'AWS::KMS::Key'
        ? []
        : [
            platformFinding(
              'PLATFORM.RDS.4',
              service,
              id,
              `PerformanceInsightsKMSKeyId is ${JSON.stringify(properties.PerformanceInsightsKMSKeyId ?? null)}; expected a reference to a customer-managed AWS::KMS::Key of the same template`,
            ),
          ];
    }),
};

/**
 * PLATFORM.RDS.5: in production, the automated backups are replicated to another region, encrypted
 * there with a key given to the instance: one account and one region under one key must not hold
 * every copy of the game's data.
 */
export const databaseBackupsInSecondRegion: PlatformRule = {
  id: 'PLATFORM.RDS.5',
  description: 'In production, automated backups are replicated to a second region with a key there',
  check: ({ profile, templates }) =>
    !profile.production
      ? []
      : instancesOf(templates).flatMap(({ service, id, properties }) => {
          const region = properties.AutomaticBackupReplicationRegion;
          const problems = [
            ...(typeof region !== 'string' || region === profile.region
              ? [
                  `AutomaticBackupReplicationRegion is ${JSON.stringify(region ?? null)}; expected a region other than ${profile.region}`,
                ]
              : []),
            ...(properties.AutomaticBackupReplicationKmsKeyId === undefined
              ? [
                  'AutomaticBackupReplicationKmsKeyId is unset; expected the key of the backups service in that region',
                ]
              : []),
          ];
          return problems.length === 0
            ? []
            : [
                platformFinding(
                  'PLATFORM.RDS.5',
                  service,
                  id,
                  `${problems.join('; ')} (production profile "${profile.profileName}": set datastore.backupReplication)`,
                ),
              ];
        }),
};

/** The datastore service's platform rules, as the checks find them through the compose file (tools/src/checks/platform-rules.ts). */
export const rules: PlatformRule[] = [
  databaseSnapshotOnDelete,
  databaseParameterGroup,
  databaseLogGroups,
  databasePerformanceInsights,
  databaseBackupsInSecondRegion,
];
