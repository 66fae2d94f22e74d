/**
 * The stage a `serverless` command runs for. A `serverless.ts` needs it while it is being
 * evaluated (the number of subnets, the instance class... come from the stage profile), before
 * the framework has resolved `${sls:stage}`, so it is read from the command line the framework
 * was given: `--stage X`, `--stage=X` or `-s X`; compose always passes `--stage`.
 */
export const DEFAULT_STAGE = 'dev';

export const stageFromArgv = (argv: readonly string[] = process.argv): string => {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--stage' || arg === '-s') return argv[index + 1] ?? DEFAULT_STAGE;
    if (arg.startsWith('--stage=')) return arg.slice('--stage='.length);
  }
  return DEFAULT_STAGE;
};
