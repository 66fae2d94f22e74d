/**
 * Platform rules for the players' edge (CloudFront -> VPC origin -> internal load balancer -> tasks),
 * checked across the stage's stacks. Values that cross stacks arrive as compose params, which synth
 * fills with placeholders (`resources/src/placeholders.ts`); a rule follows such a value back to
 * the producer's output and the resource behind it.
 *
 * - PLATFORM.EDGE.1: every Elastic Load Balancing v2 load balancer is internal (`Scheme` unset means
 *   internet-facing). Players come in through CloudFront only.
 * - PLATFORM.EDGE.2: every CloudFront VPC origin points at an internal load balancer defined in one of
 *   the stage's templates, so the private origin cannot quietly become a public one.
 * - PLATFORM.EDGE.3: an ECS service's security groups admit traffic from nothing but the security
 *   groups of the load balancers that forward to it (no CIDR, no prefix list, no other group), so
 *   nothing reaches the engine around the load balancer.
 */

import { placeholderFor } from '@game-platform/resources/placeholders';
import {
  asList,
  type Finding,
  platformFinding as finding,
  type PlatformRule,
  referencedLogicalId,
  resourcesOfType,
  type StageTemplates,
  type Template,
} from '@game-platform/resources/template';
import type { StageProfile } from '@game-platform/shared/profiles';

type Json = Record<string, unknown>;

/** A resource found across the stage: which stack, which logical id. */
interface Located {
  service: string;
  logicalId: string;
}

const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/**
 * The resource a value stands for: a `Ref`/`Fn::GetAtt` in `service`'s own template, or a compose
 * param's placeholder, traced to the producer output it stands for and that output's resource.
 */
export const locate = (
  stage: StageTemplates & { profile: StageProfile },
  service: string,
  value: unknown,
): Located | undefined => {
  const local = referencedLogicalId(value);
  if (local) return { service, logicalId: local };
  if (typeof value !== 'string') return undefined;
  for (const [producer, template] of Object.entries(stage.templates)) {
    for (const [output, { Value }] of Object.entries(template.Outputs ?? {})) {
      const placeholder = placeholderFor({ profile: stage.profile, producer, output });
      if ('value' in placeholder && placeholder.value === value) {
        const logicalId = referencedLogicalId(Value);
        return logicalId ? { service: producer, logicalId } : undefined;
      }
    }
  }
  return undefined;
};

const resourceAt = (stage: StageTemplates, where: Located) =>
  stage.templates[where.service]?.Resources[where.logicalId];

const same = (a: Located, b: Located) => a.service === b.service && a.logicalId === b.logicalId;

export const internalLoadBalancers: PlatformRule = {
  id: 'PLATFORM.EDGE.1',
  description: 'Every load balancer is internal: players come in through CloudFront only',
  check: ({ templates }) =>
    Object.entries(templates).flatMap(([service, template]) =>
      Object.entries(resourcesOfType(template, LOAD_BALANCER))
        .filter(([, resource]) => resource.Properties?.Scheme !== 'internal')
        .map(([id, resource]) =>
          finding(
            'PLATFORM.EDGE.1',
            service,
            id,
            `Scheme is ${resource.Properties?.Scheme === undefined ? 'not set (internet-facing)' : JSON.stringify(resource.Properties.Scheme)}; expected "internal" - players reach the engine through CloudFront's VPC origin, never a public load balancer`,
          ),
        ),
    ),
};

export const vpcOriginsOnInternalLoadBalancers: PlatformRule = {
  id: 'PLATFORM.EDGE.2',
  description: 'Every CloudFront VPC origin points at an internal load balancer of the stage',
  check: (stage) =>
    Object.entries(stage.templates).flatMap(([service, template]) =>
      Object.entries(resourcesOfType(template, 'AWS::CloudFront::VpcOrigin')).flatMap(([id, resource]) => {
        const arn = (resource.Properties?.VpcOriginEndpointConfig as Json | undefined)?.Arn;
        const target = locate(stage, service, arn);
        const targetResource = target && resourceAt(stage, target);
        if (!target || targetResource?.Type !== LOAD_BALANCER) {
          return [
            finding(
              'PLATFORM.EDGE.2',
              service,
              id,
              `points at ${JSON.stringify(arn)}, which is no load balancer defined in this stage's templates; expected a compose param or reference to an internal load balancer, so it can be checked`,
            ),
          ];
        }
        return targetResource.Properties?.Scheme === 'internal'
          ? []
          : [
              finding(
                'PLATFORM.EDGE.2',
                service,
                id,
                `points at ${target.service}/${target.logicalId}, which is not internal; a VPC origin must front a private load balancer`,
              ),
            ];
      }),
    ),
};

