/**
 * The distribution's `/api/*` behaviour, locally: what the local edge (`local/site-server.ts`) does with
 * a request for the engine, from the same settings the template is made of (`shared/src/edge`,
 * `stack/api-origin.ts`):
 *
 * - a method the behaviour does not allow is refused by the edge (CloudFront's 403, which the
 *   distribution's error responses then turn into the not-found response) and never reaches the engine;
 * - GET and HEAD are answered from the edge's cache while the engine's `Cache-Control` allows
 *   (`s-maxage`, else `max-age`; `no-store`, `no-cache` and `private` mean not at all; at most
 *   `API_MAX_TTL_SECONDS`; nothing without a header, as `DefaultTTL` is 0), keyed by path and query;
 * - only the whitelisted viewer headers reach the engine; the response gets the managed security
 *   headers and CloudFront's `x-cache` and `age`; concurrent misses for one key reach the origin once
 *   (request collapsing);
 * - a WebSocket upgrade is passed through to the engine, and its connection piped both ways.
 */
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import {
  API_PATH_PREFIX,
  FORWARDED_VIEWER_HEADERS,
  PUBLIC_API_METHODS,
  REFUSED_METHOD_STATUS,
} from '@game-platform/shared/edge';
import { API_MAX_TTL_SECONDS } from '../stack/api-origin';

/** Whether the distribution routes this path to the engine. */
export const isApiPath = (path: string): boolean => path.startsWith(`${API_PATH_PREFIX}/`);

/** Whether the `/api/*` behaviour forwards this method (`AllowedMethods`). */
export const isPublicApiMethod = (method: string | undefined): boolean =>
  (PUBLIC_API_METHODS as readonly string[]).includes(method ?? '');

/**
 * Seconds the edge keeps a response with this `Cache-Control`, under the `/api/*` cache policy
 * (MinTTL 0, DefaultTTL 0, MaxTTL `API_MAX_TTL_SECONDS`).
 */
export const edgeTtlSeconds = (cacheControl: string | undefined): number => {
  if (!cacheControl) return 0;
  const directives = new Map(
    cacheControl.split(',').map((part) => {
      const [name = '', value] = part.trim().toLowerCase().split('=');
      return [name, value] as const;
    }),
  );
  if (directives.has('no-store') || directives.has('no-cache') || directives.has('private')) return 0;
  const seconds = Number(directives.get('s-maxage') ?? directives.get('max-age') ?? 0);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), API_MAX_TTL_SECONDS) : 0;
};

/** The viewer headers the origin request policy forwards (plus the host CloudFront sets itself). */
const forwardedHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_VIEWER_HEADERS) {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') forwarded[name.toLowerCase()] = value;
  }
  return forwarded;
};

interface CachedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  storedAt: number;
  ttlMs: number;
}

/** Headers of the engine's response that the edge passes on (hop-by-hop ones are its own). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

const responseHeaders = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string')
      .map(([name, value]) => [name, value as string]),
  );

export interface LocalApiEdgeOptions {
  /** The engine, e.g. `http://127.0.0.1:8080` (in AWS: the internal load balancer). */
  origin: string | undefined;
  /** The distribution's error response for 403/404 (the site's not-found response). */
  sendErrorResponse: (request: IncomingMessage, response: ServerResponse, code: number) => Promise<void>;
  now?: () => number;
}

export interface LocalApiEdge {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void;
  /** Ends the WebSocket connections still open (the HTTP server no longer owns upgraded sockets). */
  closeUpgraded(): void;
}

