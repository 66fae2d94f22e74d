/**
 * datastore: PostgreSQL on RDS in the isolated subnets, the schema's migrations, and the `migrate`
 * function that applies them after each deploy of this service. Other stacks connect with the
 * outputs below; the consumer and the engine log in as their own roles with IAM authentication.
 * See the README for defaults per stage, params, outputs and how to run migrations.
 */
import {
  alarmResources,
  esbuildSettings,
  FUNCTION_PLUGINS,
  output,
  type PlatformServiceConfig,
  provider,
  ref,
  serviceContext,
  splitList,
  sub,
} from '@game-platform/resources';
import { idempotencyRetentionDays, PRUNE_SCHEDULE, PRUNER_DATABASE_USER } from './src/retention';
import { DATABASE_NAME, databaseAttributes, databaseResources, INSTANCE } from './stack/database';
import { databaseSection } from './stack/monitoring';

const context = serviceContext('datastore');
const { profile } = context;

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: FUNCTION_PLUGINS,
  custom: {
    // Migrations are bundled into the function as text (src/migrations/bundled.ts).
    esbuild: { ...esbuildSettings, loader: { '.sql': 'text' } },
    platform: {
      logsKmsKeyArn: '${param:observabilityKeyArn}',
      // Deploying this service migrates the database; a failing migration fails the deploy.
      invokeAfterDeploy: ['migrate'],
    },
  },
  functions: {
    migrate: {
      handler: 'src/handlers/migrate.handler',
      description: 'Applies pending schema migrations; run after each deploy of the datastore',
      // Long enough to wait for a concurrent run (120 s) and then apply.
      timeout: 300,
      vpc: {
        securityGroupIds: ['${param:lambdaSecurityGroupId}'],
        subnetIds: splitList('${param:privateSubnetIds}'),
      },
      environment: {
        DATABASE_SECRET_ARN: databaseAttributes.secretArn,
        DATABASE_ENDPOINT_ADDRESS: databaseAttributes.address,
        DATABASE_PORT: databaseAttributes.port,
        DATABASE_NAME: DATABASE_NAME,
        // The Lambda Node.js runtime ships the RDS CA bundle here; TLS verifies the server with it.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      },
      iamRoleStatements: [
        {
          Sid: 'ReadDatabaseMasterSecret',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: databaseAttributes.secretArn,
        },
      ],
    },
    prune: {
      handler: 'src/handlers/prune.handler',
      description:
        'Deletes idempotency records older than the queue + DLQ retention (processed_events, request_keys)',
      // Batches of 5,000 rows; a backlog of days takes seconds, the rest is headroom.
      timeout: 120,
      // An EventBridge rule, not EventBridge Scheduler: it needs no IAM role of its own (the function's
      // resource policy admits only this rule's ARN), and time zones or one-off runs are not needed.
      events: [{ schedule: { rate: [PRUNE_SCHEDULE], description: 'Prune idempotency records hourly' } }],
      vpc: {
        securityGroupIds: ['${param:lambdaSecurityGroupId}'],
        subnetIds: splitList('${param:privateSubnetIds}'),
      },
      environment: {
        DATABASE_IAM_USER: PRUNER_DATABASE_USER,
        DATABASE_ENDPOINT_ADDRESS: databaseAttributes.address,
        DATABASE_PORT: databaseAttributes.port,
        DATABASE_NAME: DATABASE_NAME,
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        RETENTION_DAYS: String(idempotencyRetentionDays(profile.integrations)),
      },
      iamRoleStatements: [
        {
          Sid: 'ConnectToDatabaseAsPruner',
          Effect: 'Allow',
          Action: ['rds-db:connect'],
          Resource: sub(
            `arn:\${AWS::Partition}:rds-db:\${AWS::Region}:\${AWS::AccountId}:dbuser:\${ResourceId}/${PRUNER_DATABASE_USER}`,
            { ResourceId: databaseAttributes.resourceId },
          ),
        },
      ],
    },
  },
  resources: {
    Resources: {
      ...databaseResources(profile),
      // The same definitions draw the database on the stage's dashboard (engine stack).
      ...alarmResources(databaseSection(profile, ref(INSTANCE), ref('PruneLambdaFunction')).alarms, {
        stage: context.stage,
        topicArn: '${param:alarmTopicArn}',
      }),
    },
    Outputs: {
      databaseEndpointAddress: output(
        'Host name of the PostgreSQL instance (DATABASE_ENDPOINT_ADDRESS)',
        databaseAttributes.address,
      ),
      databasePort: output('PostgreSQL port (DATABASE_PORT)', databaseAttributes.port),
      databaseName: output('The game database (DATABASE_NAME)', DATABASE_NAME),
      databaseSecretArn: output(
        'RDS-managed master secret; only the migrate function reads it (DATABASE_SECRET_ARN)',
        databaseAttributes.secretArn,
      ),
      databaseResourceId: output(
        'DbiResourceId, for rds-db:connect ARNs: arn:<partition>:rds-db:<region>:<account>:dbuser:<id>/<role>',
        databaseAttributes.resourceId,
      ),
    },
  },
};

export default config;
