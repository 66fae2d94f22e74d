/** For stage-profile tests: break the checked-in profiles in one place and read the problems back. */
import { StageProfileError, stageProfiles, validateStageProfiles } from '../../src/profiles';

type Section = keyof (typeof stageProfiles)['dev'];

/** The problems reported for these profiles, one line each; `[]` when they are valid. */
export const problemsOf = (profiles: Record<string, unknown>): string[] => {
  try {
    validateStageProfiles(profiles);
    return [];
  } catch (error) {
    if (error instanceof StageProfileError) return error.problems;
    throw error;
  }
};

/** The checked-in profiles with some keys of dev's `section` replaced. */
export const withDev = (section: Section, changes: Record<string, unknown>): Record<string, unknown> => ({
  ...stageProfiles,
  dev: { ...stageProfiles.dev, [section]: { ...(stageProfiles.dev[section] as object), ...changes } },
});

/** The problems when dev's `section` gets these changes. */
export const problemsWithDev = (section: Section, changes: Record<string, unknown>): string[] =>
  problemsOf(withDev(section, changes));
