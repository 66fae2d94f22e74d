/**
 * `npm run engine:image -- --stage X [--tag T] [--dry-run]`: what must happen so that the image the
 * stage's task definition names is in the stage's ECR repository, decided as a pure function of the
 * target and of what the registry holds, so the dry run, the deploy and the tests see the same plan.
 *
 * The deploy runs it before CloudFormation is called (the platform plugin's `runBeforeDeploy`):
 * in a fresh account it creates the repository and builds and pushes the image; once the tag is
 * there it builds nothing (same build inputs, same tag). README of services/engine: "Releases".
 */

import { resourceName } from '@game-platform/resources';
import { type CommandLine, type CommandSpec, parseCommandLine, stageOption } from '@game-platform/shared/cli';
import {
  ENGINE_IMAGE_TAG,
  ENGINE_IMAGE_TAG_RULE,
  loadStageProfile,
  type StageProfile,
} from '@game-platform/shared/profiles';
import {
  DOCKER_PLATFORMS,
  engineImageRepositoryName,
  engineImageTag,
  type ImageSource,
  imageSourceOf,
} from '../../stack/image';
import { DOCKERFILE } from '../../stack/image-inputs';
import { IMAGES_KEPT, repositorySettings } from './repository';

/** `npm run engine:image`'s command line (`@game-platform/shared/cli`: `--help`, errors, exit 2). */
export const IMAGE_COMMAND = {
  command: 'npm run engine:image',
  name: 'engine:image',
  summary:
    "Makes sure the image the stage's task definition names is in the stage's ECR repository (creates the repository, builds and pushes, or copies a promoted image).",
  options: {
    stage: stageOption(
      'stage whose profile gives the region, CPU architecture, ECR repository and image source',
    ),
    tag: {
      type: 'string',
      value: '<tag>',
      description:
        'push the current checkout under this tag (default: the tag the stage runs, src-<hash of the build inputs> unless the profile pins one)',
      check: (tag: string) => tagProblem(tag),
    },
    'dry-run': {
      type: 'boolean',
      description: 'print the plan instead of running it (needs neither Docker nor AWS credentials)',
    },
  },
} as const satisfies CommandSpec;

export class ImageCommandError extends Error {
  override readonly name = 'ImageCommandError';
}

export interface ImageArgs {
  stage: string;
  tag: string | undefined;
  dryRun: boolean;
}

/** The command's arguments from its parsed command line. */
export const imageArgs = ({ values }: CommandLine<typeof IMAGE_COMMAND.options>): ImageArgs => ({
  stage: values.stage,
  tag: values.tag,
  dryRun: values['dry-run'],
});

/** Parses the arguments after `--`; throws `CommandLineError` naming the argument and what is expected. */
export const parseImageArgs = (argv: readonly string[]): ImageArgs =>
  imageArgs(parseCommandLine(IMAGE_COMMAND, argv));

/** ECR's tag syntax, minus `latest` (the rule the stage profile's `engine.imageTag` follows too): what is expected instead, or undefined. */
const tagProblem = (tag: string): string | undefined => {
  if (tag === 'latest')
    return 'a tag naming one build, not "latest" (tags are immutable, and rollbacks need old tags)';
  if (!ENGINE_IMAGE_TAG.test(tag)) return ENGINE_IMAGE_TAG_RULE;
  return undefined;
};

const checkTag = (tag: string): string => {
  const problem = tagProblem(tag);
  if (problem) throw new ImageCommandError(`image tag "${tag}" is refused; expected ${problem}`);
  return tag;
};

/** Where one repository is: its registry host and name. */
export interface RepositoryRef {
  stage: string;
  region: string;
  repositoryName: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  registry: string;
}

/** What the run must make true: `imageUri` is in the stage's repository. */
export interface ImageTarget extends RepositoryRef {
  platform: string;
  tag: string;
  imageUri: string;
  source: ImageSource;
  /** With `source.kind === 'promote'`: the repository of the stage it is promoted from. */
  from?: RepositoryRef;
  /** The build context: the repository root (the app imports workspace packages). */
  context: string;
}

const repositoryRef = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'region' | 'engine'>,
  account: string,
) => ({
  stage: profile.stage,
  region: profile.region,
  repositoryName: engineImageRepositoryName(profile),
  registry: `${account}.dkr.ecr.${profile.region}.amazonaws.com`,
});

