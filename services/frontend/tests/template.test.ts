/**
 * The frontend stack as synthesized for each checked stage profile (synth ran every check on these
 * files already). Each stage is one origin-access mode: dev `oai`, staging `oai+oac`, prod `oac`.
 */
import type {
  CloudFrontDistribution_CacheBehavior,
  CloudFrontDistribution_Origin,
  CloudFrontDistributionProps,
  S3Bucket_ServerSideEncryptionRule,
  S3BucketProps,
} from '@game-platform/resources';
import { CHECKED_PROFILES, stageProfiles } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;

type Statement = {
  Sid: string;
  Effect: string;
  Principal?: unknown;
  Condition?: unknown;
  Resource?: unknown;
};

/** A resource's properties as the generated CloudFormation types describe them. */
const propertiesOf = <T>(template: ReturnType<typeof synthesizedTemplate>, logicalId: string): T =>
  (resourceById(template, logicalId).Properties ?? {}) as T;

const statementsOf = (template: ReturnType<typeof synthesizedTemplate>, policy: string) =>
  propertiesOf<{ PolicyDocument: { Statement: Statement[] } }>(template, policy).PolicyDocument.Statement;

describe.each(STAGES)('frontend template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'frontend');
  const { frontend, production } = stageProfiles[stage];
  const config = propertiesOf<CloudFrontDistributionProps>(template, 'SiteDistribution')
    .DistributionConfig as Omit<
    CloudFrontDistributionProps['DistributionConfig'],
    'Origins' | 'CacheBehaviors'
  > & { Origins: CloudFrontDistribution_Origin[]; CacheBehaviors?: CloudFrontDistribution_CacheBehavior[] };

  it('keeps the site bucket private, versioned, encrypted as the profile says, and logging to the log bucket', () => {
    const bucket = resourceById(template, 'SiteBucket').Properties ?? {};
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(bucket.LifecycleConfiguration)).toContain(
      `"NoncurrentVersionExpiration":{"NoncurrentDays":${frontend.noncurrentVersionDays}}`,
    );
    const { BucketEncryption } = propertiesOf<Required<S3BucketProps>>(template, 'SiteBucket');
    const [rule] = BucketEncryption.ServerSideEncryptionConfiguration as S3Bucket_ServerSideEncryptionRule[];
    const encryption = rule?.ServerSideEncryptionByDefault;
    expect(encryption).toEqual(
      frontend.siteEncryption === 'kms'
        ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::Sub': '${SiteKey.Arn}' } }
        : { SSEAlgorithm: 'AES256' },
    );
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: 'AccessLogBucket' },
      LogFilePrefix: 's3-access/site/',
    });
    expect(statementsOf(template, 'SiteBucketPolicy')[0]?.Sid).toBe('DenyInsecureTransport');
  });

  it(`lets CloudFront read the bucket through ${frontend.originAccess} and nothing else`, () => {
    const allows = statementsOf(template, 'SiteBucketPolicy').filter((s) => s.Effect === 'Allow');
    const oai = {
      Sid: 'CloudFrontOriginAccessIdentityReadsSite',
      Principal: { CanonicalUser: { 'Fn::GetAtt': ['SiteOriginAccessIdentity', 'S3CanonicalUserId'] } },
    };
    const oac = {
      Sid: 'CloudFrontDistributionReadsSite',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}',
          },
        },
      },
    };
    const expected = { oai: [oai], 'oai+oac': [oai, oac], oac: [oac] }[frontend.originAccess];
    expect(allows).toEqual(expected.map((s) => expect.objectContaining({ ...s, Action: ['s3:GetObject'] })));
    expect(Object.keys(resourcesOfType(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity'))).toEqual(
      frontend.originAccess === 'oac' ? [] : ['SiteOriginAccessIdentity'],
    );
    expect(Object.keys(resourcesOfType(template, 'AWS::CloudFront::OriginAccessControl'))).toEqual(
      frontend.originAccess === 'oai' ? [] : ['SiteOriginAccessControl'],
    );
  });

  it('reads through the OAI until the mode is oac, then through OAC only', () => {
    const [origin = {} as CloudFrontDistribution_Origin] = config.Origins;
    if (frontend.originAccess === 'oac') {
      expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['SiteOriginAccessControl', 'Id'] });
    } else {
      expect(origin.S3OriginConfig).toEqual({
        OriginAccessIdentity: { 'Fn::Sub': 'origin-access-identity/cloudfront/${SiteOriginAccessIdentity}' },
      });
      expect(origin.OriginAccessControlId).toBeUndefined();
    }
  });

  it('never serves the release manifests, whoever reads the site', () => {
    const denies = statementsOf(template, 'SiteBucketPolicy').filter(
      (s) => s.Effect === 'Deny' && s.Sid !== 'DenyInsecureTransport',
    );
    expect(denies.length).toBe(frontend.originAccess === 'oai+oac' ? 2 : 1);
    for (const deny of denies) expect(deny.Resource).toEqual({ 'Fn::Sub': '${SiteBucket.Arn}/_releases/*' });
  });

  it('serves HTTPS only over HTTP/2 and 3, compressed, with managed cache and security-header policies', () => {
    expect(config).toMatchObject({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      PriceClass: frontend.priceClass,
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
      },
    });
    // The /api/* behaviour refuses HTTP instead of redirecting (tests/api-edge.test.ts).
    for (const behaviour of config.CacheBehaviors ?? [])
      expect(['redirect-to-https', 'https-only']).toContain(behaviour.ViewerProtocolPolicy);
  });

  it('answers missing objects (S3 says 403 or 404) with the 404 page and status 404, or the SPA fallback', () => {
    const notFound = frontend.spaFallback
      ? { ResponseCode: 200, ResponsePagePath: '/index.html' }
      : { ResponseCode: 404, ResponsePagePath: '/404.html' };
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ...notFound, ErrorCachingMinTTL: 10 },
      { ErrorCode: 404, ...notFound, ErrorCachingMinTTL: 10 },
    ]);
  });

  it('writes access logs to the log bucket, which keeps them for the profile retention', () => {
    expect(config.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': ['AccessLogBucket', 'DomainName'] },
      Prefix: 'cloudfront/',
      IncludeCookies: false,
    });
    const logBucket = resourceById(template, 'AccessLogBucket');
    expect(logBucket.Properties?.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    expect(JSON.stringify(logBucket.Properties?.LifecycleConfiguration)).toContain(
      `"ExpirationInDays":${frontend.accessLogRetentionDays}`,
    );
    expect(logBucket.DeletionPolicy).toBe(production ? 'Retain' : 'Delete');
  });

  it('uses the CloudFront certificate while the stage has no custom domain, and no WAF unless configured', () => {
    expect(frontend.customDomain).toBeNull();
    expect(config.ViewerCertificate).toEqual({ CloudFrontDefaultCertificate: true });
    expect(config.Aliases).toBeUndefined();
    // The firewall service's web ACL where the profile turns it on (tests/api-edge.test.ts).
    if (stageProfiles[stage].edge.webAcl) expect(config.WebACLId).toMatch(/^arn:aws:wafv2:us-east-1:/);
    else expect(config.WebACLId).toBeUndefined();
  });

  it('lets only CloudFront decrypt the site key (oac with kms)', () => {
    const keys = resourcesOfType(template, 'AWS::KMS::Key');
    if (frontend.siteEncryption !== 'kms') {
      expect(keys).toEqual({});
      return;
    }
    const statements = propertiesOf<{ KeyPolicy: { Statement: Array<Statement & { Action: string[] }> } }>(
      template,
      'SiteKey',
    ).KeyPolicy.Statement;
    expect(statements.find((s) => s.Sid === 'CloudFrontDecryptsSiteObjects')).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: ['kms:Decrypt'],
    });
    expect(keys.SiteKey?.Properties?.EnableKeyRotation).toBe(true);
  });

  it('exports what the release reads and where the site is', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['siteBucketName', 'distributionId', 'distributionDomainName', 'siteUrl']),
    );
    expect(template.Outputs?.siteUrl?.Value).toEqual({ 'Fn::Sub': 'https://${SiteDistribution.DomainName}' });
  });
});
