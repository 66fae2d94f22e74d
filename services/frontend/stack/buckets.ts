/**
 * The site bucket (private, read only by CloudFront) and the access-log bucket (CloudFront standard
 * logs and the site bucket's S3 server access logs), both on the platform's S3 baseline.
 */
import {
  AWS,
  kmsKey,
  type PolicyStatement,
  privateBucket,
  type Resources,
  ref,
  stackName,
  sub,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { cloudFrontDecryptStatement, siteReadStatements } from './origin-access';

export const SITE_BUCKET = 'SiteBucket';
export const SITE_KEY = 'SiteKey';
export const ACCESS_LOG_BUCKET = 'AccessLogBucket';

/** Prefixes in the log bucket: one per writer, so each can be granted exactly its own. */
export const LOG_PREFIX = { cloudFront: 'cloudfront/', siteBucket: 's3-access/site/' } as const;

/**
 * The site bucket: SSE-S3 while an OAI reads it (an OAI cannot use KMS), otherwise a key of this
 * stack that CloudFront may decrypt with. Versioned, so a bad release can also be undone object by
 * object; noncurrent versions expire after `frontend.noncurrentVersionDays`.
 */
export const siteBucketResources = (profile: StageProfile): Resources => {
  const { frontend } = profile;
  const kms = frontend.siteEncryption === 'kms';
  return {
    ...(kms
      ? {
          [SITE_KEY]: kmsKey({
            description: `${stackName('frontend', profile.stage)}: encrypts the site objects; only CloudFront decrypts them`,
            serviceStatements: [cloudFrontDecryptStatement()],
          }),
        }
      : {}),
    ...privateBucket(SITE_BUCKET, {
      // An explicit, visible choice: the profile says sse-s3 because an OAI reads this bucket.
      // `Fn::Sub` rather than `getAtt`: the same ARN, written as the deployed template has it.
      encryption: kms ? { kmsKeyArn: sub(`\${${SITE_KEY}.Arn}`) } : 'AES256',
      noncurrentVersionExpirationDays: frontend.noncurrentVersionDays,
      accessLogs: { bucketName: ref(ACCESS_LOG_BUCKET), prefix: LOG_PREFIX.siteBucket },
      policyStatements: siteReadStatements(frontend.originAccess, SITE_BUCKET),
    }),
  };
};

const s3ServerAccessLogsStatement = (): PolicyStatement => ({
  Sid: 'S3ServerAccessLogsOfTheSiteBucket',
  Effect: 'Allow',
  Principal: { Service: 'logging.s3.amazonaws.com' },
  Action: ['s3:PutObject'],
  Resource: sub(`\${${ACCESS_LOG_BUCKET}.Arn}/${LOG_PREFIX.siteBucket}*`),
  Condition: {
    ArnLike: { 'aws:SourceArn': sub(`\${${SITE_BUCKET}.Arn}`) },
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
  },
});

/**
 * The log bucket. CloudFront standard logs are written by CloudFront's log-delivery account through
 * an ACL grant that CloudFront adds itself, so this bucket has ACLs enabled (`ObjectWriter`) and uses
 * SSE-S3 (that account cannot use this account's `aws/s3` key). Both are policy exceptions with reasons.
 * Logs expire after `frontend.accessLogRetentionDays`; in production the bucket outlives the stack.
 */
export const accessLogBucketResources = (profile: StageProfile): Resources => {
  const keep = profile.production
    ? ({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } as const)
    : {};
  return privateBucket(ACCESS_LOG_BUCKET, {
    encryption: 'AES256',
    objectOwnership: 'ObjectWriter',
    expirationDays: profile.frontend.accessLogRetentionDays,
    noncurrentVersionExpirationDays: 1,
    policyStatements: [s3ServerAccessLogsStatement()],
    resourceOptions: keep,
  });
};
