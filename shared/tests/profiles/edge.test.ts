/**
 * The edge section of the stage profiles (internal load balancer, web ACL): each bad value fails with
 * one line naming the key, the value found and what is allowed.
 */
import { describe, expect, it } from 'vitest';
import { stageProfiles } from '../../src/profiles';
import { problemsOf, problemsWithDev } from '../helpers/profiles';

const WEB_ACL =
  'arn:aws:wafv2:us-east-1:123456789012:global/webacl/game-site/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

describe('edge stage profile', () => {
  it('turns every edge protection on in production', () => {
    expect(stageProfiles.prod.edge).toMatchObject({
      loadBalancerDeletionProtection: true,
      loadBalancerAccessLogs: true,
      webAcl: true,
    });
  });

  it('rejects a rate limit WAF does not accept', () => {
    expect(problemsWithDev('edge', { apiRequestsPer5MinutesPerIp: 5 })).toEqual([
      'stage profile "dev": edge.apiRequestsPer5MinutesPerIp is 5; expected an integer from 10 to 2000000000',
    ]);
  });

  it('rejects a switch that is not a boolean', () => {
    expect(problemsWithDev('edge', { webAcl: 'yes' })).toEqual([
      'stage profile "dev": edge.webAcl is "yes"; expected true or false',
    ]);
  });

  it('rejects a second web ACL from frontend.webAclArn while the firewall service makes one', () => {
    const profiles = {
      ...stageProfiles,
      dev: {
        ...stageProfiles.dev,
        edge: { ...stageProfiles.dev.edge, webAcl: true },
        frontend: { ...stageProfiles.dev.frontend, webAclArn: WEB_ACL },
      },
    };
    expect(problemsOf(profiles)).toEqual([
      `stage profile "dev": frontend.webAclArn is "${WEB_ACL}"; expected null because edge.webAcl is true (the firewall service's web ACL protects the distribution; a distribution has one web ACL)`,
    ]);
  });
});
