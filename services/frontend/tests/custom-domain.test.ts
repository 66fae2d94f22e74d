/**
 * No checked stage has a custom domain yet, so synth never sees that branch. This builds the stack's
 * resources for prod with a custom domain and a WAF web ACL and runs the CloudFront Control Tower
 * controls on them: the certificate controls (PR.6/7/9) that the stages are excepted from pass here,
 * which is what lets the exceptions go once a domain is set.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageProfile } from '@game-platform/shared/profiles';
import {
  CONTROL_TOWER_RULES,
  policyGateFindings,
  runPolicyGate,
} from '@game-platform/tools/checks/policy-gate';
import { describe, expect, it } from 'vitest';
import { accessLogBucketResources, siteBucketResources } from '../stack/buckets';
import { distributionResources } from '../stack/distribution';
import { originAccessResources } from '../stack/origin-access';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0d3f2c1b-8a6e-4f1a-9b0c-5e2d7a1c3b4f';
const WEB_ACL =
  'arn:aws:wafv2:us-east-1:123456789012:global/webacl/game-site/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('frontend with a custom domain and a WAF web ACL', () => {
  const base = loadStageProfile('prod');
  // The profile's own web ACL ARN instead of the firewall service's (edge.webAcl off).
  const profile = {
    ...base,
    edge: { ...base.edge, webAcl: false },
    frontend: {
      ...base.frontend,
      customDomain: { domainName: 'play.example.com', certificateArn: CERTIFICATE },
      webAclArn: WEB_ACL,
    },
  };
  const resources = {
    ...siteBucketResources(profile),
    ...accessLogBucketResources(profile),
    ...originAccessResources(profile.frontend.originAccess),
    ...distributionResources(profile, {
      loadBalancerArn:
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/game-prod-engine/0123456789abcdef',
      loadBalancerDnsName: 'internal-game-prod-engine-123456789.eu-west-1.elb.amazonaws.com',
      webAclArn: 'none',
    }),
  };

  it('serves the domain with the ACM certificate over SNI and TLS 1.2+, behind the web ACL', () => {
    const { Properties } = resources.SiteDistribution as unknown as {
      Properties: { DistributionConfig: Record<string, unknown> };
    };
    const config = Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['play.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(config.WebACLId).toBe(WEB_ACL);
  });

  it('passes every CloudFront control but origin failover (PR.4, excepted for all stages)', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'frontend-domain-')), 'frontend.json');
    writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
    // Act
    const results = await runPolicyGate([file], join(CONTROL_TOWER_RULES, 'cloudfront'));
    // Assess
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(policyGateFindings('frontend', results).map((f) => `${f.rule} ${f.resource}`)).toEqual([
      'CT.CLOUDFRONT.PR.4 SiteDistribution',
    ]);
  });
});
