/**
 * A local stand-in for the distribution (the local edge): serves a built site (`dist/`) the way
 * CloudFront serves the bucket, from the same settings the template is made of (`stack/site-behaviour.ts`
 * and the managed security headers): `/` is the root object, an object is found by its exact key (S3
 * has no directory indexes), a missing one gets the not-found response (404 page with 404, or the SPA
 * fallback), only GET and HEAD are allowed, every response carries the security headers, and each
 * file carries the Cache-Control and Content-Type the release would give it. `/api/*` goes to the
 * engine as the `/api/*` behaviour sends it (`local/api-edge.ts`): writes refused, the engine's
 * Cache-Control honoured, WebSocket upgrades passed through.
 * Used by the browser tests and by `npm start`. Loopback only.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import {
  cacheControlFor,
  contentTypeFor,
  RELEASES_PREFIX,
  type SiteBehaviour,
} from '../stack/site-behaviour';
import { createLocalApiEdge, isApiPath } from './api-edge';

export interface LocalSiteServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

export interface LocalSiteServerOptions {
  /** The built site (`dist/`). */
  root: string;
  behaviour: SiteBehaviour;
  /** Default: a free port. */
  port?: number;
  /**
   * Where `/api/*` goes (the engine, e.g. `http://127.0.0.1:8080`). Without it `/api/*` answers 502,
   * as CloudFront does when it cannot reach the origin.
   */
  apiOrigin?: string;
}

/** The object key a request path maps to, or undefined for a path that cannot be a key. */
const keyFor = (urlPath: string, behaviour: SiteBehaviour): string | undefined => {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (path === '/') return behaviour.rootObject;
  const key = normalize(path).replace(/^\/+/, '');
  // Keys never climb out of the site, and the release manifests are never served (bucket policy).
  if (key.startsWith('..') || key.includes(`${sep}..`) || key.startsWith(RELEASES_PREFIX)) return undefined;
  return key;
};

const readObject = async (root: string, key: string | undefined): Promise<Buffer | undefined> => {
  if (!key) return undefined;
  const file = join(root, key);
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? readFile(file) : undefined;
};

const send = (
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  key: string,
  body: Buffer,
): void => {
  const etag = `"${createHash('md5').update(body).digest('hex')}"`;
  const headers = {
    ...MANAGED_SECURITY_HEADERS,
    'content-type': contentTypeFor(key),
    'cache-control': cacheControlFor(key),
    etag,
  };
  if (status === 200 && request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(status, { ...headers, 'content-length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
};

/** Starts the server on 127.0.0.1. */
export const startLocalSiteServer = async (options: LocalSiteServerOptions): Promise<LocalSiteServer> => {
  const { root, behaviour } = options;
  /** The distribution's custom error responses: 403 and 404 get the site's not-found response. */
  const sendNotFound = async (request: IncomingMessage, response: ServerResponse) => {
    const { page, status } = behaviour.notFound;
    const fallback = await readObject(root, page);
    if (!fallback) {
      response.writeHead(500, MANAGED_SECURITY_HEADERS).end(`the site has no ${page}; build it first`);
      return;
    }
    send(request, response, status, page, fallback);
  };
  const api = createLocalApiEdge({
    origin: options.apiOrigin,
    sendErrorResponse: (request, response) => sendNotFound(request, response),
  });
  const server = createServer((request, response) => {
    const handle = async () => {
      if (isApiPath((request.url ?? '/').split('?')[0] ?? '')) {
        await api.handle(request, response);
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { ...MANAGED_SECURITY_HEADERS, allow: 'GET, HEAD' }).end();
        return;
      }
      const key = keyFor(request.url ?? '/', behaviour);
      const body = await readObject(root, key);
      if (body && key) {
        send(request, response, 200, key, body);
        return;
      }
      await sendNotFound(request, response);
    };
    handle().catch((error: unknown) => {
      response.writeHead(500, MANAGED_SECURITY_HEADERS).end(String(error));
    });
  });
  server.on('upgrade', (request, socket, head) => api.upgrade(request, socket as Socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        api.closeUpgraded();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
