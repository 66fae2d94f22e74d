/**
 * The leaderboard in memory, so a crowd refreshing it after a popular match costs PostgreSQL one
 * query per refresh interval instead of one per request.
 *
 * - At most one query in flight, however many requests wait: they share it.
 * - Two queries never start closer than `refreshIntervalMs` apart (also after a failure), so the
 *   database sees at most 1000 / refreshIntervalMs queries per second per task, whatever the request
 *   or change rate.
 * - With the change signal connected, the snapshot stands until the database signals a change (plus
 *   a safety age, `SIGNALLED_MAX_AGE_MS`); a signal schedules one refresh as soon as the interval
 *   allows, with no request needed, and subscribers (the live channel) get the new snapshot. So a
 *   change is visible within `refreshIntervalMs` (+ the query) of its commit, and a quiet board costs
 *   no queries at all.
 * - Without the signal (not connected yet, or lost), a snapshot older than `refreshIntervalMs` is not
 *   served: the next request refreshes it and waits, so an answer is never older than the interval.
 * - When a refresh fails, waiting requests get the error (the route answers 503) until the next
 *   attempt, at most one interval later: an outage does not turn into a query storm.
 */
import type { LeaderboardReader, LeaderboardRow } from './ports';

/** Even with the signal connected, a snapshot is re-read after this long (a silently dead connection). */
export const SIGNALLED_MAX_AGE_MS = 60_000;

export interface LeaderboardSnapshot {
  /** Increases each time the rows change (a refresh that reads the same rows keeps the snapshot). */
  readonly version: number;
  /** The best players, as many as the largest page (`maxRows`). */
  readonly rows: readonly LeaderboardRow[];
}

export interface LeaderboardCacheOptions {
  reader: LeaderboardReader;
  /** How many rows one query reads: the largest page any request may ask for. */
  maxRows: number;
  refreshIntervalMs: number;
  /** Monotonic milliseconds; default `performance.now`. */
  now?: () => number;
  /** A subscriber threw: reported here, so one bad subscriber does not fail the requests. */
  onListenerError?: (error: unknown) => void;
}

export class LeaderboardCache {
  private readonly reader: LeaderboardReader;
  private readonly maxRows: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly onListenerError: (error: unknown) => void;
  private current: { snapshot: LeaderboardSnapshot; readAt: number; text: string } | undefined;
  private failure: unknown;
  private inFlight: Promise<LeaderboardSnapshot> | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private signalConnected = false;
  private signalledAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscribers = new Set<(snapshot: LeaderboardSnapshot) => void>();
  /** Queries started, for the log and the tests. */
  queries = 0;

  constructor({
    reader,
    maxRows,
    refreshIntervalMs,
    now = () => performance.now(),
    onListenerError = () => {},
  }: LeaderboardCacheOptions) {
    this.onListenerError = onListenerError;
    this.reader = reader;
    this.maxRows = maxRows;
    this.intervalMs = refreshIntervalMs;
    this.now = now;
  }

  /** The current snapshot: from memory when it may be served, else from the one refresh in flight. */
  get(): Promise<LeaderboardSnapshot> {
    if (this.current && this.servable(this.current.readAt)) return Promise.resolve(this.current.snapshot);
    return this.refresh();
  }

  /**
   * Calls `listener` with every new snapshot (rows changed), e.g. to push it to live clients.
   * Returns the function that unsubscribes.
   */
  subscribe(listener: (snapshot: LeaderboardSnapshot) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** The database committed a change: refresh as soon as the interval allows. */
  changed(): void {
    this.signalledAt = this.now();
    this.schedule();
  }

  /** The change signal connected or was lost; on (re)connecting, changes may have been missed. */
  signalConnection(connected: boolean): void {
    this.signalConnected = connected;
    if (connected) this.changed();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscribers.clear();
  }

  private servable(readAt: number): boolean {
    const age = this.now() - readAt;
    const changedSinceRead = this.signalledAt >= readAt;
    // A signalled change is visible once the interval allows the next query, which is scheduled.
    if (this.signalConnected && !changedSinceRead) return age < SIGNALLED_MAX_AGE_MS;
    return age < this.intervalMs;
  }

  private refresh(): Promise<LeaderboardSnapshot> {
    if (this.inFlight) return this.inFlight;
    // The last query started less than an interval ago and did not give a servable snapshot: it failed.
    if (this.now() - this.lastStartedAt < this.intervalMs) {
      if (this.current && this.servable(this.current.readAt)) return Promise.resolve(this.current.snapshot);
      return Promise.reject(this.failure ?? new Error('the leaderboard has not been read yet'));
    }
    const startedAt = this.now();
    this.lastStartedAt = startedAt;
    this.queries += 1;
    const query = this.reader.top(this.maxRows).then(
      (rows) => {
        const text = JSON.stringify(rows);
        const previous = this.current?.snapshot;
        const changed = !previous || text !== this.current?.text;
        const snapshot = changed ? { version: (previous?.version ?? 0) + 1, rows } : previous;
        this.current = { snapshot, readAt: startedAt, text };
        this.failure = undefined;
        if (changed)
          for (const listener of this.subscribers)
            try {
              listener(snapshot);
            } catch (error) {
              this.onListenerError(error);
            }
        return snapshot;
      },
      (error: unknown) => {
        this.failure = error;
        throw error;
      },
    );
    this.inFlight = query;
    const settled = () => {
      this.inFlight = undefined;
      // A change signalled while the query ran may be missing from it.
      if (this.signalledAt >= startedAt) this.schedule();
    };
    query.then(settled, settled);
    return query;
  }

  /** One refresh, as soon as the interval allows after the last query started. */
  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const delay = Math.max(0, this.lastStartedAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Timers and the clock may disagree by a fraction of a millisecond: never start early.
      if (this.now() - this.lastStartedAt < this.intervalMs) return this.schedule();
      // A failure is already remembered for the requests; nothing else to do with it here.
      this.refresh().catch(() => {});
    }, delay);
    this.timer.unref?.();
  }
}
