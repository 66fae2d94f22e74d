/**
 * The CloudFront distribution in front of the site bucket: HTTPS only, HTTP/2 and HTTP/3, compressed,
 * AWS-managed cache and security-header policies, the site's 404 page (or the SPA fallback), standard
 * logs, and optionally a custom domain and a WAF web ACL from the stage profile.
 */
import {
  getAtt,
  MANAGED_CACHE_POLICY,
  MANAGED_RESPONSE_HEADERS_POLICY,
  type Outputs,
  type Resources,
  ref,
  resource,
  sub,
  VIEWER_TLS_POLICY,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { ACCESS_LOG_BUCKET, LOG_PREFIX, SITE_BUCKET } from './buckets';
import { DISTRIBUTION, originReadSettings } from './origin-access';
import { type SiteBehaviour, siteBehaviour } from './site-behaviour';

const ORIGIN_ID = 'SiteBucket';

/**
 * S3 answers 403 (not 404) for a missing key when the reader may not list the bucket, which is the
 * case for CloudFront here; both become the behaviour's not-found response.
 */
const notFoundResponses = (behaviour: SiteBehaviour) =>
  [403, 404].map((ErrorCode) => ({
    ErrorCode,
    ResponseCode: behaviour.notFound.status,
    ResponsePagePath: `/${behaviour.notFound.page}`,
    ErrorCachingMinTTL: behaviour.errorCachingSeconds,
  }));

/** Default certificate on `*.cloudfront.net`, or the profile's ACM certificate with SNI and TLS 1.2+. */
const viewerCertificate = (customDomain: StageProfile['frontend']['customDomain']) =>
  customDomain
    ? {
        AcmCertificateArn: customDomain.certificateArn,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: VIEWER_TLS_POLICY,
      }
    : { CloudFrontDefaultCertificate: true };

/**
 * The distribution. Defaults: redirect-to-https, GET/HEAD only, compression, `CachingOptimized`
 * (the release sets each object's Cache-Control: a year for hashed assets, `no-cache` for HTML) and
 * `SecurityHeadersPolicy`. Stage options: price class, origin access mode, custom domain, WAF, SPA
 * fallback (all in the `frontend` section of the stage profile).
 */
export const distributionResources = (profile: StageProfile): Resources => {
  const { frontend } = profile;
  const behaviour = siteBehaviour(frontend);
  return {
    [DISTRIBUTION]: resource('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Enabled: true,
        Comment: sub('${AWS::StackName}: the game site'),
        DefaultRootObject: behaviour.rootObject,
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: frontend.priceClass,
        Origins: [
          {
            Id: ORIGIN_ID,
            DomainName: getAtt(SITE_BUCKET, 'RegionalDomainName'),
            ...originReadSettings(frontend.originAccess),
          },
        ],
        DefaultCacheBehavior: {
          TargetOriginId: ORIGIN_ID,
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          CachedMethods: ['GET', 'HEAD'],
          Compress: true,
          CachePolicyId: MANAGED_CACHE_POLICY.cachingOptimized,
          ResponseHeadersPolicyId: MANAGED_RESPONSE_HEADERS_POLICY.securityHeaders,
        },
        CustomErrorResponses: notFoundResponses(behaviour),
        Logging: {
          Bucket: getAtt(ACCESS_LOG_BUCKET, 'DomainName'),
          Prefix: LOG_PREFIX.cloudFront,
          IncludeCookies: false,
        },
        ViewerCertificate: viewerCertificate(frontend.customDomain),
        ...(frontend.customDomain ? { Aliases: [frontend.customDomain.domainName] } : {}),
        ...(frontend.webAclArn ? { WebACLId: frontend.webAclArn } : {}),
      },
    }),
  };
};

/** What the release tool and people need: the bucket, the distribution and where the site is. */
export const frontendOutputs = (profile: StageProfile): Outputs => ({
  siteBucketName: {
    Description: 'S3 bucket holding the site (private; CloudFront reads it)',
    Value: ref(SITE_BUCKET),
  },
  distributionId: { Description: 'CloudFront distribution serving the site', Value: ref(DISTRIBUTION) },
  distributionDomainName: {
    Description: 'CloudFront domain name (the target of a custom domain CNAME/alias record)',
    Value: getAtt(DISTRIBUTION, 'DomainName'),
  },
  siteUrl: {
    Description: 'Where players open the site',
    Value: profile.frontend.customDomain
      ? `https://${profile.frontend.customDomain.domainName}`
      : sub(`https://\${${DISTRIBUTION}.DomainName}`),
  },
});
