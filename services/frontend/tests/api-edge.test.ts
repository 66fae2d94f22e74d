/**
 * The distribution's way to the engine as synthesized for each checked stage: a VPC origin on the
 * engine's load balancer (compose params), the `/api/*` behaviour (HTTPS only, reads only so writes
 * never reach the engine, cached only as the engine says, the whitelisted viewer headers and the
 * WebSocket handshake forwarded), and the firewall's web ACL where the profile turns it on.
 */

import { FORWARDED_VIEWER_HEADERS } from '@game-platform/shared/edge';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { resourceById, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { API_MAX_TTL_SECONDS } from '../stack/api-origin';

type Json = Record<string, unknown>;

describe.each(CHECKED_PROFILES)('frontend: /api/* to the engine (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'frontend');
  const profile = loadStageProfile(stage);
  const config = (resourceById(template, 'SiteDistribution').Properties as Json).DistributionConfig as Json;
  const props = (id: string) => resourceById(template, id).Properties as Json;

  it('has a VPC origin on the engine load balancer, over HTTP on port 80 inside AWS', () => {
    expect(props('ApiVpcOrigin').VpcOriginEndpointConfig).toEqual({
      Name: { 'Fn::Sub': '${AWS::StackName}-engine' },
      Arn: expect.stringMatching(/^arn:aws:elasticloadbalancing:eu-west-1:\d{12}:loadbalancer\/app\/game-/),
      OriginProtocolPolicy: 'http-only',
      HTTPPort: 80,
      HTTPSPort: 443,
    });
    expect(config.Origins).toContainEqual({
      Id: 'EngineApi',
      DomainName: expect.stringMatching(/^internal-game-.*\.elb\.amazonaws\.com$/),
      VpcOriginConfig: { VpcOriginId: { 'Fn::GetAtt': ['ApiVpcOrigin', 'Id'] }, OriginReadTimeout: 30 },
    });
  });

  it('sends /api/* there over HTTPS only, for reads only: a POST never reaches the engine', () => {
    expect(config.CacheBehaviors).toEqual([
      {
        PathPattern: '/api/*',
        TargetOriginId: 'EngineApi',
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        CachePolicyId: { Ref: 'ApiCachePolicy' },
        OriginRequestPolicyId: { Ref: 'ApiOriginRequestPolicy' },
        ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
      },
    ]);
  });

  it('caches nothing the engine does not allow, keyed by the query string only', () => {
    expect(props('ApiCachePolicy').CachePolicyConfig).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: API_MAX_TTL_SECONDS,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
  });

  it('forwards the request id and the WebSocket handshake headers, no cookies', () => {
    const policy = props('ApiOriginRequestPolicy').OriginRequestPolicyConfig as Json;
    expect(policy).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [...FORWARDED_VIEWER_HEADERS] },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
    expect(FORWARDED_VIEWER_HEADERS).toEqual(
      expect.arrayContaining(['Sec-WebSocket-Key', 'Sec-WebSocket-Version']),
    );
  });

  it(profile.edge.webAcl ? "is behind the firewall service's web ACL" : 'has no web ACL', () => {
    if (profile.edge.webAcl) {
      expect(config.WebACLId).toMatch(/^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/game-[a-z]+-edge\//);
    } else {
      expect(config.WebACLId).toBe(profile.frontend.webAclArn ?? undefined);
    }
  });
});
