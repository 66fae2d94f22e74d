/**
 * One player's live session, whatever carries it (the WebSocket channel in `http/live-channel.ts`):
 * who the player is, the round being played and what becomes of it. Messages in are parsed here and
 * answered with plain objects; a bad message gets one `error` answer naming what was wrong and
 * changes nothing else.
 *
 *   client: {type:'hello', token?, displayName?}  -> {type:'welcome', playerId, token, displayName?}
 *   client: {type:'start'}                        -> {type:'round', state:'started', ...}
 *   client: {type:'tap'}                          -> {type:'tap', outcome, score, rejectedTaps}
 *   server, at the round's end (server clock)     -> {type:'round', state:'finished' | 'not-saved', ...}
 *
 * A finished round becomes a `match.completed` event through `acceptMatchResult`, the path of every
 * match result: `finished` is sent only once the queue has stored it, `not-saved` when it did not.
 * A display name is checked by the shared contract and published as `player.registered`, so the
 * leaderboard shows it.
 */
import { parseGameEvent } from '@game-platform/shared/events';
import type { Logger } from '@game-platform/shared/log';
import { type LiveRound, maxRoundScore, ROUND_DURATION_MS, startLiveRound } from './live-round';
import { type AcceptMatchResultDependencies, acceptMatchResult } from './match-results';
import type { PlayerIdentity } from './player-identity';

/** The game mode of live rounds in `match.completed`. */
export const LIVE_MODE = 'quick-forge';

export type ServerMessage =
  | { type: 'welcome'; playerId: string; token: string; displayName?: string; maxScore: number }
  | { type: 'round'; state: 'started'; roundId: string; durationMs: number; endsAt: string }
  | { type: 'tap'; outcome: 'counted' | 'rejected'; score: number; rejectedTaps: number }
  | {
      type: 'round';
      state: 'finished';
      roundId: string;
      score: number;
      rejectedTaps: number;
      eventId: string;
    }
  | { type: 'round'; state: 'not-saved' | 'voided'; roundId: string; score: number; reason: string }
  | { type: 'leaderboard'; entries: unknown[] }
  | { type: 'reconnect'; reason: string; retryAfterMs: number }
  | { type: 'error'; code: string; message: string };

export interface LivePlayDependencies extends AcceptMatchResultDependencies {
  identity: PlayerIdentity;
  /** Monotonic milliseconds for the round's clock; default `performance.now`. */
  clock?: () => number;
  log: Logger;
}

export interface LivePlayer {
  /** A message from the client, already decoded from JSON (`undefined` when it was not JSON). */
  receive(message: unknown): void;
  readonly playerId: string | undefined;
  /** Whether a round runs or its result is being published. */
  readonly busy: boolean;
  /** No new round from now on (draining). */
  refuseRounds(reason: string): void;
  /** Resolves once no round runs and no result is being published. */
  settled(): Promise<void>;
  /** The running round ends without a result (nothing is published for it); for a drain out of time. */
  voidRound(reason: string): void;
  /** The connection is gone: a running round is voided. */
  close(): void;
}

