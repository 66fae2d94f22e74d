/**
 * The live round's rules and the guest player ids, as pure functions: taps at a human pace all
 * count, taps faster than the rule allows are rejected (abuse, not score) and the ceiling holds
 * whatever a script sends; a token verifies only unchanged and under the key that signed it.
 */
import { describe, expect, it } from 'vitest';
import { maxRoundScore, ROUND_DURATION_MS, startLiveRound, TAP_RULES } from '../src/domain/live-round';
import { createPlayerIdentity } from '../src/domain/player-identity';

const KEY = 'unit-test-player-id-signing-key-0123456789';

describe('live round rules', () => {
  it('counts every tap at a fast human pace (12 a second) for the whole round', () => {
    // Prepare
    const round = startLiveRound(1_000);

    // Act
    const outcomes = Array.from({ length: 120 }, (_, index) => round.tap(1_000 + index * (1000 / 12)));

    // Assess
    expect(outcomes.every((outcome) => outcome === 'counted')).toBe(true);
    expect(round.result()).toMatchObject({ score: 120, rejectedTaps: 0 });
  });

  it('rejects taps over the rule and never scores more than the ceiling, whatever is sent', () => {
    // Prepare
    const round = startLiveRound(0);

    // Act: 1,000 taps a second for the whole round
    for (let at = 0; at < ROUND_DURATION_MS; at += 1) round.tap(at);

    // Assess
    expect(maxRoundScore()).toBe(TAP_RULES.burst + TAP_RULES.perSecond * 10);
    expect(round.score).toBeLessThanOrEqual(maxRoundScore());
    expect(round.score).toBeGreaterThanOrEqual(maxRoundScore() - 1);
    expect(round.score + round.rejectedTaps).toBe(ROUND_DURATION_MS);
  });

  it('takes no tap on or after the end, by the server clock', () => {
    const round = startLiveRound(0);
    expect(round.tap(ROUND_DURATION_MS - 1)).toBe('counted');
    expect(round.tap(ROUND_DURATION_MS)).toBe('over');
    expect(round.result()).toEqual({ startedAt: 0, endedAt: ROUND_DURATION_MS, score: 1, rejectedTaps: 0 });
  });
});

describe('guest player ids', () => {
  it('verifies a token it issued, and refuses an altered id, an altered signature or another key', () => {
    // Prepare
    const identity = createPlayerIdentity(KEY);
    const { playerId, token } = identity.issue();
    const [id = '', signature = ''] = token.split('.');
    const swap = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;

    // Act / Assess
    expect(playerId).toMatch(/^guest:[A-Za-z0-9_-]{22}$/);
    expect(identity.verify(token)).toBe(playerId);
    expect(identity.verify(`${swap(id)}.${signature}`)).toBeUndefined();
    expect(identity.verify(`${id}.${swap(signature)}`)).toBeUndefined();
    expect(identity.verify(`${id}.`)).toBeUndefined();
    expect(createPlayerIdentity(`${KEY}-other`).verify(token)).toBeUndefined();
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createPlayerIdentity('short')).toThrow(
      'the player id signing key has 5 bytes; expected at least 32',
    );
  });
});
