/**
 * The players' path end to end, as players meet it: `npm start` (sandbox stage `alice`, fresh data,
 * free ports) and headless Chromium on the local edge, which routes the site and `/api/*` the way the
 * distribution does. Match results are posted the way a game server does, to the engine itself
 * (in AWS: from inside the VPC, never through the public edge). Proves:
 * - the home page shows the leaderboard it read from `/api/leaderboard` on its own origin;
 * - after a match result is posted, a refresh shows it within the engine's shared-cache TTL, and the
 *   refreshes before that were answered from the edge's cache (the engine saw none of them);
 * - a `POST /api/matches` through the edge is refused and never reaches the engine.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@game-platform/resources/paths';
import { until } from '@game-platform/testing/until';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithBrowser } from '../helpers/npm-start';

/** The engine's `Cache-Control: s-maxage` on the leaderboard (services/engine/src/http/routes.ts). */
const LEADERBOARD_TTL_MS = 5_000;

interface MatchResult {
  matchId: string;
  players: Array<{ playerId: string; score: number; placement: number }>;
  [key: string]: unknown;
}

const sample = JSON.parse(
  readFileSync(join(REPO_ROOT, 'services/engine/tests/events/http/match-result.json'), 'utf8'),
) as MatchResult;

/** A match result of the sample's shape with players of its own, so each test sees only its own. */
const matchWith = (tag: string): MatchResult => ({
  ...sample,
  matchId: randomUUID(),
  players: sample.players.map((player, index) => ({ ...player, playerId: `test:${tag}-p${index}` })),
});

let dataDir: string;
let started: Awaited<ReturnType<typeof startWithBrowser>>;
let siteUrl: string;
let engineUrl: string;
let browser: Browser;

