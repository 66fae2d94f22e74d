/**
 * The stage's engine image repository, as the image step creates it before the first push and
 * re-applies on every run. Why not in a stack: the engine stack cannot be deployed before its image
 * exists, and a stack deployed earlier for one repository would be a seventh stack with its own
 * state to share; the repository already outlived the engine stack (it was retained on delete).
 * Creating it here lets `npx serverless deploy` (or `engine:deploy` alone) work in an empty account,
 * and a stage deployed before this change keeps its repository (the stack retained it when it left
 * the template), which this step then adopts. README of services/engine: "Releases".
 */

/**
 * Images kept: the newest 100, enough to roll back weeks of releases (tags are immutable, so a kept
 * tag still names the image it named). Untagged images (interrupted pushes) go after a day.
 */
export const IMAGES_KEPT = 100;

export const LIFECYCLE_POLICY = {
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
 * How the repository is created: immutable tags (CT.ECR.PR.3: a tag names one build, which the
 * content tags and promotion rely on), scan on push (CT.ECR.PR.2), AES-256 at rest (free; a KMS
 * key would add a key policy for ECR and a cost per pull), tagged like the stacks.
 */
export const repositorySettings = (stage: string) => ({
  imageTagMutability: 'IMMUTABLE' as const,
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfiguration: { encryptionType: 'AES256' as const },
  tags: [
    { Key: 'game:platform', Value: 'game' },
    { Key: 'game:service', Value: 'engine' },
    { Key: 'game:stage', Value: stage },
  ],
});
