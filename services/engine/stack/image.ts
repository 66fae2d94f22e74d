/**
 * The image the engine's task definition runs, decided offline from the stage profile and the
 * checkout, so the synthesized template states exactly what a deploy runs:
 *
 * - `engine.imageTag` set (for the stage the profile is named after): that pinned tag;
 * - otherwise `src-<hash>`, the content tag of the image's build inputs in this checkout
 *   (`stack/image-inputs.ts`). The deploy's image step (`npm run engine:image`, run by the platform
 *   plugin before CloudFormation is called) pushes that tag when the repository does not have it:
 *   built from source, or with `engine.promoteFrom` copied by digest from the stage that runs it.
 *
 * The repository is not part of this stack: the image step creates it before the first push (a
 * stack cannot be deployed before its own image exists). README: "Releases".
 */
import { type Intrinsic, sub } from '@game-platform/resources';
import {
  ECR_REPOSITORY_NAME,
  ECR_REPOSITORY_NAME_RULE,
  STAGE_PLACEHOLDER,
  type StageProfile,
  StageProfileError,
} from '@game-platform/shared/profiles';
import { contentTag, REPO_ROOT } from './image-inputs';

/**
 * The engine's repository name pattern: one repository per stage, also for a sandbox on the
 * fallback profile. A profile overrides it with `engine.imageRepository` (e.g. a fixed name for a
 * stage with an account of its own).
 */
export const ENGINE_IMAGE_REPOSITORY = `game-${STAGE_PLACEHOLDER}-engine`;

/**
 * The stage's ECR repository: the profile's `engine.imageRepository` or `ENGINE_IMAGE_REPOSITORY`,
 * with `{stage}` replaced by the stage name. `npm run engine:image` creates it and pushes to it.
 * Throws `StageProfileError` when the stage name makes it invalid (e.g. `a-` -> `game-a--engine`).
 */
export const engineImageRepositoryName = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'engine'>,
): string => {
  const template = profile.engine.imageRepository ?? ENGINE_IMAGE_REPOSITORY;
  const name = template.replaceAll(STAGE_PLACEHOLDER, profile.stage);
  if (!ECR_REPOSITORY_NAME.test(name)) {
    const source =
      profile.engine.imageRepository === undefined
        ? `the engine's image repository "${template}"`
        : `engine.imageRepository "${template}" of stage profile "${profile.profileName}"`;
    throw new StageProfileError([
      `stage "${profile.stage}": ${source} gives "${name}"; expected ${ECR_REPOSITORY_NAME_RULE} (a stage name ending in "-" cannot be used here)`,
    ]);
  }
  return name;
};

/** Docker's name for each Fargate CPU architecture. */
export const DOCKER_PLATFORMS: Record<StageProfile['engine']['cpuArchitecture'], string> = {
  ARM64: 'linux/arm64',
  X86_64: 'linux/amd64',
};

/** Where the stage's image comes from. */
export type ImageSource =
  | { kind: 'pinned' }
  | { kind: 'build' }
  /** Copied by digest from the repository of the stage that runs it. */
  | { kind: 'promote'; fromStage: string };

export interface EngineImage {
  repositoryName: string;
  tag: string;
  source: ImageSource;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`. */
  uri: Intrinsic;
  /** `arn:aws:ecr:<region>:<account>:repository/<repository>`, for the execution role's pull grant. */
  repositoryArn: Intrinsic;
}

/**
 * A profile's `imageTag` and `promoteFrom` apply to the stage it is named after only. A stage on
 * another profile (a sandbox on the fallback profile) has a repository of its own, where another
 * stage's pinned tag does not exist: it builds from source.
 */
export const imageSourceOf = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'engine'>,
): { source: ImageSource; pinnedTag: string | null } => {
  const own = profile.stage === profile.profileName;
  const { imageTag, promoteFrom } = profile.engine;
  if (own && imageTag !== null) return { source: { kind: 'pinned' }, pinnedTag: imageTag };
  if (own && promoteFrom !== null)
    return { source: { kind: 'promote', fromStage: promoteFrom }, pinnedTag: null };
  return { source: { kind: 'build' }, pinnedTag: null };
};

/** The tag a stage runs: the pinned one, or the content tag of this checkout's build inputs. */
export const engineImageTag = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'engine'>,
  repoRoot: string = REPO_ROOT,
): string =>
  imageSourceOf(profile).pinnedTag ?? contentTag(repoRoot, DOCKER_PLATFORMS[profile.engine.cpuArchitecture]);

/**
 * The image the tasks run. The registry host is written with the profile's region (the region the
 * stack deploys to) rather than `${AWS::Region}`, so the template states it and the endpoint rules
 * (PLATFORM.ENDPOINTS.*) can see that the image comes from this region's ECR.
 */
export const engineImage = (profile: StageProfile, repoRoot: string = REPO_ROOT): EngineImage => {
  const repositoryName = engineImageRepositoryName(profile);
  const tag = engineImageTag(profile, repoRoot);
  return {
    repositoryName,
    tag,
    source: imageSourceOf(profile).source,
    uri: sub(`\${AWS::AccountId}.dkr.ecr.${profile.region}.amazonaws.com/${repositoryName}:${tag}`),
    repositoryArn: sub(
      `arn:\${AWS::Partition}:ecr:${profile.region}:\${AWS::AccountId}:repository/${repositoryName}`,
    ),
  };
};
