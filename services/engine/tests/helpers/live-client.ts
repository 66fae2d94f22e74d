/** A live-channel client for tests: the `ws` client, every frame kept, and waits on what arrives. */
import WebSocket from 'ws';

export interface LiveClient {
  socket: WebSocket;
  /** Every JSON frame received so far. */
  frames: Array<Record<string, unknown>>;
  /** The first frame (already received or to come) that `match` accepts; rejects after `timeoutMs`. */
  next(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  send(message: unknown): void;
  /** Close code and when (`performance.now()`). */
  closed: Promise<{ code: number; at: number }>;
}

/** Opens `url` (ws://.../api/live) and resolves once the connection is open; rejects with the refusal. */
export const openLive = (url: string, headers: Record<string, string> = {}): Promise<LiveClient> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const frames: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    });
    const closed = new Promise<{ code: number; at: number }>((done) =>
      socket.on('close', (code) => {
        done({ code, at: performance.now() });
        for (const wake of waiters.splice(0)) wake();
      }),
    );
    socket.on('unexpected-response', (_request, response) =>
      reject(new Error(`refused: HTTP ${response.statusCode}`)),
    );
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        frames,
        closed,
        send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
        next: (match, timeoutMs = 10_000) =>
          new Promise((found, fail) => {
            const deadline = setTimeout(
              () =>
                fail(
                  new Error(
                    `no matching frame within ${timeoutMs} ms; frames: ${JSON.stringify(frames.slice(-5))}`,
                  ),
                ),
              timeoutMs,
            );
            const look = () => {
              const frame = frames.find(match);
              if (frame) {
                clearTimeout(deadline);
                found(frame);
              } else if (socket.readyState === WebSocket.CLOSED) {
                clearTimeout(deadline);
                fail(
                  new Error(
                    `connection closed before a matching frame; frames: ${JSON.stringify(frames.slice(-5))}`,
                  ),
                );
              } else waiters.push(look);
            };
            look();
          }),
      }),
    );
  });
