import { getAtt, ref, type Value } from './cfn/intrinsics';
import { type ResourceOptions, type Resources, resource } from './cfn/resource';
import type { S3BucketProps } from './cfn/spec.generated';
import { type PolicyStatement, policyDocument } from './iam';

/** What a bucket gets when its options say nothing: the values the option docs below name. */
export const BUCKET_DEFAULTS = {
  noncurrentVersionExpirationDays: 30,
  objectOwnership: 'BucketOwnerEnforced',
  /** Not an option: an upload abandoned for a week is never finished. */
  abortIncompleteMultipartUploadDays: 7,
} as const;

export interface BucketBaselineOptions {
  /**
   * Default encryption. Default: `aws:kms` with the AWS-managed `aws/s3` key and an S3 Bucket Key
   * (no key to pay for, CT.S3.PR.10 satisfied). Give `kmsKeyArn` for a customer-managed key, or
   * `'AES256'` explicitly where a reader cannot use KMS (CloudFront OAI) - that needs a policy exception.
   */
  encryption?: { kmsKeyArn?: Value<string> } | 'AES256';
  /**
   * Days a replaced or deleted object version is kept before it expires. Default: 30.
   * Versioning itself is always on (CT.S3.PR.11); this bounds what it costs.
   */
  noncurrentVersionExpirationDays?: number;
  /**
   * Days after which current objects expire too. Default: never (a site or artifact bucket keeps
   * what it serves). Set it on buckets that only accumulate, such as access-log buckets.
   */
  expirationDays?: number;
  /**
   * Who owns uploaded objects. Default: `BucketOwnerEnforced` (ACLs disabled, CT.S3.PR.5).
   * Only a CloudFront standard-logs bucket needs `ObjectWriter`, because CloudFront writes logs with ACLs.
   */
  objectOwnership?: 'BucketOwnerEnforced' | 'ObjectWriter';
  /** Server access logs destination. Default: none (needs a CT.S3.PR.2 exception with a reason). */
  accessLogs?: { bucketName: Value<string>; prefix: string };
}

/**
 * Properties of a private bucket that meets the S3 baseline: all four public-access blocks, ACLs
 * off, default encryption, versioning with a noncurrent-version lifecycle, aborted multipart uploads
 * cleaned up. `privateBucket` pairs it with the TLS-only bucket policy; use that.
 */
export const bucketBaseline = (options: BucketBaselineOptions = {}): S3BucketProps => {
  const encryption = options.encryption ?? {};
  return {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: {
      Rules: [{ ObjectOwnership: options.objectOwnership ?? BUCKET_DEFAULTS.objectOwnership }],
    },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        encryption === 'AES256'
          ? { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }
          : {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                ...(encryption.kmsKeyArn ? { KMSMasterKeyID: encryption.kmsKeyArn } : {}),
              },
              BucketKeyEnabled: true,
            },
      ],
    },
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: {
      Rules: [
        {
          Id: 'ExpireNoncurrentVersions',
          Status: 'Enabled',
          NoncurrentVersionExpiration: {
            NoncurrentDays:
              options.noncurrentVersionExpirationDays ?? BUCKET_DEFAULTS.noncurrentVersionExpirationDays,
          },
          ...(options.expirationDays ? { ExpirationInDays: options.expirationDays } : {}),
          AbortIncompleteMultipartUpload: {
            DaysAfterInitiation: BUCKET_DEFAULTS.abortIncompleteMultipartUploadDays,
          },
        },
      ],
    },
    ...(options.accessLogs
      ? {
          LoggingConfiguration: {
            DestinationBucketName: options.accessLogs.bucketName,
            LogFilePrefix: options.accessLogs.prefix,
          },
        }
      : {}),
  };
};

/**
 * Denies every request that does not use TLS. Written in the exact shape CT.S3.PR.8 recognises:
 * resources `[bucketArn, bucketArn/*]` and the condition value as the string "false".
 */
export const tlsOnlyStatement = (bucketLogicalId: string): PolicyStatement => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: ['s3:*'],
  Resource: [getAtt(bucketLogicalId, 'Arn'), { 'Fn::Join': ['', [getAtt(bucketLogicalId, 'Arn'), '/*']] }],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

export interface PrivateBucketOptions extends BucketBaselineOptions {
  /** Statements the bucket policy grants besides the TLS-only deny (a log writer, CloudFront's reads). */
  policyStatements?: PolicyStatement[];
  /** `DeletionPolicy`/`UpdateReplacePolicy` and the like of the bucket. Default: none (the stage decides). */
  resourceOptions?: ResourceOptions;
}

/**
 * A private bucket on the S3 baseline (`bucketBaseline`, defaults in `BUCKET_DEFAULTS`) and the
 * bucket policy that protects it: TLS only (`tlsOnlyStatement`, first), then `policyStatements`.
 * Logical ids: `<logicalId>` and `<logicalId>Policy`.
 */
export const privateBucket = (logicalId: string, options: PrivateBucketOptions = {}): Resources => {
  const { policyStatements = [], resourceOptions, ...baseline } = options;
  return {
    [logicalId]: resource('AWS::S3::Bucket', bucketBaseline(baseline), resourceOptions),
    [`${logicalId}Policy`]: resource('AWS::S3::BucketPolicy', {
      Bucket: ref(logicalId),
      PolicyDocument: policyDocument(tlsOnlyStatement(logicalId), ...policyStatements),
    }),
  };
};
