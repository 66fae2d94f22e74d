/**
 * The documents of the AWS-managed policies a role of the platform may meet, so their statements are
 * judged like inline ones (PLATFORM.IAM.1/2) and read like inline ones (PLATFORM.ENDPOINTS.*). A
 * managed policy's document is not in the template: CloudFormation only names its ARN.
 *
 * Copied from the AWS Managed Policy Reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/
 * <name>.html), default version at the date given; AWS edits these documents without notice, which is
 * one more reason the platform attaches none without an entry in policy-exceptions.yml (PLATFORM.IAM.3).
 * To add one: copy its JSON document here with its version, and the entry's reason there.
 */

import type { IamFacts } from '@game-platform/shared/endpoints';
import { LAMBDA_NETWORK_INTERFACE_ACTIONS } from './lambda-vpc';

type Statement = Readonly<Record<string, unknown>>;

export interface ManagedPolicyDocument {
  /** Version and edit date of the document copied here, e.g. `v3, 2024-01-05`. */
  readonly version: string;
  readonly statements: readonly Statement[];
}

const LAMBDA_LOGS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

export const AWS_MANAGED_POLICIES: Readonly<Record<string, ManagedPolicyDocument>> = {
  AWSLambdaBasicExecutionRole: {
    version: 'v1, 2015-04-09',
    statements: [{ Effect: 'Allow', Action: LAMBDA_LOGS, Resource: '*' }],
  },
  AWSLambdaVPCAccessExecutionRole: {
    version: 'v3, 2024-01-05',
    statements: [
      {
        Sid: 'AWSLambdaVPCAccessExecutionPermissions',
        Effect: 'Allow',
        // The same six network-interface actions, in AWS's order, as the platform grants in its place.
        Action: [...LAMBDA_LOGS, ...LAMBDA_NETWORK_INTERFACE_ACTIONS],
        Resource: '*',
      },
    ],
  },
  AWSLambdaSQSQueueExecutionRole: {
    version: 'v2, 2021-09-23',
    statements: [
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LAMBDA_LOGS],
        Resource: '*',
      },
    ],
  },
  AmazonECSTaskExecutionRolePolicy: {
    version: 'v1, 2017-11-16',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'ecr:GetAuthorizationToken',
          'ecr:BatchCheckLayerAvailability',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchGetImage',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
  AWSXRayDaemonWriteAccess: {
    version: 'v2, 2019-01-22',
    statements: [
      {
        Effect: 'Allow',
        Action: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
          'xray:GetSamplingStatisticSummaries',
        ],
        Resource: '*',
      },
    ],
  },
  AmazonRDSEnhancedMonitoringRole: {
    version: 'v1, 2015-11-11',
    statements: [
      {
        Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogGroups',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
        Resource: ['arn:aws:logs:*:*:log-group:RDS*'],
      },
      {
        Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogStreams',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
        Resource: ['arn:aws:logs:*:*:log-group:RDS*:log-stream:*'],
      },
    ],
  },
};

/** Where the table lives, for messages that ask to extend it. */
export const AWS_MANAGED_POLICIES_FILE = 'AWS_MANAGED_POLICIES (resources/src/managed-policies.ts)';

/**
 * The name of an AWS-managed policy in an ARN as a template writes it (a string, `Fn::Sub` or
 * `Fn::Join` with `AWS::Partition`): `arn:aws:iam::aws:policy/service-role/X` -> `X`; `undefined`
 * for a customer-managed policy or anything else.
 */
export const awsManagedPolicyName = (arn: unknown): string | undefined => {
  const text = JSON.stringify(arn) ?? '';
  return /:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+?)"?\]*\}*$/.exec(text)?.[1];
};

/** The statements of an attached managed policy, when its document is known here. */
export const managedPolicyStatements = (arn: unknown): readonly Statement[] | undefined => {
  const name = awsManagedPolicyName(arn);
  return name ? AWS_MANAGED_POLICIES[name]?.statements : undefined;
};

/**
 * What the endpoint derivation (shared/src/endpoints/derivation.ts) must know about IAM that no
 * template says: these documents, and the actions Lambda performs with a VPC function's role.
 */
export const IAM_FACTS: IamFacts = {
  managedPolicy: (arn) => {
    const name = awsManagedPolicyName(arn);
    const statements = managedPolicyStatements(arn);
    return name && statements ? { name, statements } : undefined;
  },
  managedPoliciesFile: AWS_MANAGED_POLICIES_FILE,
  lambdaNetworkInterfaceActions: LAMBDA_NETWORK_INTERFACE_ACTIONS,
};
