/**
 * `npm run bench:synth`: how long packaging every service takes with compose (all in parallel, what
 * `npm run synth` does) against packaging them one after another, measured side by side in one run.
 */

import { readCompose } from '@game-platform/resources/compose';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { prepareComposeProject, runCompose } from './package';

const stage = 'dev';
const rounds = Number(process.argv[2] ?? 2);
const services = readCompose();
const { dir } = prepareComposeProject(services, loadStageProfile(stage));

const timed = async (label: string, run: () => Promise<void>) => {
  const started = performance.now();
  await run();
  return { label, seconds: (performance.now() - started) / 1000 };
};

const must = async (result: Promise<{ ok: boolean; output: string }>) => {
  const { ok, output } = await result;
  if (!ok) throw new Error(output);
};

const results: Record<string, number[]> = { parallel: [], serial: [] };
for (let round = 0; round < rounds; round++) {
  const parallel = await timed('parallel', () => must(runCompose(dir, stage)));
  const serial = await timed('serial', async () => {
    for (const service of services) await must(runCompose(dir, stage, `${service.name}:package`));
  });
  results.parallel?.push(parallel.seconds);
  results.serial?.push(serial.seconds);
  console.log(
    `round ${round + 1}: parallel ${parallel.seconds.toFixed(1)} s, serial ${serial.seconds.toFixed(1)} s`,
  );
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const parallel = median(results.parallel ?? []);
const serial = median(results.serial ?? []);
console.log(
  `\n${services.length} services, stage ${stage}, median of ${rounds}: parallel ${parallel.toFixed(1)} s, serial ${serial.toFixed(1)} s, speed-up x${(serial / parallel).toFixed(2)}`,
);
