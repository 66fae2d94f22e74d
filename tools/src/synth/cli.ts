/**
 * `npm run synth [-- --stage <name>]...  |  [-- --all-stages]`
 *
 * Packages every service offline for each stage (default: dev), runs every template check, prints
 * the summary, and exits non-zero if anything failed. Templates stay where osls writes them
 * (`services/<name>/.serverless/`, the last stage synthesized) and are copied to `.synth/<stage>/`.
 */
import { CHECKED_PROFILES, StageProfileError } from '@game-platform/shared/profiles';
import { formatStageReport } from './summary';
import { SynthError, synthesizeStage } from './synth';

const USAGE = 'usage: npm run synth [-- --stage <name>]... | [-- --all-stages]';

const parseStages = (argv: string[]): string[] => {
  const stages: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--all-stages') stages.push(...CHECKED_PROFILES);
    else if (arg === '--stage' || arg === '-s') {
      const value = argv[++i];
      if (!value) throw new SynthError(`--stage needs a stage name; ${USAGE}`);
      stages.push(value);
    } else if (arg?.startsWith('--stage=')) stages.push(arg.slice('--stage='.length));
    else throw new SynthError(`unknown argument "${arg}"; ${USAGE}`);
  }
  return stages.length ? [...new Set(stages)] : ['dev'];
};

const main = async () => {
  const started = performance.now();
  let failed = false;
  for (const stage of parseStages(process.argv.slice(2))) {
    const report = await synthesizeStage(stage, (line) => console.log(line));
    console.log(formatStageReport(report));
    failed ||= report.failed.length + report.stale.length > 0;
  }
  console.log(
    `\nsynth ${failed ? 'FAILED' : 'passed'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  process.exitCode = failed ? 1 : 0;
};

main().catch((error: unknown) => {
  // Known failures print their own clear message; anything else keeps its stack for debugging.
  console.error(
    error instanceof SynthError || error instanceof StageProfileError ? `synth: ${error.message}` : error,
  );
  process.exitCode = 1;
});
