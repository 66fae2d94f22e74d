import { AWS, sub, type Value } from './cfn/intrinsics';
import { type CfnResource, resource } from './cfn/resource';
import { type PolicyStatement, policyDocument } from './iam';

/** What `kmsKey` uses where its options say nothing. */
export const KMS_KEY_DEFAULTS = { pendingWindowInDays: 30 } as const;

export interface KmsKeyOptions {
  description: string;
  /** Statements granting AWS services use of the key, added after the account-admin statement. */
  serviceStatements: PolicyStatement[];
  /**
   * Days KMS waits before deleting the key once someone schedules its deletion by hand (the stack
   * never does: it retains the key). Default: 30 (the maximum).
   */
  pendingWindowInDays?: number;
}

/**
 * A customer-managed symmetric key with yearly automatic rotation (CT.KMS.PR.1). The key policy
 * starts with the account-root statement AWS requires so IAM policies can grant use of the key.
 * The key outlives its stack (`DeletionPolicy` and `UpdateReplacePolicy` `Retain`, whatever the
 * stage): what it encrypted (snapshots, replicated backups, logs, objects) stays readable after a
 * `serverless remove` or a replacement. Deleting it is a deliberate step, `aws kms schedule-key-deletion`,
 * after which KMS waits `pendingWindowInDays`.
 */
export const kmsKey = (options: KmsKeyOptions): CfnResource<'AWS::KMS::Key'> =>
  resource(
    'AWS::KMS::Key',
    {
      Description: options.description,
      EnableKeyRotation: true,
      PendingWindowInDays: options.pendingWindowInDays ?? KMS_KEY_DEFAULTS.pendingWindowInDays,
      KeyPolicy: policyDocument(
        {
          Sid: 'AccountAdministration',
          Effect: 'Allow',
          Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
          // AWS's required delegation to IAM; synth's IAM rule recognises exactly this statement.
          Action: ['kms:*'],
          Resource: '*',
        },
        ...options.serviceStatements,
        {
          // Grants only for AWS services acting on our behalf (CT.KMS.PR.3): nobody can hand the key to a principal directly.
          Sid: 'DenyGrantsExceptForAwsServices',
          Effect: 'Deny',
          Principal: '*',
          Action: ['kms:CreateGrant'],
          Resource: '*',
          Condition: {
            BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
          },
        },
      ),
    },
    { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
  );

/**
 * Lets CloudWatch Logs encrypt log groups of this account and region with the key, and nothing else
 * (the encryption-context condition scopes it to log groups).
 */
export const cloudWatchLogsKeyStatement = (): PolicyStatement => ({
  Sid: 'CloudWatchLogsEncryptLogGroups',
  Effect: 'Allow',
  Principal: { Service: sub('logs.${AWS::Region}.amazonaws.com') },
  Action: [
    'kms:Encrypt',
    'kms:Decrypt',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:DescribeKey',
  ],
  Resource: '*',
  Condition: {
    ArnLike: {
      'kms:EncryptionContext:aws:logs:arn': sub(
        'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
      ),
    },
  },
});

/** Lets CloudWatch alarms publish to SNS topics encrypted with the key. */
export const cloudWatchAlarmsKeyStatement = (): PolicyStatement => ({
  Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
  Resource: '*',
  Condition: { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
});

export type KmsKeyArn = Value<string>;
