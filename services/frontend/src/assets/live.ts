/**
 * The live channel to the engine (`/api/live` on the page's own origin, a WebSocket through
 * CloudFront's `/api/*` behaviour). The engine is the authority: it issues the player id, times the
 * round and counts the taps; the page only shows what it says.
 *
 * - The player token the engine signed is kept in localStorage for the next visit; one the engine
 *   refuses (a key change, an edited token) is dropped and a new player id asked for.
 * - Leaderboard changes arrive as `leaderboard` frames. While the channel is down the page polls
 *   `/api/leaderboard` every `POLL_MS` instead, and reconnects with exponential backoff and jitter
 *   (0.5 s doubling to 30 s), so a restarting fleet is not hit by every page at once.
 * - A connection the engine closed as idle (4000) is reopened only when the player comes back
 *   (clicks Start or shows the tab again).
 */

export const LIVE_PATH = '/api/live';
const TOKEN_KEY = 'skyforge.player';
const NAME_KEY = 'skyforge.name';
/** The name the engine last confirmed for the kept player id: sent again only when it differs. */
const SAVED_NAME_KEY = 'skyforge.name.saved';
export const POLL_MS = 5_000;
const BACKOFF = { firstMs: 500, maxMs: 30_000 } as const;
const IDLE_CLOSE = 4000;

export type ServerMessage = { type: string; [field: string]: unknown };

export interface LiveHandlers {
  onMessage(message: ServerMessage): void;
  /** The channel opened (`true`) or dropped (`false`). */
  onState(connected: boolean): void;
  /** Polls the leaderboard while the channel is down (and once when it opens again after a drop). */
  poll(): void;
}

export interface LiveConnection {
  send(message: Record<string, unknown>): boolean;
  readonly connected: boolean;
  /** The player's display name changed: saved, and sent when connected. */
  rename(displayName: string): void;
  /** Reconnects now if the channel was closed as idle. */
  wake(): void;
}

const stored = (key: string): string | undefined => {
  try {
    return window.localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined; // storage can be disabled (private mode)
  }
};

const store = (key: string, value: string | undefined): void => {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // not kept across visits then
  }
};

export const storedName = (): string => stored(NAME_KEY) ?? '';

export const connectLive = (handlers: LiveHandlers): LiveConnection => {
  let socket: WebSocket | undefined;
  let attempt = 0;
  let pollTimer: number | undefined;
  let reconnectTimer: number | undefined;
  let idle = false;
  let planned = false;
  /** The channel was open before: a later open follows a drop, and reads what it missed. */
  let reopened = false;

  const startPolling = () => {
    if (pollTimer === undefined) pollTimer = window.setInterval(handlers.poll, POLL_MS);
  };
  const stopPolling = () => {
    window.clearInterval(pollTimer);
    pollTimer = undefined;
  };

  const hello = (withName: boolean) => {
    const name = storedName();
    socket?.send(
      JSON.stringify({
        type: 'hello',
        ...(stored(TOKEN_KEY) ? { token: stored(TOKEN_KEY) } : {}),
        ...(withName && name ? { displayName: name } : {}),
      }),
    );
  };

  const schedule = (delayMs?: number) => {
    window.clearTimeout(reconnectTimer);
    planned = true;
    const backoff = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    reconnectTimer = window.setTimeout(() => {
      planned = false;
      open();
    }, delayMs ?? backoff);
  };

  const open = () => {
    idle = false;
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${LIVE_PATH}`;
    const current = new WebSocket(url);
    socket = current;
    current.addEventListener('open', () => {
      attempt = 0;
      stopPolling();
      handlers.onState(true);
      // What changed while the channel was down: one read (the edge's cache answers it). Not on the
      // first open: the page read the board as it loaded, and a second read per page view would
      // double the leaderboard traffic for nothing.
      if (reopened) handlers.poll();
      reopened = true;
      hello(storedName() !== (stored(SAVED_NAME_KEY) ?? ''));
    });
    current.addEventListener('message', (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'welcome' && typeof message.token === 'string') {
        store(TOKEN_KEY, message.token);
        if (typeof message.displayName === 'string') store(SAVED_NAME_KEY, message.displayName);
      }
      if (message.type === 'error' && message.code === 'invalid-token') {
        store(TOKEN_KEY, undefined);
        store(SAVED_NAME_KEY, undefined);
        hello(true);
      }
      if (message.type === 'reconnect') schedule(Number(message.retryAfterMs) || BACKOFF.firstMs);
      handlers.onMessage(message);
    });
    current.addEventListener('close', (event) => {
      if (socket !== current) return;
      socket = undefined;
      handlers.onState(false);
      startPolling();
      if (event.code === IDLE_CLOSE) idle = true;
      else if (!planned) schedule();
    });
  };

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && idle) open();
  });
  open();

  return {
    send: (message) => {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    get connected() {
      return socket?.readyState === WebSocket.OPEN;
    },
    rename: (displayName) => {
      store(NAME_KEY, displayName);
      if (socket?.readyState === WebSocket.OPEN) hello(true);
    },
    wake: () => {
      if (idle) open();
    },
  };
};
