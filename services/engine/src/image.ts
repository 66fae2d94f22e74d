/**
 * The engine image: the ECR repository this stack owns, and the image URI the task definition runs.
 *
 * First deploy (the chicken-and-egg): an image can only be pushed to a repository that exists, and
 * the repository is created by this stack. So a new stage starts with `engine.imageTag: null`: the
 * stack creates the repository and a service with 0 tasks; `npm run engine:image` then pushes, and
 * setting the tag in the profile and deploying again starts the tasks. README: "First deploy".
 */
import { type CfnResource, type Intrinsic, resource, sub } from '@game-platform/resources';
import { engineImageRepositoryName, type StageProfile } from '@game-platform/shared/profiles';

/**
 * The tag the task definition names while `engine.imageTag` is null. Nothing pulls it (the service
 * runs 0 tasks); should a task be started by hand, the pull error names the reason.
 */
export const BOOTSTRAP_IMAGE_TAG = 'bootstrap-no-image-pushed-yet';

/**
 * Images kept in the repository: the newest 100, enough to roll back weeks of deploys (tags are
 * immutable, so a kept tag still names the image it named). Untagged images (interrupted pushes)
 * go after a day. A running tag older than the newest 100 would be expired: raise this before that.
 */
export const IMAGES_KEPT = 100;

const lifecyclePolicy = {
  rules: [
    {
      rulePriority: 1,
      description: 'Untagged images (interrupted or superseded pushes) after a day',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
      action: { type: 'expire' },
    },
    {
      rulePriority: 2,
      description: `Keep the newest ${IMAGES_KEPT} images for rollbacks`,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: IMAGES_KEPT },
      action: { type: 'expire' },
    },
  ],
};

/**
 * The stage's engine image repository: immutable tags (CT.ECR.PR.3; a tag always names one build),
 * scan on push (CT.ECR.PR.2), the lifecycle policy above (CT.ECR.PR.1), AES-256 encryption at rest
 * (free; a KMS key would add a key policy for ECR and cost per pull). Retained when the stack is
 * deleted or the repository replaced (not when its first creation rolls back): images are release history. To delete it, empty and delete it
 * by hand after deleting the stack (README: "Removing a stage").
 */
export const imageRepository = (repositoryName: string): CfnResource<'AWS::ECR::Repository'> =>
  resource(
    'AWS::ECR::Repository',
    {
      RepositoryName: repositoryName,
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      LifecyclePolicy: { LifecyclePolicyText: JSON.stringify(lifecyclePolicy) },
    },
    // Kept once the stack exists; a first deploy that fails and rolls back removes it, so a retry
    // does not trip over an orphaned repository of the same name.
    { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' },
  );

/**
 * The tag a stage runs: its profile's `engine.imageTag`, but only for the stage the profile is named
 * after. A stage using another profile (a sandbox on the fallback profile) has a repository of its
 * own, empty at first, so it never inherits a tag it could not pull: it deploys in bootstrap, and
 * running tasks there takes a profile of its own (README: "First deploy").
 */
export const imageTagOf = (profile: Pick<StageProfile, 'stage' | 'profileName' | 'engine'>): string | null =>
  profile.stage === profile.profileName ? profile.engine.imageTag : null;

export interface EngineImage {
  repositoryName: string;
  /** `engine.imageTag` is null: no image exists yet, the service runs no task. */
  bootstrap: boolean;
  tag: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`. */
  uri: Intrinsic;
}

/**
 * The image the tasks run. The registry host is written with the profile's region (the region the
 * stack deploys to) rather than `${AWS::Region}`, so the template states it and the endpoint rules
 * (PLATFORM.ENDPOINTS.*) can see that the image comes from this region's ECR.
 */
export const engineImage = (profile: StageProfile, repositoryLogicalId: string): EngineImage => {
  const repositoryName = engineImageRepositoryName(profile);
  const imageTag = imageTagOf(profile);
  const tag = imageTag ?? BOOTSTRAP_IMAGE_TAG;
  return {
    repositoryName,
    bootstrap: imageTag === null,
    tag,
    uri: sub(`\${AWS::AccountId}.dkr.ecr.${profile.region}.amazonaws.com/\${${repositoryLogicalId}}:${tag}`),
  };
};