/** The ingress rules of a security group: standalone ones anywhere in its template, and inline ones. */
const ingressRulesOf = (stage: StageTemplates & { profile: StageProfile }, group: Located) => {
  const template = stage.templates[group.service] as Template;
  const inline = asList(template.Resources[group.logicalId]?.Properties?.SecurityGroupIngress).map(
    (rule) => ({ resource: group.logicalId, rule: rule as Json }),
  );
  const standalone = Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'))
    .filter(([, resource]) => {
      const target = locate(stage, group.service, resource.Properties?.GroupId);
      return target !== undefined && same(target, group);
    })
    .map(([id, resource]) => ({ resource: id, rule: resource.Properties ?? {} }));
  return [...inline, ...standalone];
};

const describePeer = (rule: Json) =>
  (rule.CidrIp ?? rule.CidrIpv6)
    ? `the address range ${String(rule.CidrIp ?? rule.CidrIpv6)}`
    : rule.SourcePrefixListId
      ? 'a prefix list'
      : `the security group ${JSON.stringify(rule.SourceSecurityGroupId)}`;

/** The target groups a listener or rule action forwards to: `TargetGroupArn`, or weighted `ForwardConfig`. */
const forwardedTargetGroups = (action: Json): string[] =>
  [
    action.TargetGroupArn,
    ...asList((action.ForwardConfig as Json | undefined)?.TargetGroups).map(
      (tuple) => (tuple as Json).TargetGroupArn,
    ),
  ]
    .map((arn) => referencedLogicalId(arn))
    .filter((id): id is string => id !== undefined);

export const servicesOnlyBehindTheirLoadBalancers: PlatformRule = {
  id: 'PLATFORM.EDGE.3',
  description: "An ECS service's security groups admit only the load balancers that forward to it",
  check: (stage) =>
    Object.entries(stage.templates).flatMap(([service, template]) =>
      Object.entries(resourcesOfType(template, 'AWS::ECS::Service')).flatMap(
        ([serviceId, resource]): Finding[] => {
          const properties = resource.Properties ?? {};
          // The service's target groups, blue/green's alternate one included.
          const targetGroups = asList(properties.LoadBalancers)
            .flatMap((entry) => [
              (entry as Json).TargetGroupArn,
              ((entry as Json).AdvancedConfiguration as Json | undefined)?.AlternateTargetGroupArn,
            ])
            .map((arn) => referencedLogicalId(arn))
            .filter((id): id is string => id !== undefined);
          const forwardsToService = (actions: unknown) =>
            asList(actions).some((action) =>
              forwardedTargetGroups(action as Json).some((id) => targetGroups.includes(id)),
            );
          // Listeners that forward to them, by their default action or by one of their rules.
          const listeners = [
            ...Object.entries(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::Listener'))
              .filter(([, listener]) => forwardsToService(listener.Properties?.DefaultActions))
              .map(([id]) => id),
            ...Object.entries(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'))
              .filter(([, rule]) => forwardsToService(rule.Properties?.Actions))
              .map(([, rule]) => referencedLogicalId(rule.Properties?.ListenerArn))
              .filter((id): id is string => id !== undefined),
          ];
          const loadBalancers = listeners
            .map((id) => referencedLogicalId(template.Resources[id]?.Properties?.LoadBalancerArn))
            .filter((id): id is string => id !== undefined);
          const allowed = loadBalancers.flatMap((id) =>
            asList(template.Resources[id]?.Properties?.SecurityGroups)
              .map((group) => locate(stage, service, group))
              .filter((group): group is Located => group !== undefined),
          );
          const groups = asList(
            ((properties.NetworkConfiguration as Json | undefined)?.AwsvpcConfiguration as Json | undefined)
              ?.SecurityGroups,
          );
          return groups.flatMap((value): Finding[] => {
            const group = locate(stage, service, value);
            if (!group || !stage.templates[group.service]?.Resources[group.logicalId]) {
              return [
                finding(
                  'PLATFORM.EDGE.3',
                  service,
                  serviceId,
                  `uses the security group ${JSON.stringify(value)}, which no template of this stage defines; expected a compose param from the network stack, so what it admits can be checked`,
                ),
              ];
            }
            return ingressRulesOf(stage, group)
              .filter(({ rule }) => {
                const peer = locate(stage, group.service, rule.SourceSecurityGroupId);
                return !peer || !allowed.some((candidate) => same(candidate, peer));
              })
              .map(({ resource: ruleId, rule }) =>
                finding(
                  'PLATFORM.EDGE.3',
                  group.service,
                  ruleId,
                  `admits ${describePeer(rule)} into ${group.logicalId}, the group of ${service}/${serviceId}; expected only the security group of a load balancer that forwards to it (${allowed.map((g) => `${g.service}/${g.logicalId}`).join(', ') || 'none: the service has no load balancer, so nothing may come in'})`,
                ),
              );
          });
        },
      ),
    ),
};

/** The edge rules (the players' entry point), as the checks find them through the compose file (tools/src/checks/platform-rules.ts). */
export const rules: PlatformRule[] = [
  internalLoadBalancers,
  vpcOriginsOnInternalLoadBalancers,
  servicesOnlyBehindTheirLoadBalancers,
];
