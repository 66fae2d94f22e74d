/**
 * The AWS services a workload in the private subnets can reach through a VPC endpoint, and how a
 * call to each one shows in an IAM policy. One catalogue, used by the stage profiles (which names
 * are allowed in `endpoints.extraInterfaceServices`), the endpoints service (what to create, with which
 * policy) and the synth rule that derives what each workload needs (PLATFORM.ENDPOINTS.1).
 *
 * To add a service: add an entry below (the key is the endpoint name in
 * `com.amazonaws.<region>.<name>`), then list the workload call in `workload-calls.ts` (or the
 * endpoint in a profile's `endpoints.extraInterfaceServices`, with its reason).
 */

export interface EndpointServiceInfo {
  /** What the service is, for reports and error messages. */
  readonly title: string;
  /** IAM action prefixes whose API calls go to this endpoint: `sqs` for `sqs:SendMessage`. */
  readonly iamPrefixes: readonly string[];
  /**
   * Whether the service accepts a VPC endpoint policy. AWS rejects a policy on an endpoint whose
   * service does not support one, and allows full access through it instead, so `false` means the
   * endpoint is created without a policy. Only entries checked against the service's documentation
   * say `true`.
   */
  readonly endpointPolicy: boolean;
  /** PascalCase used in logical ids: `SecretsManager` -> `SecretsManagerInterfaceEndpoint`. */
  readonly logicalName: string;
}

export const ENDPOINT_SERVICES = {
  s3: {
    title: 'Amazon S3 (in-VPC traffic takes the free gateway endpoint)',
    iamPrefixes: ['s3'],
    endpointPolicy: true,
    logicalName: 'S3',
  },
  sqs: { title: 'Amazon SQS', iamPrefixes: ['sqs'], endpointPolicy: true, logicalName: 'Sqs' },
  secretsmanager: {
    title: 'AWS Secrets Manager',
    iamPrefixes: ['secretsmanager'],
    endpointPolicy: true,
    logicalName: 'SecretsManager',
  },
  'ecr.api': {
    title: 'Amazon ECR API (registry authorization tokens)',
    iamPrefixes: ['ecr'],
    endpointPolicy: true,
    logicalName: 'EcrApi',
  },
  'ecr.dkr': {
    title: 'Amazon ECR Docker registry (image manifests; layers come from S3)',
    iamPrefixes: ['ecr'],
    endpointPolicy: true,
    logicalName: 'EcrDkr',
  },
  logs: { title: 'Amazon CloudWatch Logs', iamPrefixes: ['logs'], endpointPolicy: true, logicalName: 'Logs' },
  monitoring: {
    title: 'Amazon CloudWatch metrics (PutMetricData)',
    iamPrefixes: ['cloudwatch'],
    endpointPolicy: true,
    logicalName: 'Monitoring',
  },
  sts: { title: 'AWS STS', iamPrefixes: ['sts'], endpointPolicy: true, logicalName: 'Sts' },
  kms: { title: 'AWS KMS', iamPrefixes: ['kms'], endpointPolicy: true, logicalName: 'Kms' },
  ssm: {
    title: 'AWS Systems Manager (Parameter Store)',
    iamPrefixes: ['ssm'],
    endpointPolicy: true,
    logicalName: 'Ssm',
  },
  sns: { title: 'Amazon SNS', iamPrefixes: ['sns'], endpointPolicy: true, logicalName: 'Sns' },
  events: {
    title: 'Amazon EventBridge',
    iamPrefixes: ['events'],
    endpointPolicy: true,
    logicalName: 'Events',
  },
  lambda: { title: 'AWS Lambda API', iamPrefixes: ['lambda'], endpointPolicy: true, logicalName: 'Lambda' },
  states: {
    title: 'AWS Step Functions',
    iamPrefixes: ['states'],
    endpointPolicy: true,
    logicalName: 'States',
  },
  ec2: { title: 'Amazon EC2 API', iamPrefixes: ['ec2'], endpointPolicy: true, logicalName: 'Ec2' },
  // The engine's task scale-in protection: the ECS agent calls UpdateTaskProtection with the task role.
  ecs: { title: 'Amazon ECS API', iamPrefixes: ['ecs'], endpointPolicy: true, logicalName: 'Ecs' },
  // ECS Exec's Session Manager channels. Endpoint-policy support not confirmed from the documentation.
  ssmmessages: {
    title: 'AWS Systems Manager Session Manager messages (ECS Exec)',
    iamPrefixes: ['ssmmessages'],
    endpointPolicy: false,
    logicalName: 'SsmMessages',
  },
  // Endpoint-policy support not confirmed from the X-Ray documentation: created with AWS's default policy.
  xray: { title: 'AWS X-Ray', iamPrefixes: ['xray'], endpointPolicy: false, logicalName: 'XRay' },
} as const satisfies Record<string, EndpointServiceInfo>;

export type EndpointServiceName = keyof typeof ENDPOINT_SERVICES;

export const ENDPOINT_SERVICE_NAMES = Object.keys(ENDPOINT_SERVICES) as EndpointServiceName[];

export const isEndpointServiceName = (name: string): name is EndpointServiceName =>
  Object.hasOwn(ENDPOINT_SERVICES, name);

/**
 * IAM prefixes whose actions are not calls to a regional AWS API endpoint, so no VPC endpoint is
 * involved. Each says why.
 */
export const PREFIXES_WITHOUT_ENDPOINT: Readonly<Record<string, string>> = {
  'rds-db':
    'IAM database authentication: the token is signed locally and sent over the PostgreSQL connection inside the VPC',
};

/** The endpoint names that serve calls with this IAM prefix (`ecr` -> `ecr.api`, `ecr.dkr`). */
export const endpointsForIamPrefix = (prefix: string): EndpointServiceName[] =>
  ENDPOINT_SERVICE_NAMES.filter((name) =>
    (ENDPOINT_SERVICES[name].iamPrefixes as readonly string[]).includes(prefix),
  );

/**
 * The endpoint name in a CloudFormation `ServiceName`: `com.amazonaws.${AWS::Region}.ecr.dkr` or
 * `com.amazonaws.eu-west-1.ecr.dkr` -> `ecr.dkr`; `undefined` for anything else.
 */
export const endpointNameOf = (serviceName: string): string | undefined =>
  /^com\.amazonaws\.(?:\$\{AWS::Region\}|[a-z]{2}(?:-[a-z]+)+-\d)\.(.+)$/.exec(serviceName)?.[1];
