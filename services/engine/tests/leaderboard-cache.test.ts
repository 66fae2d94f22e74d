/**
 * Unit tests of the in-memory leaderboard (no network): one query however many requests wait, never
 * two queries closer than the refresh interval, a signalled change refreshed (and pushed) within the
 * interval with no request needed, and the interval as the age bound when there is no signal. A fake
 * clock drives time; the reader is an in-memory implementation of the port whose answers the test
 * releases.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderboardCache, type LeaderboardSnapshot } from '../src/domain/leaderboard-cache';
import type { LeaderboardReader, LeaderboardRow } from '../src/domain/ports';

const INTERVAL_MS = 1_000;

const row = (playerId: string, totalScore: number): LeaderboardRow => ({
  playerId,
  displayName: null,
  totalScore,
  matchesPlayed: 1,
  wins: 0,
  bestScore: totalScore,
});

/** A reader whose queries wait until the test answers them; `calls` counts the queries started. */
const controlledReader = () => {
  const waiting: Array<{ resolve: (rows: LeaderboardRow[]) => void; reject: (error: Error) => void }> = [];
  const reader: LeaderboardReader = {
    top: () => new Promise((resolve, reject) => waiting.push({ resolve, reject })),
  };
  return {
    reader,
    waiting,
    answer: async (rows: LeaderboardRow[]) => {
      waiting.shift()?.resolve(rows);
      await vi.advanceTimersByTimeAsync(0);
    },
    fail: async (error: Error) => {
      waiting.shift()?.reject(error);
      await vi.advanceTimersByTimeAsync(0);
    },
  };
};

