/**
 * The engine's IAM roles, separate on purpose:
 *
 * - the task role is what the app's code may do: send game events to the integrations queue and
 *   log in to PostgreSQL as `game_engine` with IAM authentication; nothing else unless the stage
 *   turns ECS Exec on;
 * - the execution role is what ECS does to start a task: pull the image, write the container's
 *   logs, read the secrets the task definition injects. The app never holds these permissions.
 *
 * - on a blue/green stage, the load balancer infrastructure role is what ECS itself does in a release:
 *   register the tasks in the engine's two target groups and move the production rule's weights.
 *
 * No AWS-managed policy (AmazonECSTaskExecutionRolePolicy grants ECR and Logs on every resource):
 * every statement names its resources. PLATFORM.ENGINE.1 checks both roles on every stage.
 */
import {
  AWS,
  assumeRolePolicy,
  type CfnResource,
  getAtt,
  type Intrinsic,
  type PolicyStatement,
  policyDocument,
  ref,
  resource,
  sub,
  type Value,
} from '@game-platform/resources';

/** The task role (`taskRole`), the execution role (`executionRole`) and blue/green's `loadBalancerInfrastructureRole`. */
export const ENGINE_TASK_ROLE = 'EngineTaskRole';
export const ENGINE_EXECUTION_ROLE = 'EngineExecutionRole';
export const ENGINE_INFRASTRUCTURE_ROLE = 'EngineLoadBalancerInfrastructureRole';

/** The database role the engine logs in as (created by datastore migration 0002; may read the leaderboard). */
export const ENGINE_DATABASE_USER = 'game_engine';

/** What ECS Exec needs from the task role: the Session Manager channels ECS opens into the container. */
export const EXEC_CHANNEL_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

export interface TaskRoleOptions {
  /** The integrations queue (compose param `eventsQueueArn`). */
  eventsQueueArn: Value<string>;
  /** The database's DbiResourceId (compose param `databaseResourceId`). */
  databaseResourceId: string;
  /** Logical id of the container log group (ECS Exec writes session output there). */
  logGroupId: string;
  enableExecuteCommand: boolean;
  /** The engine's ECS cluster name: the tasks whose scale-in protection the app may set. */
  clusterName: string;
}

