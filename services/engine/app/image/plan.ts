/**
 * `npm run engine:image -- --stage X [--tag T] [--dry-run]`: what to build and where to push it,
 * decided without touching AWS or Docker, so the dry run and the tests see exactly what a real
 * run does.
 */
import { execFileSync } from 'node:child_process';
import {
  ENGINE_IMAGE_TAG,
  ENGINE_IMAGE_TAG_RULE,
  engineImageRepositoryName,
  type StageProfile,
} from '@game-platform/shared/profiles';

export const USAGE =
  'usage: npm run engine:image -- --stage <stage> [--tag <tag>] [--dry-run]\n' +
  '  --stage    stage whose profile gives the region, CPU architecture and ECR repository (required)\n' +
  '  --tag      image tag (default: git-<commit>, refused when the working tree has uncommitted changes)\n' +
  '  --dry-run  print the commands instead of running them (needs neither Docker nor AWS credentials)';

export class ImageCommandError extends Error {
  override readonly name = 'ImageCommandError';
}

export interface ImageArgs {
  stage: string;
  tag: string | undefined;
  dryRun: boolean;
}

/** Parses the arguments after `--`; throws `ImageCommandError` naming the argument and what is expected. */
export const parseImageArgs = (argv: readonly string[]): ImageArgs => {
  let stage: string | undefined;
  let tag: string | undefined;
  let dryRun = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      const next = inline ?? argv[index + 1];
      if (next === undefined || next === '' || (inline === undefined && next.startsWith('--')))
        throw new ImageCommandError(`${name} needs a value; expected ${name} <value>\n${USAGE}`);
      if (inline === undefined) index += 1;
      return next;
    };
    if (name === '--stage' || name === '-s') stage = value();
    else if (name === '--tag') tag = value();
    else if (name === '--dry-run' && inline === undefined) dryRun = true;
    else
      throw new ImageCommandError(
        `unknown argument "${arg}"; expected --stage, --tag or --dry-run\n${USAGE}`,
      );
  }
  if (!stage) throw new ImageCommandError(`--stage is missing; expected the stage to build for\n${USAGE}`);
  if (tag !== undefined) checkTag(tag);
  return { stage, tag, dryRun };
};

/** ECR's tag syntax, minus `latest` (the rule the stage profile's `engine.imageTag` follows too). */
const checkTag = (tag: string): string => {
  if (tag === 'latest')
    throw new ImageCommandError(
      '--tag "latest" is refused; expected a tag naming one build (tags are immutable, and rollbacks need old tags)',
    );
  if (!ENGINE_IMAGE_TAG.test(tag))
    throw new ImageCommandError(`--tag "${tag}" is not a valid image tag; expected ${ENGINE_IMAGE_TAG_RULE}`);
  return tag;
};

/** `git-<12 hex>` for the commit checked out in `cwd`; refuses a working tree with uncommitted changes. */
export const defaultImageTag = (cwd: string): string => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--short=12', 'HEAD');
  } catch (error) {
    throw new ImageCommandError(
      `cannot read the git commit in ${cwd} (${(error as Error).message.split('\n')[0]}); expected a git checkout, or pass --tag`,
    );
  }
  if (git('status', '--porcelain', '--untracked-files=no') !== '')
    throw new ImageCommandError(
      `the working tree has uncommitted changes, so git-${commit} would not describe the image; expected a clean checkout, or pass --tag`,
    );
  return `git-${commit}`;
};

/** Docker's name for each Fargate CPU architecture. */
export const DOCKER_PLATFORMS: Record<StageProfile['engine']['cpuArchitecture'], string> = {
  ARM64: 'linux/arm64',
  X86_64: 'linux/amd64',
};

export interface ImagePlan {
  stage: string;
  region: string;
  platform: string;
  repositoryName: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  registry: string;
  imageUri: string;
  /** The build context: the repository root (the app imports workspace packages). */
  context: string;
  /** `docker buildx build ...` arguments, run in `context`. */
  buildArgs: string[];
}

/** Where the image goes and how it is built; `account` may be a placeholder in a dry run. */
export const imagePlan = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'region' | 'engine'>,
  account: string,
  tag: string,
  repoRoot: string,
): ImagePlan => {
  const registry = `${account}.dkr.ecr.${profile.region}.amazonaws.com`;
  const repositoryName = engineImageRepositoryName(profile);
  const imageUri = `${registry}/${repositoryName}:${checkTag(tag)}`;
  const platform = DOCKER_PLATFORMS[profile.engine.cpuArchitecture];
  return {
    stage: profile.stage,
    region: profile.region,
    platform,
    repositoryName,
    registry,
    imageUri,
    context: repoRoot,
    buildArgs: [
      'buildx',
      'build',
      '--platform',
      platform,
      '--file',
      'services/engine/app/Dockerfile',
      '--tag',
      imageUri,
      // One plain image manifest: ECR scanning and ECS read it directly, no attestation index.
      '--provenance=false',
      '--push',
      '.',
    ],
  };
};

/** Who creates the repository: the engine stack, never this command (a repository created here would clash with the stack). */
export const REPOSITORY_OWNER =
  'must exist: the engine stack creates it (services/engine/README.md, "First deploy")';

/** The plan as shell commands (AWS API calls shown as their AWS CLI equivalents). */
export const describePlan = (plan: ImagePlan): string[] => [
  `aws sts get-caller-identity --query Account --output text   # the account: ${plan.registry.split('.')[0]}`,
  `aws ecr describe-repositories --region ${plan.region} --repository-names ${plan.repositoryName}   # ${REPOSITORY_OWNER}`,
  `aws ecr get-login-password --region ${plan.region} | docker login --username AWS --password-stdin ${plan.registry}`,
  `cd ${plan.context} && docker ${plan.buildArgs.join(' ')}`,
];
