/**
 * The engine's internal Application Load Balancer: how players' `/api/*` requests reach the tasks.
 *
 *   CloudFront (VPC origin) --HTTP :80--> EngineLoadBalancer (internal, private subnets)
 *     --> EngineHttpListener --> EngineProductionListenerRule (every path)
 *       --> EngineTargetGroup / EngineAlternateTargetGroup (ip targets: the tasks' ENIs, container port)
 *
 * Two target groups and a rule, because ECS's own blue/green deployment (profile `engine.deployment`)
 * starts the new tasks in whichever group holds no production traffic and then moves the rule's
 * weights to it: ECS shifts traffic on a listener RULE (`ProductionListenerRule`), not on a listener's
 * default action. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html
 * Every stage has both groups and the rule (they cost nothing, the compose wiring is the same for every
 * stage, and a stage changes strategy with one profile line); a rolling stage leaves the second empty.
 *
 * The logical ids are exported constants: the frontend's VPC origin, the live-play WebSocket routes
 * and blue/green releases build on them, and the platform rules find them by type.
 *
 * The load balancer's security group is the network stack's (`loadBalancerSecurityGroupId`): it admits
 * only CloudFront's VPC origin, and the engine's group admits only it.
 */
import {
  type CfnResource,
  type PolicyStatement,
  privateBucket,
  type Resources,
  ref,
  resource,
  resourceName,
  splitList,
  sub,
  type Value,
} from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT, LOAD_BALANCER_LISTENER_PORT } from '@game-platform/shared/edge';
import type { StageProfile } from '@game-platform/shared/profiles';
import { HEALTH_CHECK, SHUTDOWN_TIMEOUT_SECONDS } from './task-definition';

export const LOAD_BALANCER = 'EngineLoadBalancer';
export const TARGET_GROUP = 'EngineTargetGroup';
/** Blue/green's second group: the new tasks start here when `TARGET_GROUP` holds the traffic, and vice versa. */
export const ALTERNATE_TARGET_GROUP = 'EngineAlternateTargetGroup';
/** The rule every player request goes through; ECS moves its weights between the two groups in a release. */
export const PRODUCTION_LISTENER_RULE = 'EngineProductionListenerRule';
/** Both target groups: which of them holds the traffic changes with every blue/green release. */
export const TARGET_GROUPS = [TARGET_GROUP, ALTERNATE_TARGET_GROUP] as const;
export const LISTENER = 'EngineHttpListener';
export const LOAD_BALANCER_LOG_BUCKET = 'EngineLoadBalancerLogBucket';
/** Its policy (`privateBucket` names it `<bucket>Policy`): the load balancer waits for it. */
export const LOAD_BALANCER_LOG_BUCKET_POLICY = `${LOAD_BALANCER_LOG_BUCKET}Policy`;

/** The liveness route: it answers while the process runs, whatever the database does. */
export const HEALTH_CHECK_PATH = '/health';

/**
 * The target group's health check. On the liveness route, not readiness: a database outage must not
 * make the load balancer mark every task unhealthy (and ECS replace them all, which cures nothing).
 * 10 s x 3 failures takes a hung task out within ~30 s; 2 successes bring a new one in within ~20 s.
 */
