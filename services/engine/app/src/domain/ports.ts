/**
 * What the domain needs from the outside world, as small interfaces. The adapters in `../adapters`
 * implement them with the AWS SDK and `pg`; the domain imports neither.
 */
import type { GameEvent } from '@game-platform/shared/events';

/** Sends an event to the events queue; resolves only once the queue has stored it. */
export interface EventPublisher {
  publish(event: GameEvent): Promise<void>;
}

/**
 * The first request body each client idempotency key came with, as a fingerprint. Shared by every
 * engine task (the database), so a key reused for another body is noticed whichever task gets it.
 */
export interface RequestKeys {
  /**
   * Records `fingerprint` for `key` unless the key is known already; resolves the fingerprint the key
   * was first recorded with (this one for a new key).
   */
  claim(key: string, fingerprint: string): Promise<string>;
}

/** One player's standing, highest total score first. */
export interface LeaderboardRow {
  playerId: string;
  /** `null` until the player's `player.registered` event has been processed. */
  displayName: string | null;
  totalScore: number;
  matchesPlayed: number;
  wins: number;
  bestScore: number;
}

export interface LeaderboardReader {
  /** The `limit` best players, ties broken by player id so pages are stable. */
  top(limit: number): Promise<LeaderboardRow[]>;
}

/** A dependency the readiness check pings: resolves when it answers, rejects otherwise. */
export interface DependencyProbe {
  name: string;
  ping(): Promise<void>;
}
