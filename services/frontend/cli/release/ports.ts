/**
 * What a site release needs from the outside world, as small interfaces: the bucket, the CDN and
 * the stack outputs. `adapters.ts` implements them with the AWS SDK v3; tests pass a real
 * S3-compatible server for the bucket and in-memory doubles for CloudFront and CloudFormation.
 */

/** What the release remembers about an object it wrote (S3 user metadata `x-amz-meta-digest`). */
export interface StoredObject {
  key: string;
  /** SHA-256 of the content and the headers it was published with; absent on objects we did not write. */
  digest?: string;
}

export interface PutObject {
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
  digest: string;
}

/** The site bucket. */
export interface SiteStore {
  /** Every key in the bucket. */
  listKeys(): Promise<string[]>;
  /** The object's digest, or undefined when there is no such object. */
  head(key: string): Promise<StoredObject | undefined>;
  get(key: string): Promise<Buffer>;
  put(object: PutObject): Promise<void>;
  /** Deletes the keys (in batches as the store requires). */
  delete(keys: string[]): Promise<void>;
}

export type InvalidationStatus = 'InProgress' | 'Completed';

/** The distribution's cache. */
export interface CdnCache {
  /** Starts an invalidation of the viewer paths; returns its id. `reference` makes a retry idempotent. */
  invalidate(paths: string[], reference: string): Promise<string>;
  status(invalidationId: string): Promise<InvalidationStatus>;
}

/** Outputs of a deployed stack in a region, by name; throws `ReleaseError` when the stack does not exist. */
export type StackOutputsReader = (stackName: string, region: string) => Promise<Record<string, string>>;

/** A failure the user can fix: printed as one line, before anything was changed where possible. */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}
