/**
 * The release plan, computed before anything changes: what to upload (hashed assets first, HTML
 * last), what is already there, what to delete, which viewer paths to invalidate. Pure: no AWS.
 *
 * Retention: the objects of the new release and of the one before it stay (pages still open in
 * browsers load the previous release's assets); everything else goes. When the bucket has no release
 * manifest yet, whatever is there counts as the previous release and stays until the next release.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CACHE_CONTROL,
  cacheControlFor,
  contentTypeFor,
  isHtml,
  RELEASES_PREFIX,
  type SiteBehaviour,
  viewerPathsFor,
} from '../../stack/site-behaviour';
import { ReleaseError, type StoredObject } from './ports';

export interface LocalFile {
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
  digest: string;
}

/** A release as recorded in `_releases/<id>.json`: key -> digest of every file it served. */
export interface ReleaseManifest {
  id: string;
  createdAt: string;
  files: Record<string, string>;
}

/** SHA-256 over what a viewer receives: the headers the object is published with and its bytes. */
export const digestOf = (body: Buffer, contentType: string, cacheControl: string): string =>
  createHash('sha256').update(`${contentType}\n${cacheControl}\n`).update(body).digest('hex');

/** Reads a built site; a missing or empty `dist/`, or a file that cannot be served, is a `ReleaseError`. */
export const readLocalSite = (distDir: string, behaviour: SiteBehaviour): LocalFile[] => {
  if (!existsSync(join(distDir, behaviour.rootObject))) {
    throw new ReleaseError(
      `${distDir} has no ${behaviour.rootObject}: there is no built site to publish; run \`npm run site:build\` first`,
    );
  }
  const keys = readdirSync(distDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(distDir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
  return keys.map((key) => {
    if (key.startsWith(RELEASES_PREFIX)) {
      throw new ReleaseError(`${distDir}/${key}: ${RELEASES_PREFIX} is reserved for release manifests`);
    }
    let contentType: string;
    let cacheControl: string;
    try {
      contentType = contentTypeFor(key);
      cacheControl = cacheControlFor(key);
    } catch (error) {
      throw new ReleaseError((error as Error).message);
    }
    const body = readFileSync(join(distDir, key));
    return { key, body, contentType, cacheControl, digest: digestOf(body, contentType, cacheControl) };
  });
};

/** Upload order: immutable assets, then other files, then HTML, so no page is live before what it loads. */
const uploadRank = (file: LocalFile): number =>
  file.cacheControl === CACHE_CONTROL.immutable ? 0 : isHtml(file.key) ? 2 : 1;

export interface ReleasePlan {
  /** The new release, or undefined when the bucket already serves exactly this build. */
  release?: ReleaseManifest;
  uploads: LocalFile[];
  unchanged: string[];
  deletes: string[];
  /** Manifests of releases older than the previous one. */
  expiredManifests: string[];
  invalidationPaths: string[];
}

export interface RemoteState {
  /** Site object keys (not manifests) with their digests where the release wrote them. */
  objects: Map<string, StoredObject>;
  /** Every manifest in the bucket, oldest first. */
  manifests: ReleaseManifest[];
}

export const manifestKey = (id: string): string => `${RELEASES_PREFIX}${id}.json`;

/** Release ids sort by time: `20250101T120000123Z-1a2b3c4d` (UTC time to the ms, then the digest of the file list). */
export const releaseId = (files: Record<string, string>, now: Date): string =>
  `${now.toISOString().replace(/[-:.]/g, '')}-${createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 8)}`;

const sameFiles = (a: Record<string, string>, b: Record<string, string>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

export const planRelease = (
  local: LocalFile[],
  remote: RemoteState,
  behaviour: SiteBehaviour,
  now: Date,
  /** Upload every file even when the bucket already has it (e.g. to re-encrypt after changing siteEncryption). */
  force = false,
): ReleasePlan => {
  const files = Object.fromEntries(local.map((file) => [file.key, file.digest]));
  const latest = remote.manifests.at(-1);
  const release =
    latest && sameFiles(latest.files, files)
      ? undefined
      : { id: releaseId(files, now), createdAt: now.toISOString(), files };
  // The two releases that stay: the new one and the one before it (or the last two if nothing is new).
  const kept = release ? [...remote.manifests.slice(-1), release] : remote.manifests.slice(-2);

  const uploads = local
    .filter((file) => force || remote.objects.get(file.key)?.digest !== file.digest)
    .sort((a, b) => uploadRank(a) - uploadRank(b) || a.key.localeCompare(b.key));
  const unchanged = local.filter((file) => !uploads.includes(file)).map((file) => file.key);

  const keep = new Set(kept.flatMap((manifest) => Object.keys(manifest.files)));
  const deletes =
    remote.manifests.length === 0 ? [] : [...remote.objects.keys()].filter((key) => !keep.has(key)).sort();
  const keptIds = new Set(kept.map((manifest) => manifest.id));
  const expiredManifests = remote.manifests
    .filter((manifest) => !keptIds.has(manifest.id))
    .map((manifest) => manifestKey(manifest.id));

  const changedPages = [
    ...uploads.filter((file) => isHtml(file.key)).map((file) => file.key),
    ...deletes.filter(isHtml),
  ];
  const invalidationPaths = [
    ...new Set(changedPages.flatMap((key) => viewerPathsFor(key, behaviour))),
  ].sort();
  return { release, uploads, unchanged, deletes, expiredManifests, invalidationPaths };
};

const size = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

/** The plan as the release prints it, one line per object, then a summary. */
export const formatPlan = (plan: ReleasePlan): string[] => [
  ...plan.uploads.map(
    (file) => `upload     ${file.key} (${size(file.body.length)}, ${file.contentType}, ${file.cacheControl})`,
  ),
  ...plan.unchanged.map((key) => `skip       ${key} (unchanged)`),
  ...plan.deletes.map((key) => `delete     ${key} (in neither of the last two releases)`),
  ...plan.expiredManifests.map((key) => `delete     ${key} (release older than the previous one)`),
  ...plan.invalidationPaths.map((path) => `invalidate ${path}`),
  `release ${plan.release ? plan.release.id : '(none: the bucket already serves this build)'}: ${plan.uploads.length} to upload, ${plan.unchanged.length} unchanged, ${plan.deletes.length + plan.expiredManifests.length} to delete, ${plan.invalidationPaths.length} paths to invalidate`,
];
