/**
 * What a Lambda function in a VPC needs from its execution role, instead of the AWS-managed
 * `AWSLambdaVPCAccessExecutionRole` that serverless-iam-roles-per-function attaches: that policy also
 * grants `logs:CreateLogGroup/CreateLogStream/PutLogEvents` on `*`, so the function's code could
 * write into any log group of the account (the flow logs included), undoing the framework's statement
 * scoped to the function's own log group.
 *
 * Lambda creates and deletes the function's network interfaces with the execution role
 * (docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, "Required IAM permissions"), so the
 * role keeps the network-interface actions, narrowed:
 * - `ec2:CreateNetworkInterface` only in the function's own subnets and with its own security groups;
 * - delete / assign / unassign on network interfaces of this account and region;
 * - the two describes, which EC2 authorizes on `*` only;
 * - and a Deny of all of them when the call carries `lambda:SourceFunctionArn`: Lambda adds that key
 *   to every call made from inside the function's execution environment, and not to the calls it
 *   makes itself to manage network interfaces (docs.aws.amazon.com/lambda/latest/dg/
 *   permissions-source-function-arn.html), so the code can never touch an interface.
 */
import { type Json, sub, type Value } from './cfn/intrinsics';
import type { PolicyStatement } from './iam';

/** The network-interface actions Lambda performs with a VPC function's execution role. */
export const LAMBDA_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** The AWS-managed policy the statements below replace. */
export const LAMBDA_VPC_MANAGED_POLICY = 'AWSLambdaVPCAccessExecutionRole';

const EC2_ARN = 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}';

/** `arn:...:subnet/subnet-0abc` for a literal id, `Fn::Sub` with a variable for an intrinsic. */
const ec2Arn = (kind: 'subnet' | 'security-group', id: unknown): Value<string> =>
  typeof id === 'string' ? sub(`${EC2_ARN}:${kind}/${id}`) : sub(`${EC2_ARN}:${kind}/\${Id}`, { Id: id });

export interface LambdaVpcOptions {
  /** The function's `FunctionName`, for the `lambda:SourceFunctionArn` condition. */
  functionName: Value<string>;
  /** The function's `VpcConfig.SubnetIds` (literal ids or intrinsics). */
  subnetIds: unknown[];
  /** The function's `VpcConfig.SecurityGroupIds`. */
  securityGroupIds: unknown[];
}

/** The statements a VPC function's role needs for its network interfaces, and nothing else. */
export const lambdaVpcStatements = (options: LambdaVpcOptions): PolicyStatement[] => {
  const functionArn =
    typeof options.functionName === 'string'
      ? sub(
          `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${options.functionName}`,
        )
      : sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}', {
          Name: options.functionName,
        });
  const networkInterfaces = sub(`${EC2_ARN}:network-interface/*`);
  return [
    {
      Sid: 'CreateFunctionNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface'],
      Resource: [
        networkInterfaces,
        ...options.subnetIds.map((id) => ec2Arn('subnet', id)),
        ...options.securityGroupIds.map((id) => ec2Arn('security-group', id)),
      ],
    },
    {
      Sid: 'ManageFunctionNetworkInterfaces',
      Effect: 'Allow',
      Action: [
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: networkInterfaces,
    },
    {
      Sid: 'DescribeFunctionNetwork',
      Effect: 'Allow',
      Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      // EC2's Describe* calls have no resource-level permissions: AWS authorizes them on "*" only.
      Resource: '*',
    },
    {
      Sid: 'NoNetworkInterfacesFromFunctionCode',
      Effect: 'Deny',
      Action: LAMBDA_NETWORK_INTERFACE_ACTIONS,
      Resource: '*',
      Condition: { ArnEquals: { 'lambda:SourceFunctionArn': functionArn } } as Json,
    },
  ];
};
