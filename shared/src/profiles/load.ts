import * as v from 'valibot';
import { CONSUMER_CONNECTIONS_PER_INSTANCE } from '../database/settings';
import { cidrsOverlap, parseCidr } from '../ipv4';
import { describeFargateMemoryOptions, isFargateTaskSize } from './fargate';
import { KNOWN_INSTANCE_FAMILIES, maxConnectionsFor } from './rds';
import { STAGE_PLACEHOLDER, type StageProfileValues, stageProfileSchema } from './schema';
import { FALLBACK_PROFILE, stageProfiles } from './stages';

/** A stage's settings, with the stage name and the profile they came from. */
export interface StageProfile extends StageProfileValues {
  /** The stage being deployed, e.g. `dev` or `alice`. */
  readonly stage: string;
  /** The profile that supplied the settings: the stage itself, or the fallback profile. */
  readonly profileName: string;
}

/** Every problem found in the stage profiles, one line each. */
export class StageProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stage profiles (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'StageProfileError';
  }
}

/**
 * Stage names end up in stack, bucket, queue and role names: lowercase letters, digits and
 * hyphens, starting with a letter, short enough for the longest derived name (S3: 63).
 */
export const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;
export const STAGE_NAME_RULE =
  'lowercase letters, digits and hyphens, starting with a letter, at most 16 characters';

const show = (value: unknown): string =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));

const formatIssue = (profileName: string, issue: v.BaseIssue<unknown>): string => {
  const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    const parent = path.split('.').slice(0, -1).join('.') || 'a stage profile';
    return `stage profile "${profileName}": ${path} is not a known setting; expected one of the keys of ${parent}: ${issue.message}`;
  }
  return `stage profile "${profileName}": ${path || '(profile)'} is ${issue.input === undefined ? 'missing' : show(issue.input)}; expected ${issue.message}`;
};

/** The datastore's rules that need the instance class: its memory must be known and hold `maxConnections`. */
const datastoreProblems = (name: string, datastore: StageProfileValues['datastore']): string[] => {
  const limit = maxConnectionsFor(datastore.instanceClass);
  if (limit === undefined) {
    return [
      `stage profile "${name}": datastore.instanceClass is "${datastore.instanceClass}"; expected a class whose memory the platform knows (families ${KNOWN_INSTANCE_FAMILIES.join(', ')}; sizes micro to 16xlarge), or add its family to shared/src/profiles/rds.ts`,
    ];
  }
  if (datastore.maxConnections > limit) {
    return [
      `stage profile "${name}": datastore.maxConnections is ${datastore.maxConnections}; expected at most ${limit}, what ${datastore.instanceClass} can hold (RDS: 75 % of its memory / 9531392 bytes per connection)`,
    ];
  }
  return [];
};

/** The integrations section's own cross-field rules (queue retention, database connection budget). */
const integrationsProblems = (name: string, integrations: StageProfileValues['integrations']): string[] => {
  const problems: string[] = [];
  if (integrations.deadLetterRetentionDays <= integrations.messageRetentionDays) {
    problems.push(
      `stage profile "${name}": integrations.deadLetterRetentionDays is ${integrations.deadLetterRetentionDays}; expected more than integrations.messageRetentionDays (${integrations.messageRetentionDays}), because SQS keeps the original enqueue time when it dead-letters a message`,
    );
  }
  const connections = integrations.maximumConcurrency * CONSUMER_CONNECTIONS_PER_INSTANCE;
  if (connections > integrations.databaseConnectionBudget) {
    problems.push(
      `stage profile "${name}": integrations.maximumConcurrency is ${integrations.maximumConcurrency}; expected at most ${Math.floor(integrations.databaseConnectionBudget / CONSUMER_CONNECTIONS_PER_INSTANCE)}, because each consumer instance holds ${CONSUMER_CONNECTIONS_PER_INSTANCE} connection and integrations.databaseConnectionBudget is ${integrations.databaseConnectionBudget}`,
    );
  }
  return problems;
};

/**
 * Database connections outside the workloads' pools: RDS keeps 5 for its superusers, and the
 * migration runner and operators need a few more.
 */
export const OTHER_DATABASE_CONNECTIONS = 10;
/** Per engine task, outside its pool: the session that LISTENs for leaderboard changes. */
export const ENGINE_LISTENER_CONNECTIONS = 1;

