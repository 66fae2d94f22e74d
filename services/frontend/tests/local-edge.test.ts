/**
 * The local edge's `/api/*` behaviour (what `npm start` and the browser tests rely on to see what
 * CloudFront does), against a real HTTP origin on loopback that records what reaches it:
 * writes refused before the origin, the origin's Cache-Control honoured (and nothing cached without
 * it), only the whitelisted viewer headers forwarded, WebSocket upgrades passed through both ways.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import { stageProfiles } from '@game-platform/shared/profiles';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSite } from '../cli/release/build';
import { SITE_SOURCES } from '../cli/release/paths';
import { edgeTtlSeconds } from '../local/api-edge';
import { type LocalSiteServer, startLocalSiteServer } from '../local/site-server';
import { API_MAX_TTL_SECONDS } from '../stack/api-origin';
import { siteBehaviour } from '../stack/site-behaviour';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** What the origin answers per path: its Cache-Control (or none) and a body that changes per request. */
const CACHE_CONTROL: Record<string, string | undefined> = {
  '/api/cached': 'public, max-age=0, s-maxage=1',
  '/api/uncached': undefined,
  '/api/no-store': 'no-store',
};

let origin: Server;
let originUrl: string;
let edge: LocalSiteServer;
let dist: string;
let received: Received[] = [];
/** Sockets the origin took over from its HTTP server: closed by hand at the end. */
const upgradedAtOrigin = new Set<{ destroy(): void }>();

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'game-edge-dist-'));
  await buildSite(SITE_SOURCES, dist);
  origin = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const path = (request.url ?? '').split('?')[0] ?? '';
    const cacheControl = CACHE_CONTROL[path];
    response.writeHead(200, {
      'content-type': 'application/json',
      ...(cacheControl ? { 'cache-control': cacheControl } : {}),
    });
    response.end(JSON.stringify({ served: received.length }));
  });
  // A WebSocket endpoint: accepts the handshake (RFC 6455 accept key) and echoes what it receives.
  origin.on('upgrade', (request, socket) => {
    upgradedAtOrigin.add(socket);
    received.push({ method: 'UPGRADE', url: request.url ?? '', headers: request.headers });
    const accept = createHash('sha1')
      .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
    );
    socket.on('data', (data) => socket.write(Buffer.concat([Buffer.from('echo:'), data])));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  edge = await startLocalSiteServer({
    root: dist,
    behaviour: siteBehaviour(stageProfiles.dev.frontend),
    apiOrigin: originUrl,
  });
}, 60_000);