/**
 * The target for a stage: its tag (`--tag`, else the one its task definition names), where it goes,
 * and where it comes from. `account` may be a placeholder in a dry run.
 */
export const imageTarget = (
  profile: StageProfile,
  account: string,
  repoRoot: string,
  tagOverride?: string,
): ImageTarget => {
  const tag = checkTag(tagOverride ?? engineImageTag(profile, repoRoot));
  // An explicit --tag pushes this checkout under that tag, whatever the profile says.
  const source: ImageSource = tagOverride === undefined ? imageSourceOf(profile).source : { kind: 'build' };
  const ref = repositoryRef(profile, account);
  return {
    ...ref,
    platform: DOCKER_PLATFORMS[profile.engine.cpuArchitecture],
    tag,
    imageUri: `${ref.registry}/${ref.repositoryName}:${tag}`,
    source,
    ...(source.kind === 'promote'
      ? { from: repositoryRef(loadStageProfile(source.fromStage), account) }
      : {}),
    context: repoRoot,
  };
};

/** What the registry holds, as far as the plan cares. */
export interface RegistryState {
  repositoryExists: boolean;
  /** Digest of the target tag in the stage's repository, `null` when the tag is not there. */
  imageDigest: string | null;
  /** Promotion: the image the source stage's service runs (`null`: no such service), and the digest of its tag. */
  sourceImage?: string | null;
  sourceDigest?: string | null;
}

/** An account where nothing of the engine exists yet. */
export const FRESH_ACCOUNT: RegistryState = { repositoryExists: false, imageDigest: null, sourceImage: null };

export type StepKind =
  | 'find-account'
  | 'find-repository'
  | 'create-repository'
  | 'apply-lifecycle'
  | 'find-image'
  | 'find-source'
  | 'docker-login'
  | 'build-push'
  | 'copy'
  | 'verify';

export interface ImageStep {
  kind: StepKind;
  /** The step as a shell command (AWS API calls shown as their AWS CLI equivalents). */
  command: string;
  /** For a plan made without knowing the registry (dry run): when the step runs. */
  onlyIf?: string;
  /** The step puts the target image into the repository. */
  pushes?: boolean;
  /** The step reads an image that must already exist: the promoted stage's. */
  needsImage?: string;
}

const lifecycleSummary = `untagged after 1 day, newest ${IMAGES_KEPT} kept`;

const imageIds = (tag: string) => `--image-ids imageTag=${tag}`;

/** `repo:tag` or `repo@sha256:...` -> the tag, or `null` for a digest reference. */
export const tagOf = (image: string): string | null => {
  if (image.includes('@')) return null;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : null;
};

/**
 * The steps, in order, for the registry state found (or for any state: `'unknown'`, the dry run,
 * where each conditional step says when it runs). Throws `ImageCommandError` when the state makes
 * the target impossible: a pinned tag that was never pushed, a promotion from a stage that does not
 * run this tag, or a tag whose digest differs from the promoted one.
 */
