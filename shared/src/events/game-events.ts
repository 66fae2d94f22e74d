/**
 * The game-event contract: what producers (the engine, external systems) send to the events
 * queue and what the consumer accepts. One definition, imported by both; the TypeScript types
 * are derived from the schemas, so code and validation cannot drift apart.
 *
 * Versioning: `type` + `version` select the payload schema. A breaking change to a payload adds a
 * new version next to the old one; consumers accept every version they list here until producers
 * have moved on.
 *
 * valibot keeps this small in a Lambda bundle (only the validators used are bundled).
 */
import * as v from 'valibot';

/** Player ids come from external identity providers, so they are opaque strings, not UUIDs. */
export const PlayerId = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a player id of 1-64 letters, digits or _.:-'),
);

/**
 * Timestamps the store keeps exactly as the contract reads them. RFC 3339 with `T`, seconds, at most
 * six fractional digits (PostgreSQL keeps microseconds and would round a seventh, which could reorder
 * two instants) and an offset of at most 14 hours (the widest in use; PostgreSQL refuses past 15:59).
 * The date must exist (no 31 February) and lie in `TIMESTAMP_RANGE`: a game event from year 0 or 9999
 * is a producer's bug, and PostgreSQL has no year 0 at all.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The instants the contract accepts: from 2000-01-01 up to (not including) 2100-01-01, UTC. */
export const TIMESTAMP_RANGE = { from: '2000-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z' } as const;
const RANGE_MS = { from: Date.parse(TIMESTAMP_RANGE.from), until: Date.parse(TIMESTAMP_RANGE.until) };

/**
 * The instant a timestamp names, in microseconds since 1970, as a Number: exact, because every
 * instant of `TIMESTAMP_RANGE` is below 2^53 microseconds (2100 is 4.1e15). `undefined` when the
 * text is not a real date and time in the contract's format. Validation calls it on every timestamp
 * of every event, so it allocates only the regular expression's match and one Date (no BigInt).
 */
const instantMicros = (text: string): number | undefined => {
  const parts = RFC3339.exec(text);
  if (!parts) return undefined;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const hour = Number(parts[4]);
  const minute = Number(parts[5]);
  const second = Number(parts[6]);
  const sign = parts[8] === '-' ? -1 : 1;
  const offsetHours = Number(parts[9] ?? 0);
  const offsetMinutes = Number(parts[10] ?? 0);
  if (offsetHours > 14 || offsetMinutes > 59 || (offsetHours === 14 && offsetMinutes > 0)) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: a date that does not round-trip does not exist.
  const back = new Date(local);
  const exists =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  if (!exists) return undefined;
  const utc = local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (utc < RANGE_MS.from || utc >= RANGE_MS.until) return undefined;
  return utc * 1000 + Number((parts[7] ?? '').padEnd(6, '0'));
};

/**
 * The instant a timestamp names, in microseconds since 1970 (what PostgreSQL's timestamptz holds), or
 * `undefined` when the text is not a real date and time in the contract's format.
 */
export const timestampMicros = (text: string): bigint | undefined => {
  const micros = instantMicros(text);
  return micros === undefined ? undefined : BigInt(micros);
};

const Timestamp = v.pipe(
  v.string(),
  v.check(
    (text) => instantMicros(text) !== undefined,
    `a real date and time from ${TIMESTAMP_RANGE.from.slice(0, 10)} to before ${TIMESTAMP_RANGE.until.slice(0, 10)}, as RFC 3339 with a time zone and at most 6 decimals, e.g. 2026-11-26T12:00:00Z`,
  ),
);

const Uuid = v.pipe(v.string(), v.uuid('a UUID'));

export const MatchCompletedV1 = v.pipe(
  v.strictObject({
    matchId: Uuid,
    /** Game mode, e.g. `ranked`, `casual`. */
    mode: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9-]{1,32}$/, 'a game mode of 1-32 lowercase letters, digits or hyphens'),
    ),
    startedAt: Timestamp,
    endedAt: Timestamp,
    players: v.pipe(
      v.array(
        v.strictObject({
          playerId: PlayerId,
          score: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000)),
          /** 1 = winner. */
          placement: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
        }),
      ),
      v.minLength(1, 'at least one player'),
      v.maxLength(100, 'at most 100 players'),
      v.check(
        (players) => new Set(players.map((p) => p.playerId)).size === players.length,
        'each player at most once',
      ),
    ),
  }),
  v.check(
    (match) => (instantMicros(match.endedAt) ?? 0) >= (instantMicros(match.startedAt) ?? 0),
    'endedAt must not be before startedAt',
  ),
);

