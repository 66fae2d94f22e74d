/**
 * `npm start` as a child process, for the end-to-end tests and the benchmark: the real `npm start`
 * (npm, its script shell, the launcher), in a process group of its own like a terminal job, with its
 * output collected as lines. `child` is the npm process, the one a supervisor would signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { repoPath } from '@game-platform/resources/paths';

export interface StartProcess {
  child: ChildProcess;
  /** stdout and stderr, line by line, as they arrive. */
  lines: string[];
  /** The first line matching `pattern`; rejects after `ms`, or when the process exits first. */
  waitFor(pattern: RegExp, ms: number): Promise<string>;
  /** Exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** What a terminal does on Ctrl-C: SIGINT to the whole process group. */
  interrupt(): void;
}

export const launchStart = (args: string[]): StartProcess => {
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    cwd: repoPath(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const wakers: Array<() => void> = [];
  const wake = () => {
    for (const waker of wakers.splice(0)) waker();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const complete = (partial + chunk.toString('utf8')).split('\n');
      partial = complete.pop() ?? '';
      lines.push(...complete);
      wake();
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
      wake();
    }),
  );
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${pattern} within ${ms} ms; output:\n${lines.join('\n')}`)),
        ms,
      );
      const look = () => {
        const line = lines.find((candidate) => pattern.test(candidate));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(
            new Error(
              `npm start exited (${child.exitCode ?? child.signalCode}) first; output:\n${lines.join('\n')}`,
            ),
          );
        } else wakers.push(look);
      };
      look();
    });
  const interrupt = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGINT');
  };
  return { child, lines, waitFor, exited, interrupt };
};
