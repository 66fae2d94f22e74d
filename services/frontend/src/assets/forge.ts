/** One timed round of the quick forge: taps count only while the round runs. */
export interface Round {
  /** Counts a tap made at `now` (ms); returns false once the round is over. */
  tap(now: number): boolean;
  score(): number;
  remainingMs(now: number): number;
}

export const createRound = (durationMs: number, startedAt: number): Round => {
  let taps = 0;
  const remainingMs = (now: number) => Math.max(0, startedAt + durationMs - now);
  return {
    tap: (now) => {
      if (remainingMs(now) <= 0) return false;
      taps += 1;
      return true;
    },
    score: () => taps,
    remainingMs,
  };
};
