/** The game-event contract: valid events parse; invalid ones get one plain line per field. */
import { describe, expect, it } from 'vitest';
import { matchCompletedEvent, parseGameEventJson } from '../src/events';

const meta = {
  id: '8d4c8ce8-4c9e-4f02-a6a9-0e0a69939449',
  occurredAt: '2026-11-27T01:20:00Z',
  source: 'engine',
};
const match = {
  matchId: '5b1c1f5e-8a0a-4c8b-9a5e-2f3d4c5b6a7e',
  mode: 'ranked',
  startedAt: '2026-11-27T01:00:00Z',
  endedAt: '2026-11-27T01:20:00Z',
  players: [
    { playerId: 'alice', score: 120, placement: 1 },
    { playerId: 'bob', score: 80, placement: 2 },
  ],
};

describe('game events', () => {
  it('wraps a valid match result in a match.completed v1 envelope', () => {
    expect(matchCompletedEvent(match, meta)).toEqual({
      ok: true,
      value: { ...meta, type: 'match.completed', version: 1, payload: match },
    });
  });

  it('names missing and unknown fields in plain words', () => {
    const { mode: _mode, ...withoutMode } = match;
    expect(matchCompletedEvent({ ...withoutMode, map: 'dust' }, meta)).toEqual({
      ok: false,
      errors: ['payload.mode: is required', 'payload.map: is not a known field; remove it'],
    });
  });

  it('rejects a player listed twice and an end before the start', () => {
    const result = matchCompletedEvent(
      { ...match, endedAt: '2026-11-27T00:00:00Z', players: [match.players[0], match.players[0]] },
      meta,
    );
    expect(result).toEqual({
      ok: false,
      errors: ['payload.players: each player at most once', 'payload: endedAt must not be before startedAt'],
    });
  });

  it('refuses a body that is not JSON, saying so', () => {
    expect(parseGameEventJson('{not json')).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^\(body\): not JSON/)],
    });
  });

  it('refuses an unknown event type or version', () => {
    const body = JSON.stringify({ ...meta, type: 'match.completed', version: 2, payload: match });
    expect(parseGameEventJson(body)).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^version: /)],
    });
  });
});
