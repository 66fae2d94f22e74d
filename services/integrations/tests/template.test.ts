/**
 * The integrations stack as synthesized for each checked stage profile (the CloudFormation that would
 * be deployed, not the TypeScript that produced it): queue and DLQ, the consumer's wiring, its one
 * role, the alarms, and the outputs producers rely on.
 */

import { resourceName } from '@game-platform/resources';
import { CHECKED_PROFILES, stageProfiles } from '@game-platform/shared/profiles';
import { resourceById, resourcesOfType, synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';

/** The stages synth checked; their templates are in `.synth/`. */
const STAGES = CHECKED_PROFILES;
const DAY = 86_400;

describe.each(STAGES)('integrations template (%s)', (stage) => {
  const template = synthesizedTemplate(stage, 'integrations');
  const settings = stageProfiles[stage].integrations;
  const properties = (id: string) => resourceById(template, id).Properties ?? {};

  it('encrypts both queues with SQS-managed keys and allows only TLS', () => {
    for (const id of ['EventsQueue', 'EventsDeadLetterQueue']) {
      expect(properties(id).SqsManagedSseEnabled).toBe(true);
    }
    const statement = (properties('EventsQueuePolicy').PolicyDocument as { Statement: unknown[] }).Statement;
    expect(statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: ['sqs:*'],
        Resource: [
          { 'Fn::GetAtt': ['EventsQueue', 'Arn'] },
          { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('dead-letters after maxReceiveCount into a DLQ that keeps messages longer and names its source', () => {
    expect(properties('EventsQueue')).toMatchObject({
      QueueName: resourceName(stage, 'events'),
      MessageRetentionPeriod: settings.messageRetentionDays * DAY,
      VisibilityTimeout: 6 * settings.functionTimeoutSeconds + settings.maximumBatchingWindowSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
        maxReceiveCount: settings.maxReceiveCount,
      },
    });
    expect(properties('EventsDeadLetterQueue')).toMatchObject({
      MessageRetentionPeriod: settings.deadLetterRetentionDays * DAY,
      RedriveAllowPolicy: {
        redrivePermission: 'byQueue',
        sourceQueueArns: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${resourceName(stage, 'events')}`,
          },
        ],
      },
    });
    expect(settings.deadLetterRetentionDays).toBeGreaterThan(settings.messageRetentionDays);
  });

  it('runs the consumer on Node.js 24 arm64 in the private subnets with the Lambda security group', () => {
    const fn = properties('ConsumerLambdaFunction');
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: settings.functionTimeoutSeconds,
      MemorySize: settings.memorySizeMiB,
      Role: { 'Fn::GetAtt': ['ConsumerIamRoleLambdaExecution', 'Arn'] },
    });
    const vpc = fn.VpcConfig as { SecurityGroupIds: string[]; SubnetIds: string[] };
    expect(vpc.SecurityGroupIds).toHaveLength(1);
    expect(vpc.SecurityGroupIds[0]).toMatch(/^sg-/);
    const subnets = vpc.SubnetIds;
    expect(subnets).toHaveLength(stageProfiles[stage].network.azCount);
    for (const subnet of subnets) expect(subnet).toMatch(/^subnet-/);
  });

  it('connects with IAM authentication as game_consumer, TLS against the runtime RDS CAs, no secret in env', () => {
    const variables = (
      properties('ConsumerLambdaFunction').Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(variables).toMatchObject({
      DATABASE_IAM_USER: 'game_consumer',
      DATABASE_PORT: '5432',
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
    });
    expect(variables.DATABASE_ENDPOINT_ADDRESS).toMatch(/\.rds\.amazonaws\.com$/);
    expect(Object.keys(variables)).not.toContain('DATABASE_URL');
    expect(Object.keys(variables)).not.toContain('DATABASE_SECRET_ARN');
  });

  it('maps the queue to the consumer with partial batch responses, the profile batching and a concurrency cap', () => {
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['ConsumerLambdaFunction', 'Arn'] },
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.maximumBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: settings.maximumConcurrency },
    });
  });

  it('gives the consumer its own role: exact SQS actions on the queue, rds-db:connect as game_consumer', () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role');
    expect(Object.keys(roles)).toEqual(['ConsumerIamRoleLambdaExecution']);
    const statements = (
      properties('ConsumerIamRoleLambdaExecution').Policies as Array<{
        PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown }> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    const byAction = (action: string) => statements.find((s) => s.Action.includes(action));
    expect(byAction('sqs:ReceiveMessage')).toMatchObject({
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: [{ 'Fn::GetAtt': ['EventsQueue', 'Arn'] }],
    });
    const connect = JSON.stringify(byAction('rds-db:connect')?.Resource);
    expect(connect).toMatch(/:dbuser:db-[A-Z0-9]+\/game_consumer"/);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.includes('*'))).toEqual([]);
  });

  it('encrypts the consumer log group with the observability key and keeps it per the profile', () => {
    expect(properties('ConsumerLogGroup')).toMatchObject({
      RetentionInDays: stageProfiles[stage].observability.logRetentionDays,
      KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
    });
  });

  it('alarms on DLQ depth, oldest message age, consumer errors and throttles, notifying the alarm topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    const summary = Object.fromEntries(
      Object.entries(alarms).map(([id, { Properties = {} }]) => [
        id,
        `${Properties.Namespace} ${Properties.MetricName} ${Properties.Statistic} > ${Properties.Threshold}`,
      ]),
    );
    expect(summary).toEqual({
      EventsDeadLetterQueueDepthAlarm: 'AWS/SQS ApproximateNumberOfMessagesVisible Maximum > 0',
      EventsQueueOldestMessageAgeAlarm: `AWS/SQS ApproximateAgeOfOldestMessage Maximum > ${settings.oldestMessageAgeAlarmSeconds}`,
      ConsumerErrorsAlarm: 'AWS/Lambda Errors Sum > 0',
      ConsumerThrottlesAlarm: 'AWS/Lambda Throttles Sum > 0',
    });
    for (const { Properties = {} } of Object.values(alarms)) {
      expect(Properties.ActionsEnabled).toBe(true);
      expect(Properties.AlarmActions).toEqual([expect.stringMatching(/^arn:aws:sns:.*alarm/)]);
    }
  });

  it('exports the queue outputs other stacks take as compose params', () => {
    expect(template.Outputs).toMatchObject({
      eventsQueueUrl: { Value: { Ref: 'EventsQueue' } },
      eventsQueueArn: { Value: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] } },
      eventsDeadLetterQueueUrl: { Value: { Ref: 'EventsDeadLetterQueue' } },
      eventsDeadLetterQueueArn: { Value: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
    });
  });
});
