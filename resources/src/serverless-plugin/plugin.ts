/**
 * The platform's serverless plugin: brings what the framework generates on its own up to the
 * same baseline as our own resources, in one place for every service.
 *
 * - the framework's deployment bucket: public-access blocks, ACLs off, KMS default encryption,
 *   versioning with a noncurrent-version lifecycle, and a TLS-only policy in CT.S3.PR.8's shape;
 * - every log group the framework creates (one per Lambda function): KMS encryption with the
 *   stage's observability key (`custom.platform.logsKmsKeyArn`) when the service sets it;
 * - the framework's shared Lambda role is removed when every function has its own role
 *   (serverless-iam-roles-per-function), so no unused role with log permissions lingers.
 *
 * It runs after all resources are merged and before the template is written, so template checks
 * see exactly what would be deployed.
 *
 * After a successful `serverless deploy`, it also runs the service's local commands listed in
 * `custom.platform.runAfterDeploy` (the frontend builds and publishes its site this way), in order,
 * stopping the deploy with an error at the first one that fails.
 */

import { spawn } from 'node:child_process';

import { policyDocument } from '../iam';
import { bucketBaseline, tlsOnlyStatement } from '../s3';

interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }
  >;
}

interface Serverless {
  serviceDir: string;
  cli: { log(message: string): void };
  service: {
    provider: { compiledCloudFormationTemplate: Template; deploymentBucket?: unknown };
    custom?: { platform?: PlatformPluginOptions };
  };
}

export interface PlatformPluginOptions {
  /** ARN of the KMS key that encrypts the framework's Lambda log groups (the network stack's `observabilityKeyArn`). */
  logsKmsKeyArn?: string;
  /** Local commands run after each successful deploy of the service, in its directory, in order. */
  runAfterDeploy?: AfterDeployCommand[];
}

export interface AfterDeployCommand {
  /** What the step does, for the deploy log: `publish the site`. */
  description: string;
  /** Executable and arguments (no shell, so nothing is re-parsed): `npm`, `['run', 'site:publish']`. */
  command: string;
  args: string[];
}

const DEPLOYMENT_BUCKET = 'ServerlessDeploymentBucket';
const DEPLOYMENT_BUCKET_POLICY = 'ServerlessDeploymentBucketPolicy';
const SHARED_LAMBDA_ROLE = 'IamRoleLambdaExecution';

export class PlatformPlugin {
  readonly hooks: Record<string, () => void | Promise<void>>;

  constructor(private readonly serverless: Serverless) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.harden(),
      'after:deploy:deploy': () => this.runAfterDeploy(),
    };
  }

  private async runAfterDeploy(): Promise<void> {
    for (const step of this.serverless.service.custom?.platform?.runAfterDeploy ?? []) {
      this.serverless.cli.log(
        `after deploy: ${step.description} (${[step.command, ...step.args].join(' ')})`,
      );
      await runCommand(step, this.serverless.serviceDir);
    }
  }

  private harden(): void {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const options = this.serverless.service.custom?.platform ?? {};
    hardenDeploymentBucket(template);
    if (options.logsKmsKeyArn) encryptLogGroups(template, options.logsKmsKeyArn);
    removeUnusedSharedLambdaRole(template);
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

/** Runs one after-deploy command with inherited output; rejects naming the step and its exit status. */
export const runCommand = (step: AfterDeployCommand, cwd: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { cwd, stdio: 'inherit' });
    child.on('error', (error) =>
      reject(
        new Error(`after deploy: could not start "${step.command}" to ${step.description}: ${error.message}`),
      ),
    );
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `after deploy: "${[step.command, ...step.args].join(' ')}" (${step.description}) failed with ${signal ? `signal ${signal}` : `exit code ${code}`}; the stack itself is deployed, run the command again once fixed`,
            ),
          ),
    );
  });
