/**
 * For release tests: a real S3-compatible bucket (fauxqs) with every PutObject request's headers
 * recorded as they went over the wire (fauxqs keeps Content-Type but not Cache-Control, so the
 * request is where Cache-Control is observed), and in-memory doubles for CloudFront and
 * CloudFormation that record what they were asked.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type LocalAws, startLocalAws } from '@game-platform/local';
import { s3SiteStore } from '../../cli/release/adapters';
import type { CdnCache, InvalidationStatus, StackOutputsReader } from '../../cli/release/ports';
import type { FrontendOutputs, PublishOptions } from '../../cli/release/publish';

export interface RecordedPut {
  key: string;
  headers: Record<string, string>;
}

export interface LocalBucket {
  client: S3Client;
  bucket: string;
  puts: RecordedPut[];
}

export const startLocalBucket = async (aws: LocalAws, bucket: string): Promise<LocalBucket> => {
  const client = new S3Client({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: aws.credentials,
    forcePathStyle: true,
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const puts: RecordedPut[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') {
        const request = args.request as { path: string; headers: Record<string, string> };
        const key = decodeURIComponent(request.path.replace(`/${bucket}/`, ''));
        puts.push({ key, headers: { ...request.headers } });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordPutObjectHeaders' },
  );
  return { client, bucket, puts };
};

/** A CloudFront double: invalidations complete after `pollsUntilDone` status checks. */
export const fakeCdn = (pollsUntilDone = 2) => {
  const invalidations: Array<{ id: string; paths: string[]; reference: string; polls: number }> = [];
  const cdn: CdnCache = {
    invalidate: async (paths, reference) => {
      const id = `I${invalidations.length + 1}`;
      invalidations.push({ id, paths, reference, polls: 0 });
      return id;
    },
    status: async (id): Promise<InvalidationStatus> => {
      const invalidation = invalidations.find((i) => i.id === id);
      if (!invalidation) throw new Error(`no invalidation ${id}`);
      invalidation.polls += 1;
      return invalidation.polls >= pollsUntilDone ? 'Completed' : 'InProgress';
    },
  };
  return { cdn, invalidations };
};

/** A CloudFormation double that knows one stack's outputs. */
export const fakeStackOutputs =
  (stack: string, outputs: Record<string, string>): StackOutputsReader =>
  async (name) => {
    if (name !== stack) throw new Error(`unexpected stack ${name}`);
    return outputs;
  };

/** Writes a built site (key -> content) into a fresh temporary directory. */
export const writeSite = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'game-site-'));
  for (const [key, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), content);
  }
  return dir;
};

/** Each publish of a test happens a minute after the one before, as real releases would. */
let clock = Date.parse('2025-06-01T12:00:00Z');

/** Publish options wired to the local bucket and the doubles; `log` lines are collected. */
export const publishOptions = (
  local: LocalBucket,
  cdn: CdnCache,
  overrides: Partial<PublishOptions> & Pick<PublishOptions, 'distDir'>,
) => {
  const lines: string[] = [];
  const outputs: FrontendOutputs = {
    siteBucketName: local.bucket,
    distributionId: 'E2EXAMPLE',
    siteUrl: 'https://d111111abcdef8.cloudfront.net',
  };
  const options: PublishOptions = {
    stage: 'dev',
    dryRun: false,
    log: (line) => lines.push(line),
    readOutputs: fakeStackOutputs('game-frontend-dev', outputs),
    connect: () => ({ store: s3SiteStore(local.client, local.bucket), cdn }),
    invalidationPollMs: 1,
    now: () => {
      clock += 60_000;
      return new Date(clock);
    },
    ...overrides,
  };
  return { options, lines };
};

export { startLocalAws };
