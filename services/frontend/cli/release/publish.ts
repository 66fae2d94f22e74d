/**
 * Publishes a built site to a stage: reads the stack outputs, plans (see `plan.ts`), then uploads
 * hashed assets, other files, HTML; records the release; invalidates the changed HTML paths and
 * waits for CloudFront; finally deletes what neither of the last two releases serves. Every check
 * that can fail on bad input (stage, dist/, stack outputs, file kinds) runs before the first upload.
 */
import { stackName } from '@game-platform/resources';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { isHtml, RELEASES_PREFIX, siteBehaviour } from '../../stack/site-behaviour';
import {
  formatPlan,
  type LocalFile,
  manifestKey,
  planRelease,
  type ReleaseManifest,
  type ReleasePlan,
  readLocalSite,
} from './plan';
import {
  type CdnCache,
  ReleaseError,
  type SiteStore,
  type StackOutputsReader,
  type StoredObject,
} from './ports';

/** The outputs of the frontend stack a release reads. */
export const REQUIRED_OUTPUTS = ['siteBucketName', 'distributionId'] as const;
export type FrontendOutputs = Record<(typeof REQUIRED_OUTPUTS)[number], string> & { siteUrl?: string };

export interface PublishOptions {
  stage: string;
  distDir: string;
  dryRun: boolean;
  /** Upload every file, unchanged or not. Default: false. */
  force?: boolean;
  log: (line: string) => void;
  /** Stack outputs of the stage's frontend stack. */
  readOutputs: StackOutputsReader;
  /** The bucket and the cache, once the outputs named them. */
  connect: (outputs: FrontendOutputs, region: string) => { store: SiteStore; cdn: CdnCache };
  /** How often and how long to wait for the invalidation. Default: every 5 s, at most 20 min. */
  invalidationPollMs?: number;
  invalidationTimeoutMs?: number;
  /** Parallel uploads. Default: 8. */
  concurrency?: number;
  now?: () => Date;
}

export interface PublishResult {
  plan: ReleasePlan;
  outputs: FrontendOutputs;
}

const requireOutputs = (stack: string, outputs: Record<string, string>): FrontendOutputs => {
  const missing = REQUIRED_OUTPUTS.filter((name) => !outputs[name]);
  if (missing.length > 0) {
    throw new ReleaseError(
      `stack ${stack} has no output ${missing.join(', ')} (it has: ${Object.keys(outputs).join(', ') || 'none'}); deploy the frontend service of this stage first`,
    );
  }
  return outputs as FrontendOutputs;
};

/** Runs `task` over `items` with at most `limit` in flight. */
const inParallel = async <T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

const readRemote = async (store: SiteStore, local: LocalFile[], concurrency: number) => {
  const keys = await store.listKeys();
  const manifestKeys = keys.filter((key) => key.startsWith(RELEASES_PREFIX)).sort();
  const manifests: ReleaseManifest[] = [];
  for (const key of manifestKeys) {
    try {
      manifests.push(JSON.parse((await store.get(key)).toString('utf8')) as ReleaseManifest);
    } catch (error) {
      throw new ReleaseError(
        `release manifest ${key} is unreadable (${(error as Error).message}); delete it or restore a valid version`,
      );
    }
  }
  manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const objects = new Map<string, StoredObject>();
  for (const key of keys) if (!key.startsWith(RELEASES_PREFIX)) objects.set(key, { key });
  // Only objects the new build also has can be skipped; ask for their digests.
  await inParallel(
    local.filter((file) => objects.has(file.key)),
    concurrency,
    async (file) => {
      const stored = await store.head(file.key);
      if (stored) objects.set(file.key, stored);
    },
  );
  return { objects, manifests };
};

const waitForInvalidation = async (
  cdn: CdnCache,
  id: string,
  options: Required<Pick<PublishOptions, 'invalidationPollMs' | 'invalidationTimeoutMs'>> &
    Pick<PublishOptions, 'log'>,
): Promise<void> => {
  const started = performance.now();
  for (let poll = 1; ; poll++) {
    const status = await cdn.status(id);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    if (status === 'Completed') {
      options.log(`invalidation ${id}: completed after ${seconds} s`);
      return;
    }
    if (performance.now() - started >= options.invalidationTimeoutMs) {
      throw new ReleaseError(
        `invalidation ${id} is still ${status} after ${seconds} s; the new files are in the bucket and edges pick them up when it completes (check with: aws cloudfront get-invalidation --id ${id} --distribution-id <distributionId>)`,
      );
    }
    options.log(`invalidation ${id}: ${status} (${seconds} s, check ${poll})`);
    await new Promise((resolve) => setTimeout(resolve, options.invalidationPollMs));
  }
};

export const publishSite = async (options: PublishOptions): Promise<PublishResult> => {
  const { log, dryRun } = options;
  const concurrency = options.concurrency ?? 8;
  const profile = loadStageProfile(options.stage);
  const behaviour = siteBehaviour(profile.frontend);
  const local = readLocalSite(options.distDir, behaviour);
  const stack = stackName('frontend', options.stage);
  const outputs = requireOutputs(stack, await options.readOutputs(stack, profile.region));
  const { store, cdn } = options.connect(outputs, profile.region);

  log(
    `${dryRun ? 'dry run: ' : ''}publishing ${local.length} files to s3://${outputs.siteBucketName} (stack ${stack})`,
  );
  const plan = planRelease(
    local,
    await readRemote(store, local, concurrency),
    behaviour,
    (options.now ?? (() => new Date()))(),
    options.force ?? false,
  );
  for (const line of formatPlan(plan)) log(line);
  if (dryRun) {
    log('dry run: nothing was changed');
    return { plan, outputs };
  }

  // Assets and other files first, HTML only once everything it references is in place.
  let uploaded = 0;
  for (const phase of [
    plan.uploads.filter((file) => !isHtml(file.key)),
    plan.uploads.filter((file) => isHtml(file.key)),
  ]) {
    await inParallel(phase, concurrency, async (file) => {
      await store.put(file);
      log(`uploaded ${file.key} (${++uploaded}/${plan.uploads.length})`);
    });
  }
  if (plan.release) {
    await store.put({
      key: manifestKey(plan.release.id),
      body: Buffer.from(JSON.stringify(plan.release, null, 2)),
      contentType: 'application/json',
      cacheControl: 'no-cache',
      digest: plan.release.id,
    });
    log(`recorded release ${plan.release.id}`);
  }
  if (plan.invalidationPaths.length > 0) {
    const id = await cdn.invalidate(plan.invalidationPaths, plan.release?.id ?? `republish-${Date.now()}`);
    log(`invalidation ${id}: ${plan.invalidationPaths.join(' ')}`);
    await waitForInvalidation(cdn, id, {
      log,
      invalidationPollMs: options.invalidationPollMs ?? 5_000,
      invalidationTimeoutMs: options.invalidationTimeoutMs ?? 20 * 60_000,
    });
  }
  const deletes = [...plan.deletes, ...plan.expiredManifests];
  if (deletes.length > 0) {
    await store.delete(deletes);
    log(`deleted ${deletes.length} objects that neither of the last two releases serves`);
  }
  log(`published${outputs.siteUrl ? `: ${outputs.siteUrl}` : ''}`);
  return { plan, outputs };
};