/** Posts a match result straight to the engine, as a game server inside the VPC does. */
const postAsGameServer = async (match: MatchResult) => {
  const response = await fetch(`${engineUrl}/api/matches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(match),
  });
  expect(response.status).toBe(202);
};

/** Waits until the engine itself (no cache in between) lists these players; returns when it did. */
const engineLists = async (playerIds: string[]) => {
  const loggedBefore = engineRequests('GET', '/api/leaderboard').length;
  let probes = 0;
  const listedAt = await until('the engine to list the players', 20_000, async () => {
    const response = await fetch(`${engineUrl}/api/leaderboard?limit=100`);
    probes += 1; // answered, so the engine logs it
    const board = (await response.json()) as {
      entries: Array<{ playerId: string }>;
    };
    return playerIds.every((id) => board.entries.some((entry) => entry.playerId === id))
      ? performance.now()
      : undefined;
  });
  // The engine writes a request's access-log line when the response has gone: wait for the probes'
  // lines, so a test counting the engine's requests after this does not count a late probe as its own.
  await until("the engine's log of the probes", 5_000, async () =>
    engineRequests('GET', '/api/leaderboard').length >= loggedBefore + probes ? true : undefined,
  );
  return listedAt;
};

/** Loads (or reloads) the home page; returns the players shown and how the edge answered the leaderboard. */
const showHome = async (page: Page, reload: boolean) => {
  const leaderboard = page.waitForResponse((response) => response.url().includes('/api/leaderboard'));
  if (reload) await page.reload({ waitUntil: 'load' });
  else await page.goto(`${siteUrl}/`, { waitUntil: 'load' });
  const response = await leaderboard;
  await page.waitForSelector('html[data-leaderboard="loaded"], html[data-leaderboard="empty"]');
  const players = await page.$$eval('#leaderboard tr', (rows) =>
    rows.map((row) => row.getAttribute('data-player-id') ?? ''),
  );
  return { players, response };
};

/** The engine's access-log lines for a method and path (the engine logs every request it gets). */
const engineRequests = (method: string, path: string) =>
  readFileSync(join(dataDir, 'logs/engine.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"message":"request"'))
    .map((line) => JSON.parse(line) as { method: string; path: string })
    .filter((entry) => entry.method === method && entry.path === path);

beforeAll(async () => {
  started = await startWithBrowser('alice');
  ({ browser } = started);
  ({ dataDir, siteUrl, engineUrl } = started.platform);
}, 180_000);

afterAll(async () => started?.stop(), 60_000);

describe('the player edge under npm start', () => {
  it('shows the leaderboard on the home page, read from /api/leaderboard on the same origin', async () => {
    // Prepare: a finished match, on the engine's leaderboard
    const match = matchWith('first');
    const playerIds = match.players.map((player) => player.playerId);
    await postAsGameServer(match);
    await engineLists(playerIds);
    const page = await browser.newPage();
    try {
      // Act
      const { players, response } = await showHome(page, false);

      // Assess
      expect(response.url()).toBe(`${siteUrl}/api/leaderboard?limit=10`);
      expect(response.status()).toBe(200);
      expect(response.headers()['cache-control']).toBe('public, max-age=0, s-maxage=5');
      expect(players).toEqual(expect.arrayContaining(playerIds));
      // No player.registered event for them yet: the row names the player by id.
      expect(await page.textContent(`#leaderboard tr[data-player-id="${playerIds[0]}"]`)).toContain(
        `${playerIds[0]}${match.players[0]?.score}`,
      );
    } finally {
      await page.close();
    }
  }, 60_000);

  it('shows a new match result on a refresh within the cache TTL; until then the edge answers from its cache', async () => {
    // Prepare: the page is open and its leaderboard answer is now in the edge's cache
    const page = await browser.newPage();
    try {
      const before = await showHome(page, false);
      const match = matchWith('second');
      const playerIds = match.players.map((player) => player.playerId);
      const engineGetsBefore = engineRequests('GET', '/api/leaderboard').length;

      // Act: a game server posts the result; the player refreshes until it shows
      await postAsGameServer(match);
      const listedAt = await engineLists(playerIds);
      const engineGetsAfterListing = engineRequests('GET', '/api/leaderboard').length;
      const refreshes: Array<{ xCache: string | undefined; shown: boolean }> = [];
      let shownAt = 0;
      while (!shownAt) {
        const { players, response } = await showHome(page, true);
        const shown = playerIds.every((id) => players.includes(id));
        refreshes.push({ xCache: response.headers()['x-cache'], shown });
        if (shown) shownAt = performance.now();
        else if (performance.now() - listedAt > LEADERBOARD_TTL_MS + 2_000) break;
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }

      // Assess: shown within the TTL of the engine having it
      expect(before.players).not.toEqual(expect.arrayContaining(playerIds));
      expect(shownAt).toBeGreaterThan(0);
      expect(shownAt - listedAt).toBeLessThanOrEqual(LEADERBOARD_TTL_MS + 1_000);
      // Every refresh that still showed the old board came from the edge's cache, not the engine,
      // and the one that showed the result was the first to reach the engine again.
      expect(refreshes.filter((refresh) => !refresh.shown).map((refresh) => refresh.xCache)).toEqual(
        refreshes.filter((refresh) => !refresh.shown).map(() => 'Hit from cloudfront'),
      );
      expect(refreshes.at(-1)).toEqual({ xCache: 'Miss from cloudfront', shown: true });
      // The engine saw the page's leaderboard requests only on misses (its own probes above are direct).
      const pageGets = engineRequests('GET', '/api/leaderboard').length - engineGetsAfterListing;
      expect(pageGets).toBe(1);
      expect(engineGetsAfterListing).toBeGreaterThan(engineGetsBefore);
      console.log(
        `player edge: the result showed ${(shownAt - listedAt).toFixed(0)} ms after the engine listed it, after ${refreshes.length} refreshes (${refreshes.length - 1} from the edge's cache)`,
      );
    } finally {
      await page.close();
    }
  }, 60_000);

  it('refuses a POST /api/matches through the edge; the engine never receives it', async () => {
    // Prepare
    const page = await browser.newPage();
    try {
      await page.goto(`${siteUrl}/`, { waitUntil: 'load' });
      const postsBefore = engineRequests('POST', '/api/matches').length;

      // Act: the page's own origin, as a player's browser (or a script on it) would send it
      const status = await page.evaluate(
        async ([body]) =>
          (
            await fetch('/api/matches', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            })
          ).status,
        [JSON.stringify(matchWith('edge'))],
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      // Assess: the distribution's answer to a refused method (403 -> the site's not-found response)
      expect(status).toBe(404);
      expect(engineRequests('POST', '/api/matches')).toHaveLength(postsBefore);
    } finally {
      await page.close();
    }
  }, 60_000);
});