export const createLocalApiEdge = (options: LocalApiEdgeOptions): LocalApiEdge => {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedResponse>();
  /** GETs on their way to the origin, by cache key: concurrent misses for one key share one. */
  const inFlight = new Map<string, Promise<CachedResponse>>();
  const upgraded = new Set<Socket>();

  const send = (
    response: ServerResponse,
    method: string,
    cached: CachedResponse,
    xCache: string,
    age?: number,
  ) => {
    response.writeHead(cached.status, {
      ...cached.headers,
      ...MANAGED_SECURITY_HEADERS,
      'content-length': cached.body.length,
      'x-cache': xCache,
      ...(age === undefined ? {} : { age: String(age) }),
    });
    response.end(method === 'HEAD' ? undefined : cached.body);
  };

  /** The origin's answer, in full (CloudFront reads it before it caches it). */
  const fetchFromOrigin = (origin: string, request: IncomingMessage): Promise<CachedResponse> =>
    new Promise((resolve, reject) => {
      const target = new URL(request.url ?? '/', origin);
      const outgoing = httpRequest(
        target,
        { method: request.method, headers: { host: target.host, ...forwardedHeaders(request.headers) } },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const headers = responseHeaders(incoming.headers);
            resolve({
              status: incoming.statusCode ?? 502,
              headers,
              body: Buffer.concat(chunks),
              storedAt: now(),
              ttlMs: edgeTtlSeconds(headers['cache-control']) * 1000,
            });
          });
        },
      );
      outgoing.on('error', reject);
      // GET, HEAD and OPTIONS carry no body the engine needs.
      outgoing.end();
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    if (!isPublicApiMethod(method)) {
      await options.sendErrorResponse(request, response, REFUSED_METHOD_STATUS);
      return;
    }
    const key = request.url ?? '/';
    const cacheable = method === 'GET' || method === 'HEAD';
    const hit = cacheable ? cache.get(key) : undefined;
    if (hit && now() - hit.storedAt < hit.ttlMs) {
      send(response, method, hit, 'Hit from cloudfront', Math.floor((now() - hit.storedAt) / 1000));
      return;
    }
    if (!options.origin) {
      response.writeHead(502, { ...MANAGED_SECURITY_HEADERS, 'x-cache': 'Error from cloudfront' }).end();
      return;
    }
    let fetched: CachedResponse;
    try {
      // Request collapsing, as CloudFront does: a GET that misses while another GET for the same
      // cache key is on its way to the origin waits for that answer and shares it when the answer
      // may be cached. (The site reads the leaderboard on load and again when its live channel
      // opens: one origin request for both, as in AWS.)
      const shared = method === 'GET' ? await inFlight.get(key)?.catch(() => undefined) : undefined;
      if (shared && shared.status === 200 && shared.ttlMs > 0) fetched = shared;
      else {
        const pending = fetchFromOrigin(options.origin, request);
        if (method === 'GET') {
          inFlight.set(key, pending);
          pending
            .finally(() => {
              if (inFlight.get(key) === pending) inFlight.delete(key);
            })
            .catch(() => {});
        }
        fetched = await pending;
      }
    } catch {
      // CloudFront's answer when it cannot connect to the origin.
      response.writeHead(502, { ...MANAGED_SECURITY_HEADERS, 'x-cache': 'Error from cloudfront' }).end();
      return;
    }
    if (fetched.status === 403 || fetched.status === 404) {
      await options.sendErrorResponse(request, response, fetched.status);
      return;
    }
    // A HEAD answer has no body: only a GET's fills the cache (a HEAD may then be answered from it).
    if (method === 'GET' && fetched.status === 200 && fetched.ttlMs > 0) cache.set(key, fetched);
    send(response, method, fetched, 'Miss from cloudfront');
  };

  /** A WebSocket handshake: forwarded with the whitelisted headers, then the two sockets piped. */
  const upgrade = (request: IncomingMessage, socket: Socket, head: Buffer): void => {
    const path = request.url ?? '/';
    if (!isApiPath(path.split('?')[0] ?? '') || request.method !== 'GET') {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    // CloudFront's answer when it cannot reach the origin, as for plain requests.
    const badGateway = () => {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    };
    if (!options.origin) {
      badGateway();
      return;
    }
    const target = new URL(options.origin);
    let connected = false;
    const upstream = connect(Number(target.port), target.hostname, () => {
      connected = true;
      const headers = {
        host: target.host,
        ...forwardedHeaders(request.headers),
        upgrade: String(request.headers.upgrade ?? 'websocket'),
        connection: 'Upgrade',
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      upstream.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upgraded.add(socket).add(upstream);
    // The engine cannot be reached: the viewer gets CloudFront's 502, not a dropped connection.
    upstream.once('error', () => {
      if (!connected && socket.writable) badGateway();
    });
    const close = () => {
      upstream.destroy();
      // Before the engine answered, the viewer's socket is ending with the 502 above.
      if (connected) socket.destroy();
    };
    socket.on('close', () => upgraded.delete(socket));
    upstream.on('close', () => upgraded.delete(upstream));
    upstream.on('error', close);
    socket.on('error', close);
    upstream.on('close', () => socket.end());
    socket.on('close', () => upstream.end());
  };

  const closeUpgraded = () => {
    for (const socket of upgraded) socket.destroy();
    upgraded.clear();
  };

  return { handle, upgrade, closeUpgraded };
};
