/**
 * The web ACL in front of the distribution (profile `edge.webAcl`). CloudFront takes only web ACLs of
 * scope CLOUDFRONT, which exist in us-east-1 alone, hence a service of its own deployed there.
 *
 * Rules, cheapest first (WAF evaluates in priority order and stops at the first block):
 * 1. a per-IP rate limit on `/api/*` (`edge.apiRequestsPer5MinutesPerIp`), answered with 429 and
 *    `Retry-After` so clients back off (a 429 is not one of the distribution's custom error codes,
 *    so it reaches the player as is);
 * 2. AWS managed rule groups for a public JSON API: Amazon IP reputation (known bots, scanners),
 *    the core rule set (OWASP-style generic attacks), known bad inputs (Log4j, path tricks) and SQL
 *    injection (the API's query string ends in PostgreSQL queries, parameterised, but defence in depth).
 * Total capacity ~1,130 WCU, under the 1,500 included in the web ACL's price.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
 */
import { type CfnResource, resource, resourceName, stagePrefix } from '@game-platform/resources';
import { API_PATH_PREFIX } from '@game-platform/shared/edge';
import type { StageProfile } from '@game-platform/shared/profiles';

export const WEB_ACL = 'EdgeWebAcl';

/** Where CloudFront web ACLs live (https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html). */
export const CLOUDFRONT_WEB_ACL_REGION = 'us-east-1';

/** The AWS managed rule groups, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** WAF's window for the rate-based rule: the limit counts requests in the last 5 minutes. */
export const RATE_WINDOW_SECONDS = 300;

/** Seconds a rate-limited client is told to wait: WAF re-evaluates its rate every ~30 s over the window. */
export const RATE_LIMITED_RETRY_AFTER_SECONDS = 60;

const visibility = (metricName: string) => ({
  SampledRequestsEnabled: true,
  CloudWatchMetricsEnabled: true,
  MetricName: metricName,
});

export const webAcl = (profile: StageProfile): CfnResource<'AWS::WAFv2::WebACL'> => {
  const name = resourceName(profile.stage, 'edge');
  return resource('AWS::WAFv2::WebACL', {
    Name: name,
    Description: `${stagePrefix(profile.stage)}: the players' edge (CloudFront): rate limit on ${API_PATH_PREFIX}/*, AWS managed rules`,
    Scope: 'CLOUDFRONT',
    DefaultAction: { Allow: {} },
    VisibilityConfig: visibility(name),
    CustomResponseBodies: {
      RateLimited: {
        ContentType: 'APPLICATION_JSON',
        Content: JSON.stringify({
          error: `too many requests from your address; retry after ${RATE_LIMITED_RETRY_AFTER_SECONDS} seconds`,
        }),
      },
    },
    Rules: [
      {
        Name: 'ApiRateLimitPerIp',
        Priority: 0,
        Action: {
          Block: {
            CustomResponse: {
              ResponseCode: 429,
              CustomResponseBodyKey: 'RateLimited',
              ResponseHeaders: [{ Name: 'retry-after', Value: String(RATE_LIMITED_RETRY_AFTER_SECONDS) }],
            },
          },
        },
        Statement: {
          RateBasedStatement: {
            Limit: profile.edge.apiRequestsPer5MinutesPerIp,
            EvaluationWindowSec: RATE_WINDOW_SECONDS,
            AggregateKeyType: 'IP',
            ScopeDownStatement: {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'STARTS_WITH',
                SearchString: `${API_PATH_PREFIX}/`,
                TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
          },
        },
        VisibilityConfig: visibility(`${name}-api-rate`),
      },
      ...MANAGED_RULE_GROUPS.map((group, index) => ({
        Name: group,
        Priority: index + 1,
        // Use the group's own actions (block what it blocks).
        OverrideAction: { None: {} },
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: group } },
        VisibilityConfig: visibility(`${name}-${group}`),
      })),
    ],
  });
};
