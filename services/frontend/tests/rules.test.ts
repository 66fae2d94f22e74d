/**
 * The player edge's platform rules (PLATFORM.EDGE.1-3) on each checked stage's synthesized templates
 * (network, engine, frontend): they pass as synthesized, and each way of opening the edge is
 * reported against the resource that does it - a public load balancer, a VPC origin on something
 * else, a way into the engine's security group other than its load balancer.
 */

import type { Template } from '@game-platform/resources/template';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules';

type Json = Record<string, unknown>;

describe.each(CHECKED_PROFILES)('player edge rules (%s)', (stage) => {
  const profile = loadStageProfile(stage);
  const synthesized = {
    network: synthesizedTemplate(stage, 'network'),
    engine: synthesizedTemplate(stage, 'engine'),
    frontend: synthesizedTemplate(stage, 'frontend'),
  };

  /** The rules' findings on the stage's templates after `change`, as `rule service/resource`. */
  const findingsAfter = (
    change: (templates: Record<keyof typeof synthesized, Template>) => void = () => {},
  ) => {
    const templates = structuredClone(synthesized);
    change(templates);
    return rules
      .flatMap((rule) => rule.check({ stage, profile, templates }))
      .map((finding) => `${finding.rule} ${finding.service}/${finding.resource}: ${finding.message}`);
  };
  const properties = (template: Template, id: string) => template.Resources[id]?.Properties as Json;

  it('pass on the templates as synthesized', () => {
    expect(findingsAfter()).toEqual([]);
  });

  it('PLATFORM.EDGE.1 and .2: an internet-facing load balancer, and the VPC origin pointing at it', () => {
    const findings = findingsAfter(({ engine }) => {
      properties(engine, 'EngineLoadBalancer').Scheme = 'internet-facing';
    });
    expect(findings).toEqual([
      expect.stringMatching(
        /^PLATFORM\.EDGE\.1 engine\/EngineLoadBalancer: Scheme is "internet-facing"; expected "internal"/,
      ),
      'PLATFORM.EDGE.2 frontend/ApiVpcOrigin: points at engine/EngineLoadBalancer, which is not internal; a VPC origin must front a private load balancer',
    ]);
  });

  it('PLATFORM.EDGE.1: a load balancer without a Scheme (CloudFormation makes it internet-facing)', () => {
    const findings = findingsAfter(({ engine }) => {
      delete properties(engine, 'EngineLoadBalancer').Scheme;
    });
    expect(findings[0]).toMatch(
      /^PLATFORM\.EDGE\.1 engine\/EngineLoadBalancer: Scheme is not set \(internet-facing\)/,
    );
  });

  it('PLATFORM.EDGE.2: a VPC origin on a load balancer no template of the stage defines', () => {
    const elsewhere =
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/public/0123456789abcdef';
    const findings = findingsAfter(({ frontend }) => {
      (properties(frontend, 'ApiVpcOrigin').VpcOriginEndpointConfig as Json).Arn = elsewhere;
    });
    expect(findings).toEqual([
      `PLATFORM.EDGE.2 frontend/ApiVpcOrigin: points at "${elsewhere}", which is no load balancer defined in this stage's templates; expected a compose param or reference to an internal load balancer, so it can be checked`,
    ]);
  });

  it.each([
    ['the world on the container port', { CidrIp: '0.0.0.0/0' }, 'the address range 0.0.0.0/0'],
    ['the VPC', { CidrIp: profile.network.vpcCidr }, `the address range ${profile.network.vpcCidr}`],
    [
      'the consumer group',
      { SourceSecurityGroupId: { 'Fn::GetAtt': ['ConsumerSecurityGroup', 'GroupId'] } },
      'the security group {"Fn::GetAtt":["ConsumerSecurityGroup","GroupId"]}',
    ],
    ['a prefix list', { SourcePrefixListId: 'pl-12345678' }, 'a prefix list'],
  ])('PLATFORM.EDGE.3: the engine group admitting %s', (_, peer, described) => {
    const findings = findingsAfter(({ network }) => {
      network.Resources.EngineBackdoorIngress = {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: {
          GroupId: { 'Fn::GetAtt': ['EngineSecurityGroup', 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: ENGINE_CONTAINER_PORT,
          ToPort: ENGINE_CONTAINER_PORT,
          Description: 'a way around the load balancer',
          ...peer,
        },
      };
    });
    expect(findings).toEqual([
      `PLATFORM.EDGE.3 network/EngineBackdoorIngress: admits ${described} into EngineSecurityGroup, the group of engine/EngineService; expected only the security group of a load balancer that forwards to it (network/LoadBalancerSecurityGroup)`,
    ]);
  });

  it('PLATFORM.EDGE.3: the engine group admitting its load balancer while the service is behind none', () => {
    const findings = findingsAfter(({ engine }) => {
      delete properties(engine, 'EngineService').LoadBalancers;
    });
    expect(findings).toEqual([
      expect.stringMatching(
        /^PLATFORM\.EDGE\.3 network\/EngineFromLoadBalancerIngress: admits the security group .* expected only the security group of a load balancer that forwards to it \(none: the service has no load balancer, so nothing may come in\)$/,
      ),
    ]);
  });

  it("PLATFORM.EDGE.3: the engine group admitting a load balancer whose rule forwards to neither of the service's target groups", () => {
    const findings = findingsAfter(({ engine }) => {
      properties(engine, 'EngineProductionListenerRule').Actions = [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } },
      ];
    });
    expect(findings).toEqual([
      expect.stringMatching(
        /^PLATFORM\.EDGE\.3 network\/EngineFromLoadBalancerIngress: .*\(none: the service has no load balancer, so nothing may come in\)$/,
      ),
    ]);
  });
});
