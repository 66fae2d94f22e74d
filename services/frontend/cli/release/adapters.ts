/**
 * The release's ports implemented with the AWS SDK v3: S3 for the bucket, CloudFront for the cache,
 * CloudFormation for the stack outputs. Clients are created by the caller (once per run) and passed in.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
} from '@aws-sdk/client-cloudfront';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type CdnCache,
  type InvalidationStatus,
  ReleaseError,
  type SiteStore,
  type StackOutputsReader,
} from './ports';

/** S3 user metadata key holding the release digest (`x-amz-meta-digest`). */
const DIGEST = 'digest';
/** DeleteObjects takes at most 1,000 keys per call. */
const DELETE_BATCH = 1000;

export const s3SiteStore = (client: S3Client, bucket: string): SiteStore => ({
  listKeys: async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  },
  head: async (key) => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { key, digest: head.Metadata?.[DIGEST] };
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw error;
    }
  },
  get: async (key) => {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  },
  put: async (object) => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
        Metadata: { [DIGEST]: object.digest },
      }),
    );
  },
  delete: async (keys) => {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (result.Errors?.length) {
        throw new ReleaseError(
          `could not delete ${result.Errors.map((e) => `${e.Key} (${e.Code})`).join(', ')} from s3://${bucket}`,
        );
      }
    }
  },
});

export const cloudFrontCache = (client: CloudFrontClient, distributionId: string): CdnCache => ({
  invalidate: async (paths, reference) => {
    const result = await client.send(
      new CreateInvalidationCommand({
        DistributionId: distributionId,
        InvalidationBatch: { CallerReference: reference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    const id = result.Invalidation?.Id;
    if (!id)
      throw new ReleaseError(`CloudFront returned no invalidation id for distribution ${distributionId}`);
    return id;
  },
  status: async (id) => {
    const result = await client.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: id }));
    return (result.Invalidation?.Status ?? 'InProgress') as InvalidationStatus;
  },
});

/** CloudFront is a global service: its API lives in us-east-1 whatever region the stack is in. */
export const cloudFrontClient = (): CloudFrontClient => new CloudFrontClient({ region: 'us-east-1' });

export const cloudFormationOutputs: StackOutputsReader = async (stackName, region) => {
  const client = new CloudFormationClient({ region });
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = result.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(
      outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
    );
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) {
      throw new ReleaseError(
        `stack ${stackName} does not exist in ${region}; check the stage name, or deploy the frontend first (npx serverless deploy --stage <stage>)`,
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
};