const cacheWith = (reader: LeaderboardReader) =>
  new LeaderboardCache({ reader, maxRows: 100, refreshIntervalMs: INTERVAL_MS, now: () => Date.now() });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LeaderboardCache', () => {
  it('answers 500 concurrent reads with one query', async () => {
    // Prepare
    const { reader, waiting, answer } = controlledReader();
    const cache = cacheWith(reader);

    // Act
    const reads = Array.from({ length: 500 }, () => cache.get());
    const queriesWhileWaiting = waiting.length;
    await answer([row('p-1', 10)]);
    const snapshots = await Promise.all(reads);

    // Assess
    expect(queriesWhileWaiting).toBe(1);
    expect(cache.queries).toBe(1);
    expect(new Set(snapshots).size).toBe(1);
    expect(snapshots[0]?.rows).toEqual([row('p-1', 10)]);
  });

  it('without a change signal, serves from memory until the snapshot is one interval old, then re-reads once', async () => {
    // Prepare
    const { reader, waiting, answer } = controlledReader();
    const cache = cacheWith(reader);
    const first = cache.get();
    await answer([row('p-1', 10)]);
    await first;

    // Act
    vi.advanceTimersByTime(INTERVAL_MS - 1);
    const fromMemory = await cache.get();
    const queriesBeforeExpiry = cache.queries;
    vi.advanceTimersByTime(1);
    const reads = [cache.get(), cache.get(), cache.get()];
    await answer([row('p-2', 20)]);
    const refreshed = await Promise.all(reads);

    // Assess
    expect(fromMemory.rows).toEqual([row('p-1', 10)]);
    expect(queriesBeforeExpiry).toBe(1);
    expect(cache.queries).toBe(2);
    expect(waiting).toHaveLength(0);
    expect(refreshed.map((snapshot) => snapshot.rows[0]?.playerId)).toEqual(['p-2', 'p-2', 'p-2']);
  });

  it('after a failed query, answers its error until an interval has passed, then tries once more', async () => {
    // Prepare
    const { reader, answer, fail } = controlledReader();
    const cache = cacheWith(reader);
    const first = cache.get();
    await fail(new Error('connection refused'));
    await expect(first).rejects.toThrow('connection refused');

    // Act
    const during = await Promise.allSettled([cache.get(), cache.get()]);
    const queriesDuring = cache.queries;
    vi.advanceTimersByTime(INTERVAL_MS);
    const retry = cache.get();
    await answer([row('p-1', 10)]);

    // Assess
    expect(during.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(queriesDuring).toBe(1);
    expect((await retry).rows).toEqual([row('p-1', 10)]);
    expect(cache.queries).toBe(2);
  });

  it('with the signal connected, refreshes a burst of changes once, within the interval, pushes it, and queries nothing while nothing changes', async () => {
    // Prepare
    const { reader, waiting, answer } = controlledReader();
    const cache = cacheWith(reader);
    const pushed: LeaderboardSnapshot[] = [];
    cache.subscribe((snapshot) => pushed.push(snapshot));
    cache.signalConnection(true);
    await vi.advanceTimersByTimeAsync(0);
    await answer([row('p-1', 10)]); // connecting reads the board: changes may have been missed before

    // Act: 20 commits in quick succession right after that read, then a quiet 50 s.
    for (let n = 0; n < 20; n += 1) {
      cache.changed();
      await vi.advanceTimersByTimeAsync(10);
    }
    const queriesDuringBurst = cache.queries;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 200);
    await answer([row('p-2', 30)]);
    await vi.advanceTimersByTimeAsync(50_000);
    const quietReads = await Promise.all([cache.get(), cache.get()]);

    // Assess: one query for the burst, at the interval; none while quiet; each new board pushed.
    expect(queriesDuringBurst).toBe(1);
    expect(cache.queries).toBe(2);
    expect(waiting).toHaveLength(0);
    expect(quietReads.map((snapshot) => snapshot.rows[0]?.playerId)).toEqual(['p-2', 'p-2']);
    expect(pushed.map((snapshot) => [snapshot.version, snapshot.rows[0]?.playerId])).toEqual([
      [1, 'p-1'],
      [2, 'p-2'],
    ]);
  });

  it('falls back to the interval as the age bound once the signal is lost', async () => {
    // Prepare
    const { reader, answer } = controlledReader();
    const cache = cacheWith(reader);
    cache.signalConnection(true);
    await vi.advanceTimersByTimeAsync(0);
    await answer([row('p-1', 10)]);

    // Act
    cache.signalConnection(false);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    const read = cache.get();
    await answer([row('p-2', 30)]);

    // Assess
    expect((await read).rows[0]?.playerId).toBe('p-2');
    expect(cache.queries).toBe(2);
  });

  it('re-reads once more when a change was signalled while its query ran', async () => {
    // Prepare
    const { reader, answer } = controlledReader();
    const cache = cacheWith(reader);
    cache.signalConnection(true);
    await vi.advanceTimersByTimeAsync(0);

    // Act: the change commits while the first query runs; it may not be in its rows.
    cache.changed();
    await answer([row('p-1', 10)]);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    await answer([row('p-2', 30)]);

    // Assess
    expect(cache.queries).toBe(2);
    expect((await cache.get()).rows[0]?.playerId).toBe('p-2');
  });

  it('keeps the snapshot (and pushes nothing) when a refresh reads the same rows', async () => {
    // Prepare
    const { reader, answer } = controlledReader();
    const cache = cacheWith(reader);
    const pushed: LeaderboardSnapshot[] = [];
    cache.subscribe((snapshot) => pushed.push(snapshot));
    const first = cache.get();
    await answer([row('p-1', 10)]);
    const before = await first;

    // Act
    vi.advanceTimersByTime(INTERVAL_MS);
    const again = cache.get();
    await answer([row('p-1', 10)]);

    // Assess
    expect(await again).toBe(before);
    expect(pushed).toHaveLength(1);
  });

  it('never starts two queries closer than the interval, even when a change is signalled right after a read', async () => {
    // Prepare
    const { reader, answer } = controlledReader();
    const cache = cacheWith(reader);
    cache.signalConnection(true);
    await vi.advanceTimersByTimeAsync(0);
    await answer([row('p-1', 10)]);

    // Act
    cache.changed();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    const queriesBeforeInterval = cache.queries;
    const servedMeanwhile = await cache.get();
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(queriesBeforeInterval).toBe(1);
    expect(servedMeanwhile.rows[0]?.playerId).toBe('p-1');
    expect(cache.queries).toBe(2);
  });
});
