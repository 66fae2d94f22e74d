/**
 * `npm start [-- --stage <name>] [--fresh] [--postgres-port <port>] ...`: the whole platform on this
 * machine, from real parts, with no AWS account (`npm start -- --help` lists the flags).
 *
 * This process only launches the platform process (`platform/main.ts`) in a process group of
 * its own and passes Ctrl-C on to it as one signal. Why: a terminal's Ctrl-C signals every process of
 * the foreground group at once, so PostgreSQL would stop while the engine and the consumer still use
 * it; instead the platform stops its parts one by one, the last started first. The platform also
 * stops everything when this process goes away (its IPC channel closes), even after a SIGKILL.
 *
 * A supervisor or CI signals only the `npm` process. npm passes SIGINT and SIGTERM on to the script's
 * process, which must therefore be this one: the script is `exec node --import tsx ...`, because the
 * `sh -c` that npm runs scripts with would otherwise take the signal itself (SIGTERM kills the shell
 * and leaves everything below it running; SIGINT is ignored while the shell waits). Should npm itself
 * die (SIGKILL), this process is handed to another parent, and stops the platform as well.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./platform/main.ts', import.meta.url));

const platform = spawn(
  process.execPath,
  ['--import', import.meta.resolve('tsx'), MAIN, ...process.argv.slice(2)],
  {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, GAME_PLATFORM_LAUNCHED_AT: String(Math.round(performance.timeOrigin)) },
  },
);

let lastForwarded = 0;
/**
 * Ctrl-C reaches this process once from the terminal and again from npm, which relays it: signals
 * within a second count as one stop request; a later one asks again.
 */
const forward = (signal: NodeJS.Signals) => {
  if (Date.now() - lastForwarded < 1000) return;
  lastForwarded = Date.now();
  if (platform.exitCode === null && platform.signalCode === null) platform.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);

/** The process that ran this one (npm); when it dies, this process is re-parented and its ppid changes. */
const launcher = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === launcher) return;
  clearInterval(orphaned);
  forward('SIGTERM');
}, 500).unref();

platform.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
platform.on('error', (error) => {
  console.error(`npm start: could not launch the platform process: ${error.message}`);
  process.exit(1);
});
