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

const Timestamp = v.pipe(
  v.string(),
  v.isoTimestamp('an ISO 8601 timestamp with a time zone, e.g. 2026-11-26T12:00:00Z'),
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
    (match) => Date.parse(match.endedAt) >= Date.parse(match.startedAt),
    'endedAt must not be before startedAt',
  ),
);

export const PlayerRegisteredV1 = v.strictObject({
  playerId: PlayerId,
  displayName: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1),
    v.maxLength(32, 'a display name of at most 32 characters'),
  ),
  /** ISO 3166-1 alpha-2 country code. */
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'a two-letter country code such as "FR"'))),
});

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
    source: v.pipe(v.string(), v.regex(/^[a-z0-9:-]{1,64}$/, 'a producer name such as "engine"')),
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