export const imagePlan = (target: ImageTarget, state: RegistryState | 'unknown'): ImageStep[] => {
  const known = state !== 'unknown';
  const region = `--region ${target.region}`;
  const repo = `--repository-name ${target.repositoryName}`;
  const settings = repositorySettings(target.stage);
  const steps: ImageStep[] = [
    { kind: 'find-account', command: 'aws sts get-caller-identity --query Account --output text' },
    {
      kind: 'find-repository',
      command: `aws ecr describe-repositories ${region} --repository-names ${target.repositoryName}`,
    },
  ];
  if (!known || !state.repositoryExists)
    steps.push({
      kind: 'create-repository',
      command: `aws ecr create-repository ${region} ${repo} --image-tag-mutability ${settings.imageTagMutability} --image-scanning-configuration scanOnPush=true --encryption-configuration encryptionType=${settings.encryptionConfiguration.encryptionType}`,
      ...(known ? {} : { onlyIf: 'the repository does not exist (a fresh account)' }),
    });
  steps.push(
    {
      kind: 'apply-lifecycle',
      command: `aws ecr put-lifecycle-policy ${region} ${repo} --lifecycle-policy-text '<${lifecycleSummary}>'`,
    },
    { kind: 'find-image', command: `aws ecr describe-images ${region} ${repo} ${imageIds(target.tag)}` },
  );
  if (known && state.imageDigest !== null && target.source.kind !== 'promote') return steps; // already there: nothing to build

  const login: ImageStep = {
    kind: 'docker-login',
    command: `aws ecr get-login-password ${region} | docker login --username AWS --password-stdin ${target.registry}`,
    ...(known ? {} : { onlyIf: `${target.tag} is not in the repository` }),
  };

  if (target.source.kind === 'pinned') {
    if (known)
      throw new ImageCommandError(
        `engine.imageTag "${target.tag}" of stage ${target.stage} is not in ${target.repositoryName} (${target.region}); expected a tag pushed before (npm run engine:image -- --stage ${target.stage} --tag ${target.tag}, from the commit it names), or engine.imageTag null to build this checkout`,
      );
    return steps;
  }

  if (target.source.kind === 'build') {
    steps.push(login, {
      kind: 'build-push',
      command: `cd ${target.context} && docker ${buildArgs(target).join(' ')}`,
      pushes: true,
      ...(known ? {} : { onlyIf: login.onlyIf }),
    });
  } else {
    const from = target.from as RepositoryRef;
    const cluster = resourceName(from.stage, 'engine');
    steps.push({
      kind: 'find-source',
      command: `aws ecs describe-services --region ${from.region} --cluster ${cluster} --services ${cluster}   # then its task definition's image, and: aws ecr describe-images --repository-name ${from.repositoryName} ${imageIds(target.tag)}`,
    });
    if (known) promotionChecks(target, state);
    if (!known || state.imageDigest === null)
      steps.push(login, {
        kind: 'copy',
        command: `docker buildx imagetools create --prefer-index=false --tag ${target.imageUri} ${from.registry}/${from.repositoryName}@${known ? state.sourceDigest : `<digest stage ${from.stage} runs>`}`,
        pushes: true,
        needsImage: `${from.repositoryName}:${target.tag}`,
        ...(known ? {} : { onlyIf: login.onlyIf }),
      });
  }
  steps.push({
    kind: 'verify',
    command: `aws ecr describe-images ${region} ${repo} ${imageIds(target.tag)} --query 'imageDetails[0].imageDigest'${target.source.kind === 'promote' ? `   # must equal the digest stage ${target.from?.stage} runs` : ''}`,
  });
  return steps;
};

/** A promotion copies exactly what the source stage runs, and only when that is this checkout's tag. */
const promotionChecks = (target: ImageTarget, state: RegistryState): void => {
  const from = target.from as RepositoryRef;
  if (!state.sourceImage)
    throw new ImageCommandError(
      `stage ${target.stage} is promoted from stage ${from.stage} (engine.promoteFrom), but no engine service of stage ${from.stage} runs in ${from.region}; expected stage ${from.stage} deployed first, or engine.promoteFrom null to build`,
    );
  const runningTag = tagOf(state.sourceImage);
  if (runningTag !== target.tag || !state.sourceDigest)
    throw new ImageCommandError(
      `stage ${from.stage} runs ${state.sourceImage}, not ${target.tag} (the engine build inputs of this checkout); expected to deploy stage ${target.stage} from the commit stage ${from.stage} runs, or engine.promoteFrom null to build`,
    );
  if (state.imageDigest !== null && state.imageDigest !== state.sourceDigest)
    throw new ImageCommandError(
      `${target.repositoryName}:${target.tag} is ${state.imageDigest}, but stage ${from.stage} runs ${state.sourceDigest}; the tag was built here before, so it is not the promoted image. Expected the same digest; push a new commit, or set engine.promoteFrom null`,
    );
};

/** `docker buildx build` arguments for the target, run in its context. */
export const buildArgs = (target: ImageTarget): string[] => [
  'buildx',
  'build',
  '--platform',
  target.platform,
  '--file',
  DOCKERFILE,
  '--tag',
  target.imageUri,
  // One plain image manifest: ECR scanning and ECS read it directly, no attestation index.
  '--provenance=false',
  '--push',
  '.',
];

/** The plan as printed lines; conditional steps say when they run. */
export const describePlan = (steps: readonly ImageStep[]): string[] =>
  steps.map((step) => (step.onlyIf ? `${step.command}   # only if ${step.onlyIf}` : step.command));
