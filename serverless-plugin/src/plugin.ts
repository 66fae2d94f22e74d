/**
 * The platform's serverless plugin: brings what the framework generates on its own up to the
 * same baseline as our own resources, in one place for every service.
 *
 * - the framework's deployment bucket: public-access blocks, ACLs off, KMS default encryption,
 *   versioning with a noncurrent-version lifecycle, and a TLS-only policy in CT.S3.PR.8's shape;
 * - every log group the framework creates (one per Lambda function): KMS encryption with the
 *   stage's observability key (`custom.platform.logsKmsKeyArn`) when the service sets it;
 * - the framework's shared Lambda role is removed when every function has its own role
 *   (serverless-iam-roles-per-function), so no unused role with log permissions lingers;
 * - the AWS-managed `AWSLambdaVPCAccessExecutionRole` that serverless-iam-roles-per-function attaches
 *   to a VPC function's role (it grants log writes on `*`) is replaced by inline statements that
 *   allow only the function's network interfaces (`resources/src/lambda-vpc.ts`);
 * - every stateful resource (queues, log groups, buckets, keys...) states what happens to its data
 *   on delete and on replace, from the stage profile's `retainData` (`resources/src/retention.ts`);
 * - `Fn::Split` of a literal string (a list-valued compose param such as `privateSubnetIds`, known
 *   at package time) becomes the literal list, so the template states the subnets and security
 *   groups themselves, as reviewers and policy rules (CT.LAMBDA.PR.3) expect.
 *
 * It runs after all resources are merged and before the template is written, so template checks
 * see exactly what would be deployed.
 *
 * Before a `serverless deploy` calls CloudFormation (after packaging), it runs the service's
 * `custom.platform.runBeforeDeploy` commands, in order; a failing one stops the deploy before the
 * stack changes (the engine makes sure its image is in its repository).
 *
 * After a successful `serverless deploy` it runs the service's post-deploy steps, in this order,
 * stopping the deploy with a clear error at the first that fails:
 * - `custom.platform.invokeAfterDeploy`: deployed functions to invoke (the datastore's `migrate`);
 * - `custom.platform.runAfterDeploy`: local commands to run (the frontend publishes its site).
 */

import { spawn } from 'node:child_process';
import type { LambdaClientConfig } from '@aws-sdk/client-lambda';
import {
  bucketBaseline,
  LAMBDA_VPC_MANAGED_POLICY,
  lambdaVpcStatements,
  policyDocument,
  stateDataPolicies,
  tlsOnlyStatement,
} from '@game-platform/resources';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { lambdaInvoker } from './lambda-invoker';
import { type FunctionInvoker, postDeployFunctions, runPostDeployInvocations } from './post-deploy';

interface Template {
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, unknown>;
      DependsOn?: string | string[];
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
    }
  >;
}

interface Serverless {
  service: {
    provider: { compiledCloudFormationTemplate: Template; deploymentBucket?: unknown; stage: string };
    custom?: { platform?: PlatformPluginOptions };
    getAllFunctions(): string[];
    getFunction(name: string): { name?: string };
  };
  /** The service's directory, where after-deploy commands run. */
  serviceDir: string;
  getProvider(name: 'aws'): { getAwsSdkV3Config(): Promise<LambdaClientConfig> };
  classes: { Error: new (message: string) => Error };
}

/** What the framework hands a plugin besides the service: its logger. */
interface PluginUtils {
  log?: (message: string) => void;
}

export interface PlatformPluginOptions {
  /** ARN of the KMS key that encrypts the framework's Lambda log groups (the network stack's `observabilityKeyArn`). */
  logsKmsKeyArn?: string;
  /**
   * Functions of this service to invoke, in order, after each deploy (e.g. `['migrate']`); a
   * failing one fails the deploy. Default: none.
   */
  invokeAfterDeploy?: string[];
  /** Local commands run after each successful deploy of the service, in its directory, in order. Default: none. */
  runAfterDeploy?: AfterDeployCommand[];
  /**
   * Local commands run before each deploy calls CloudFormation (after packaging), in the service's
   * directory, in order; a failure stops the deploy with the stack unchanged. Default: none.
   */
  runBeforeDeploy?: AfterDeployCommand[];
}

