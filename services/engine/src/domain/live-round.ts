/**
 * The rules of a live "Quick forge" round, played against the server's clock: the engine starts the
 * round, counts the taps it receives while the round runs, and ends it itself. Nothing the browser
 * says about time or score is believed.
 *
 * Inhuman tap rates. The fastest people tap a button about 14-16 times a second for a few seconds
 * (rapid-tapping records; a typical player manages 6-10). Taps are admitted by a token bucket:
 * `TAP_RULES.perSecond` = 20 taps a second sustained, with a burst of `TAP_RULES.burst` = 5, because
 * the network delivers a human's evenly spaced taps in clumps (a delayed packet arrives with the next
 * ones). A tap over the bucket is rejected and counted as abuse, never as score; so a 10-second round
 * scores at most `maxRoundScore()` = 5 + 20 x 10 = 205 whatever a script sends.
 */

export const ROUND_DURATION_MS = 10_000;

export const TAP_RULES = { perSecond: 20, burst: 5 } as const;

/** The most a round can score under the rules: the burst plus the sustained rate for the whole round. */
export const maxRoundScore = (durationMs: number = ROUND_DURATION_MS): number =>
  TAP_RULES.burst + Math.floor((TAP_RULES.perSecond * durationMs) / 1000);

export type TapOutcome = 'counted' | 'rejected' | 'over';

export interface LiveRoundResult {
  startedAt: number;
  endedAt: number;
  /** Taps counted: the score. */
  score: number;
  /** Taps over the human rate: abuse, not score. */
  rejectedTaps: number;
}

export interface LiveRound {
  readonly startedAt: number;
  readonly endsAt: number;
  /** A tap received at `now` (server clock, ms). */
  tap(now: number): TapOutcome;
  readonly score: number;
  readonly rejectedTaps: number;
  result(): LiveRoundResult;
}

/** A round starting at `startedAt` (ms, the server's clock) and lasting `durationMs`. */
export const startLiveRound = (startedAt: number, durationMs: number = ROUND_DURATION_MS): LiveRound => {
  const endsAt = startedAt + durationMs;
  let tokens: number = TAP_RULES.burst;
  let refilledAt = startedAt;
  let score = 0;
  let rejectedTaps = 0;
  return {
    startedAt,
    endsAt,
    tap(now) {
      if (now >= endsAt || now < startedAt) return 'over';
      tokens = Math.min(TAP_RULES.burst, tokens + ((now - refilledAt) * TAP_RULES.perSecond) / 1000);
      refilledAt = now;
      if (tokens < 1) {
        rejectedTaps += 1;
        return 'rejected';
      }
      tokens -= 1;
      score += 1;
      return 'counted';
    },
    get score() {
      return score;
    },
    get rejectedTaps() {
      return rejectedTaps;
    },
    result: () => ({ startedAt, endedAt: endsAt, score, rejectedTaps }),
  };
};
