import type { Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';

export interface LogGroupOptions {
  /** Log group name; omit to let CloudFormation name it. */
  name?: Value<string>;
  /** Retention from the stage profile (`observability.logRetentionDays`). Required: logs never live forever by accident. */
  retentionDays: number;
  /** Customer-managed key (the network stack's observability key) that encrypts the log group (CT.CLOUDWATCH.PR.3). */
  kmsKeyArn: Value<string>;
}

/** A log group with a retention and KMS encryption; kept on stack deletion only if the caller says so. */
export const logGroup = (options: LogGroupOptions): CfnResource<'AWS::Logs::LogGroup'> =>
  resource('AWS::Logs::LogGroup', {
    ...(options.name ? { LogGroupName: options.name } : {}),
    RetentionInDays: options.retentionDays,
    KmsKeyId: options.kmsKeyArn,
  });
