/**
 * Two stage-wide primitives every workload stack needs before it deploys, owned here because the
 * network stack is the one every workload already depends on:
 *
 * - `ObservabilityKey`: one KMS key per stage (1 USD/month) encrypting every log group and the alarm
 *   topic, instead of one key per stack;
 * - `AlarmTopic`: where every alarm of the stage sends ALARM and OK, with an email subscription when
 *   the stage profile names an address.
 */
import {
  AWS,
  cloudWatchAlarmsKeyStatement,
  cloudWatchLogsKeyStatement,
  getAtt,
  kmsKey,
  policyDocument,
  type Resources,
  ref,
  resource,
  resourceName,
  stagePrefix,
} from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';

export const observabilityResources = (profile: StageProfile): Resources => {
  const resources: Resources = {
    ObservabilityKey: kmsKey({
      description: `${stagePrefix(profile.stage)}: encrypts log groups and the alarm topic`,
      serviceStatements: [cloudWatchLogsKeyStatement(), cloudWatchAlarmsKeyStatement()],
    }),
    ObservabilityKeyAlias: resource('AWS::KMS::Alias', {
      AliasName: `alias/${resourceName(profile.stage, 'observability')}`,
      TargetKeyId: ref('ObservabilityKey'),
    }),
    AlarmTopic: resource('AWS::SNS::Topic', {
      TopicName: resourceName(profile.stage, 'alarms'),
      DisplayName: `game ${profile.stage} alarms`,
      KmsMasterKeyId: getAtt('ObservabilityKey', 'Arn'),
    }),
    AlarmTopicPolicy: resource('AWS::SNS::TopicPolicy', {
      Topics: [ref('AlarmTopic')],
      PolicyDocument: policyDocument(
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['sns:Publish'],
          Resource: ref('AlarmTopic'),
          Condition: { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['sns:Publish'],
          Resource: ref('AlarmTopic'),
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ),
    }),
  };
  if (profile.observability.alarmEmail) {
    resources.AlarmEmailSubscription = resource('AWS::SNS::Subscription', {
      TopicArn: ref('AlarmTopic'),
      Protocol: 'email',
      Endpoint: profile.observability.alarmEmail,
    });
  }
  return resources;
};
