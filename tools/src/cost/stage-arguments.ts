import { type CommandSpec, processCommandLine, stageOption } from '@game-platform/shared/cli';
import { CHECKED_PROFILES } from '@game-platform/shared/profiles';

/**
 * The command line of the reports that read synthesized templates (`npm run cost`,
 * `npm run endpoints:cost`): `--stage <name>`, repeatable (`@game-platform/shared/cli`: `-s`,
 * `--stage=`, `--help`, one error line and exit 2). Default: every checked stage profile.
 */
export const stageReportCommand = (command: string, name: string, summary: string) =>
  ({
    command,
    name,
    summary,
    options: {
      stage: {
        ...stageOption(`a stage to report, repeatable (default: ${CHECKED_PROFILES.join(', ')})`, false),
        multiple: true,
      },
    },
  }) as const satisfies CommandSpec;

/** The stages this process's command line names, or every checked profile. */
export const stagesToReport = (spec: ReturnType<typeof stageReportCommand>): string[] => {
  const { stage } = processCommandLine(spec).values;
  return stage.length > 0 ? stage : [...CHECKED_PROFILES];
};
