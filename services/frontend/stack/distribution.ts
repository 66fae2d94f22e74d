/**
 * The CloudFront distribution in front of the site bucket and the engine: HTTPS only, HTTP/2 and
 * HTTP/3, compressed, AWS-managed cache and security-header policies, the site's 404 page (or the SPA
 * fallback), standard logs, `/api/*` to the engine through a VPC origin (api-origin.ts), the
 * firewall service's web ACL where the profile turns it on, and optionally a custom domain.
 *
 * The error responses below are the distribution's, so they also apply to `/api/*`: a 403 or 404
 * there (a refused write, a WAF block, an unknown route) reaches the player as the site's not-found
 * response. CloudFront has no per-behaviour error pages; the API's own errors are 400 and 503.
 */
import {
  getAtt,
  MANAGED_CACHE_POLICY,
  MANAGED_RESPONSE_HEADERS_POLICY,
  type Resources,
  resource,
  sub,
  type Value,
  VIEWER_TLS_POLICY,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { type ApiOriginParams, apiCacheBehaviour, apiOrigin } from './api-origin';
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
export interface DistributionParams extends ApiOriginParams {
  /** The firewall service's web ACL (compose param `webAclArn`); used where `edge.webAcl` is true. */
  webAclArn: string;
}

/** The web ACL in front of the distribution: the firewall service's, or one named in the profile, or none. */
const webAclId = (profile: StageProfile, params: DistributionParams) =>
  profile.edge.webAcl ? params.webAclArn : profile.frontend.webAclArn;

export const distributionResources = (profile: StageProfile, params: DistributionParams): Resources => {
  const { frontend } = profile;
  const webAcl = webAclId(profile, params);
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
          apiOrigin(params),
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
        CacheBehaviors: [apiCacheBehaviour()],
        CustomErrorResponses: notFoundResponses(behaviour),
        Logging: {
          Bucket: getAtt(ACCESS_LOG_BUCKET, 'DomainName'),
          Prefix: LOG_PREFIX.cloudFront,
          IncludeCookies: false,
        },
        ViewerCertificate: viewerCertificate(frontend.customDomain),
        ...(frontend.customDomain ? { Aliases: [frontend.customDomain.domainName] } : {}),
        ...(webAcl ? { WebACLId: webAcl } : {}),
      },
    }),
  };
};

/** Where players open the site: the custom domain, or the distribution's own domain name. */
export const siteUrl = ({ frontend }: StageProfile): Value<string> =>
  frontend.customDomain
    ? `https://${frontend.customDomain.domainName}`
    : sub(`https://\${${DISTRIBUTION}.DomainName}`);
