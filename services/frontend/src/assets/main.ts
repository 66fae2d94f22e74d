/**
 * The landing page's "quick forge" mini-game, leaderboard and patch notes. Plain DOM, no framework:
 * the page must stay small. With the engine reachable the round is played live (`live.ts`: the
 * engine times it, counts the taps and stores the score; the leaderboard updates itself); without
 * it the forge still works in the browser, and says its score is not saved.
 */
import { createRound, type Round } from './forge';
import { isEntryList, renderLeaderboard, showLeaderboard } from './leaderboard';
import { connectLive, type ServerMessage, storedName } from './live';
import { PATCH_NOTES } from './patch-notes';

const ROUND_SECONDS = 10;
const BEST_SCORE_KEY = 'skyforge.best';

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no element #${id}`);
  return found as T;
};

const readBest = (): number => {
  try {
    return Number(window.localStorage.getItem(BEST_SCORE_KEY)) || 0;
  } catch {
    return 0; // storage can be disabled (private mode); the game still works
  }
};

const saveBest = (score: number): void => {
  try {
    window.localStorage.setItem(BEST_SCORE_KEY, String(score));
  } catch {
    // not kept across visits then
  }
};

const renderPatchNotes = (list: HTMLElement): void => {
  for (const note of PATCH_NOTES) {
    const item = document.createElement('li');
    const version = document.createElement('strong');
    version.textContent = note.version;
    item.append(version, ` - ${note.summary}`);
    list.append(item);
  }
};

const start = (): void => {
  const crystal = element<HTMLButtonElement>('crystal');
  const startButton = element<HTMLButtonElement>('start');
  const score = element('score');
  const time = element('time');
  const best = element('best');
  const status = element('status');
  const nameInput = element<HTMLInputElement>('player-name');
  const rows = element('leaderboard');
  const boardStatus = element('leaderboard-status');
  const html = document.documentElement;
  /** A round played in the browser only (no engine): its score is not saved. */
  let round: Round | undefined;
  /** A round the engine runs: when it ends by the engine's clock, as seen here. */
  let liveEndsAt: number | undefined;
  let timer: number | undefined;

  best.textContent = String(readBest());
  renderPatchNotes(element('news'));
  const poll = () => void showLeaderboard(rows, boardStatus);
  poll();

  const countdown = (remainingMs: () => number, onEnd: () => void) => {
    window.clearInterval(timer);
    timer = window.setInterval(() => {
      const left = Math.max(0, remainingMs());
      time.textContent = (left / 1000).toFixed(1);
      if (left <= 0) {
        window.clearInterval(timer);
        onEnd();
      }
    }, 100);
  };

  const result = (value: number, saved: boolean): void => {
    crystal.disabled = true;
    startButton.disabled = false;
    const note = saved ? ' Saved to the leaderboard.' : ' (offline: not saved)';
    if (value > readBest()) {
      saveBest(value);
      best.textContent = String(value);
      status.textContent = `New best: ${value} crystals!${note}`;
    } else status.textContent = `You forged ${value} crystals.${note}`;
  };

  const finishOffline = (): void => {
    if (!round) return;
    result(round.score(), false);
    round = undefined;
  };

  const onMessage = (message: ServerMessage): void => {
    switch (message.type) {
      case 'leaderboard':
        if (isEntryList(message.entries)) renderLeaderboard(rows, boardStatus, message.entries, 'live');
        return;
      case 'welcome':
        html.dataset.player = String(message.playerId);
        return;
      case 'tap':
        score.textContent = String(message.score);
        return;
      case 'error':
        if (message.code !== 'invalid-token') status.textContent = String(message.message);
        if (message.code === 'draining') startButton.disabled = false;
        return;
      case 'round':
        html.dataset.round = String(message.state);
        if (message.state === 'started') {
          html.dataset.roundEndsAt = String(message.endsAt);
          liveEndsAt = performance.now() + Number(message.durationMs);
          crystal.disabled = false;
          startButton.disabled = true;
          score.textContent = '0';
          status.textContent = 'Forge!';
          // The engine ends the round; the countdown only shows it.
          countdown(
            () => (liveEndsAt ?? 0) - performance.now(),
            () => {
              crystal.disabled = true;
            },
          );
        } else {
          liveEndsAt = undefined;
          window.clearInterval(timer);
          time.textContent = '0.0';
          if (message.state === 'finished') result(Number(message.score), true);
          else {
            result(Number(message.score), false);
            status.textContent = `Round ${message.state}: ${String(message.reason)}`;
          }
        }
        return;
    }
  };

  const live = connectLive({
    onMessage,
    onState: (connected) => {
      html.dataset.live = connected ? 'connected' : 'offline';
      if (!connected && liveEndsAt !== undefined) {
        liveEndsAt = undefined;
        window.clearInterval(timer);
        crystal.disabled = true;
        startButton.disabled = false;
        status.textContent = 'The connection dropped; the round does not count. Reconnecting...';
      }
    },
    poll,
  });

  nameInput.value = storedName();
  nameInput.addEventListener('change', () => live.rename(nameInput.value.trim()));

  startButton.addEventListener('click', () => {
    live.wake();
    if (live.send({ type: 'start' })) {
      startButton.disabled = true;
      status.textContent = 'Starting...';
      return;
    }
    round = createRound(ROUND_SECONDS * 1000, performance.now());
    crystal.disabled = false;
    startButton.disabled = true;
    score.textContent = '0';
    status.textContent = 'Forge! (offline: this round is not saved)';
    countdown(() => round?.remainingMs(performance.now()) ?? 0, finishOffline);
  });

  crystal.addEventListener('click', () => {
    if (liveEndsAt !== undefined) live.send({ type: 'tap' });
    else if (round?.tap(performance.now())) score.textContent = String(round.score());
  });

  status.textContent = 'Ready when you are.';
  document.documentElement.dataset.ready = 'true';
};

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
