/** The leaderboard: the best players by total score, read from what the consumer has recorded. */
import type { LeaderboardRow } from './ports';

export const LEADERBOARD_LIMIT = { default: 10, max: 100 } as const;

export interface LeaderboardQuery {
  limit: number;
}

export type LeaderboardQueryResult = { ok: true; value: LeaderboardQuery } | { ok: false; errors: string[] };

/** Validates `?limit=N` (1-100, default 10); any other parameter is an error, not silently ignored. */
export const parseLeaderboardQuery = (params: URLSearchParams): LeaderboardQueryResult => {
  const errors: string[] = [];
  for (const key of new Set(params.keys()))
    if (key !== 'limit') errors.push(`${key}: unknown query parameter; expected only limit`);
  const all = params.getAll('limit');
  let limit: number = LEADERBOARD_LIMIT.default;
  if (all.length > 1) errors.push(`limit: given ${all.length} times; expected it at most once`);
  else if (all.length === 1) {
    const text = all[0] ?? '';
    limit = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (!(limit >= 1 && limit <= LEADERBOARD_LIMIT.max))
      errors.push(`limit: "${text}" is not allowed; expected an integer from 1 to ${LEADERBOARD_LIMIT.max}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { limit } };
};

export interface LeaderboardEntry extends LeaderboardRow {
  /** 1 for the best player; players with equal scores get consecutive ranks in player-id order. */
  rank: number;
}

/** The first `limit` rows, ranked from 1. */
export const rankLeaderboard = (
  rows: readonly LeaderboardRow[],
  { limit }: LeaderboardQuery,
): LeaderboardEntry[] => rows.slice(0, limit).map((row, index) => ({ rank: index + 1, ...row }));