export const TARGET_HEALTH_CHECK = {
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/**
 * Alarm thresholds, per minute over 5 minutes (README of the engine service, "Alarms"); the alarms
 * themselves are defined in stack/monitoring.ts.
 */
export const EDGE_ALARMS = {
  minutes: 5,
  target5xxPerMinute: 5,
  loadBalancer5xxPerMinute: 5,
  p99ResponseSeconds: 1,
} as const;

/**
 * Seconds the load balancer keeps sending a deregistered task the requests already in flight, before
 * ECS stops it: the app's drain budget (`SHUTDOWN_TIMEOUT_SECONDS`, the stop timeout minus the margin).
 * A request in flight when a deploy or scale-in begins gets the same time it would get after SIGTERM,
 * the task is stopped well before SIGKILL matters, and a deploy waits seconds rather than the default 300.
 */
export const DEREGISTRATION_DELAY_SECONDS = SHUTDOWN_TIMEOUT_SECONDS;

/**
 * Seconds after a task starts during which ECS ignores the load balancer's health checks: the
 * container health check's own start period, so both give the app the same time to connect.
 */
export const HEALTH_CHECK_GRACE_PERIOD_SECONDS = HEALTH_CHECK.startPeriodSeconds;

/**
 * Elastic Load Balancing's log-delivery account for regions opened before August 2022, which must be
 * the bucket policy's principal there; newer regions use the service principal instead.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'eu-central-1': '054676820928',
  'eu-north-1': '897822967062',
};

const logDeliveryPrincipal = (region: string) => {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account
    ? { AWS: `arn:aws:iam::${account}:root` }
    : { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' };
};

const LOG_PREFIX = 'engine-alb';

/**
 * Where the load balancer writes access logs (profile `edge.loadBalancerAccessLogs`). SSE-S3: ALB
 * access logs support no other encryption. Kept after the stack in production, like the site's logs.
 */
const accessLogBucketResources = (profile: StageProfile): Resources => {
  const writeLogs: PolicyStatement = {
    Sid: 'LoadBalancerWritesAccessLogs',
    Effect: 'Allow',
    Principal: logDeliveryPrincipal(profile.region),
    Action: ['s3:PutObject'],
    Resource: sub(`\${${LOAD_BALANCER_LOG_BUCKET}.Arn}/${LOG_PREFIX}/AWSLogs/\${AWS::AccountId}/*`),
  };
  return privateBucket(LOAD_BALANCER_LOG_BUCKET, {
    encryption: 'AES256',
    expirationDays: profile.edge.accessLogRetentionDays,
    noncurrentVersionExpirationDays: 1,
    policyStatements: [writeLogs],
    resourceOptions: profile.production ? { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } : {},
  });
};

export interface LoadBalancerOptions {
  profile: StageProfile;
  vpcId: string;
  /** Comma-separated private subnet ids (compose param `privateSubnetIds`). */
  subnetIds: string;
  /** The network stack's load balancer group (compose param `loadBalancerSecurityGroupId`). */
  securityGroupId: string;
}

const loadBalancer = (
  options: LoadBalancerOptions,
): CfnResource<'AWS::ElasticLoadBalancingV2::LoadBalancer'> => {
  const { edge, stage } = options.profile;
  const attributes: Record<string, Value<string>> = {
    'deletion_protection.enabled': String(edge.loadBalancerDeletionProtection),
    // Requests that are ambiguous under RFC 7230 are refused, not forwarded (HTTP desync / request smuggling).
    'routing.http.desync_mitigation_mode': 'strictest',
    'routing.http.drop_invalid_header_fields.enabled': 'true',
    'access_logs.s3.enabled': String(edge.loadBalancerAccessLogs),
    ...(edge.loadBalancerAccessLogs
      ? { 'access_logs.s3.bucket': ref(LOAD_BALANCER_LOG_BUCKET), 'access_logs.s3.prefix': LOG_PREFIX }
      : {}),
  };
  return resource(
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
    {
      Name: resourceName(stage, 'engine'),
      Type: 'application',
      // Internal: no public address; only CloudFront's VPC origin (and nothing on the internet) reaches it.
      Scheme: 'internal',
      IpAddressType: 'ipv4',
      Subnets: splitList(options.subnetIds),
      SecurityGroups: [options.securityGroupId],
      LoadBalancerAttributes: Object.entries(attributes).map(([Key, Value]) => ({ Key, Value })),
    },
    // The bucket policy must exist before the load balancer tests its write access.
    edge.loadBalancerAccessLogs ? { DependsOn: [LOAD_BALANCER_LOG_BUCKET_POLICY] } : {},
  );
};

/** Target group names: 32 characters at most, so with stage names of up to 16 `-alt` still fits. */
const targetGroup = (
  options: LoadBalancerOptions,
  name: string,
): CfnResource<'AWS::ElasticLoadBalancingV2::TargetGroup'> =>
  resource('AWS::ElasticLoadBalancingV2::TargetGroup', {
    Name: name,
    // awsvpc tasks register by IP address.
    TargetType: 'ip',
    Protocol: 'HTTP',
    ProtocolVersion: 'HTTP1',
    Port: ENGINE_CONTAINER_PORT,
    VpcId: options.vpcId,
    HealthCheckEnabled: true,
    HealthCheckProtocol: 'HTTP',
    HealthCheckPath: HEALTH_CHECK_PATH,
    HealthCheckIntervalSeconds: TARGET_HEALTH_CHECK.intervalSeconds,
    HealthCheckTimeoutSeconds: TARGET_HEALTH_CHECK.timeoutSeconds,
    HealthyThresholdCount: TARGET_HEALTH_CHECK.healthyThreshold,
    UnhealthyThresholdCount: TARGET_HEALTH_CHECK.unhealthyThreshold,
    Matcher: { HttpCode: '200' },
    TargetGroupAttributes: [
      { Key: 'deregistration_delay.timeout_seconds', Value: String(DEREGISTRATION_DELAY_SECONDS) },
    ],
  });

/**
 * Priority of the production rule. Every request to the tasks must go through this one rule: a rule
 * forwarding to a single target group would keep sending to the old tasks after a blue/green swap.
 * Lower numbers stay free for rules that answer without the tasks (a fixed response, a block).
 */
export const PRODUCTION_RULE_PRIORITY = 100;

/**
 * The load balancer, its listener and target group, and the access-log bucket where the profile asks
 * for one. Its alarms are part of the engine's monitoring definitions (stack/monitoring.ts), deployed
 * with the engine's other alarms and drawn on the stage's dashboard from the same definitions.
 */
export const loadBalancerResources = (options: LoadBalancerOptions): Resources => ({
  ...(options.profile.edge.loadBalancerAccessLogs ? accessLogBucketResources(options.profile) : {}),
  [LOAD_BALANCER]: loadBalancer(options),
  [TARGET_GROUP]: targetGroup(options, resourceName(options.profile.stage, 'engine')),
  [ALTERNATE_TARGET_GROUP]: targetGroup(options, resourceName(options.profile.stage, 'engine-alt')),
  [LISTENER]: resource('AWS::ElasticLoadBalancingV2::Listener', {
    LoadBalancerArn: ref(LOAD_BALANCER),
    // HTTP: CloudFront terminates TLS; the VPC origin's traffic stays on AWS's network (policy exception CT.ELASTICLOADBALANCING.PR.1/2).
    Protocol: 'HTTP',
    Port: LOAD_BALANCER_LISTENER_PORT,
    // Never reached (the production rule matches every path); a fixed answer rather than a forward
    // to one group, which after a blue/green release may be the empty one.
    DefaultActions: [
      {
        Type: 'fixed-response',
        FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' },
      },
    ],
  }),
  [PRODUCTION_LISTENER_RULE]: resource('AWS::ElasticLoadBalancingV2::ListenerRule', {
    ListenerArn: ref(LISTENER),
    Priority: PRODUCTION_RULE_PRIORITY,
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    // All traffic to the first group at creation; from then on ECS owns the weights (it moves them to
    // the group of the new tasks in each blue/green release). The template never changes them, so a
    // stack update does not move traffic back to a group ECS has emptied.
    Actions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: ref(TARGET_GROUP), Weight: 1 },
            { TargetGroupArn: ref(ALTERNATE_TARGET_GROUP), Weight: 0 },
          ],
        },
      },
    ],
  }),
});
