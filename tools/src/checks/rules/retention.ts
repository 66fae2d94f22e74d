/**
 * What happens to data when a stack deletes or replaces a stateful resource (queues, log groups,
 * buckets, keys, the database, the image repository...; `STATEFUL_RESOURCE_TYPES` in resources/).
 *
 * - PLATFORM.DATA.1: every stateful resource states DeletionPolicy and UpdateReplacePolicy; unstated,
 *   CloudFormation deletes it, and nobody decided that.
 * - PLATFORM.DATA.2: in a production profile both keep the data (`Retain`, or `Snapshot` where the
 *   type takes one): a `serverless remove` or a replacing update must not take prod's messages,
 *   logs, objects or keys with it.
 */
import { STATEFUL_RESOURCE_TYPES } from '@game-platform/resources';
import { type Finding, type PlatformRule, platformFinding } from '@game-platform/resources/template';

const KEEPS_DATA = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

const statefulResources = (templates: Parameters<PlatformRule['check']>[0]['templates']) =>
  Object.entries(templates).flatMap(([service, template]) =>
    Object.entries(template.Resources)
      .filter(([, resource]) => STATEFUL_RESOURCE_TYPES.includes(resource.Type))
      .map(([id, resource]) => ({ service, id, resource })),
  );

export const dataPoliciesStated: PlatformRule = {
  id: 'PLATFORM.DATA.1',
  description: 'Every stateful resource states DeletionPolicy and UpdateReplacePolicy',
  check: ({ templates }) =>
    statefulResources(templates).flatMap(({ service, id, resource }): Finding[] => {
      const missing = (['DeletionPolicy', 'UpdateReplacePolicy'] as const).filter(
        (policy) => resource[policy] === undefined,
      );
      return missing.length === 0
        ? []
        : [
            platformFinding(
              'PLATFORM.DATA.1',
              service,
              id,
              `${resource.Type} states no ${missing.join(' and no ')}, so CloudFormation would delete its data with the stack or on replacement without anyone having decided it; state both (the platform plugin sets them from the stage profile's retainData)`,
            ),
          ];
    }),
};

export const productionKeepsData: PlatformRule = {
  id: 'PLATFORM.DATA.2',
  description: 'In production every stateful resource keeps its data on delete and on replace',
  check: ({ profile, templates }) =>
    !profile.production
      ? []
      : statefulResources(templates).flatMap(({ service, id, resource }): Finding[] => {
          const losing = (['DeletionPolicy', 'UpdateReplacePolicy'] as const).filter(
            (policy) => !KEEPS_DATA.has(resource[policy] ?? 'Delete'),
          );
          return losing.length === 0
            ? []
            : [
                platformFinding(
                  'PLATFORM.DATA.2',
                  service,
                  id,
                  `${losing.map((policy) => `${policy} is ${resource[policy] ?? '(unset: Delete)'}`).join(' and ')} in production profile "${profile.profileName}"; expected Retain (or Snapshot), so deleting or replacing the ${resource.Type} keeps its data (set retainData: true in the profile)`,
                ),
              ];
        }),
};

export const RETENTION_RULES: PlatformRule[] = [dataPoliciesStated, productionKeepsData];