/** The engine section's cross-field rules: Fargate task size, scaling bounds, repository name, database connections. */
const engineProblems = (name: string, profile: StageProfileValues): string[] => {
  const { engine, integrations, datastore } = profile;
  const problems: string[] = [];
  if (!isFargateTaskSize(engine.cpu, engine.memoryMiB)) {
    problems.push(
      `stage profile "${name}": engine.memoryMiB is ${engine.memoryMiB}; expected a value Fargate accepts with engine.cpu ${engine.cpu}: ${describeFargateMemoryOptions(engine.cpu)}`,
    );
  }
  if (engine.minCount > engine.maxCount) {
    problems.push(
      `stage profile "${name}": engine.minCount is ${engine.minCount}; expected at most engine.maxCount (${engine.maxCount})`,
    );
  }
  if (profile.production && engine.minCount < 2) {
    problems.push(
      `stage profile "${name}": engine.minCount is ${engine.minCount}; expected at least 2 because the profile is production (one task per AZ, so a task or an AZ can fail without an outage)`,
    );
  }
  if (
    name === FALLBACK_PROFILE &&
    engine.imageRepository !== undefined &&
    !engine.imageRepository.includes(STAGE_PLACEHOLDER)
  ) {
    problems.push(
      `stage profile "${name}": engine.imageRepository is "${engine.imageRepository}"; expected a name containing ${STAGE_PLACEHOLDER} such as "game-${STAGE_PLACEHOLDER}-engine", because every stage without a profile of its own uses this one and each stage has a repository of its own`,
    );
  }
  // Each task also holds one connection that LISTENs for leaderboard changes (services/engine/app).
  const engineConnections = engine.maxCount * (engine.databasePoolMax + ENGINE_LISTENER_CONNECTIONS);
  const budget =
    datastore.maxConnections - OTHER_DATABASE_CONNECTIONS - integrations.databaseConnectionBudget;
  if (engineConnections > budget) {
    problems.push(
      `stage profile "${name}": engine.databasePoolMax is ${engine.databasePoolMax}; expected at most ${Math.max(0, Math.floor(budget / engine.maxCount) - ENGINE_LISTENER_CONNECTIONS)}, because engine.maxCount (${engine.maxCount}) tasks x (engine.databasePoolMax + ${ENGINE_LISTENER_CONNECTIONS} connection listening for leaderboard changes) must fit datastore.maxConnections (${datastore.maxConnections}) minus integrations.databaseConnectionBudget (${integrations.databaseConnectionBudget}) minus ${OTHER_DATABASE_CONNECTIONS} for RDS, the migration runner and operators`,
    );
  }
  return problems;
};

/**
 * `engine.promoteFrom` names the stage whose running image this one runs: another stage with a
 * profile of its own (a sandbox on the fallback profile has no stable release to promote), on the
 * same CPU architecture (the copied image is built for one), and not itself promoted from this one.
 */
const promotionProblems = (
  name: string,
  profile: StageProfileValues,
  profiles: Record<string, StageProfileValues>,
): string[] => {
  const from = profile.engine.promoteFrom;
  if (from === null) return [];
  const source = profiles[from];
  if (from === name || !source)
    return [
      `stage profile "${name}": engine.promoteFrom is "${from}"; expected another stage with a profile of its own (${Object.keys(
        profiles,
      )
        .filter((other) => other !== name)
        .join(', ')}), or null to build from source`,
    ];
  if (source.engine.cpuArchitecture !== profile.engine.cpuArchitecture)
    return [
      `stage profile "${name}": engine.promoteFrom is "${from}", whose engine.cpuArchitecture is ${source.engine.cpuArchitecture}; expected a stage on ${profile.engine.cpuArchitecture} like this one, because the promoted image is built for one architecture`,
    ];
  if (source.region !== profile.region)
    return [
      `stage profile "${name}": engine.promoteFrom is "${from}", whose region is ${source.region}; expected a stage in ${profile.region} like this one, because the image is copied between repositories of one registry`,
    ];
  if (source.engine.promoteFrom === name)
    return [
      `stage profile "${name}": engine.promoteFrom is "${from}", which is promoted from "${name}"; expected a chain that ends in a stage that builds (promoteFrom null)`,
    ];
  return [];
};

