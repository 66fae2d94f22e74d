/**
 * The engine's internal load balancer as synthesized for each checked stage: internal, in the private
 * subnets, behind the network stack's load balancer group; the strictest desync mitigation, invalid
 * headers dropped, deletion protection and access logs where the profile says; the ip target group
 * on the container port with the health check on the liveness route and the deregistration delay
 * matched to the app's drain budget; the service registered in it, scaled on requests per task, and
 * the alarms on target 5xx, load balancer 5xx, p99 response time and unhealthy hosts.
 */

import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { engineSettingsEnvironment } from '../stack/environment';
import { EDGE_ALARMS, TARGET_HEALTH_CHECK } from '../stack/load-balancer';
import { HEALTH_CHECK, STOP_TIMEOUT_SECONDS } from '../stack/task-definition';

type Json = Record<string, unknown>;

describe.each(CHECKED_PROFILES)('engine load balancer (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'engine');
  const profile = loadStageProfile(stage);
  const { edge } = profile;
  const props = (id: string) => resourceById(template, id).Properties as Json;
  const attributes = () =>
    Object.fromEntries(
      (props('EngineLoadBalancer').LoadBalancerAttributes as Array<{ Key: string; Value: unknown }>).map(
        ({ Key, Value }) => [Key, Value],
      ),
    );

  it('is an internal application load balancer in the private subnets, behind the load balancer group', () => {
    expect(props('EngineLoadBalancer')).toMatchObject({
      Type: 'application',
      Scheme: 'internal',
      IpAddressType: 'ipv4',
      SecurityGroups: [expect.stringMatching(/^sg-0[0-9a-f]{16}$/)],
    });
    expect(props('EngineLoadBalancer').Subnets).toHaveLength(profile.network.azCount);
  });

  it('refuses ambiguous requests and drops invalid headers; deletion protection and access logs per profile', () => {
    expect(attributes()).toMatchObject({
      'routing.http.desync_mitigation_mode': 'strictest',
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'deletion_protection.enabled': String(edge.loadBalancerDeletionProtection),
      'access_logs.s3.enabled': String(edge.loadBalancerAccessLogs),
    });
    if (profile.production) {
      expect(attributes()['deletion_protection.enabled']).toBe('true');
      expect(attributes()['access_logs.s3.bucket']).toEqual({ Ref: 'EngineLoadBalancerLogBucket' });
      expect(resourceById(template, 'EngineLoadBalancerLogBucket').DeletionPolicy).toBe('Retain');
      expect(resourceById(template, 'EngineLoadBalancer').DependsOn).toEqual([
        'EngineLoadBalancerLogBucketPolicy',
      ]);
      // eu-west-1 is a region opened before August 2022: ELB's log-delivery account writes the logs.
      const statements = (props('EngineLoadBalancerLogBucketPolicy').PolicyDocument as { Statement: Json[] })
        .Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Sid: 'LoadBalancerWritesAccessLogs',
          Principal: { AWS: 'arn:aws:iam::156460612806:root' },
          Action: ['s3:PutObject'],
        }),
      );
    } else {
      expect(resourcesOfType(template, 'AWS::S3::Bucket')).not.toHaveProperty('EngineLoadBalancerLogBucket');
    }
  });

  it.each(['EngineTargetGroup', 'EngineAlternateTargetGroup'])(
    'listens on HTTP 80 and forwards through the production rule to %s, ip targets on the container port',
    (group) => {
      expect(props('EngineHttpListener')).toEqual({
        LoadBalancerArn: { Ref: 'EngineLoadBalancer' },
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' },
          },
        ],
      });
      expect(props('EngineProductionListenerRule')).toMatchObject({
        ListenerArn: { Ref: 'EngineHttpListener' },
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: expect.arrayContaining([
                expect.objectContaining({ TargetGroupArn: { Ref: group } }),
              ]),
            },
          },
        ],
      });
      expect(props(group)).toMatchObject({
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: ENGINE_CONTAINER_PORT,
        VpcId: expect.stringMatching(/^vpc-0/),
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: TARGET_HEALTH_CHECK.intervalSeconds,
        HealthyThresholdCount: TARGET_HEALTH_CHECK.healthyThreshold,
        UnhealthyThresholdCount: TARGET_HEALTH_CHECK.unhealthyThreshold,
        Matcher: { HttpCode: '200' },
      });
    },
  );

  it.each(['EngineTargetGroup', 'EngineAlternateTargetGroup'])(
    '%s drains a deregistered task for exactly the app drain budget, inside the stop timeout',
    (group) => {
      const delay = Number(
        (props(group).TargetGroupAttributes as Array<{ Key: string; Value: string }>).find(
          ({ Key }) => Key === 'deregistration_delay.timeout_seconds',
        )?.Value,
      );
      const drainBudget = Number(engineSettingsEnvironment(profile).SHUTDOWN_TIMEOUT_SECONDS);
      expect(delay).toBe(drainBudget);
      expect(delay).toBeLessThan(STOP_TIMEOUT_SECONDS);
    },
  );

  it('registers the service in the target group, after the production rule exists, with a grace period', () => {
    const service = resourceById(template, 'EngineService');
    expect(service.Properties).toMatchObject({
      LoadBalancers: [
        {
          ContainerName: 'engine',
          ContainerPort: ENGINE_CONTAINER_PORT,
          TargetGroupArn: { Ref: 'EngineTargetGroup' },
        },
      ],
      HealthCheckGracePeriodSeconds: HEALTH_CHECK.startPeriodSeconds,
    });
    expect(service.DependsOn).toEqual(['EngineProductionListenerRule']);
  });

  it('scales on requests per task of the whole load balancer (either target group), beside CPU and memory', () => {
    const policy = props('EngineRequestCountScalingPolicy');
    expect(policy).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: 'EngineScalableTarget' },
      TargetTrackingScalingPolicyConfiguration: {
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'requests',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ApplicationELB',
                  MetricName: 'RequestCount',
                  Dimensions: [
                    {
                      Name: 'LoadBalancer',
                      Value: { 'Fn::GetAtt': ['EngineLoadBalancer', 'LoadBalancerFullName'] },
                    },
                  ],
                },
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            {
              Id: 'running',
              MetricStat: {
                Metric: {
                  Namespace: 'ECS/ContainerInsights',
                  MetricName: 'RunningTaskCount',
                  Dimensions: [
                    { Name: 'ClusterName', Value: { Ref: 'EngineCluster' } },
                    { Name: 'ServiceName', Value: { 'Fn::GetAtt': ['EngineService', 'Name'] } },
                  ],
                },
                Stat: 'Average',
              },
              ReturnData: false,
            },
            { Id: 'requestsPerTask', Expression: 'requests / running', ReturnData: true },
          ],
        },
        TargetValue: 1000,
      },
    });
    expect(
      Object.keys(resourcesOfType(template, 'AWS::ApplicationAutoScaling::ScalingPolicy')).sort(),
    ).toEqual([
      'EngineCpuScalingPolicy',
      'EngineLiveConnectionsScalingPolicy',
      'EngineMemoryScalingPolicy',
      'EngineRequestCountScalingPolicy',
    ]);
  });

  it.each([
    [
      'EngineTarget5xxAlarm',
      'HTTPCode_Target_5XX_Count',
      { Statistic: 'Sum' },
      EDGE_ALARMS.target5xxPerMinute,
    ],
    [
      'EngineLoadBalancer5xxAlarm',
      'HTTPCode_ELB_5XX_Count',
      { Statistic: 'Sum' },
      EDGE_ALARMS.loadBalancer5xxPerMinute,
    ],
    [
      'EngineResponseTimeP99Alarm',
      'TargetResponseTime',
      { ExtendedStatistic: 'p99' },
      EDGE_ALARMS.p99ResponseSeconds,
    ],
  ])('alarms to the stage topic: %s on %s of the whole load balancer', (id, metric, statistic, threshold) => {
    expect(props(id)).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      MetricName: metric,
      // The load balancer alone: both target groups, whichever holds the traffic after a release.
      Dimensions: [
        { Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['EngineLoadBalancer', 'LoadBalancerFullName'] } },
      ],
      ...statistic,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: EDGE_ALARMS.minutes,
      ActionsEnabled: true,
      AlarmActions: [expect.stringMatching(/^arn:aws:sns:/)],
      OKActions: [expect.stringMatching(/^arn:aws:sns:/)],
    });
  });

  it('exports the load balancer, its listener and the target group for the frontend, live play and releases', () => {
    expect(template.Outputs).toMatchObject({
      loadBalancerArn: { Value: { Ref: 'EngineLoadBalancer' } },
      loadBalancerDnsName: { Value: { 'Fn::GetAtt': ['EngineLoadBalancer', 'DNSName'] } },
      loadBalancerListenerArn: { Value: { Ref: 'EngineHttpListener' } },
      engineTargetGroupArn: { Value: { Ref: 'EngineTargetGroup' } },
    });
  });
});
