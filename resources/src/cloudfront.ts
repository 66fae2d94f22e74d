/**
 * CloudFront's managed policies: fixed ids that AWS documents and maintains, so no stack has to
 * own (and keep up to date) a cache or header policy of its own.
 *
 * Cache policies: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
 * Response headers policies: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html
 */

export const MANAGED_CACHE_POLICY = {
  /**
   * `Managed-CachingOptimized`: no cookies, headers or query strings in the cache key, gzip and
   * Brotli variants cached, TTL min 1 s / default 1 day / max 1 year. It honours the origin's
   * `Cache-Control`: `immutable, max-age=31536000` is kept a year, `no-cache` is revalidated after 1 s.
   */
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  /** `Managed-CachingDisabled`: every request goes to the origin. */
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
} as const;

export const MANAGED_RESPONSE_HEADERS_POLICY = {
  /** `Managed-SecurityHeadersPolicy`: adds the headers listed in `MANAGED_SECURITY_HEADERS`. */
  securityHeaders: '67f7725c-6f97-4210-82d7-5512b31e9d03',
} as const;

/**
 * What `Managed-SecurityHeadersPolicy` adds to every response, as AWS documents it. Local servers
 * that stand in for CloudFront (tests, `npm start`) send exactly these, so a page that breaks under
 * them breaks locally first.
 */
export const MANAGED_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'strict-origin-when-cross-origin',
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'x-xss-protection': '1; mode=block',
};

/** The minimum viewer TLS policy with a custom certificate: TLS 1.2 only, modern ciphers (CT.CLOUDFRONT.PR.9). */
export const VIEWER_TLS_POLICY = 'TLSv1.2_2021';