/** Rules that involve more than one value, checked once every value is individually valid. */
const crossFieldProblems = (profiles: Record<string, StageProfileValues>): string[] => {
  const problems: string[] = [];
  const names = Object.keys(profiles);
  for (const [name, profile] of Object.entries(profiles)) {
    const { datastore, integrations, endpoints, network, frontend } = profile;
    if (datastore.maxAllocatedStorageGiB < datastore.allocatedStorageGiB) {
      problems.push(
        `stage profile "${name}": datastore.maxAllocatedStorageGiB is ${datastore.maxAllocatedStorageGiB}; expected at least datastore.allocatedStorageGiB (${datastore.allocatedStorageGiB})`,
      );
    }
    problems.push(...datastoreProblems(name, datastore));
    if (datastore.backupReplication?.region === profile.region) {
      problems.push(
        `stage profile "${name}": datastore.backupReplication.region is "${profile.region}"; expected another region than the stage's own (${profile.region}), so a region outage leaves a copy`,
      );
    }
    if (integrations.batchSize > 10 && integrations.maximumBatchingWindowSeconds < 1) {
      problems.push(
        `stage profile "${name}": integrations.maximumBatchingWindowSeconds is ${integrations.maximumBatchingWindowSeconds}; expected at least 1 because batchSize (${integrations.batchSize}) is above 10 (Lambda requires a batching window for SQS batches over 10)`,
      );
    }
    if (endpoints.interfaceAzCount > network.azCount) {
      problems.push(
        `stage profile "${name}": endpoints.interfaceAzCount is ${endpoints.interfaceAzCount}; expected at most network.azCount (${network.azCount}), the number of private subnets`,
      );
    }
    if (frontend.originAccess !== 'oac' && frontend.siteEncryption === 'kms') {
      problems.push(
        `stage profile "${name}": frontend.siteEncryption is "kms"; expected "sse-s3" because frontend.originAccess is "${frontend.originAccess}" (an Origin Access Identity cannot read SSE-KMS objects; use originAccess "oac" for KMS)`,
      );
    }
    problems.push(...integrationsProblems(name, integrations));
    problems.push(...engineProblems(name, profile));
    if (profile.edge.webAcl && frontend.webAclArn !== null) {
      problems.push(
        `stage profile "${name}": frontend.webAclArn is "${frontend.webAclArn}"; expected null because edge.webAcl is true (the firewall service's web ACL protects the distribution; a distribution has one web ACL)`,
      );
    }
    problems.push(...promotionProblems(name, profile, profiles));
  }
  // VPCs of different stages must not overlap, so they can be peered or joined by a transit gateway.
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const cidrA = profiles[a]?.network.vpcCidr ?? '';
      const cidrB = profiles[b]?.network.vpcCidr ?? '';
      const [parsedA, parsedB] = [parseCidr(cidrA), parseCidr(cidrB)];
      if (parsedA && parsedB && cidrsOverlap(parsedA, parsedB)) {
        problems.push(
          `stage profile "${b}": network.vpcCidr is "${cidrB}"; expected a range that does not overlap stage profile "${a}" (${cidrA}), so the VPCs can be peered`,
        );
      }
    }
  }
  return problems;
};

/** Validates every profile; throws `StageProfileError` listing each problem on its own line. */
export const validateStageProfiles = (raw: Record<string, unknown>): Record<string, StageProfileValues> => {
  const problems: string[] = [];
  const profiles: Record<string, StageProfileValues> = {};
  if (!Object.hasOwn(raw, FALLBACK_PROFILE)) {
    problems.push(
      `stage profiles: the fallback profile "${FALLBACK_PROFILE}" is missing; expected a profile with that name`,
    );
  }
  for (const [name, input] of Object.entries(raw)) {
    if (!STAGE_NAME.test(name)) {
      problems.push(
        `stage profile "${name}": the name is not a valid stage name; expected ${STAGE_NAME_RULE}`,
      );
      continue;
    }
    const result = v.safeParse(stageProfileSchema, input, { abortPipeEarly: true });
    if (result.success) profiles[name] = result.output;
    else problems.push(...result.issues.map((issue) => formatIssue(name, issue)));
  }
  if (problems.length === 0) problems.push(...crossFieldProblems(profiles));
  if (problems.length > 0) throw new StageProfileError(problems);
  return profiles;
};

let validated: Record<string, StageProfileValues> | undefined;

/** The profile name a stage uses: its own when one exists, otherwise the fallback. */
export const profileNameFor = (stage: string): string =>
  Object.hasOwn(stageProfiles, stage) ? stage : FALLBACK_PROFILE;

/**
 * Loads the settings for a stage. Validates all profiles on first use (cross-profile rules such
 * as non-overlapping VPC ranges need them all) and throws `StageProfileError` on any problem.
 */
export const loadStageProfile = (stage: string): StageProfile => {
  if (!STAGE_NAME.test(stage)) {
    throw new StageProfileError([`stage "${stage}" is not a valid stage name; expected ${STAGE_NAME_RULE}`]);
  }
  validated ??= validateStageProfiles(stageProfiles);
  const profileName = profileNameFor(stage);
  const values = validated[profileName];
  if (!values) throw new StageProfileError([`stage profile "${profileName}" is not defined`]);
  return { ...values, stage, profileName };
};
