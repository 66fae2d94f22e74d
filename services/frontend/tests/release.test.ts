/**
 * Site releases against a real S3-compatible server (fauxqs, started here), with CloudFront and
 * CloudFormation behind their interfaces as doubles. The tests of "release history" run in order:
 * each publishes the next build into the same bucket, as successive deploys would.
 */
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { StageProfileError } from '@game-platform/shared/profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseError } from '../cli/release/ports';
import { publishSite } from '../cli/release/publish';
import { CACHE_CONTROL } from '../stack/site-behaviour';
import {
  fakeCdn,
  fakeStackOutputs,
  type LocalBucket,
  publishOptions,
  startLocalAws,
  startLocalBucket,
  writeSite,
} from './helpers/release';

/** A built site whose index page loads `assets/app-<hash>.js`. */
const build = (appHash: string, headline: string) =>
  writeSite({
    'index.html': `<!doctype html><h1>${headline}</h1><script src="/assets/app-${appHash}.js"></script>`,
    '404.html': '<!doctype html><h1>Not found</h1>',
    [`assets/app-${appHash}.js`]: `console.log(${JSON.stringify(headline)});`,
    'assets/site-CCCCCCCC.css': 'body { color: black; }',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"><title>x</title></svg>',
  });

let aws: Awaited<ReturnType<typeof startLocalAws>>;
let bucket: LocalBucket;

beforeAll(async () => {
  aws = await startLocalAws();
  bucket = await startLocalBucket(aws, 'game-dev-site');
});
afterAll(async () => {
  bucket.client.destroy();
  await aws.stop();
});

const keysInBucket = async (): Promise<string[]> =>
  ((await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.bucket }))).Contents ?? [])
    .map((object) => object.Key ?? '')
    .sort();

const contentTypeOf = async (key: string) =>
  (await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: key }))).ContentType;

describe('release history', () => {
  const first = build('AAAAAAAA', 'Release one');
  const second = build('BBBBBBBB', 'Release two');
  const third = build('DDDDDDDD', 'Release three');

  it('first release: uploads assets before HTML with the right types and cache headers, invalidates every page and waits', async () => {
    // Prepare
    const { cdn, invalidations } = fakeCdn(3);
    const { options, lines } = publishOptions(bucket, cdn, { distDir: first });
    // Act
    const { plan } = await publishSite(options);
    // Assess: upload order is immutable assets, other files, then HTML.
    expect(bucket.puts.map((put) => put.key)).toEqual([
      'assets/app-AAAAAAAA.js',
      'assets/site-CCCCCCCC.css',
      'favicon.svg',
      '404.html',
      'index.html',
      `_releases/${plan.release?.id}.json`,
    ]);
    const header = (key: string, name: string) => bucket.puts.find((put) => put.key === key)?.headers[name];
    expect(header('assets/app-AAAAAAAA.js', 'cache-control')).toBe('public, max-age=31536000, immutable');
    expect(header('assets/site-CCCCCCCC.css', 'cache-control')).toBe(CACHE_CONTROL.immutable);
    expect(header('index.html', 'cache-control')).toBe('no-cache');
    expect(header('favicon.svg', 'cache-control')).toBe('no-cache');
    expect(await contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(await contentTypeOf('assets/app-AAAAAAAA.js')).toBe('text/javascript; charset=utf-8');
    expect(await contentTypeOf('assets/site-CCCCCCCC.css')).toBe('text/css; charset=utf-8');
    expect(await contentTypeOf('favicon.svg')).toBe('image/svg+xml');
    // Every page is new, so each is invalidated, the root object under "/" too; the wait was reported.
    expect(invalidations.map((i) => i.paths)).toEqual([['/', '/404.html', '/index.html']]);
    expect(invalidations[0]?.polls).toBe(3);
    expect(lines).toContain('invalidation I1: completed after 0 s');
    expect(lines.filter((line) => line.startsWith('invalidation I1: InProgress'))).toHaveLength(2);
  });

  it('publishing the same build again uploads nothing, records no release and invalidates nothing', async () => {
    const { cdn, invalidations } = fakeCdn();
    const before = bucket.puts.length;
    const { options, lines } = publishOptions(bucket, cdn, { distDir: first });

    const { plan } = await publishSite(options);

    expect(bucket.puts.length).toBe(before);
    expect(plan.release).toBeUndefined();
    expect(plan.unchanged).toHaveLength(5);
    expect(invalidations).toEqual([]);
    expect(lines).toContain('skip       index.html (unchanged)');
  });

  it('second release: uploads only what changed, invalidates only the changed page and keeps the first release', async () => {
    const { cdn, invalidations } = fakeCdn();
    const before = bucket.puts.length;
    const { options } = publishOptions(bucket, cdn, { distDir: second });

    const { plan } = await publishSite(options);

    expect(bucket.puts.slice(before).map((put) => put.key)).toEqual([
      'assets/app-BBBBBBBB.js',
      'index.html',
      `_releases/${plan.release?.id}.json`,
    ]);
    expect(invalidations.map((i) => i.paths)).toEqual([['/', '/index.html']]);
    // Pages opened before this release still load their script.
    expect(await keysInBucket()).toEqual(
      expect.arrayContaining(['assets/app-AAAAAAAA.js', 'assets/app-BBBBBBBB.js']),
    );
  });

  it('third release: removes what only the first release served, keeps the last two releases', async () => {
    const { cdn } = fakeCdn();
    const { options } = publishOptions(bucket, cdn, {
      distDir: third,
      now: () => new Date(Date.now() + 60_000),
    });

    const { plan } = await publishSite(options);

    const keys = await keysInBucket();
    expect(keys.filter((key) => !key.startsWith('_releases/'))).toEqual([
      '404.html',
      'assets/app-BBBBBBBB.js',
      'assets/app-DDDDDDDD.js',
      'assets/site-CCCCCCCC.css',
      'favicon.svg',
      'index.html',
    ]);
    expect(keys.filter((key) => key.startsWith('_releases/'))).toHaveLength(2);
    expect(keys).toContain(`_releases/${plan.release?.id}.json`);
    expect(plan.deletes).toEqual(['assets/app-AAAAAAAA.js']);
  });

  it('a dry run prints the plan and changes nothing', async () => {
    const { cdn, invalidations } = fakeCdn();
    const fourth = build('EEEEEEEE', 'Release four');
    const before = { puts: bucket.puts.length, keys: await keysInBucket() };
    const { options, lines } = publishOptions(bucket, cdn, { distDir: fourth, dryRun: true });

    await publishSite(options);

    expect(bucket.puts.length).toBe(before.puts);
    expect(await keysInBucket()).toEqual(before.keys);
    expect(invalidations).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^upload {5}assets\/app-EEEEEEEE\.js \(\d+ B, text\/javascript/),
        'skip       assets/site-CCCCCCCC.css (unchanged)',
        'delete     assets/app-BBBBBBBB.js (in neither of the last two releases)',
        expect.stringMatching(
          /^delete {5}_releases\/\d{8}T\d{9}Z-[0-9a-f]{8}\.json \(release older than the previous one\)$/,
        ),
        'invalidate /',
        'invalidate /index.html',
        'dry run: nothing was changed',
      ]),
    );
  });
});