/** Only ECS tasks of this account may assume the roles (confused-deputy protection). */
const ecsTasksTrust = (withSourceArn: boolean) =>
  assumeRolePolicy('ecs-tasks.amazonaws.com', {
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
    ...(withSourceArn
      ? { ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*') } }
      : {}),
  });

const role = (
  description: string,
  policyName: string,
  statements: PolicyStatement[],
  withSourceArn: boolean,
): CfnResource<'AWS::IAM::Role'> =>
  resource('AWS::IAM::Role', {
    Description: description,
    AssumeRolePolicyDocument: ecsTasksTrust(withSourceArn),
    Policies: [{ PolicyName: policyName, PolicyDocument: policyDocument(...statements) }],
  });

/** Statements ECS Exec needs when the stage turns it on: the channels, and writing the session's output to the container log group. */
const execStatements = (logGroupId: string): PolicyStatement[] => [
  {
    Sid: 'OpenExecSessionChannels',
    Effect: 'Allow',
    Action: EXEC_CHANNEL_ACTIONS,
    // Session Manager's message channels have no resource-level permissions: AWS authorizes them on "*" only.
    Resource: '*',
  },
  {
    Sid: 'FindExecLogGroup',
    Effect: 'Allow',
    Action: ['logs:DescribeLogGroups'],
    // DescribeLogGroups lists log groups; AWS authorizes it on "*" only.
    Resource: '*',
  },
  {
    Sid: 'WriteExecSessionLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
    Resource: getAtt(logGroupId, 'Arn'),
  },
];

/**
 * The task role: `sqs:SendMessage` and `sqs:GetQueueAttributes` (the readiness probe) on the events
 * queue, `rds-db:connect` as `game_engine`, and scale-in protection of the service's own tasks.
 * With `enableExecuteCommand`, also ECS Exec's statements.
 * To let the app call another AWS API, add a statement here with its exact actions and resources
 * (and, without NAT, the endpoint: PLATFORM.ENDPOINTS.1 says which).
 */
export const taskRole = (options: TaskRoleOptions): CfnResource<'AWS::IAM::Role'> =>
  role(
    'Engine tasks: what the engine app may do',
    'engine-task',
    [
      {
        Sid: 'PublishGameEvents',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        Resource: options.eventsQueueArn,
      },
      {
        Sid: 'ConnectToDatabaseAsEngine',
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: sub(
          `arn:\${AWS::Partition}:rds-db:\${AWS::Region}:\${AWS::AccountId}:dbuser:${options.databaseResourceId}/${ENGINE_DATABASE_USER}`,
        ),
      },
      {
        Sid: 'ProtectOwnTasksFromScaleIn',
        Effect: 'Allow',
        // The app PUTs to $ECS_AGENT_URI/task-protection/v1/state; the ECS agent then calls
        // UpdateTaskProtection (and GetTaskProtection for a GET) with this role's credentials
        // (amazon-ecs-agent, agent/handlers/agentapi/taskprotection), so the role must allow them.
        Action: ['ecs:UpdateTaskProtection', 'ecs:GetTaskProtection'],
        Resource: sub(
          `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task/${options.clusterName}/*`,
        ),
      },
      ...(options.enableExecuteCommand ? execStatements(options.logGroupId) : []),
    ],
    true,
  );

export interface ExecutionRoleOptions {
  /** The engine image repository's ARN (the repository lives outside the stack: stack/image.ts). */
  repositoryArn: Intrinsic;
  logGroupId: string;
  /** Secrets Manager ARNs the task definition injects (`Secrets`); the role may read exactly these. */
  secretArns: string[];
  /** Secrets the engine stack creates itself (their `Ref`, the ARN): readable by this role too. */
  stackSecretArns?: Intrinsic[];
}

/**
 * The secret an ECS `valueFrom` names: `arn:...:secret:name-AbCdEf:json-key:stage:version` reads
 * the secret `arn:...:secret:name-AbCdEf`, which is what IAM authorizes.
 */
export const secretOf = (valueFrom: string): string => valueFrom.split(':').slice(0, 7).join(':');

/**
 * The execution role: ECR pull of the engine repository (the registry token is account-wide), log
 * writes to the container log group, and `secretsmanager:GetSecretValue` on exactly the secrets
 * the profile lists (none by default).
 */
export const executionRole = (options: ExecutionRoleOptions): CfnResource<'AWS::IAM::Role'> => {
  const secrets: Array<string | Intrinsic> = [
    ...new Set(options.secretArns.map(secretOf)),
    ...(options.stackSecretArns ?? []),
  ];
  return role(
    'Engine tasks: what ECS does to start them (pull the image, write logs, inject secrets)',
    'engine-execution',
    [
      {
        Sid: 'GetRegistryToken',
        Effect: 'Allow',
        Action: ['ecr:GetAuthorizationToken'],
        // A registry login token is for the whole registry; AWS authorizes it on "*" only.
        Resource: '*',
      },
      {
        Sid: 'PullEngineImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: options.repositoryArn,
      },
      {
        Sid: 'WriteContainerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(options.logGroupId, 'Arn'),
      },
      ...(secrets.length > 0
        ? [
            {
              Sid: 'ReadInjectedSecrets',
              Effect: 'Allow' as const,
              Action: ['secretsmanager:GetSecretValue'],
              Resource: secrets as Value<string>[],
            },
          ]
        : []),
    ],
    false,
  );
};

export interface InfrastructureRoleOptions {
  /** Logical ids of the engine's two target groups (load-balancer.ts `TARGET_GROUPS`). */
  targetGroupIds: readonly string[];
  /** Logical id of the production listener rule (load-balancer.ts `PRODUCTION_LISTENER_RULE`). */
  productionListenerRuleId: string;
}

/**
 * The role ECS assumes in a blue/green release (`AdvancedConfiguration.RoleArn`): the statements of
 * AWS's AmazonECSInfrastructureRolePolicyForLoadBalancers, narrowed to this load balancer.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
 *
 * The managed policy is not attached (PLATFORM.IAM.3): it grants register/deregister on every target
 * group and ModifyListener/ModifyRule on every listener and rule of the account. Left out of its
 * statements: `ModifyListener` (ECS shifts an ALB's traffic on the production RULE; a listener is
 * modified only for a Network Load Balancer, which names a listener instead of a rule).
 * Trust: `ecs.amazonaws.com` from this account only (confused-deputy protection).
 */
export const loadBalancerInfrastructureRole = (
  options: InfrastructureRoleOptions,
): CfnResource<'AWS::IAM::Role'> =>
  resource('AWS::IAM::Role', {
    Description: "Engine releases: what ECS does to the engine's load balancer in a blue/green deployment",
    AssumeRolePolicyDocument: assumeRolePolicy('ecs.amazonaws.com', {
      StringEquals: { 'aws:SourceAccount': AWS.accountId },
    }),
    Policies: [
      {
        PolicyName: 'engine-release-traffic',
        PolicyDocument: policyDocument(
          {
            Sid: 'ReadLoadBalancerState',
            Effect: 'Allow',
            Action: LOAD_BALANCER_READ_ACTIONS,
            // Elastic Load Balancing's Describe calls have no resource-level permissions: "*" only.
            Resource: '*',
          },
          {
            Sid: 'RegisterTasksInEngineTargetGroups',
            Effect: 'Allow',
            Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
            Resource: options.targetGroupIds.map((id) => ref(id)),
          },
          {
            Sid: 'ShiftTrafficOnProductionRule',
            Effect: 'Allow',
            Action: ['elasticloadbalancing:ModifyRule'],
            Resource: ref(options.productionListenerRuleId),
          },
        ),
      },
    ],
  });

/** What ECS reads to follow a release: the listener, its rules, the target groups and their health. */
export const LOAD_BALANCER_READ_ACTIONS = [
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
];