export interface AfterDeployCommand {
  /** What the step does, for the deploy log: `publish the site`. */
  description: string;
  /** Executable and arguments (no shell, so nothing is re-parsed): `npm`, `['run', 'site:publish']`. */
  command: string;
  args: string[];
}

/** Builds the invoker for a deploy; tests pass their own. */
export type InvokerFactory = (config: LambdaClientConfig) => Promise<FunctionInvoker>;

// A static import: the framework has loaded the Lambda client already (for `serverless invoke`).
const lambdaInvokerFactory: InvokerFactory = async (config) => lambdaInvoker(config);

const DEPLOYMENT_BUCKET = 'ServerlessDeploymentBucket';
const DEPLOYMENT_BUCKET_POLICY = 'ServerlessDeploymentBucketPolicy';
const SHARED_LAMBDA_ROLE = 'IamRoleLambdaExecution';

export class PlatformPlugin {
  readonly hooks: Record<string, () => void | Promise<void>>;

  constructor(
    private readonly serverless: Serverless,
    _cliOptions: unknown = {},
    private readonly utils: PluginUtils = {},
    private readonly createInvoker: InvokerFactory = lambdaInvokerFactory,
  ) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.harden(),
      // Registered after the framework's own `before:deploy:deploy` (which packages), so it runs
      // once the template is final and before any CloudFormation call.
      'before:deploy:deploy': () => this.runCommands('before deploy', 'runBeforeDeploy'),
      'after:deploy:deploy': async () => {
        await this.invokeAfterDeploy();
        await this.runCommands('after deploy', 'runAfterDeploy');
      },
    };
  }

  private harden(): void {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const options = this.serverless.service.custom?.platform ?? {};
    hardenDeploymentBucket(template);
    if (options.logsKmsKeyArn) encryptLogGroups(template, options.logsKmsKeyArn);
    removeUnusedSharedLambdaRole(template);
    inlineLiteralSplits(template);
    replaceLambdaVpcManagedPolicy(template);
    stateDataPolicies(template.Resources, loadStageProfile(this.serverless.service.provider.stage));
    this.postDeployFunctions(); // a wrong name fails packaging (and so synth), not the first deploy
  }

  private postDeployFunctions(): string[] {
    const { service } = this.serverless;
    try {
      return postDeployFunctions(service.custom?.platform?.invokeAfterDeploy, service.getAllFunctions());
    } catch (error) {
      throw new this.serverless.classes.Error((error as Error).message);
    }
  }

  private async runCommands(when: StepTime, setting: 'runBeforeDeploy' | 'runAfterDeploy'): Promise<void> {
    const log = this.utils.log ?? console.log;
    for (const step of this.serverless.service.custom?.platform?.[setting] ?? []) {
      log(`${when}: ${step.description} (${[step.command, ...step.args].join(' ')})`);
      try {
        await runCommand(step, this.serverless.serviceDir, when);
      } catch (error) {
        throw new this.serverless.classes.Error((error as Error).message);
      }
    }
  }

  private async invokeAfterDeploy(): Promise<void> {
    const names = this.postDeployFunctions();
    if (names.length === 0) return;
    const invocations = names.map((name) => ({
      name,
      deployedName: this.serverless.service.getFunction(name).name ?? name,
    }));
    const invoker = await this.createInvoker(await this.serverless.getProvider('aws').getAwsSdkV3Config());
    try {
      await runPostDeployInvocations(invocations, invoker, this.utils.log ?? console.log);
    } catch (error) {
      // The framework's own error type: printed as a clear message, without a stack trace.
      throw new this.serverless.classes.Error((error as Error).message);
    }
  }
}

export const hardenDeploymentBucket = (template: Template): void => {
  const bucket = template.Resources[DEPLOYMENT_BUCKET];
  if (!bucket) return; // the service uses a bucket it does not own
  bucket.Properties = { ...bucket.Properties, ...bucketBaseline() };
  template.Resources[DEPLOYMENT_BUCKET_POLICY] = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: { Ref: DEPLOYMENT_BUCKET },
      PolicyDocument: policyDocument(tlsOnlyStatement(DEPLOYMENT_BUCKET)),
    },
  };
};

