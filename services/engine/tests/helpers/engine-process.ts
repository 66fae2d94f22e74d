/** Runs the bundled engine (`main.mjs`) as a child process, the way the container runs it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface EngineProcess {
  child: ChildProcess;
  url: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /**
   * Resolves with the first log line whose message is `message` and that holds every field of
   * `fields` with the same value (rejects after `timeoutMs`).
   */
  logged(
    message: string,
    timeoutMs?: number,
    fields?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /** Exit code and when it happened (`performance.now()`). */
  exited: Promise<{ code: number | null; at: number }>;
}

/**
 * Starts `main.mjs` from `bundleDir` (or node with `args`) with exactly `env` (nothing inherited)
 * and waits until it listens.
 */
export const spawnEngine = async (
  bundleDir: string,
  env: Record<string, string>,
  {
    waitForListening = true,
    args = ['--enable-source-maps', join(bundleDir, 'main.mjs')],
    keepLogs = true,
  }: {
    waitForListening?: boolean;
    args?: string[];
    /**
     * false: once the engine listens, its log lines are drained unread. A benchmark's client must not
     * spend its CPU parsing the access log of the routes that write one (the engine's cost of writing
     * them stays in the figures, as in AWS, where another process reads them).
     */
    keepLogs?: boolean;
  } = {},
): Promise<EngineProcess> => {
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
  });
  const readLogs = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout?.on('data', readLogs);
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('close', (code) => {
      resolve({ code, at: performance.now() });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  const logged = (message: string, timeoutMs = 10_000, fields: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const deadline = setTimeout(
        () =>
          reject(
            new Error(
              `no "${message}" log with ${JSON.stringify(fields)} within ${timeoutMs} ms; logs: ${JSON.stringify(logs)}; stderr: ${stderr}`,
            ),
          ),
        timeoutMs,
      );
      const look = () => {
        const line = logs.find(
          (entry) =>
            entry.message === message && Object.entries(fields).every(([key, value]) => entry[key] === value),
        );
        if (line) {
          clearTimeout(deadline);
          resolve(line);
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(
            new Error(
              `engine exited (${child.exitCode}) before logging "${message}": ${JSON.stringify(logs)}`,
            ),
          );
        } else waiters.push(look);
      };
      look();
    });
  const url = `http://${env.HOST}:${env.PORT}`;
  if (waitForListening) await logged('listening');
  if (!keepLogs) {
    child.stdout?.off('data', readLogs);
    child.stdout?.resume();
  }
  return { child, url, logs, logged, exited };
};
