/**
 * Where a stage's engine image lives: the ECR repository named by `engine.imageRepository`, with
 * `{stage}` replaced by the stage name. The engine stack creates it; `npm run engine:image` pushes to it.
 */
import { type StageProfile, StageProfileError } from './load';
import { ECR_REPOSITORY_NAME, ECR_REPOSITORY_NAME_RULE, STAGE_PLACEHOLDER } from './schema';

/** The stage's repository name; throws `StageProfileError` when the stage name makes it invalid (e.g. `a-` -> `game-a--engine`). */
export const engineImageRepositoryName = (
  profile: Pick<StageProfile, 'stage' | 'profileName' | 'engine'>,
): string => {
  const template = profile.engine.imageRepository;
  const name = template.replaceAll(STAGE_PLACEHOLDER, profile.stage);
  if (!ECR_REPOSITORY_NAME.test(name)) {
    throw new StageProfileError([
      `stage "${profile.stage}": engine.imageRepository "${template}" of stage profile "${profile.profileName}" gives "${name}"; expected ${ECR_REPOSITORY_NAME_RULE} (a stage name ending in "-" cannot be used here)`,
    ]);
  }
  return name;
};
