/**
 * How the site is served, in one place: the distribution (`distribution.ts`), the release tool
 * (`cli/release/`) and the local server (`local/site-server.ts`) all read these, so what the tests see
 * locally is what CloudFront does. Pure data and functions: no AWS here.
 */
import type { StageProfile } from '@game-platform/shared/profiles';

/** Where the build puts hashed files. Everything under it is cached for a year. */
export const ASSETS_PREFIX = 'assets/';

/** Release manifests live beside the site but are never served (the bucket policy denies CloudFront). */
export const RELEASES_PREFIX = '_releases/';

export interface SiteBehaviour {
  /** Served for `/` (CloudFront `DefaultRootObject`). */
  rootObject: string;
  /** What a request for a missing object gets. */
  notFound: { page: string; status: 404 } | { page: string; status: 200 };
  /** How long CloudFront keeps an error response before asking the origin again. */
  errorCachingSeconds: number;
}

/**
 * The site's behaviour for a stage: the root object, and for a missing path either the site's 404
 * page with status 404 or, with `spaFallback`, `index.html` with status 200 for client-side routes.
 */
export const siteBehaviour = (frontend: Pick<StageProfile['frontend'], 'spaFallback'>): SiteBehaviour => ({
  rootObject: 'index.html',
  notFound: frontend.spaFallback ? { page: 'index.html', status: 200 } : { page: '404.html', status: 404 },
  // Short, so a page published a moment after someone hit its URL is not hidden behind a cached 404.
  errorCachingSeconds: 10,
});

export const CACHE_CONTROL = {
  /** Content-hashed files never change under their name: browsers and CloudFront keep them a year. */
  immutable: 'public, max-age=31536000, immutable',
  /** Everything else (HTML, favicon) is revalidated on each use, so a release shows at once. */
  revalidate: 'no-cache',
} as const;

/** esbuild's `[name]-[hash]` names: an 8-character base32 hash before the extension. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

export class SiteFileError extends Error {
  override readonly name = 'SiteFileError';
}

/** The Cache-Control a site file is published with; an unhashed file under `assets/` is refused. */
export const cacheControlFor = (key: string): string => {
  if (!key.startsWith(ASSETS_PREFIX)) return CACHE_CONTROL.revalidate;
  if (!HASHED_NAME.test(key)) {
    throw new SiteFileError(
      `${key}: files under ${ASSETS_PREFIX} are cached for a year, so their names must carry a content hash (name-XXXXXXXX.ext); build the site with \`npm run site:build\``,
    );
  }
  return CACHE_CONTROL.immutable;
};

export const isHtml = (key: string): boolean => key.endsWith('.html');

/** Content types of the file kinds the site may contain. Add a line here to publish a new kind. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The Content-Type of a site file, or an error naming the file and the kinds that are known. */
export const contentTypeFor = (key: string): string => {
  const extension = /\.[a-z0-9]+$/i.exec(key)?.[0]?.toLowerCase() ?? '';
  const type = CONTENT_TYPES[extension];
  if (!type) {
    throw new SiteFileError(
      `${key}: no content type known for "${extension || '(no extension)'}"; expected one of ${Object.keys(CONTENT_TYPES).join(', ')} (add it to CONTENT_TYPES in services/frontend/stack/site-behaviour.ts)`,
    );
  }
  return type;
};

/**
 * The URL paths whose cached copies a changed HTML object affects: its own path, and `/` for the
 * root object (CloudFront caches `/` under its own key).
 */
export const viewerPathsFor = (key: string, behaviour: SiteBehaviour): string[] =>
  key === behaviour.rootObject ? ['/', `/${key}`] : [`/${key}`];
