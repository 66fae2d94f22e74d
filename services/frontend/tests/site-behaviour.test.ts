/**
 * The rules the template, the release and the local server share, and the parts of each that the
 * browser and release tests do not reach: the release plan's edge cases, the SPA fallback and the
 * HTTP details of the local server, and the build's refusal of a page that references a missing file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANAGED_SECURITY_HEADERS } from '@game-platform/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, SiteBuildError } from '../cli/release/build';
import { parsePublishArguments } from '../cli/release/command-line';
import { digestOf, type LocalFile, planRelease } from '../cli/release/plan';
import { type LocalSiteServer, startLocalSiteServer } from '../local/site-server';
import { siteBehaviour } from '../stack/site-behaviour';
import { writeSite } from './helpers/release';

const behaviour = siteBehaviour({ spaFallback: false });

const file = (key: string, content: string): LocalFile => {
  const contentType = key.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
  const cacheControl = key.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  const body = Buffer.from(content);
  return { key, body, contentType, cacheControl, digest: digestOf(body, contentType, cacheControl) };
};

describe('release plan', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('first release into a bucket with files but no manifest: keeps them (they are the previous site)', () => {
    const local = [file('index.html', 'new'), file('assets/app-AAAAAAAA.js', 'a')];
    const objects = new Map([['old-page.html', { key: 'old-page.html' }]]);

    const plan = planRelease(local, { objects, manifests: [] }, behaviour, now);

    expect(plan.deletes).toEqual([]);
    expect(plan.uploads.map((f) => f.key)).toEqual(['assets/app-AAAAAAAA.js', 'index.html']);
    expect(plan.release?.id).toMatch(/^20250601T120000000Z-[0-9a-f]{8}$/);
  });

  it('a changed root object invalidates "/" as well as "/index.html"; the previous release\'s pages stay', () => {
    const previous = {
      id: 'r1',
      createdAt: '2025-05-01T00:00:00.000Z',
      files: { 'index.html': 'x', 'about.html': 'y' },
    };
    const objects = new Map([
      ['index.html', { key: 'index.html', digest: 'x' }],
      ['about.html', { key: 'about.html', digest: 'y' }],
    ]);
    const older = { id: 'r0', createdAt: '2025-04-01T00:00:00.000Z', files: { 'index.html': 'w' } };

    const plan = planRelease(
      [file('index.html', 'changed')],
      { objects, manifests: [older, previous] },
      behaviour,
      now,
    );

    // about.html belongs to the previous release, so it stays and is not invalidated yet.
    expect(plan.deletes).toEqual([]);
    expect(plan.invalidationPaths).toEqual(['/', '/index.html']);
    expect(plan.expiredManifests).toEqual(['_releases/r0.json']);
  });
});

describe('publish arguments', () => {
  it('requires --stage and reads --dry-run and --force', () => {
    expect(parsePublishArguments(['--stage', 'prod', '--dry-run', '--force'])).toMatchObject({
      stage: 'prod',
      dryRun: true,
      force: true,
    });
    expect(() => parsePublishArguments(['--dry-run'])).toThrow(
      '--stage is missing; expected --stage <stage>',
    );
    expect(() => parsePublishArguments(['--stage', 'dev', '--yes'])).toThrow(
      'unknown option --yes; expected one of --stage <stage>, --dry-run, --force, --dist <dir>',
    );
  });

  it('--force uploads files the bucket already has', () => {
    const index = file('index.html', 'same');
    const objects = new Map([['index.html', { key: 'index.html', digest: index.digest }]]);
    const remote = { objects, manifests: [] };
    const now = new Date();
    expect(planRelease([index], remote, behaviour, now).uploads).toEqual([]);
    expect(planRelease([index], remote, behaviour, now, true).uploads).toEqual([index]);
  });
});

describe('local server', () => {
  let site: string;
  let spa: LocalSiteServer;
  let strict: LocalSiteServer;

  beforeAll(async () => {
    site = writeSite({
      'index.html': '<h1>home</h1>',
      '404.html': '<h1>missing</h1>',
      'assets/app-AAAAAAAA.js': 'console.log(1)',
      '_releases/r1.json': '{}',
    });
    spa = await startLocalSiteServer({ root: site, behaviour: siteBehaviour({ spaFallback: true }) });
    strict = await startLocalSiteServer({ root: site, behaviour });
  });
  afterAll(async () => {
    await spa.stop();
    await strict.stop();
  });

  it('with the SPA fallback, a client route gets index.html with status 200', async () => {
    const response = await fetch(`${spa.url}/play/level-3`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>home</h1>');
  });

  it('serves assets with the year-long cache header and answers a matching ETag with 304', async () => {
    const first = await fetch(`${strict.url}/assets/app-AAAAAAAA.js`);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const again = await fetch(`${strict.url}/assets/app-AAAAAAAA.js`, {
      headers: { 'if-none-match': first.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('never serves release manifests, refuses writes, and sends the security headers on every answer', async () => {
    const manifest = await fetch(`${strict.url}/_releases/r1.json`);
    expect(manifest.status).toBe(404);
    const write = await fetch(`${strict.url}/index.html`, { method: 'PUT', body: 'x' });
    expect(write.status).toBe(405);
    for (const response of [manifest, write]) {
      for (const [name, value] of Object.entries(MANAGED_SECURITY_HEADERS))
        expect(response.headers.get(name)).toBe(value);
    }
  });
});

describe('site build', () => {
  it('refuses a page that references an asset with no source, naming the page and the reference', async () => {
    const sources = writeSite({
      'index.html': '<script src="/assets/missing.js"></script>',
      '404.html': '<h1>missing</h1>',
    });
    const error = await buildSite(sources, mkdtempSync(join(tmpdir(), 'game-site-out-'))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SiteBuildError);
    expect((error as Error).message).toBe(
      `index.html references /assets/missing.js, but none of assets/missing.ts, assets/missing.js exists in ${sources}`,
    );
  });
});
