import { fileURLToPath } from 'node:url';

/** The repository root, wherever the command is run from. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const repoPath = (...segments: string[]): string =>
  [REPO_ROOT.replace(/\/$/, ''), ...segments].join('/');

/** Where synth leaves a copy of each stage's templates: `.synth/<stage>/<service>.json`. */
export const synthDir = (stage: string): string => repoPath('.synth', stage);
