/**
 * How each stage's engine template releases a new task definition (profile `engine.deployment`):
 * dev rolls with the circuit breaker; staging and prod use ECS's own blue/green, with the bake time
 * from the profile, the release alarms as rollback triggers (each one an alarm of this very
 * template, by its fixed name), the second target group, the production listener rule ECS moves the
 * weights of, and the role ECS does it with, granted exactly that and nothing more.
 */

import { alarmName, resourceName } from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { EDGE_ALARMS } from '../stack/load-balancer';
import { RELEASE_ALARMS } from '../stack/monitoring';

type Json = Record<string, unknown>;

/** What the committed profiles choose, stated here so that a change to them is a visible test change. */
const EXPECTED = {
  dev: { strategy: 'ROLLING' },
  staging: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 5 },
  prod: { strategy: 'BLUE_GREEN', bakeTimeMinutes: 15 },
} as const;

it('covers every checked stage', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...CHECKED_PROFILES].sort());
});

describe.each(CHECKED_PROFILES)('engine release (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'engine');
  const profile = loadStageProfile(stage);
  const expected = EXPECTED[stage];
  const props = (id: string) => resourceById(template, id).Properties as Json;
  const service = () => props('EngineService');
  const loadBalancerEntry = () => (service().LoadBalancers as Json[])[0] as Json;

  it(`deploys with the profile's strategy (${expected.strategy})`, () => {
    expect(profile.engine.deployment).toEqual(expected);
    expect(service().DeploymentController).toEqual({ Type: 'ECS' });
    expect((service().DeploymentConfiguration as Json).Strategy).toBe(expected.strategy);
  });

  it('keeps two target groups and the production rule, all traffic to the first one at creation', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::TargetGroup')).sort()).toEqual(
      ['EngineAlternateTargetGroup', 'EngineTargetGroup'],
    );
    expect(props('EngineAlternateTargetGroup').Name).toBe(resourceName(stage, 'engine-alt'));
    // Identical but for the name: green tasks are judged by the same health check as blue ones.
    const { Name: _blue, ...blue } = props('EngineTargetGroup');
    const { Name: _green, ...green } = props('EngineAlternateTargetGroup');
    expect(green).toEqual(blue);
    expect(Object.keys(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'))).toEqual([
      'EngineProductionListenerRule',
    ]);
    expect(props('EngineProductionListenerRule')).toEqual({
      ListenerArn: { Ref: 'EngineHttpListener' },
      Priority: 100,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: { Ref: 'EngineTargetGroup' }, Weight: 1 },
              { TargetGroupArn: { Ref: 'EngineAlternateTargetGroup' }, Weight: 0 },
            ],
          },
        },
      ],
    });
  });

  it('gives the release alarms both target groups or the whole load balancer, never one group', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    for (const id of RELEASE_ALARMS) {
      const alarm = alarms[id]?.Properties as Json;
      const dimensions = JSON.stringify(alarm.Dimensions ?? alarm.Metrics);
      if (dimensions.includes('TargetGroupFullName')) {
        expect(dimensions, id).toContain('"EngineTargetGroup"');
        expect(dimensions, id).toContain('"EngineAlternateTargetGroup"');
      }
    }
    expect(props('EngineUnhealthyHostsAlarm').Metrics).toEqual([
      expect.objectContaining({ Id: 'primary' }),
      expect.objectContaining({ Id: 'alternate' }),
      expect.objectContaining({
        Id: 'expression',
        Expression: 'MAX([primary, alternate])',
        ReturnData: true,
      }),
    ]);
  });

  if (expected.strategy === 'ROLLING') {
    it('rolls: 100 % / 200 % with the circuit breaker, no alarms, no blue/green configuration or role', () => {
      expect(service().DeploymentConfiguration).toEqual({
        Strategy: 'ROLLING',
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
      expect(loadBalancerEntry()).not.toHaveProperty('AdvancedConfiguration');
      expect(resourcesOfType(template, 'AWS::IAM::Role')).not.toHaveProperty(
        'EngineLoadBalancerInfrastructureRole',
      );
    });
    return;
  }

  const alarmNames = RELEASE_ALARMS.map((id) => alarmName(stage, id));

  it(`is blue/green with a ${expected.bakeTimeMinutes}-minute bake, rolling back on the circuit breaker and the release alarms`, () => {
    expect(service().DeploymentConfiguration).toEqual({
      Strategy: 'BLUE_GREEN',
      BakeTimeInMinutes: expected.bakeTimeMinutes,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { AlarmNames: alarmNames, Enable: true, Rollback: true },
    });
  });

  it('names as rollback triggers exactly the 5xx, p99 and unhealthy-host alarms of this template, none on capacity', () => {
    const byName = Object.fromEntries(
      Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(([id, alarm]) => [
        (alarm.Properties as Json).AlarmName,
        id,
      ]),
    );
    expect(alarmNames.map((name) => byName[name])).toEqual([
      'EngineTarget5xxAlarm',
      'EngineLoadBalancer5xxAlarm',
      'EngineResponseTimeP99Alarm',
      'EngineUnhealthyHostsAlarm',
    ]);
    for (const capacity of [
      'EngineCpuHighAlarm',
      'EngineMemoryHighAlarm',
      'EngineRunningTasksBelowDesiredAlarm',
    ])
      expect(alarmNames).not.toContain(alarmName(stage, capacity));
  });

  it('bakes long enough for a release alarm to fire (it needs EDGE_ALARMS.minutes bad minutes in a row)', () => {
    expect(expected.bakeTimeMinutes).toBeGreaterThanOrEqual(EDGE_ALARMS.minutes);
  });

  it('hands ECS the second group, the production rule and its infrastructure role', () => {
    expect(loadBalancerEntry()).toEqual({
      ContainerName: 'engine',
      ContainerPort: ENGINE_CONTAINER_PORT,
      TargetGroupArn: { Ref: 'EngineTargetGroup' },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: 'EngineAlternateTargetGroup' },
        ProductionListenerRule: { Ref: 'EngineProductionListenerRule' },
        RoleArn: { 'Fn::GetAtt': ['EngineLoadBalancerInfrastructureRole', 'Arn'] },
      },
    });
    expect(service()).not.toHaveProperty('Role');
  });

  it('grants that role exactly the release actions on this load balancer, trusted by ECS of this account only', () => {
    const role = props('EngineLoadBalancerInfrastructureRole');
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role.Policies).toEqual([
      {
        PolicyName: 'engine-release-traffic',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadLoadBalancerState',
              Effect: 'Allow',
              Action: [
                'elasticloadbalancing:DescribeListeners',
                'elasticloadbalancing:DescribeRules',
                'elasticloadbalancing:DescribeTargetGroups',
                'elasticloadbalancing:DescribeTargetHealth',
              ],
              Resource: '*',
            },
            {
              Sid: 'RegisterTasksInEngineTargetGroups',
              Effect: 'Allow',
              Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
              Resource: [{ Ref: 'EngineTargetGroup' }, { Ref: 'EngineAlternateTargetGroup' }],
            },
            {
              Sid: 'ShiftTrafficOnProductionRule',
              Effect: 'Allow',
              Action: ['elasticloadbalancing:ModifyRule'],
              Resource: { Ref: 'EngineProductionListenerRule' },
            },
          ],
        },
      },
    ]);
  });
});
