/**
 * What every `serverless.ts` starts from: the stage and its profile, and the provider settings
 * shared by all six services. A service file spreads `provider(context)` and adds only what is
 * its own, so the runtime, region, tags and log retention are decided once, here.
 */
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { stageFromArgv } from '@game-platform/shared/stage';
import type { AWS } from 'osls';
import type { Outputs, Resources } from './cfn/resource';
import type { PolicyStatement } from './iam';
import { type ServiceName, serviceName, stackTags } from './naming';

export interface ServiceContext {
  service: ServiceName;
  /** The framework's service name, e.g. `game-network`. */
  name: string;
  stage: string;
  profile: StageProfile;
}

/** Reads the stage from the command line and loads its profile; throws with every profile problem listed. */
export const serviceContext = (
  service: ServiceName,
  argv: readonly string[] = process.argv,
): ServiceContext => {
  const stage = stageFromArgv(argv);
  return { service, name: serviceName(service), stage, profile: loadStageProfile(stage) };
};

/** Plugins of a service without Lambda functions: the platform plugin hardens what the framework generates. */
export const PLATFORM_PLUGINS = ['@game-platform/serverless-plugin'];

/**
 * Plugins of a service with Lambda functions: bundling, one IAM role per function, then the platform
 * plugin (it must run after the per-function roles exist, to prune the unused shared role).
 */
export const FUNCTION_PLUGINS = [
  'serverless-esbuild',
  'serverless-iam-roles-per-function',
  ...PLATFORM_PLUGINS,
];

/** Node.js 24 on Graviton (arm64): the current Lambda LTS runtime, about 20 % cheaper per GB-second than x86. */
export const provider = ({ service, stage, profile }: ServiceContext): AWS['provider'] => ({
  name: 'aws',
  stage,
  region: profile.region as NonNullable<Extract<AWS['provider'], { name: 'aws' }>['region']>,
  runtime: 'nodejs24.x',
  architecture: 'arm64',
  memorySize: 256,
  logRetentionInDays: profile.observability.logRetentionDays as 14,
  // Direct CloudFormation calls instead of change sets: faster deploys, same result.
  deploymentMethod: 'direct',
  // Each deploy would otherwise keep a new immutable version of every function, forever.
  versionFunctions: false,
  stackTags: stackTags(service, stage, profile.profileName),
  tags: stackTags(service, stage, profile.profileName),
});

/** Bundling for every Lambda handler: minified ESM for Node 24; the AWS SDK v3 is left to the runtime. */
export const esbuildSettings = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'node24',
  platform: 'node',
  format: 'esm',
  outputFileExtension: '.mjs',
  // `pg` optionally requires `pg-native`, which we never use; keep it out of the bundle.
  exclude: ['@aws-sdk/*', 'pg-native'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
} as const;

type FrameworkFunction = NonNullable<AWS['functions']>[string];

/**
 * A Lambda function of the platform: the framework's settings plus its own IAM role's statements
 * (serverless-iam-roles-per-function). `iamRoleStatements` is required, so every function states
 * exactly what it may do; typed statements require a `Sid` that says why.
 */
export type PlatformFunction = FrameworkFunction & {
  iamRoleStatements: PolicyStatement[];
};

/** A `serverless.ts` of the platform: resources and outputs typed against the CloudFormation specification. */
export type PlatformServiceConfig = Omit<AWS, 'functions' | 'resources'> & {
  functions?: Record<string, PlatformFunction>;
  resources: {
    Resources: Resources;
    Outputs?: Outputs;
    /** Properties merged into resources the framework generates (e.g. a function's log group). */
    extensions?: Record<string, { Properties?: Record<string, unknown>; DependsOn?: string[] }>;
  };
};
