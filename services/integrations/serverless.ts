/**
 * integrations: the platform's event backbone. Producers (the engine, external systems) send game
 * events to `EventsQueue`; the `consumer` function validates each one and writes its effect to
 * PostgreSQL, exactly once in effect. What cannot be processed ends in `EventsDeadLetterQueue`.
 * See the README for the settings, params and outputs.
 */
import {
  alarmResources,
  esbuildSettings,
  FUNCTION_PLUGINS,
  getAtt,
  output,
  type PlatformServiceConfig,
  provider,
  queueWithDeadLetter,
  ref,
  serviceContext,
  splitList,
  sub,
} from '@game-platform/resources';
import {
  CONSUMER_DATABASE_USER,
  consumerEnvironment,
  EVENTS_DEAD_LETTER_QUEUE,
  EVENTS_QUEUE,
  eventsQueueOptions,
} from './stack/consumer-settings';
import { consumerHandler, localInvokeEsbuild, localInvokeParams } from './stack/local-invoke';
import { eventsSection } from './stack/monitoring';

const context = serviceContext('integrations');
const { profile, stage } = context;
const settings = profile.integrations;

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: FUNCTION_PLUGINS,
  // Only for `serverless invoke local` outside compose: stand-ins for the compose params (see the file).
  ...localInvokeParams(),
  custom: {
    esbuild: { ...esbuildSettings, ...localInvokeEsbuild() },
    platform: { logsKmsKeyArn: '${param:observabilityKeyArn}' },
  },
  functions: {
    consumer: {
      handler: consumerHandler(),
      description: 'Validates game events from the events queue and writes their effect to PostgreSQL',
      timeout: settings.functionTimeoutSeconds,
      memorySize: settings.memorySizeMiB,
      vpc: {
        securityGroupIds: ['${param:lambdaSecurityGroupId}'],
        // The network's private subnets, one per AZ (a comma-separated param; see policy-exceptions.yml).
        subnetIds: splitList('${param:privateSubnetIds}'),
      },
      environment: consumerEnvironment(settings, {
        host: '${param:databaseEndpointAddress}',
        port: '${param:databasePort}',
        name: '${param:databaseName}',
      }),
      events: [
        {
          sqs: {
            arn: getAtt(EVENTS_QUEUE, 'Arn'),
            batchSize: settings.batchSize,
            maximumBatchingWindow: settings.maximumBatchingWindowSeconds,
            // Failed records are reported one by one; the others are deleted from the queue.
            functionResponseType: 'ReportBatchItemFailures',
            // One database connection per instance: the profile checks this against the connection budget.
            maximumConcurrency: settings.maximumConcurrency,
          },
        },
      ],
      // sqs:ReceiveMessage/DeleteMessage/GetQueueAttributes on EventsQueue are added by
      // serverless-iam-roles-per-function from the sqs event above; log writes by the framework.
      iamRoleStatements: [
        {
          Sid: 'ConnectToDatabaseAsConsumer',
          Effect: 'Allow',
          Action: ['rds-db:connect'],
          Resource: sub(
            `arn:\${AWS::Partition}:rds-db:\${AWS::Region}:\${AWS::AccountId}:dbuser:\${param:databaseResourceId}/${CONSUMER_DATABASE_USER}`,
          ),
        },
      ],
    },
  },
  resources: {
    Resources: {
      ...queueWithDeadLetter(eventsQueueOptions(stage, settings)),
      // The same definitions draw the events on the stage's dashboard (engine stack).
      ...alarmResources(
        eventsSection(profile, {
          queueName: getAtt(EVENTS_QUEUE, 'QueueName'),
          deadLetterQueueName: getAtt(EVENTS_DEAD_LETTER_QUEUE, 'QueueName'),
          consumerFunctionName: ref('ConsumerLambdaFunction'),
        }).alarms,
        { stage, topicArn: '${param:alarmTopicArn}' },
      ),
    },
    Outputs: {
      eventsQueueUrl: output('Where producers send game events', ref(EVENTS_QUEUE)),
      eventsQueueArn: output(
        'Events queue ARN (producers grant sqs:SendMessage on it)',
        getAtt(EVENTS_QUEUE, 'Arn'),
      ),
      eventsDeadLetterQueueUrl: output(
        'Events that could not be processed, for inspection and redrive',
        ref(EVENTS_DEAD_LETTER_QUEUE),
      ),
      eventsDeadLetterQueueArn: output('Dead-letter queue ARN', getAtt(EVENTS_DEAD_LETTER_QUEUE, 'Arn')),
    },
  },
};

export default config;