describe('release refused before any upload', () => {
  const site = build('FFFFFFFF', 'Never published');

  const attempt = async (overrides: Parameters<typeof publishOptions>[2]) => {
    const { cdn, invalidations } = fakeCdn();
    const before = bucket.puts.length;
    const { options } = publishOptions(bucket, cdn, overrides);
    const error = await publishSite(options).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(bucket.puts.length).toBe(before);
    expect(invalidations).toEqual([]);
    return error as Error;
  };

  it('a missing dist/ says to build first', async () => {
    const error = await attempt({ distDir: '/nonexistent/dist' });
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error.message).toBe(
      '/nonexistent/dist has no index.html: there is no built site to publish; run `npm run site:build` first',
    );
  });

  it('an invalid stage name is refused with the naming rule', async () => {
    const error = await attempt({ distDir: site, stage: 'Prod_1' });
    expect(error).toBeInstanceOf(StageProfileError);
    expect(error.message).toContain('stage "Prod_1" is not a valid stage name');
  });

  it('a stack without the release outputs names the missing outputs', async () => {
    const error = await attempt({
      distDir: site,
      readOutputs: fakeStackOutputs('game-frontend-dev', { siteUrl: 'https://example.com' }),
    });
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error.message).toBe(
      'stack game-frontend-dev has no output siteBucketName, distributionId (it has: siteUrl); deploy the frontend service of this stage first',
    );
  });

  it('a file the site cannot serve is named, with the kinds that are known', async () => {
    const error = await attempt({ distDir: writeSite({ 'index.html': '<h1>x</h1>', 'notes.docx': 'x' }) });
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error.message).toMatch(
      /^notes\.docx: no content type known for "\.docx"; expected one of \.html, /,
    );
  });

  it('an asset without a content hash in its name is refused: it would be cached for a year', async () => {
    const error = await attempt({ distDir: writeSite({ 'index.html': '<h1>x</h1>', 'assets/app.js': 'x' }) });
    expect(error.message).toMatch(/^assets\/app\.js: files under assets\/ are cached for a year/);
  });
});
