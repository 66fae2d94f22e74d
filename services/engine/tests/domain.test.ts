/**
 * Unit tests of the domain functions with in-memory implementations of their ports (no network):
 * what is published for which input, and how readiness treats a dependency that never answers.
 */
import type { GameEvent } from '@game-platform/shared/events';
import { describe, expect, it } from 'vitest';
import { LEADERBOARD_LIMIT, parseLeaderboardQuery } from '../src/domain/leaderboard';
import { type AcceptMatchResultDependencies, acceptMatchResult } from '../src/domain/match-results';
import { checkReadiness } from '../src/domain/readiness';
import { loadEvent } from './helpers/events';

const recordingPublisher = (failWith?: Error) => {
  const published: GameEvent[] = [];
  const keys = new Map<string, string>();
  const dependencies: AcceptMatchResultDependencies = {
    publisher: {
      publish: async (event) => {
        if (failWith) throw failWith;
        published.push(event);
      },
    },
    requestKeys: {
      claim: async (key, fingerprint) => {
        if (!keys.has(key)) keys.set(key, fingerprint);
        return keys.get(key) ?? fingerprint;
      },
    },
    source: 'engine',
    now: () => new Date('2026-11-26T12:30:00Z'),
    newEventId: () => 'c3d2e1f0-0000-4000-8000-000000000001',
  };
  return { published, dependencies };
};

describe('acceptMatchResult', () => {
  it('publishes one event with a fresh id, or the client key (lowercased) when one is given', async () => {
    // Prepare
    const { published, dependencies } = recordingPublisher();
    const match = loadEvent('http', 'match-result');

    // Act
    const fresh = await acceptMatchResult(match, undefined, dependencies);
    const keyed = await acceptMatchResult(match, 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D', dependencies);

    // Assess
    expect([fresh.outcome, keyed.outcome]).toEqual(['accepted', 'accepted']);
    expect(published.map((event) => event.id)).toEqual([
      'c3d2e1f0-0000-4000-8000-000000000001',
      'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    ]);
    expect(published[0]).toMatchObject({ type: 'match.completed', occurredAt: '2026-11-26T12:30:00.000Z' });
  });

  it('publishes nothing for an invalid result and names fields as the request spells them', async () => {
    // Prepare
    const { published, dependencies } = recordingPublisher();

    // Act
    const wholeBody = await acceptMatchResult(null, undefined, dependencies);
    const crossField = await acceptMatchResult(
      { ...(loadEvent('http', 'match-result') as object), endedAt: '2026-11-26T11:00:00Z' },
      undefined,
      dependencies,
    );

    // Assess
    expect(wholeBody).toEqual({
      outcome: 'invalid',
      errors: ['(body): Invalid type: Expected Object but received null'],
    });
    expect(crossField).toEqual({
      outcome: 'invalid',
      errors: ['(body): endedAt must not be before startedAt'],
    });
    expect(published).toEqual([]);
  });

  it('reports a publish failure as unavailable, with the event id the client should retry with', async () => {
    // Prepare
    const failure = new Error('queue down');
    const { dependencies } = recordingPublisher(failure);

    // Act
    const result = await acceptMatchResult(loadEvent('http', 'match-result'), undefined, dependencies);

    // Assess
    expect(result).toEqual({
      outcome: 'unavailable',
      eventId: 'c3d2e1f0-0000-4000-8000-000000000001',
      dependency: 'queue',
      cause: failure,
    });
  });

  it('refuses a used Idempotency-Key with another result and publishes nothing for it; a retry is accepted', async () => {
    // Prepare
    const { published, dependencies } = recordingPublisher();
    const match = loadEvent('http', 'match-result') as { players: Array<{ score: number }> };
    const key = '0b7e4c2a-9d3f-4a51-b8e6-7c2d1f0a9e34';
    const reordered = Object.fromEntries(Object.entries(match).reverse());
    const changed = {
      ...match,
      players: match.players.map((player) => ({ ...player, score: player.score + 1 })),
    };

    // Act
    const first = await acceptMatchResult(match, key, dependencies);
    const retry = await acceptMatchResult(reordered, key.toUpperCase(), dependencies);
    const reused = await acceptMatchResult(changed, key, dependencies);

    // Assess
    expect([first.outcome, retry.outcome]).toEqual(['accepted', 'accepted']);
    expect(reused).toEqual({ outcome: 'key-reused', eventId: key });
    expect(published.map((event) => event.id)).toEqual([key, key]);
  });
});

describe('parseLeaderboardQuery', () => {
  it('defaults to the top 10 and accepts limits from 1 to 100', () => {
    // Act
    const results = ['', 'limit=1', 'limit=100'].map((query) =>
      parseLeaderboardQuery(new URLSearchParams(query)),
    );

    // Assess
    expect(results).toEqual([
      { ok: true, value: { limit: LEADERBOARD_LIMIT.default } },
      { ok: true, value: { limit: 1 } },
      { ok: true, value: { limit: 100 } },
    ]);
  });

  it('refuses signs, decimals and padding that Number() would accept', () => {
    // Act
    const results = ['limit=+5', 'limit=5.0', 'limit= 5', 'limit=1e1', 'limit='].map(
      (query) => parseLeaderboardQuery(new URLSearchParams(query)).ok,
    );

    // Assess
    expect(results).toEqual([false, false, false, false, false]);
  });
});

describe('checkReadiness', () => {
  it('reports a dependency that does not answer within the deadline as unavailable, the others as ok', async () => {
    // Prepare
    const probes = [
      { name: 'database', ping: async () => {} },
      { name: 'queue', ping: () => new Promise<void>(() => {}) },
    ];

    // Act
    const readiness = await checkReadiness(probes, 50);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.checks).toEqual({ database: 'ok', queue: 'unavailable' });
    expect(String(readiness.failures.queue)).toContain('no answer within 50 ms');
  });
});
