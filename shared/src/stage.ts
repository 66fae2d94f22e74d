/**
 * The stage a `serverless` command runs for. A `serverless.ts` needs it while it is being
 * evaluated (the number of subnets, the instance class... come from the stage profile), before
 * the framework has resolved `${sls:stage}`, so it is read from the command line the framework
 * was given: `--stage X`, `--stage=X` or `-s X` (the forms of `@game-platform/shared/cli`, and the
 * framework's own); compose always passes `--stage`.
 */
import { parseArgs } from 'node:util';

export const DEFAULT_STAGE = 'dev';

export const stageFromArgv = (argv: readonly string[] = process.argv): string => {
  // Not strict: the framework's other options (`--config`, `--param`...) are its business, not ours.
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: 'string', short: 's' } },
    strict: false,
    allowPositionals: true,
  });
  return typeof values.stage === 'string' ? values.stage : DEFAULT_STAGE;
};
