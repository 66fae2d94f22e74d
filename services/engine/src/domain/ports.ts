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
 * A publisher that is told which publishes are on their way. A batching publisher needs it to tell
 * "another result is about to join this batch" (worth waiting for) from "nobody is coming" (send
 * now): without it, every batch waits out its whole linger, and a client waiting for its 202 before
 * it posts the next result is held for the linger on every result.
 */
export interface AnnouncingEventPublisher extends EventPublisher {
  /**
   * A publish is probably coming: a match request has started and its result is still being read
   * and checked. Until the returned handle publishes or is withdrawn, a batch being formed waits for
   * it (never longer than its linger). Call `withdraw()` when the request ends, whatever happened.
   */
  announce(): AnnouncedPublish;
}

/** The one publish a request announced. */
export interface AnnouncedPublish extends EventPublisher {
  /** The request will not publish (invalid, refused, failed, client gone); ignored once it has published. */
  withdraw(): void;
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

/**
 * The live sessions this task holds: today the requests in flight, tomorrow the live channel's
 * open connections (issue 14 calls `begin('live')` per connection and the returned `end` when it
 * closes). While any is held the task keeps itself from being stopped by a scale-in or a deployment.
 */
export interface SessionTracker {
  /** A session starts; call the returned function once when it ends (extra calls are ignored). */
  begin(kind: string): () => void;
  /** Sessions held now. */
  readonly active: number;
}

/**
 * ECS task scale-in protection of this task: while enabled, neither Service Auto Scaling nor a
 * deployment stops it; protection lapses on its own after `expiresInMinutes`.
 */
export interface ScaleInProtection {
  set(enabled: true, expiresInMinutes: number): Promise<void>;
  set(enabled: false): Promise<void>;
}

/**
 * Tells when the data behind the leaderboard changed (the database's commit notifications). Changes
 * made while it is disconnected are not reported, so it also says when it (re)connects.
 */
export interface ChangeSignal {
  /** Starts listening; `onChange` after each committed change, `onConnection` on every connect and loss. */
  start(listener: { onChange(): void; onConnection(connected: boolean): void }): void;
  close(): Promise<void>;
}

/** The live channel's figures, published as metrics (the load balancer's and autoscaling's view of a task). */
export interface LiveMetrics {
  /** Called every metrics interval: connections open now, and taps rejected / rounds published since the last call. */
  record(figures: { liveConnections: number; rejectedTaps: number; roundsPublished: number }): void;
}
