/**
 * The home page's leaderboard, read from the engine through the same origin (`/api/leaderboard`,
 * CloudFront's `/api/*` behaviour): no CORS, no API host to configure. The engine lets the edge keep
 * an answer 5 s, so a crowd refreshing the page costs the engine almost nothing.
 */

export const LEADERBOARD_PATH = '/api/leaderboard?limit=10';

export interface LeaderboardEntry {
  rank: number;
  playerId: string;
  displayName: string | null;
  totalScore: number;
  matchesPlayed: number;
  wins: number;
}

const isEntryList = (value: unknown): value is LeaderboardEntry[] =>
  Array.isArray(value) &&
  value.every(
    (entry) =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as LeaderboardEntry).rank === 'number' &&
      typeof (entry as LeaderboardEntry).playerId === 'string' &&
      typeof (entry as LeaderboardEntry).totalScore === 'number',
  );

const row = (entry: LeaderboardEntry): HTMLTableRowElement => {
  const tr = document.createElement('tr');
  tr.dataset.playerId = entry.playerId;
  const cells = [
    String(entry.rank),
    entry.displayName ?? entry.playerId,
    String(entry.totalScore),
    String(entry.wins),
    String(entry.matchesPlayed),
  ];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
};

/**
 * Loads the leaderboard into `rows` and says how it went in `status`. Never throws: the page stays
 * usable (the forge works offline) when the API is down. Marks `<html data-leaderboard>` with the
 * outcome, for people debugging the page and for the browser tests.
 */
export const showLeaderboard = async (rows: HTMLElement, status: HTMLElement): Promise<void> => {
  const outcome = (state: 'loaded' | 'empty' | 'unavailable', text: string) => {
    status.textContent = text;
    document.documentElement.dataset.leaderboard = state;
  };
  try {
    const response = await fetch(LEADERBOARD_PATH, { headers: { accept: 'application/json' } });
    const body = response.ok ? ((await response.json()) as { entries?: unknown }) : undefined;
    if (!body || !isEntryList(body.entries)) {
      outcome('unavailable', 'The leaderboard is unavailable right now; try again in a moment.');
      return;
    }
    rows.replaceChildren(...body.entries.map(row));
    if (body.entries.length === 0) outcome('empty', 'No matches played yet: be the first!');
    else outcome('loaded', `Top ${body.entries.length}, updated every few seconds.`);
  } catch {
    outcome('unavailable', 'The leaderboard is unavailable right now; try again in a moment.');
  }
};
