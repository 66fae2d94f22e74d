/**
 * The built site in a real headless Chromium, served by the local stand-in for the distribution
 * (root object, 404 page with status 404, security headers, the release's cache headers): the pages
 * render, their script runs without console errors, and every file they reference loads. No engine
 * runs behind this edge, so the home page's leaderboard request gets CloudFront's 502 and the page
 * says so and stays usable (the leaderboard with an engine: tools/tests/platform/player-edge.e2e.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import { stageProfiles } from '@game-platform/shared/profiles';
import { launchBrowser } from '@game-platform/testing/browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../cli/release/build';
import { SITE_SOURCES } from '../cli/release/paths';
import { type LocalSiteServer, startLocalSiteServer } from '../local/site-server';
import { siteBehaviour } from '../stack/site-behaviour';

let dist: string;
let server: LocalSiteServer;
let browser: Browser;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'game-site-dist-'));
  await buildSite(SITE_SOURCES, dist);
  server = await startLocalSiteServer({ root: dist, behaviour: siteBehaviour(stageProfiles.dev.frontend) });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dist, { recursive: true, force: true });
});

interface Visit {
  page: Page;
  status: number | undefined;
  headers: Record<string, string>;
  consoleErrors: string[];
  /** Every request the page made after the document, with its response status. */
  loads: Array<{ url: string; status: number | undefined }>;
}

const visit = async (path: string): Promise<Visit> => {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const loads: Visit['loads'] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest())
      loads.push({ url: response.url(), status: response.status() });
  });
  page.on('requestfailed', (request) => loads.push({ url: request.url(), status: undefined }));
  const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  return { page, status: response?.status(), headers: response?.headers() ?? {}, consoleErrors, loads };
};

/** The leaderboard request, made by the page's script rather than its markup. */
const LEADERBOARD_REQUEST = '/api/leaderboard';

const pathsOf = (loads: Visit['loads']) =>
  loads
    .map((load) => new URL(load.url).pathname)
    .filter((path) => path !== LEADERBOARD_REQUEST)
    .sort();

/** Every file the page's markup references (stylesheets, icons, scripts, images), as paths. */
const referencedFiles = async (page: Page): Promise<string[]> => {
  const elements = await page.locator('link[href], script[src], img[src]').all();
  const references = await Promise.all(
    elements.map(
      async (element) => (await element.getAttribute('href')) ?? (await element.getAttribute('src')),
    ),
  );
  return references.map((reference) => new URL(reference ?? '', page.url()).pathname).sort();
};

/**
 * Asserts that each referenced file was loaded with status 200. Headless Chromium never fetches
 * icons, so a referenced icon is requested through the page's own HTTP client instead.
 */
const expectAllReferencedFilesLoad = async (page: Page, loads: Visit['loads']) => {
  const loaded = new Map(loads.map((load) => [new URL(load.url).pathname, load.status]));
  const referenced = await referencedFiles(page);
  expect(referenced.length).toBeGreaterThan(0);
  for (const path of referenced) {
    const status = loaded.get(path) ?? (await page.request.get(`${server.url}${path}`)).status();
    expect({ path, status }).toEqual({ path, status: 200 });
  }
  // Nothing was loaded that the markup (or the stylesheet it references) did not ask for.
  for (const path of pathsOf(loads)) expect(referenced).toContain(path);
};

describe('the site in a browser', () => {
  it('renders the home page at "/", runs its script with no console error but the 502 of the absent engine, and loads every asset', async () => {
    // Act
    const { page, status, headers, consoleErrors, loads } = await visit('/');
    // Assess
    expect(status).toBe(200);
    expect(await page.textContent('h1')).toBe('Skyforge Arena');
    await page.waitForSelector('html[data-ready="true"]');
    expect(await page.locator('#news li').count()).toBe(3);
    // With no engine behind the edge, the leaderboard says it is unavailable; the page still works.
    await page.waitForSelector('html[data-leaderboard="unavailable"]');
    expect(await page.textContent('#leaderboard-status')).toBe(
      'The leaderboard is unavailable right now; try again in a moment.',
    );
    expect(loads).toContainEqual({ url: `${server.url}/api/leaderboard?limit=10`, status: 502 });
    // Evaluated in the page (DOM expressions as strings: this test's own code is typed for Node).
    expect(await page.evaluate("document.querySelector('.hero__logo').complete")).toBe(true);
    expect(await page.evaluate("document.querySelector('.hero__logo').naturalWidth")).toBeGreaterThan(0);
    // The stylesheet applied: the primary button is styled, not the browser default.
    expect(await page.evaluate("getComputedStyle(document.getElementById('start')).borderRadius")).toBe(
      '8px',
    );
    // ...and its live channel cannot open (the edge answers 502 as CloudFront does): the page is offline.
    await page.waitForSelector('html[data-live="offline"]');
    // The leaderboard's fetch and the live channel start together: their errors come in either order.
    const leaderboardError = `Failed to load resource: the server responded with a status of 502 (Bad Gateway) (${server.url}/api/leaderboard?limit=10)`;
    expect(consoleErrors).toContain(leaderboardError);
    expect(
      new Set(
        consoleErrors
          .filter((error) => error !== leaderboardError)
          .map((error) => error.replace(/ \(http[^)]*\)$/, '')),
      ),
    ).toEqual(
      new Set([
        `WebSocket connection to '${server.url.replace('http:', 'ws:')}/api/live' failed: Error during WebSocket handshake: Unexpected response code: 502`,
      ]),
    );
    expect(await referencedFiles(page)).toEqual([
      expect.stringMatching(/^\/assets\/logo-[A-Z0-9]{8}\.svg$/),
      expect.stringMatching(/^\/assets\/main-[A-Z0-9]{8}\.js$/),
      expect.stringMatching(/^\/assets\/styles-[A-Z0-9]{8}\.css$/),
      '/favicon.svg',
    ]);
    await expectAllReferencedFilesLoad(page, loads);
    expect(headers).toMatchObject({ ...MANAGED_SECURITY_HEADERS, 'cache-control': 'no-cache' });
    await page.close();
  });

  it('plays a round of the quick forge: taps count while the round runs', async () => {
    const { page, consoleErrors } = await visit('/');
    await page.waitForSelector('html[data-ready="true"]');

    await page.click('#start');
    for (let tap = 0; tap < 3; tap++) await page.click('#crystal');

    expect(await page.textContent('#score')).toBe('3');
    // No engine behind the edge: the round is played in the browser and says it is not saved.
    expect(await page.textContent('#status')).toBe('Forge! (offline: this round is not saved)');
    expect(await page.isDisabled('#start')).toBe(true);
    expect(
      consoleErrors.filter((error) => !error.includes(LEADERBOARD_REQUEST) && !error.includes('/api/live')),
    ).toEqual([]);
    await page.close();
  });

  it('answers an unknown path with the 404 page and status 404, whose assets load too', async () => {
    const { page, status, headers, consoleErrors, loads } = await visit('/levels/no-such-level');

    expect(status).toBe(404);
    expect(await page.textContent('h1')).toBe('Lost in the clouds');
    expect(await page.getAttribute('a.button', 'href')).toBe('/');
    expect(headers).toMatchObject(MANAGED_SECURITY_HEADERS);
    // The only error Chromium reports is the document's own 404, which is the point.
    expect(consoleErrors).toEqual([
      `Failed to load resource: the server responded with a status of 404 (Not Found) (${server.url}/levels/no-such-level)`,
    ]);
    await expectAllReferencedFilesLoad(page, loads);
    await page.close();
  });
});
