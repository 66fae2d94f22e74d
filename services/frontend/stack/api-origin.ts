/**
 * The distribution's way to the engine: `/api/*` goes to a CloudFront VPC origin, the engine's
 * internal load balancer in the private subnets (engine outputs `loadBalancerArn`, `loadBalancerDnsName`).
 * Nothing of the engine is public: the load balancer has no public address, and its security group
 * admits only CloudFront's origin-facing addresses.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
 *
 * The `/api/*` behaviour:
 * - forwards GET, HEAD and OPTIONS only: CloudFront itself refuses writes (`POST /api/matches` never
 *   reaches the engine; match results come from game servers, not browsers);
 * - caches nothing unless the engine says so (`DefaultTTL` 0; `Cache-Control: s-maxage` honoured up
 *   to `API_MAX_TTL_SECONDS`), the query string in the cache key (`?limit=`), no cookies or headers;
 * - forwards the viewer headers the engine needs, including a WebSocket handshake's.
 */
import {
  getAtt,
  MANAGED_RESPONSE_HEADERS_POLICY,
  type Resources,
  ref,
  resource,
  sub,
} from '@game-platform/resources';
import {
  API_PATH_PATTERN,
  FORWARDED_VIEWER_HEADERS,
  LOAD_BALANCER_LISTENER_PORT,
  PUBLIC_API_METHODS,
} from '@game-platform/shared/edge';

export const API_VPC_ORIGIN = 'ApiVpcOrigin';
export const API_CACHE_POLICY = 'ApiCachePolicy';
export const API_ORIGIN_REQUEST_POLICY = 'ApiOriginRequestPolicy';
export const API_ORIGIN_ID = 'EngineApi';

/**
 * The longest CloudFront keeps an API response, whatever the engine's `Cache-Control` says: a wrong
 * header in a release cannot pin a stale answer for longer than a minute.
 */
export const API_MAX_TTL_SECONDS = 60;

/** Seconds CloudFront waits for the engine's response (the engine's own request timeout is 30). */
const ORIGIN_READ_TIMEOUT_SECONDS = 30;

export interface ApiOriginParams {
  /** The engine's load balancer ARN (compose param `loadBalancerArn`). */
  loadBalancerArn: string;
  /** Its DNS name (compose param `loadBalancerDnsName`): the origin's domain name. */
  loadBalancerDnsName: string;
}

/** The VPC origin and the `/api/*` cache and origin request policies. */
export const apiOriginResources = (params: ApiOriginParams): Resources => ({
  [API_VPC_ORIGIN]: resource('AWS::CloudFront::VpcOrigin', {
    VpcOriginEndpointConfig: {
      Name: sub('${AWS::StackName}-engine'),
      Arn: params.loadBalancerArn,
      // CloudFront terminates the players' TLS; from the edge to the internal load balancer the
      // request travels AWS's network into the VPC. The listener is HTTP (shared/src/edge).
      OriginProtocolPolicy: 'http-only',
      HTTPPort: LOAD_BALANCER_LISTENER_PORT,
      HTTPSPort: 443,
    },
  }),
  [API_CACHE_POLICY]: resource('AWS::CloudFront::CachePolicy', {
    CachePolicyConfig: {
      Name: sub('${AWS::StackName}-api'),
      Comment: "The engine's API: cached only as long as the engine's Cache-Control says",
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: API_MAX_TTL_SECONDS,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    },
  }),
  [API_ORIGIN_REQUEST_POLICY]: resource('AWS::CloudFront::OriginRequestPolicy', {
    OriginRequestPolicyConfig: {
      Name: sub('${AWS::StackName}-api'),
      Comment: 'Viewer headers the engine needs: request id and the WebSocket handshake',
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [...FORWARDED_VIEWER_HEADERS] },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
      CookiesConfig: { CookieBehavior: 'none' },
    },
  }),
});

/** The distribution's origin for the engine: the load balancer, reached through the VPC origin. */
export const apiOrigin = (params: ApiOriginParams) => ({
  Id: API_ORIGIN_ID,
  DomainName: params.loadBalancerDnsName,
  VpcOriginConfig: {
    VpcOriginId: getAtt(API_VPC_ORIGIN, 'Id'),
    OriginReadTimeout: ORIGIN_READ_TIMEOUT_SECONDS,
  },
});

/** The `/api/*` cache behaviour (see the file comment). */
export const apiCacheBehaviour = () => ({
  PathPattern: API_PATH_PATTERN,
  TargetOriginId: API_ORIGIN_ID,
  // An API client that followed a redirect would resend its request in clear first: refuse HTTP instead.
  ViewerProtocolPolicy: 'https-only',
  AllowedMethods: [...PUBLIC_API_METHODS],
  CachedMethods: ['GET', 'HEAD'],
  Compress: true,
  CachePolicyId: ref(API_CACHE_POLICY),
  OriginRequestPolicyId: ref(API_ORIGIN_REQUEST_POLICY),
  ResponseHeadersPolicyId: MANAGED_RESPONSE_HEADERS_POLICY.securityHeaders,
});
