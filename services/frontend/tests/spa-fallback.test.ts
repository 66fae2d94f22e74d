/**
 * No checked stage turns the SPA fallback on (`frontend.spaFallback` is false everywhere), so synth
 * never sees that branch of the distribution. This builds the frontend's resources for prod with the
 * fallback on and checks the template as synth would: unknown paths (S3's 403 and 404) answered with
 * `/index.html` and status 200, everything else as without it, the CloudFormation specification
 * passing and the CloudFront controls finding nothing the checked stages do not already have.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import type { Template } from '@game-platform/testing/templates';
import {
  CONTROL_TOWER_RULES,
  policyGateFindings,
  runPolicyGate,
} from '@game-platform/tools/checks/policy-gate';
import { checkSpecification } from '@game-platform/tools/checks/specification';
import { describe, expect, it } from 'vitest';
import { apiOriginResources } from '../stack/api-origin';
import { accessLogBucketResources, siteBucketResources } from '../stack/buckets';
import { distributionResources } from '../stack/distribution';
import { originAccessResources } from '../stack/origin-access';

/** The engine's load balancer and the firewall's web ACL, as compose would resolve them. */
const params = {
  loadBalancerArn:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/game-prod-engine/0123456789abcdef',
  loadBalancerDnsName: 'internal-game-prod-engine-123456789.eu-west-1.elb.amazonaws.com',
  webAclArn:
    'arn:aws:wafv2:us-east-1:123456789012:global/webacl/game-prod-edge/01234567-89ab-cdef-0123-456789abcdef',
};

const frontendTemplate = (profile: StageProfile): Template => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: JSON.parse(
    JSON.stringify({
      ...siteBucketResources(profile),
      ...accessLogBucketResources(profile),
      ...originAccessResources(profile.frontend.originAccess),
      ...apiOriginResources(params),
      ...distributionResources(profile, params),
    }),
  ),
});

const base = loadStageProfile('prod');
const withSpa = frontendTemplate({ ...base, frontend: { ...base.frontend, spaFallback: true } });
const without = frontendTemplate(base);

const distributionConfig = (template: Template) =>
  (template.Resources.SiteDistribution?.Properties?.DistributionConfig ?? {}) as Record<string, unknown>;

describe('frontend with the SPA fallback on (prod profile, spaFallback true)', () => {
  it('answers S3 403 and 404 (an unknown client route) with /index.html and status 200', () => {
    expect(distributionConfig(withSpa).CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
    ]);
  });

  it('changes nothing else in the template', () => {
    const { CustomErrorResponses: _spa, ...rest } = distributionConfig(withSpa);
    const { CustomErrorResponses: _page, ...restWithout } = distributionConfig(without);
    expect(rest).toEqual(restWithout);
    const { SiteDistribution: _a, ...others } = withSpa.Resources;
    const { SiteDistribution: _b, ...othersWithout } = without.Resources;
    expect(others).toEqual(othersWithout);
  });

  it('passes the CloudFormation specification, and the CloudFront controls as prod does without it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'frontend-spa-'));
    const files = { spa: join(dir, 'spa.json'), page: join(dir, 'page.json') };
    writeFileSync(files.spa, JSON.stringify(withSpa));
    writeFileSync(files.page, JSON.stringify(without));

    // Act
    const specification = await checkSpecification('frontend', withSpa);
    const rules = join(CONTROL_TOWER_RULES, 'cloudfront');
    const [spa, page] = await Promise.all([
      runPolicyGate([files.spa], rules),
      runPolicyGate([files.page], rules),
    ]);

    // Assess
    expect(specification).toEqual([]);
    expect(spa.length).toBeGreaterThanOrEqual(10);
    const ids = (results: typeof spa) =>
      policyGateFindings('frontend', results).map((f) => `${f.rule} ${f.resource}`);
    expect(ids(spa)).toEqual(ids(page));
  });
});
