/**
 * The firewall stack as synthesized for each checked stage: where the profile turns the web ACL on
 * (prod), a CLOUDFRONT-scope web ACL with the per-IP rate limit on /api/* (answered 429 with
 * Retry-After) first, then the AWS managed rule groups, all with metrics; elsewhere no ACL and the
 * output "none".
 */

import { resourceName } from '@game-platform/resources';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { MANAGED_RULE_GROUPS, RATE_LIMITED_RETRY_AFTER_SECONDS, RATE_WINDOW_SECONDS } from '../stack/web-acl';

type Json = Record<string, unknown>;

describe.each(CHECKED_PROFILES)('firewall template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'firewall');
  const profile = loadStageProfile(stage);
  const acls = Object.values(resourcesOfType(template, 'AWS::WAFv2::WebACL'));

  if (!profile.edge.webAcl) {
    it('has no web ACL and says "none"', () => {
      expect(acls).toEqual([]);
      expect(template.Outputs?.webAclArn?.Value).toBe('none');
    });
    return;
  }

  const acl = acls[0]?.Properties as Json;
  const rules = acl.Rules as Json[];

  it('is one CLOUDFRONT-scope web ACL that allows by default, with metrics and samples', () => {
    expect(acls).toHaveLength(1);
    expect(acl).toMatchObject({
      Name: resourceName(stage, 'edge'),
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true },
    });
    expect(template.Outputs?.webAclArn?.Value).toEqual({ 'Fn::GetAtt': ['EdgeWebAcl', 'Arn'] });
  });

  it('limits each IP on /api/* first, answering 429 with Retry-After', () => {
    expect(rules[0]).toMatchObject({
      Name: 'ApiRateLimitPerIp',
      Priority: 0,
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
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
              SearchString: '/api/',
            },
          },
        },
      },
    });
  });

  it('then applies the AWS managed rule groups for a public API, with their own actions', () => {
    expect(rules.slice(1)).toEqual(
      MANAGED_RULE_GROUPS.map((group, index) =>
        expect.objectContaining({
          Name: group,
          Priority: index + 1,
          OverrideAction: { None: {} },
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: group } },
        }),
      ),
    );
    expect(MANAGED_RULE_GROUPS).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
  });
});
