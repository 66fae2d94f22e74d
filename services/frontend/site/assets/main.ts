/**
 * The landing page's "quick forge" mini-game, leaderboard and patch notes. Plain DOM, no framework:
 * the page must stay small, and everything but the leaderboard works with no server behind the CDN.
 */
import { createRound, type Round } from './forge';
import { showLeaderboard } from './leaderboard';
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
  let round: Round | undefined;
  let timer: number | undefined;

  best.textContent = String(readBest());
  renderPatchNotes(element('news'));
  void showLeaderboard(element('leaderboard'), element('leaderboard-status'));

  const finish = (): void => {
    if (!round) return;
    window.clearInterval(timer);
    crystal.disabled = true;
    startButton.disabled = false;
    const result = round.score();
    if (result > readBest()) {
      saveBest(result);
      best.textContent = String(result);
      status.textContent = `New best: ${result} crystals!`;
    } else status.textContent = `You forged ${result} crystals.`;
    round = undefined;
  };

  startButton.addEventListener('click', () => {
    round = createRound(ROUND_SECONDS * 1000, performance.now());
    crystal.disabled = false;
    startButton.disabled = true;
    score.textContent = '0';
    status.textContent = 'Forge!';
    timer = window.setInterval(() => {
      const left = round?.remainingMs(performance.now()) ?? 0;
      time.textContent = (left / 1000).toFixed(1);
      if (left <= 0) finish();
    }, 100);
  });

  crystal.addEventListener('click', () => {
    if (round?.tap(performance.now())) score.textContent = String(round.score());
  });

  status.textContent = 'Ready when you are.';
  document.documentElement.dataset.ready = 'true';
};

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
