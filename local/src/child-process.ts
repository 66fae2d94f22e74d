/**
 * The local platform's child processes (the engine, the consumer's runtime): output to a log file,
 * an exit that is reported rather than silent, and a stop that always ends with the process gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { finishesWithin } from './lifecycle';

export interface ChildPartProcess {
  child: ChildProcess;
  /** Resolves with how the process ended, whenever it does. */
  exited: Promise<string>;
  /** Sends `signal`, waits up to `graceMs`, then SIGKILL; resolves once the process is gone. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

export interface SpawnPartOptions {
  args: string[];
  /** The whole environment: nothing is inherited, so the process sees only what it would see deployed. */
  env: Record<string, string>;
  /** stdout and stderr go here (truncated on start, so each run's log is its own). */
  logFile: string;
  /** Opens an IPC channel (`process.send` in the child). */
  ipc?: boolean;
  cwd?: string;
}

const howItEnded = (code: number | null, signal: NodeJS.Signals | null): string =>
  signal ? `killed by ${signal}` : `exited with code ${code}`;

/** Spawns `node <args>` with its output in `logFile`. */
export const spawnPartProcess = (options: SpawnPartOptions): ChildPartProcess => {
  const log = openSync(options.logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, options.args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', log, log, ...(options.ipc ? (['ipc'] as const) : [])],
    });
  } finally {
    closeSync(log); // the child has its own copy of the descriptor
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(howItEnded(code, signal)));
    child.once('error', (error) => resolve(`could not run: ${error.message}`));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
  return {
    child,
    exited,
    stop: async (signal, graceMs) => {
      if (gone()) return;
      child.kill(signal);
      if (!(await finishesWithin(exited, graceMs))) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
};

/** The last `lines` lines of a log file, indented, to show why a part failed. */
export const logTail = (file: string, lines = 8): string => {
  if (!existsSync(file)) return '';
  const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  return tail.length && tail[0] !== '' ? tail.map((line) => `     | ${line}`).join('\n') : '';
};