export const encryptLogGroups = (template: Template, kmsKeyArn: string): void => {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::Logs::LogGroup' && !resource.Properties?.KmsKeyId) {
      resource.Properties = { ...resource.Properties, KmsKeyId: kmsKeyArn };
    }
  }
};

export const removeUnusedSharedLambdaRole = (template: Template): void => {
  if (!template.Resources[SHARED_LAMBDA_ROLE]) return;
  const { [SHARED_LAMBDA_ROLE]: _role, ...others } = template.Resources;
  if (!JSON.stringify(others).includes(`"${SHARED_LAMBDA_ROLE}"`))
    delete template.Resources[SHARED_LAMBDA_ROLE];
};

/**
 * Replaces `AWSLambdaVPCAccessExecutionRole` on the role of every VPC function with inline statements
 * for that function's network interfaces only, in the role's first inline policy (the framework's,
 * which already holds the log writes scoped to the function's own log group).
 */
export const replaceLambdaVpcManagedPolicy = (template: Template): void => {
  const isVpcManagedPolicy = (arn: unknown) =>
    (JSON.stringify(arn) ?? '').includes(`:iam::aws:policy/service-role/${LAMBDA_VPC_MANAGED_POLICY}`);
  for (const fn of Object.values(template.Resources)) {
    if (fn.Type !== 'AWS::Lambda::Function' || !fn.Properties?.VpcConfig) continue;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ]?.[0];
    const role = roleId ? template.Resources[roleId] : undefined;
    const managed = (role?.Properties?.ManagedPolicyArns ?? []) as unknown[];
    if (!role?.Properties || !managed.some(isVpcManagedPolicy)) continue;
    const policies = role.Properties.Policies as
      | Array<{ PolicyDocument: { Statement: unknown[] } }>
      | undefined;
    const document = policies?.[0]?.PolicyDocument;
    if (!document) continue; // every per-function role has the framework's policy; without one, keep AWS's
    const vpc = fn.Properties.VpcConfig as { SubnetIds?: unknown; SecurityGroupIds?: unknown };
    document.Statement.push(
      ...lambdaVpcStatements({
        functionName: fn.Properties.FunctionName as string,
        // A list computed at deploy time (not a literal list) cannot be named one by one: any of the kind.
        subnetIds: Array.isArray(vpc.SubnetIds) ? vpc.SubnetIds : ['*'],
        securityGroupIds: Array.isArray(vpc.SecurityGroupIds) ? vpc.SecurityGroupIds : ['*'],
      }),
    );
    const others = managed.filter((arn) => !isVpcManagedPolicy(arn));
    if (others.length > 0) role.Properties.ManagedPolicyArns = others;
    else delete role.Properties.ManagedPolicyArns;
  }
};

/** Replaces `{ "Fn::Split": [sep, "a,b"] }` with `["a", "b"]` wherever the string is a literal. */
export const inlineLiteralSplits = (template: Template): void => {
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (!value || typeof value !== 'object') return value;
    const split = (value as Record<string, unknown>)['Fn::Split'];
    if (
      Object.keys(value).length === 1 &&
      Array.isArray(split) &&
      typeof split[0] === 'string' &&
      typeof split[1] === 'string'
    ) {
      return split[1].split(split[0]);
    }
    return Object.fromEntries(Object.entries(value).map(([key, nested]) => [key, inline(nested)]));
  };
  for (const resource of Object.values(template.Resources)) {
    if (resource.Properties) resource.Properties = inline(resource.Properties) as Record<string, unknown>;
  }
};

/** When a local step runs, as its messages say it. */
export type StepTime = 'before deploy' | 'after deploy';

/** Runs one local step with inherited output; rejects naming the step and its exit status. */
export const runCommand = (
  step: AfterDeployCommand,
  cwd: string,
  when: StepTime = 'after deploy',
): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { cwd, stdio: 'inherit' });
    child.on('error', (error) =>
      reject(
        new Error(`${when}: could not start "${step.command}" to ${step.description}: ${error.message}`),
      ),
    );
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${when}: "${[step.command, ...step.args].join(' ')}" (${step.description}) failed with ${signal ? `signal ${signal}` : `exit code ${code}`}; ${when === 'before deploy' ? 'the stack was not changed; fix the cause and deploy again' : 'the stack itself is deployed, run the command again once fixed'}`,
            ),
          ),
    );
  });
