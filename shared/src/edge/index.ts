/**
 * The player edge's contract, shared by the stacks that build it (network, engine, frontend), the
 * platform rules that check it and the local edge of `npm start`, so the routing players meet in AWS
 * and on a laptop is written once:
 *
 *   player --HTTPS--> CloudFront --/api/*, VPC origin, HTTP--> internal ALB :80 --> engine tasks :PORT
 *
 * The path is forwarded unchanged: the engine's routes are `/api/...` as players see them.
 */

/** The path prefix of the engine's public routes, and the distribution's behaviour for them. */
export const API_PATH_PREFIX = '/api';
export const API_PATH_PATTERN = `${API_PATH_PREFIX}/*`;

/**
 * The internal load balancer's listener port. HTTP: CloudFront terminates the players' TLS, and a VPC
 * origin reaches the load balancer over AWS's private network through interfaces CloudFront places
 * in the VPC (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html).
 */
export const LOAD_BALANCER_LISTENER_PORT = 80;

/**
 * The port the engine's container listens on (its `PORT`), which the load balancer's target groups
 * send to and the only port the engine's security group admits (network service). A fact of the
 * service, the same in every stage: above 1024, as the image's non-root user cannot bind lower ones.
 */
export const ENGINE_CONTAINER_PORT = 8080;

/**
 * The methods the public edge forwards to `/api/*`: reads, CORS preflights and WebSocket upgrades (a
 * GET). Writes (`POST /api/matches`) are not public: match results come from game servers, which
 * reach the load balancer from inside the VPC. CloudFront answers any other method itself with 403.
 */
export const PUBLIC_API_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/** What CloudFront answers for a method the behaviour does not allow (it never reaches the origin). */
export const REFUSED_METHOD_STATUS = 403;

/**
 * Viewer headers forwarded to the engine (origin request policy), besides the query string:
 * the request id the engine joins logs with, and what a WebSocket handshake needs (CloudFront
 * passes `Upgrade`/`Connection` itself once the key and version reach the origin). `Origin` and
 * `Host` let the engine refuse a live channel opened by another site's page (its Origin's host must
 * be the Host the player asked for: the distribution's domain, whatever it is).
 */
export const FORWARDED_VIEWER_HEADERS = [
  'X-Request-Id',
  'Origin',
  'Host',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Version',
  'Sec-WebSocket-Protocol',
  'Sec-WebSocket-Extensions',
] as const;

/** The CloudFront managed prefix list of its origin-facing addresses, which VPC origin traffic comes from. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';
