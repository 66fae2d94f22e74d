/**
 * Accepting a match result: validate it against the shared event contract, wrap it in a
 * `match.completed` v1 event and publish it. A result is reported accepted only after the queue
 * has stored the event; when publishing fails the caller learns it, so nothing is silently lost.
 */
import { createHash } from 'node:crypto';
import { type MatchCompletedEvent, matchCompletedEvent } from '@game-platform/shared/events';
import type { EventPublisher, RequestKeys } from './ports';

export interface AcceptMatchResultDependencies {
  publisher: EventPublisher;
  /** The body each Idempotency-Key came with first. */
  requestKeys: RequestKeys;
  /** The `source` of the event, e.g. `engine`. */
  source: string;
  now: () => Date;
  newEventId: () => string;
}

export type AcceptMatchResultOutcome =
  | { outcome: 'accepted'; event: MatchCompletedEvent }
  | { outcome: 'invalid'; errors: string[] }
  /** The Idempotency-Key came before with a different match result. */
  | { outcome: 'key-reused'; eventId: string }
  | { outcome: 'unavailable'; eventId: string; dependency: 'queue' | 'database'; cause: unknown };

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
 *
 * The consumer cannot tell a retry from a different result sent under a used key (it would drop the
 * second as a duplicate), so the key is bound to the first result's fingerprint before anything is
 * published, and a different result under it is `key-reused`: refused, never accepted and then lost.
 * The fingerprint is of the validated result, so key order and spacing do not make a retry differ.
 */
export const acceptMatchResult = async (
  match: unknown,
  eventId: string | undefined,
  { publisher, requestKeys, source, now, newEventId }: AcceptMatchResultDependencies,
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
  if (eventId !== undefined) {
    const fingerprint = createHash('sha256').update(JSON.stringify(result.value.payload)).digest('hex');
    try {
      if ((await requestKeys.claim(id, fingerprint)) !== fingerprint)
        return { outcome: 'key-reused', eventId: id };
    } catch (cause) {
      return { outcome: 'unavailable', eventId: id, dependency: 'database', cause };
    }
  }
  try {
    await publisher.publish(result.value);
  } catch (cause) {
    return { outcome: 'unavailable', eventId: id, dependency: 'queue', cause };
  }
  return { outcome: 'accepted', event: result.value };
};
