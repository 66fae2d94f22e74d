/** Names shared by every stack, so that a newcomer can guess any resource's name. */

/** Prefix of every service (and so every CloudFormation stack: `game-network-dev`). */
export const PLATFORM = 'game';

export const SERVICE_NAMES = [
  'network',
  'frontend',
  'engine',
  'datastore',
  'endpoints',
  'integrations',
  'firewall',
  'backups',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * `game-<stage>`: what every physical name of a stage starts with (`game-dev-events`), the stage's
 * dashboard name, and how a description names the stage (`game-dev: PostgreSQL`).
 */
export const stagePrefix = (stage: string): string => `${PLATFORM}-${stage}`;

/**
 * A physical name of a stage's resource: `resourceName('dev', 'engine', 'alt')` is
 * `game-dev-engine-alt`. Stage first, so one stage's resources sort together in every console.
 */
export const resourceName = (stage: string, ...parts: string[]): string =>
  [stagePrefix(stage), ...parts].join('-');

/** The Serverless service name, e.g. `game-network`. */
export const serviceName = (service: ServiceName): string => `${PLATFORM}-${service}`;

/** The CloudFormation stack name the framework derives: `game-network-dev`. */
export const stackName = (service: ServiceName, stage: string): string => `${serviceName(service)}-${stage}`;

/** Tags on every stack (and so on every resource that supports tags). */
export const stackTags = (
  service: ServiceName,
  stage: string,
  profileName: string,
): Record<string, string> => ({
  'game:platform': PLATFORM,
  'game:service': service,
  'game:stage': stage,
  'game:profile': profileName,
});
