/**
 * `npm start` for end-to-end tests: a stage of its own, fresh data in a temporary folder and free
 * ports, waited for until it is ready; `stop()` interrupts it as Ctrl-C does and removes the data.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@game-platform/local';
import { stagePrefix } from '@game-platform/resources';
import { launchBrowser } from '@game-platform/testing/browser';
import type { Browser } from 'playwright-core';
import { launchStart, type StartProcess } from '../../src/platform/start-process';

export interface StartedPlatform {
  cli: StartProcess;
  dataDir: string;
  siteUrl: string;
  engineUrl: string;
  stop(): Promise<void>;
}

export const startOnFreePorts = async (stage: string): Promise<StartedPlatform> => {
  const dataDir = mkdtempSync(join(tmpdir(), `${stagePrefix(stage)}-`));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres and must enter it
  const ports = {
    postgres: await freePort(),
    sqs: await freePort(),
    engine: await freePort(),
    site: await freePort(),
  };
  const cli = launchStart([
    '--stage',
    stage,
    '--data-dir',
    dataDir,
    ...Object.entries(ports).flatMap(([part, port]) => [`--${part}-port`, String(port)]),
  ]);
  await cli.waitFor(/^ready in /, 120_000);
  return {
    cli,
    dataDir,
    siteUrl: `http://127.0.0.1:${ports.site}`,
    engineUrl: `http://127.0.0.1:${ports.engine}`,
    stop: async () => {
      if (cli.child.exitCode === null) {
        cli.interrupt();
        await Promise.race([cli.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** `npm start` on free ports and a headless browser to play through its local edge; `stop` ends both. */
export const startWithBrowser = async (
  stage: string,
): Promise<{ platform: StartedPlatform; browser: Browser; stop(): Promise<void> }> => {
  const platform = await startOnFreePorts(stage);
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await platform.stop();
    throw error;
  });
  return {
    platform,
    browser,
    stop: async () => {
      await browser.close();
      await platform.stop();
    },
  };
};
