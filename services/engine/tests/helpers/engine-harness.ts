/**
 * The engine as the container runs it, for tests that need real processes: a local platform
 * (PostgreSQL, fauxqs), the bundle the image ships, and engines started against them, each on a free
 * port with exactly the environment given (nothing inherited). `stop` kills every engine started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@game-platform/local';
import { buildEngineApp, type EngineBundle } from '../../cli/image/build';
import { type EngineProcess, spawnEngine } from './engine-process';
import { type LocalPlatform, startLocalPlatform } from './local-platform';

export interface EngineHarness {
  platform: LocalPlatform;
  bundle: EngineBundle;
  /** Starts an engine with the platform's environment plus `extra`, and waits until it listens. */
  start(extra?: Record<string, string>): Promise<EngineProcess>;
  /** Kills every engine started so far and waits until each has exited (the platform keeps running). */
  killEngines(): Promise<void>;
  stop(): Promise<void>;
}

export const startEngineHarness = async (): Promise<EngineHarness> => {
  const platform = await startLocalPlatform();
  const bundle = await buildEngineApp(mkdtempSync(join(tmpdir(), 'engine-bundle-')));
  const running: EngineProcess[] = [];
  return {
    platform,
    bundle,
    start: async (extra = {}) => {
      const engine = await spawnEngine(bundle.outdir, {
        ...platform.env,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...extra,
      });
      running.push(engine);
      return engine;
    },
    killEngines: async () => {
      const started = running.splice(0);
      for (const engine of started) engine.child.kill('SIGKILL');
      await Promise.all(started.map((engine) => engine.exited));
    },
    stop: async () => {
      for (const engine of running) engine.child.kill('SIGKILL');
      await platform.stop();
      rmSync(bundle.outdir, { recursive: true, force: true });
    },
  };
};
