import { CHECKED_PROFILES } from '@game-platform/shared/profiles';

/**
 * `--stage <name>` (or `-s`, `--stage=<name>`), repeatable, for the reports that read synthesized
 * templates (`npm run cost`, `npm run endpoints:cost`). Default: every checked stage profile.
 * Anything else is refused with `usage`.
 */
export const parseStageArguments = (argv: string[], usage: string): string[] => {
  const stages: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stage' || arg === '-s') {
      const value = argv[++i];
      if (!value) throw new Error(`--stage needs a stage name; ${usage}`);
      stages.push(value);
    } else if (arg?.startsWith('--stage=')) stages.push(arg.slice('--stage='.length));
    else throw new Error(`unknown argument "${arg}"; ${usage}`);
  }
  return stages.length ? stages : [...CHECKED_PROFILES];
};
