/** Game events for tests and the benchmark: valid by construction, deterministic from their inputs. */
import { randomUUID } from 'node:crypto';
import type { GameEvent, MatchCompletedEvent, PlayerRegisteredEvent } from '@game-platform/shared/events';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 12, minute)).toISOString();

export const matchCompleted = (
  players: Array<{ playerId: string; score: number; placement: number }>,
  overrides: { id?: string; matchId?: string } = {},
): MatchCompletedEvent => ({
  id: overrides.id ?? randomUUID(),
  type: 'match.completed',
  version: 1,
  occurredAt: at(30),
  source: 'engine',
  payload: {
    matchId: overrides.matchId ?? randomUUID(),
    mode: 'ranked',
    startedAt: at(0),
    endedAt: at(25),
    players,
  },
});

export const playerRegistered = (
  playerId: string,
  displayName = `Player ${playerId}`,
  overrides: { id?: string; minute?: number } = {},
): PlayerRegisteredEvent => ({
  id: overrides.id ?? randomUUID(),
  type: 'player.registered',
  version: 1,
  occurredAt: at(overrides.minute ?? 1),
  source: 'engine',
  payload: { playerId, displayName, country: 'FR' },
});

/** `count` events: every fourth a registration, the others two-player matches among `players` players. */
export const eventMix = (count: number, players = 500): GameEvent[] =>
  Array.from({ length: count }, (_, i) => {
    const a = `p${i % players}`;
    const b = `p${(i * 7 + 3) % players}`;
    if (i % 4 === 0 || a === b) return playerRegistered(a);
    return matchCompleted([
      { playerId: a, score: (i % 97) * 10, placement: 1 },
      { playerId: b, score: (i % 89) * 5, placement: 2 },
    ]);
  });