export const PlayerRegisteredV1 = v.strictObject({
  playerId: PlayerId,
  displayName: v.pipe(
    v.string(),
    v.trim(),
    // With the u flag a paired surrogate is one code point, so \p{Cs} finds only unpaired ones.
    v.regex(/^\P{Cs}*$/u, 'text without unpaired surrogates (PostgreSQL stores only whole characters)'),
    v.regex(/^\P{Cc}*$/u, 'no control characters (NUL, tab, newline...)'),
    v.regex(
      /^[^\u202A-\u202E\u2066-\u2069]*$/,
      'no bidirectional override or isolate characters (U+202A-U+202E, U+2066-U+2069): they make a name read backwards',
    ),
    v.minGraphemes(1, 'a display name of 1-32 characters'),
    v.maxGraphemes(32, 'a display name of at most 32 characters (as a player sees them)'),
    // 32 characters can still be megabytes (one letter with thousands of combining marks).
    v.maxBytes(256, 'a display name of at most 256 bytes in UTF-8'),
  ),
  /** ISO 3166-1 alpha-2 country code. */
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'a two-letter country code such as "FR"'))),
});

/** Who produced an event (`source`), e.g. `engine` or `partner:steam`; producers check their own name against it at start. */
export const EVENT_SOURCE_PATTERN = /^[a-z0-9:-]{1,64}$/;

const envelope = <TType extends string, TVersion extends number, TPayload extends v.GenericSchema>(
  type: TType,
  version: TVersion,
  payload: TPayload,
) =>
  v.strictObject({
    /** Unique per event; the consumer's idempotency key. Redelivered messages carry the same id. */
    id: Uuid,
    type: v.literal(type),
    version: v.literal(version),
    occurredAt: Timestamp,
    /** Who produced the event, e.g. `engine` or `partner:steam`. */
    source: v.pipe(v.string(), v.regex(EVENT_SOURCE_PATTERN, 'a producer name such as "engine"')),
    payload,
  });

export const GameEventSchema = v.variant('type', [
  envelope('match.completed', 1, MatchCompletedV1),
  envelope('player.registered', 1, PlayerRegisteredV1),
]);

export type GameEvent = v.InferOutput<typeof GameEventSchema>;
export type MatchCompletedEvent = Extract<GameEvent, { type: 'match.completed' }>;
export type PlayerRegisteredEvent = Extract<GameEvent, { type: 'player.registered' }>;
export type MatchCompleted = v.InferOutput<typeof MatchCompletedV1>;
export type PlayerRegistered = v.InferOutput<typeof PlayerRegisteredV1>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const formatIssues = (issues: readonly v.BaseIssue<unknown>[]) =>
  issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
    // valibot's own words for object keys ("Invalid key: Expected ...") become plain ones.
    const isObjectKey = issue.type === 'strict_object' || issue.type === 'object';
    if (isObjectKey && issue.expected === 'never') return `${path}: is not a known field; remove it`;
    if (isObjectKey && issue.input === undefined && path) return `${path}: is required`;
    return `${path || '(event)'}: ${issue.message}`;
  });

/** Validates an already-parsed value as a game event; errors name each field and what was expected. */
export const parseGameEvent = (input: unknown): ParseResult<GameEvent> => {
  const result = v.safeParse(GameEventSchema, input);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, errors: formatIssues(result.issues) };
};

/** Parses a message body (JSON text) as a game event. */
export const parseGameEventJson = (body: string): ParseResult<GameEvent> => {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch (error) {
    return { ok: false, errors: [`(body): not JSON (${(error as Error).message})`] };
  }
  return parseGameEvent(input);
};

/** Validates a match result and wraps it in a `match.completed` v1 envelope (the producer's side). */
export const matchCompletedEvent = (
  match: unknown,
  meta: { id: string; occurredAt: string; source: string },
): ParseResult<MatchCompletedEvent> => {
  const result = parseGameEvent({ ...meta, type: 'match.completed', version: 1, payload: match });
  return result.ok ? { ok: true, value: result.value as MatchCompletedEvent } : result;
};