afterAll(async () => {
  await edge?.stop();
  for (const socket of upgradedAtOrigin) socket.destroy();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
  rmSync(dist, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
});

describe('edgeTtlSeconds (the /api/* cache policy: DefaultTTL 0, MaxTTL 60)', () => {
  it.each([
    [undefined, 0],
    ['no-store', 0],
    ['no-cache', 0],
    ['private, max-age=30', 0],
    ['public, max-age=0, s-maxage=5', 5],
    ['public, max-age=7', 7],
    ['public, s-maxage=3600', API_MAX_TTL_SECONDS],
  ])('Cache-Control %s -> %i s', (header, seconds) => {
    expect(edgeTtlSeconds(header)).toBe(seconds);
  });
});

describe('the local edge, /api/*', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'refuses %s before the origin, with the distribution not-found response',
    async (method) => {
      const response = await fetch(`${edge.url}/api/matches`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('Lost in the clouds');
      expect(received).toEqual([]);
    },
  );

  it('serves a response the origin allows shared caches to keep from its cache until it expires', async () => {
    const first = await fetch(`${edge.url}/api/cached?limit=3`);
    const second = await fetch(`${edge.url}/api/cached?limit=3`);
    const otherQuery = await fetch(`${edge.url}/api/cached?limit=4`);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const afterTtl = await fetch(`${edge.url}/api/cached?limit=3`);

    expect(first.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(second.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(await second.json()).toEqual(await first.json());
    expect(otherQuery.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(afterTtl.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(received.map((request) => request.url)).toEqual([
      '/api/cached?limit=3',
      '/api/cached?limit=4',
      '/api/cached?limit=3',
    ]);
    expect(Object.fromEntries(first.headers)).toMatchObject(MANAGED_SECURITY_HEADERS);
  });

  it('collapses concurrent misses for one cache key into one origin request, as CloudFront does', async () => {
    // Act: five readers at once (a page's load and its live channel's first read, or a crowd)
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${edge.url}/api/cached?limit=7`)),
    );
    const bodies = await Promise.all(answers.map((answer) => answer.json()));

    // Assess
    expect(received.map((request) => request.url)).toEqual(['/api/cached?limit=7']);
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it('does not collapse what may not be cached: each uncached GET reaches the origin', async () => {
    await Promise.all(Array.from({ length: 3 }, () => fetch(`${edge.url}/api/uncached?x=1`)));
    expect(received.map((request) => request.url)).toEqual([
      '/api/uncached?x=1',
      '/api/uncached?x=1',
      '/api/uncached?x=1',
    ]);
  });

  it('fills the cache only from a GET: a HEAD first leaves the next GET a miss with the whole body', async () => {
    const head = await fetch(`${edge.url}/api/cached?limit=9`, { method: 'HEAD' });
    const get = await fetch(`${edge.url}/api/cached?limit=9`);
    const headAgain = await fetch(`${edge.url}/api/cached?limit=9`, { method: 'HEAD' });

    expect(head.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(get.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(await get.json()).toEqual({ served: 2 });
    expect(headAgain.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(received.map((request) => request.method)).toEqual(['HEAD', 'GET']);
  });

  it.each(['/api/uncached', '/api/no-store'])(
    'caches nothing the origin does not allow (%s)',
    async (path) => {
      await fetch(`${edge.url}${path}`);
      const second = await fetch(`${edge.url}${path}`);
      expect(second.headers.get('x-cache')).toBe('Miss from cloudfront');
      expect(received).toHaveLength(2);
    },
  );

  it('forwards the whitelisted viewer headers and the query string, not cookies or credentials', async () => {
    await fetch(`${edge.url}/api/uncached?limit=5`, {
      headers: { 'x-request-id': 'req-123', cookie: 'session=secret', authorization: 'Bearer secret' },
    });
    const [request] = received;
    expect(request?.url).toBe('/api/uncached?limit=5');
    expect(request?.headers['x-request-id']).toBe('req-123');
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('passes a WebSocket upgrade through to the origin and pipes the connection both ways', async () => {
    const { port } = new URL(edge.url);
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const text = () => Buffer.concat(chunks).toString();
    const until = async (done: () => boolean) => {
      for (let tries = 0; tries < 100 && !done(); tries++) await new Promise((r) => setTimeout(r, 20));
    };
    socket.write(
      [
        'GET /api/live?room=1 HTTP/1.1',
        `host: 127.0.0.1:${port}`,
        'upgrade: websocket',
        'connection: Upgrade',
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version: 13',
        'sec-websocket-protocol: game.v1',
        '',
        '',
      ].join('\r\n'),
    );
    await until(() => text().includes('\r\n\r\n'));
    socket.write('ping');
    await until(() => text().includes('echo:ping'));
    socket.destroy();

    expect(text()).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
    expect(text()).toContain('sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(text()).toContain('echo:ping');
    expect(received).toEqual([
      expect.objectContaining({
        method: 'UPGRADE',
        url: '/api/live?room=1',
        headers: expect.objectContaining({ 'sec-websocket-protocol': 'game.v1', upgrade: 'websocket' }),
      }),
    ]);
  });

  it('answers 502, as CloudFront does, when the origin cannot be reached', async () => {
    const offline = await startLocalSiteServer({
      root: dist,
      behaviour: siteBehaviour(stageProfiles.dev.frontend),
      apiOrigin: 'http://127.0.0.1:9',
    });
    try {
      const response = await fetch(`${offline.url}/api/leaderboard`);
      expect(response.status).toBe(502);
      expect(response.headers.get('x-cache')).toBe('Error from cloudfront');
    } finally {
      await offline.stop();
    }
  });
});
