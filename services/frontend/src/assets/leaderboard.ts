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

export const isEntryList = (value: unknown): value is LeaderboardEntry[] =>
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
 * Shows `entries` in `rows` and says so in `status`. Marks `<html data-leaderboard>` with the
 * outcome and `data-leaderboard-source` with where it came from (`fetch`, or `live` when the engine
 * pushed it), for people debugging the page and for the browser tests.
 */
export const renderLeaderboard = (
  rows: HTMLElement,
  status: HTMLElement,
  entries: LeaderboardEntry[],
  source: 'fetch' | 'live',
): void => {
  rows.replaceChildren(...entries.map(row));
  status.textContent =
    entries.length === 0
      ? 'No matches played yet: be the first!'
      : `Top ${entries.length}, ${source === 'live' ? 'live' : 'updated every few seconds'}.`;
  document.documentElement.dataset.leaderboard = entries.length === 0 ? 'empty' : 'loaded';
  document.documentElement.dataset.leaderboardSource = source;
};

/**
 * Loads the leaderboard into `rows` and says how it went in `status`. Never throws: the page stays
 * usable (the forge works offline) when the API is down.
 */
export const showLeaderboard = async (rows: HTMLElement, status: HTMLElement): Promise<void> => {
  const unavailable = () => {
    status.textContent = 'The leaderboard is unavailable right now; try again in a moment.';
    document.documentElement.dataset.leaderboard = 'unavailable';
  };
  try {
    const response = await fetch(LEADERBOARD_PATH, { headers: { accept: 'application/json' } });
    const body = response.ok ? ((await response.json()) as { entries?: unknown }) : undefined;
    if (!body || !isEntryList(body.entries)) return unavailable();
    renderLeaderboard(rows, status, body.entries, 'fetch');
  } catch {
    unavailable();
  }
};
