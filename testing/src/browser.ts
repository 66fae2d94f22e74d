/**
 * Headless Chromium for page tests, with no browser download and no system package: the binary
 * ships inside the npm package `@sparticuz/chromium` (brotli-compressed, Linux x64/arm64) and is
 * unpacked once into `.local/chromium-<version>/` of this repository. Playwright (`playwright-core`,
 * which downloads nothing) drives it. Set CHROMIUM_PATH to use another Chromium or Chrome instead
 * (e.g. on macOS, where the shipped Linux binary cannot run).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Unpacks the shipped Chromium (once) and returns its path. */
const shippedChromium = async (): Promise<string> => {
  if (process.platform !== 'linux') {
    throw new Error(
      `@sparticuz/chromium ships a Linux binary; on ${process.platform} set CHROMIUM_PATH to a local Chrome or Chromium`,
    );
  }
  // The package exports no package.json: find its own (not build/*/package.json) above the entry point.
  const manifestOf = (dir: string): { name?: string; version?: string } =>
    existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) : {};
  let packageDir = dirname(require.resolve('@sparticuz/chromium'));
  while (manifestOf(packageDir).name !== '@sparticuz/chromium' && packageDir !== dirname(packageDir)) {
    packageDir = dirname(packageDir);
  }
  const { version = 'unknown' } = manifestOf(packageDir);
  const dir = fileURLToPath(new URL(`../../../../.local/chromium-${version}`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  // The package unpacks into os.tmpdir(); point it at our own folder so that no other checkout's
  // (or another version's) binary in /tmp is picked up by mistake.
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const { default: Chromium } = await import('@sparticuz/chromium');
    return await Chromium.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
};

/** Flags for a headless browser that talks only to the local server (no sandbox as root, no background traffic). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const launchBrowser = async (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (await shippedChromium()),
    args: ARGS,
    headless: true,
    timeout: 60_000,
  });
