/**
 * `npm run synth [-- --stage <name>]...  |  [-- --all-stages]`
 *
 * Packages every service offline for each stage (default: dev), runs every template check, prints
 * the summary, and exits non-zero if anything failed. Templates stay where osls writes them
 * (`services/<name>/.serverless/`, the last stage synthesized) and are copied to `.synth/<stage>/`.
 */
import { type CommandSpec, processCommandLine, stageOption } from '@game-platform/shared/cli';
import { CHECKED_PROFILES, StageProfileError } from '@game-platform/shared/profiles';
import { DEFAULT_STAGE } from '@game-platform/shared/stage';
import { formatStageReport } from './summary';
import { SynthError, synthesizeStage } from './synth';

const SYNTH_COMMAND = {
  command: 'npm run synth',
  name: 'synth',
  summary:
    'Packages every service offline for each stage, runs every template check and copies the templates to .synth/<stage>/.',
  options: {
    stage: { ...stageOption('a stage to synthesize, repeatable (default dev)', false), multiple: true },
    'all-stages': {
      type: 'boolean',
      description: `every checked stage profile: ${CHECKED_PROFILES.join(', ')}`,
    },
  },
} as const satisfies CommandSpec;

/** The stages of this process's command line, each once, in order (default: dev). */
const stagesToSynthesize = (): string[] => {
  const { values } = processCommandLine(SYNTH_COMMAND);
  const stages = [...(values['all-stages'] ? CHECKED_PROFILES : []), ...values.stage];
  return stages.length ? [...new Set(stages)] : [DEFAULT_STAGE];
};

const main = async () => {
  const started = performance.now();
  let failed = false;
  for (const stage of stagesToSynthesize()) {
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
