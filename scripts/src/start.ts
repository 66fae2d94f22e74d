/**
 * `npm start [-- --stage <name>] [--fresh] [--postgres-port <port>] ...`: the whole platform on this
 * machine, from real parts, with no AWS account (`npm start -- --help` lists the flags).
 *
 * This process only launches the platform process (`local/platform/main.ts`) in a process group of
 * its own and passes Ctrl-C on to it as one signal. Why: a terminal's Ctrl-C signals every process of
 * the foreground group at once, so PostgreSQL would stop while the engine and the consumer still use
 * it; instead the platform stops its parts one by one, the last started first. The platform also
 * stops everything when this process goes away (its IPC channel closes), even after a SIGKILL.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./local/platform/main.ts', import.meta.url));

const platform = spawn(
  process.execPath,
  ['--import', import.meta.resolve('tsx'), MAIN, ...process.argv.slice(2)],
  {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      GAME_PLATFORM_LAUNCHED_AT: String(Math.round(performance.timeOrigin)),
      // The repository runs on Node 20 on purpose (package.json engines); the SDK's notice that its 2027
      // releases need Node 22 would be the first thing a newcomer reads. Tests and other commands show it.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
);

let lastForwarded = 0;
/**
 * Ctrl-C reaches this process once from the terminal and again from the wrappers (npm, tsx) that
 * relay it: signals within a second count as one stop request; a later one asks again.
 */
const forward = (signal: NodeJS.Signals) => {
  if (Date.now() - lastForwarded < 1000) return;
  lastForwarded = Date.now();
  if (platform.exitCode === null && platform.signalCode === null) platform.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);

platform.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
platform.on('error', (error) => {
  console.error(`npm start: could not launch the platform process: ${error.message}`);
  process.exit(1);
});
