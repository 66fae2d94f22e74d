/**
 * Accepting a match result: validate it against the shared event contract, wrap it in a
 * `match.completed` v1 event and publish it. A result is reported accepted only after the queue
 * has stored the event; when publishing fails the caller learns it, so nothing is silently lost.
 */
import { type MatchCompletedEvent, matchCompletedEvent } from '@game-platform/shared/events';
import type { EventPublisher } from './ports';

export interface AcceptMatchResultDependencies {
  publisher: EventPublisher;
  /** The `source` of the event, e.g. `engine`. */
  source: string;
  now: () => Date;
  newEventId: () => string;
}

export type AcceptMatchResultOutcome =
  | { outcome: 'accepted'; event: MatchCompletedEvent }
  | { outcome: 'invalid'; errors: string[] }
  | { outcome: 'unavailable'; eventId: string; cause: unknown };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Errors of the envelope name the request's own fields: `payload.players.0.score` becomes
 * `players.0.score`, and a problem with the whole payload becomes `(body)`.
 */
const requestFieldErrors = (errors: string[]): string[] =>
  errors.map((error) => error.replace(/^payload\./, '').replace(/^payload:/, '(body):'));

/**
 * Validates and publishes a match result.
 *
 * `eventId` is the client's idempotency key (an `Idempotency-Key` header): a retried request with
 * the same key produces an event with the same id, which the consumer applies at most once.
 * Without it, every call gets a fresh id.
 */
export const acceptMatchResult = async (
  match: unknown,
  eventId: string | undefined,
  { publisher, source, now, newEventId }: AcceptMatchResultDependencies,
): Promise<AcceptMatchResultOutcome> => {
  if (eventId !== undefined && !UUID.test(eventId))
    return {
      outcome: 'invalid',
      errors: [
        `Idempotency-Key: "${eventId}" is not a UUID; expected a UUID, reused unchanged when the same match result is retried`,
      ],
    };
  const id = (eventId ?? newEventId()).toLowerCase();
  const result = matchCompletedEvent(match, { id, occurredAt: now().toISOString(), source });
  if (!result.ok) return { outcome: 'invalid', errors: requestFieldErrors(result.errors) };
  try {
    await publisher.publish(result.value);
  } catch (cause) {
    return { outcome: 'unavailable', eventId: id, cause };
  }
  return { outcome: 'accepted', event: result.value };
};