const fail = (code: string, message: string): ServerMessage => ({ type: 'error', code, message });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const createLivePlayer = (
  dependencies: LivePlayDependencies,
  send: (message: ServerMessage) => void,
): LivePlayer => {
  const clock = dependencies.clock ?? (() => performance.now());
  const { identity, log } = dependencies;
  let playerId: string | undefined;
  let current: { playerId: string; token: string } | undefined;
  let refusal: string | undefined;
  let closed = false;
  let round: { id: string; live: LiveRound; startedAtWall: Date; timer: NodeJS.Timeout } | undefined;
  let publishing: Promise<void> | undefined;
  const waiters: Array<() => void> = [];

  const wake = () => {
    if (round || publishing) return;
    for (const resolve of waiters.splice(0)) resolve();
  };

  const registerName = async (id: string, displayName: unknown): Promise<string | undefined> => {
    const parsed = parseGameEvent({
      id: dependencies.newEventId(),
      type: 'player.registered',
      version: 1,
      occurredAt: dependencies.now().toISOString(),
      source: dependencies.source,
      payload: { playerId: id, displayName },
    });
    if (!parsed.ok) {
      send(fail('invalid-display-name', parsed.errors.map((e) => e.replace(/^payload\./, '')).join('; ')));
      return undefined;
    }
    try {
      await dependencies.publisher.publish(parsed.value);
    } catch (error) {
      log.error('display name not saved: the events queue did not store player.registered', { error });
      send(
        fail(
          'unavailable',
          'your display name was not saved (the events queue is unavailable); send hello again later',
        ),
      );
      return undefined;
    }
    return parsed.value.type === 'player.registered' ? parsed.value.payload.displayName : undefined;
  };

  const hello = async (message: Record<string, unknown>) => {
    const { token, displayName } = message;
    let issued: { playerId: string; token: string };
    // A second hello without a token (to change the display name) keeps the connection's player.
    if (token === undefined) issued = current ?? identity.issue();
    else {
      const verified = typeof token === 'string' ? identity.verify(token) : undefined;
      if (!verified) {
        log.warn('live player refused: the player token does not verify');
        return send(
          fail(
            'invalid-token',
            'the player token is not one this game issued (forged or altered); send hello without a token to get a new player id',
          ),
        );
      }
      issued = { playerId: verified, token: token as string };
    }
    if (playerId !== undefined && playerId !== issued.playerId)
      return send(
        fail(
          'already-identified',
          `this connection plays as ${playerId}; open a new connection to play as someone else`,
        ),
      );
    playerId = issued.playerId;
    current = issued;
    const name = displayName === undefined ? undefined : await registerName(issued.playerId, displayName);
    send({ type: 'welcome', ...issued, ...(name ? { displayName: name } : {}), maxScore: maxRoundScore() });
  };

  const finish = async () => {
    if (!round || !playerId) return;
    const { id, live, startedAtWall } = round;
    round = undefined;
    const result = live.result();
    const endedAt = new Date(startedAtWall.getTime() + (result.endedAt - result.startedAt));
    const outcome = await acceptMatchResult(
      {
        matchId: id,
        mode: LIVE_MODE,
        startedAt: startedAtWall.toISOString(),
        endedAt: endedAt.toISOString(),
        players: [{ playerId, score: result.score, placement: 1 }],
      },
      undefined,
      dependencies,
    );
    if (outcome.outcome === 'accepted') {
      log.info('live round published', {
        roundId: id,
        playerId,
        score: result.score,
        rejectedTaps: result.rejectedTaps,
        eventId: outcome.event.id,
      });
      if (result.rejectedTaps > 0)
        log.warn('live round: taps over the human rate rejected', {
          roundId: id,
          playerId,
          rejectedTaps: result.rejectedTaps,
        });
      send({
        type: 'round',
        state: 'finished',
        roundId: id,
        score: result.score,
        rejectedTaps: result.rejectedTaps,
        eventId: outcome.event.id,
      });
    } else {
      log.error('live round not saved', {
        roundId: id,
        playerId,
        outcome: outcome.outcome,
        ...('cause' in outcome ? { error: outcome.cause } : {}),
      });
      send({
        type: 'round',
        state: 'not-saved',
        roundId: id,
        score: result.score,
        reason: 'the result could not be stored; it does not count',
      });
    }
  };

  const start = () => {
    if (!playerId) return send(fail('not-identified', 'send {"type":"hello"} first'));
    if (refusal) return send(fail('draining', refusal));
    if (round || publishing)
      return send(fail('round-running', 'a round is already running; wait for its result'));
    const id = dependencies.newEventId();
    const live = startLiveRound(clock(), ROUND_DURATION_MS);
    const startedAtWall = dependencies.now();
    const timer = setTimeout(() => {
      publishing = finish().finally(() => {
        publishing = undefined;
        wake();
      });
    }, ROUND_DURATION_MS);
    round = { id, live, startedAtWall, timer };
    send({
      type: 'round',
      state: 'started',
      roundId: id,
      durationMs: ROUND_DURATION_MS,
      endsAt: new Date(startedAtWall.getTime() + ROUND_DURATION_MS).toISOString(),
    });
  };

  const tap = () => {
    if (!round) return send(fail('no-round', 'no round is running; send {"type":"start"} first'));
    const outcome = round.live.tap(clock());
    // A tap that arrives after the server's end but before its timer fired is simply late.
    if (outcome === 'over') return;
    send({ type: 'tap', outcome, score: round.live.score, rejectedTaps: round.live.rejectedTaps });
  };

  const voidRound = (reason: string) => {
    if (!round) return;
    clearTimeout(round.timer);
    const { id, live } = round;
    round = undefined;
    log.warn('live round voided', { roundId: id, playerId, score: live.score, reason });
    if (!closed) send({ type: 'round', state: 'voided', roundId: id, score: live.score, reason });
    wake();
  };

  return {
    receive(message) {
      if (closed) return;
      if (!isObject(message) || typeof message.type !== 'string')
        return send(fail('bad-message', 'expected a JSON object with a "type": "hello", "start" or "tap"'));
      switch (message.type) {
        case 'hello':
          return void hello(message).catch((error: unknown) => {
            log.error('hello failed', { error });
            send(fail('internal', 'hello failed; try again'));
          });
        case 'start':
          return start();
        case 'tap':
          return tap();
        default:
          return send(
            fail(
              'bad-message',
              `unknown message type "${String(message.type).slice(0, 32)}"; expected "hello", "start" or "tap"`,
            ),
          );
      }
    },
    get playerId() {
      return playerId;
    },
    get busy() {
      return round !== undefined || publishing !== undefined;
    },
    refuseRounds(reason) {
      refusal = reason;
    },
    settled: () =>
      round || publishing ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve(),
    voidRound,
    close() {
      voidRound('the connection closed');
      closed = true;
    },
  };
};
