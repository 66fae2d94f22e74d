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

/** The stage's key for log groups and the alarm topic (output `observabilityKeyArn`). */
export const OBSERVABILITY_KEY = 'ObservabilityKey';
/** Where every alarm of the stage notifies (output `alarmTopicArn`). */
export const ALARM_TOPIC = 'AlarmTopic';

export const observabilityResources = (profile: StageProfile): Resources => {
  const resources: Resources = {
    [OBSERVABILITY_KEY]: kmsKey({
      description: `${stagePrefix(profile.stage)}: encrypts log groups and the alarm topic`,
      serviceStatements: [cloudWatchLogsKeyStatement(), cloudWatchAlarmsKeyStatement()],
    }),
    ObservabilityKeyAlias: resource('AWS::KMS::Alias', {
      AliasName: `alias/${resourceName(profile.stage, 'observability')}`,
      TargetKeyId: ref(OBSERVABILITY_KEY),
    }),
    [ALARM_TOPIC]: resource('AWS::SNS::Topic', {
      TopicName: resourceName(profile.stage, 'alarms'),
      DisplayName: `game ${profile.stage} alarms`,
      KmsMasterKeyId: getAtt(OBSERVABILITY_KEY, 'Arn'),
    }),
    AlarmTopicPolicy: resource('AWS::SNS::TopicPolicy', {
      Topics: [ref(ALARM_TOPIC)],
      PolicyDocument: policyDocument(
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['sns:Publish'],
          Resource: ref(ALARM_TOPIC),
          Condition: { StringEquals: { 'aws:SourceAccount': AWS.accountId } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['sns:Publish'],
          Resource: ref(ALARM_TOPIC),
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ),
    }),
  };
  if (profile.observability.alarmEmail) {
    resources.AlarmEmailSubscription = resource('AWS::SNS::Subscription', {
      TopicArn: ref(ALARM_TOPIC),
      Protocol: 'email',
      Endpoint: profile.observability.alarmEmail,
    });
  }
  return resources;
};
