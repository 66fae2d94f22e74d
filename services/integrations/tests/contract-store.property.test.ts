/**
 * The contract accepts only what the store can store: for any event, hostile or not, if the shared
 * contract accepts it, the real PostgreSQL event store applies it, and reads back the same instants
 * and the same display name. Events are generated (fast-check) from valid parts mixed with what
 * producers get wrong: dates that do not exist (31 February, year 0, hour 24), offsets PostgreSQL
 * refuses, sub-microsecond fractions, NUL and other control characters, unpaired surrogates, bidi
 * overrides, long grapheme clusters.
 */
import { randomUUID } from 'node:crypto';
import { parseGameEvent, timestampMicros } from '@game-platform/shared/events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEventStore } from '../src/postgres-event-store';
import { type GameDatabase, startGameDatabase } from './helpers/database';

let db: GameDatabase;

beforeAll(async () => {
  db = await startGameDatabase();
}, 60_000);
afterAll(async () => db?.stop());

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Timestamps: mostly well-formed, often impossible or out of range, sometimes anything at all. */
const timestamp = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .date({
        min: new Date('1999-12-31T00:00:00Z'),
        max: new Date('2100-01-02T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString()),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1999, max: 2101 })),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.integer({ min: 0, max: 61 }),
        fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
        offset: fc.oneof(
          fc.constant('Z'),
          fc
            .tuple(
              fc.constantFrom('+', '-'),
              fc.integer({ min: 0, max: 23 }),
              fc.integer({ min: 0, max: 59 }),
            )
            .map(([sign, hours, minutes]) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`),
        ),
      })
      .map(
        (t) =>
          `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${t.fraction === undefined ? '' : `.${t.fraction}`}${t.offset}`,
      ),
  },
  { weight: 1, arbitrary: fc.string() },
);

/** Text a player might type, and what an attacker or a broken client sends. */
const hostile = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\n',
  '\u202e',
  '\u2066',
  '\u200f',
  '\ud800',
  '\udc00',
  '\ufeff',
  '\uffff',
  'e\u0301',
  '👩‍👩‍👧‍👦',
  '🇫🇷',
  'a'.padEnd(40, '\u0301'),
  ' ',
);
const displayName = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 36 }),
  fc.string({ unit: 'binary', maxLength: 36 }),
  fc
    .array(fc.oneof(hostile, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 40 })
    .map((parts) => parts.join('')),
);

const players = fc.array(
  fc.record({
    playerId: fc.constantFrom('alice', 'bob', 'carol', 'dave'),
    score: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 1_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 ** 31 }) },
    ),
    placement: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 1001 }) },
    ),
  }),
  { minLength: 1, maxLength: 4 },
);

const candidate = fc.oneof(
  fc.record({
    type: fc.constant('match.completed' as const),
    occurredAt: timestamp,
    payload: fc.record({ mode: fc.constant('ranked'), startedAt: timestamp, endedAt: timestamp, players }),
  }),
  fc.record({
    type: fc.constant('player.registered' as const),
    occurredAt: timestamp,
    payload: fc.record({ displayName, country: fc.option(fc.constantFrom('FR', 'DE'), { nil: undefined }) }),
  }),
);

const micros = async (sql: string, id: string): Promise<string | undefined> => {
  const { rows } = await db.pool.query<{ at: string }>(sql, [id]);
  return rows[0]?.at;
};

describe('the event contract against the PostgreSQL store', () => {
  it('whatever the contract accepts, the store applies, with the same instants and text', async () => {
    const store = postgresEventStore(db.pool);
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(candidate, async (generated) => {
        // Fresh ids per run, so a replayed (shrunk) case is never a duplicate of an earlier one.
        const id = randomUUID();
        const playerId = `p-${randomUUID()}`;
        const payload =
          generated.type === 'match.completed'
            ? { ...generated.payload, matchId: randomUUID() }
            : { ...generated.payload, playerId };
        const parsed = parseGameEvent({ id, version: 1, source: 'engine', ...generated, payload });
        if (!parsed.ok) {
          refused += 1;
          return;
        }
        accepted += 1;
        const event = parsed.value;

        const applied = await store.applyEvents([event]);

        expect([...applied]).toEqual([id]);
        const epochMicros = (column: string, table: string, key: string) =>
          `SELECT (extract(epoch FROM ${column}) * 1000000)::bigint::text AS at FROM ${table} WHERE ${key} = $1`;
        expect(await micros(epochMicros('occurred_at', 'processed_events', 'event_id'), id)).toBe(
          timestampMicros(event.occurredAt)?.toString(),
        );
        if (event.type === 'match.completed') {
          const { matchId, startedAt, endedAt } = event.payload;
          expect(await micros(epochMicros('started_at', 'matches', 'match_id'), matchId)).toBe(
            timestampMicros(startedAt)?.toString(),
          );
          expect(await micros(epochMicros('ended_at', 'matches', 'match_id'), matchId)).toBe(
            timestampMicros(endedAt)?.toString(),
          );
        } else {
          const { rows } = await db.pool.query('SELECT display_name FROM players WHERE player_id = $1', [
            playerId,
          ]);
          expect(rows).toEqual([{ display_name: event.payload.displayName }]);
        }
      }),
      { numRuns: 1000 },
    );
    // The property says something only if both sides were exercised.
    console.log(`contract property: ${accepted} events accepted and applied, ${refused} refused`);
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  }, 120_000);

  it('refuses what the issue found PostgreSQL refusing, and names the field', () => {
    const base = {
      id: randomUUID(),
      type: 'match.completed',
      version: 1,
      occurredAt: '2026-11-26T12:00:00Z',
      source: 'engine',
    };
    const match = (startedAt: string) => ({
      ...base,
      payload: {
        matchId: randomUUID(),
        mode: 'ranked',
        startedAt,
        endedAt: '2026-11-26T12:30:00Z',
        players: [{ playerId: 'alice', score: 1, placement: 1 }],
      },
    });
    for (const startedAt of ['2026-02-31T00:00:00Z', '0000-01-01T00:00:00Z']) {
      expect(parseGameEvent(match(startedAt))).toMatchObject({
        ok: false,
        errors: [expect.stringMatching(/^payload\.startedAt: a real date and time from 2000-01-01/)],
      });
    }
    const registration = (displayName: string) => ({
      ...base,
      type: 'player.registered',
      payload: { playerId: 'alice', displayName },
    });
    expect(parseGameEvent(registration('Al\u0000ice'))).toMatchObject({
      ok: false,
      errors: ['payload.displayName: no control characters (NUL, tab, newline...)'],
    });
    expect(parseGameEvent(registration('\u202eecila'))).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^payload\.displayName: no bidirectional override/)],
    });
    // 32 family emoji are 32 characters a player sees (but 352 UTF-16 units): accepted up to the byte cap.
    expect(parseGameEvent(registration('👩‍👩‍👧‍👦'.repeat(10)))).toMatchObject({ ok: true });
    expect(parseGameEvent(registration('é'.repeat(32)))).toMatchObject({ ok: true });
    expect(parseGameEvent(registration('é'.repeat(33)))).toMatchObject({
      ok: false,
      errors: ['payload.displayName: a display name of at most 32 characters (as a player sees them)'],
    });
  });
});
