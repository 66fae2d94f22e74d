/**
 * The web ACL as the stage's dashboard shows it, read from the web ACL's own definition (`webAcl`):
 * the metric names are the `VisibilityConfig.MetricName` of the web ACL and of each rule, so a rule
 * added there appears on the dashboard without a second list. No alarm: a burst of blocked requests
 * is the web ACL doing its job; the edge's error rates and the engine's alarms say whether players
 * are hurt.
 *
 * WAF publishes the metrics of a CLOUDFRONT web ACL in us-east-1, by `WebACL` and `Rule` (no `Region`
 * dimension, which only regional web ACLs carry); `Rule: ALL` counts the web ACL as a whole.
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html
 */
import type { DashboardSection } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { CLOUDFRONT_WEB_ACL_REGION, webAcl } from './web-acl';

/** The definition's types admit intrinsics; `webAcl` writes names out, so they can be read here. */
const literal = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new Error(`webAcl: ${what} must be a literal to be drawn`);
  return value;
};

/** The web ACL's section, or none where the stage profile has no web ACL (`edge.webAcl`). */
export const firewallSection = (profile: StageProfile): DashboardSection | undefined => {
  if (!profile.edge.webAcl) return undefined;
  const { VisibilityConfig, Rules = [] } = webAcl(profile).Properties;
  if (!Array.isArray(Rules)) throw new Error('webAcl: Rules must be a list to be drawn');
  const metric = (rule: string) => ({
    namespace: 'AWS/WAFV2',
    dimensions: { WebACL: VisibilityConfig.MetricName, Rule: rule },
    statistic: 'Sum' as const,
  });
  return {
    title: "Players' edge: web application firewall",
    region: CLOUDFRONT_WEB_ACL_REGION,
    alarms: {},
    panels: [
      {
        title: 'Web ACL: allowed vs blocked',
        metrics: [
          { ...metric('ALL'), metricName: 'AllowedRequests', label: 'allowed' },
          { ...metric('ALL'), metricName: 'BlockedRequests', label: 'blocked' },
        ],
      },
      {
        title: 'Web ACL: blocked, by rule',
        metrics: Rules.map((rule) => ({
          ...metric(literal(rule.VisibilityConfig.MetricName, 'a rule metric name')),
          metricName: 'BlockedRequests',
          label: literal(rule.Name, 'a rule name'),
        })),
      },
    ],
  };
};
