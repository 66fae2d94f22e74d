/**
 * engine: the game engine on ECS Fargate. The reference engine app (`src/`) runs as a Fargate
 * service in the private subnets, publishes match results to the integrations queue and reads the
 * leaderboard from PostgreSQL as `game_engine` with IAM authentication. Before CloudFormation is
 * called, the deploy's image step makes sure the image the task definition names is in the stage's
 * ECR repository (creating the repository, building or promoting the image when needed). See the
 * README for defaults per stage, scaling, releases and rollbacks.
 */
import {
  AWS,
  alarmResources,
  getAtt,
  output,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  ref,
  resourceName,
  serviceContext,
} from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import { engineSettingsEnvironment } from './stack/environment';
import { engineImage } from './stack/image';
import {
  ALTERNATE_TARGET_GROUP,
  LISTENER,
  LOAD_BALANCER,
  loadBalancerResources,
  PRODUCTION_LISTENER_RULE,
  TARGET_GROUP,
  TARGET_GROUPS,
} from './stack/load-balancer';
import { engineSection } from './stack/monitoring';
import { PLAYER_ID_KEY_SECRET, PLAYER_ID_KEY_VARIABLE, playerIdKeyResources } from './stack/player-id-key';
import {
  ENGINE_DATABASE_USER,
  ENGINE_EXECUTION_ROLE,
  ENGINE_INFRASTRUCTURE_ROLE,
  ENGINE_TASK_ROLE,
  executionRole,
  loadBalancerInfrastructureRole,
  taskRole,
} from './stack/roles';
import {
  cluster,
  ENGINE_CLUSTER,
  ENGINE_SERVICE,
  engineService,
  engineStackResources,
  scalingResources,
} from './stack/service';
import {
  containerLogGroup,
  ENGINE_LOG_GROUP,
  ENGINE_TASK_DEFINITION,
  taskDefinition,
} from './stack/task-definition';

const context = serviceContext('engine');
const { profile, stage } = context;
const { engine } = profile;
const image = engineImage(profile);

/** The app's configuration (src/README.md, "Configuration"): nothing secret, so plain `Environment`. */
const environment = {
  EVENTS_QUEUE_URL: '${param:eventsQueueUrl}',
  DATABASE_IAM_USER: ENGINE_DATABASE_USER,
  DATABASE_ENDPOINT_ADDRESS: '${param:databaseEndpointAddress}',
  DATABASE_PORT: '${param:databasePort}',
  DATABASE_NAME: '${param:databaseName}',
  AWS_REGION: AWS.region,
  PORT: String(ENGINE_CONTAINER_PORT),
  ...engineSettingsEnvironment(profile),
};

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  custom: {
    platform: {
      // Before CloudFormation runs: the image the task definition names must be in the repository.
      runBeforeDeploy: [
        {
          description: `make sure the engine image ${image.tag} is in ${image.repositoryName}`,
          command: 'npm',
          args: ['run', 'engine:image', '--', '--stage', stage],
        },
      ],
    },
  },
  resources: {
    Resources: {
      [ENGINE_CLUSTER]: cluster(stage),
      [ENGINE_LOG_GROUP]: containerLogGroup(profile, '${param:observabilityKeyArn}'),
      [ENGINE_TASK_ROLE]: taskRole({
        eventsQueueArn: '${param:eventsQueueArn}',
        databaseResourceId: '${param:databaseResourceId}',
        logGroupId: ENGINE_LOG_GROUP,
        enableExecuteCommand: engine.enableExecuteCommand,
        clusterName: resourceName(stage, 'engine'),
      }),
      [ENGINE_EXECUTION_ROLE]: executionRole({
        repositoryArn: image.repositoryArn,
        logGroupId: ENGINE_LOG_GROUP,
        secretArns: Object.values(engine.secrets),
        stackSecretArns: [ref(PLAYER_ID_KEY_SECRET)],
      }),
      // The live channel's key for guest player ids, injected below as PLAYER_ID_SIGNING_KEY.
      ...playerIdKeyResources(stage, ENGINE_EXECUTION_ROLE),
      [ENGINE_TASK_DEFINITION]: taskDefinition({
        profile,
        image: image.uri,
        environment,
        taskRoleId: ENGINE_TASK_ROLE,
        executionRoleId: ENGINE_EXECUTION_ROLE,
        logGroupId: ENGINE_LOG_GROUP,
        stackSecrets: { [PLAYER_ID_KEY_VARIABLE]: ref(PLAYER_ID_KEY_SECRET) },
      }),
      [ENGINE_SERVICE]: engineService({
        profile,
        clusterId: ENGINE_CLUSTER,
        taskDefinitionId: ENGINE_TASK_DEFINITION,
        subnetIds: '${param:privateSubnetIds}',
        securityGroupId: '${param:engineSecurityGroupId}',
        targetGroupId: TARGET_GROUP,
        alternateTargetGroupId: ALTERNATE_TARGET_GROUP,
        productionListenerRuleId: PRODUCTION_LISTENER_RULE,
        infrastructureRoleId: ENGINE_INFRASTRUCTURE_ROLE,
      }),
      // The role ECS moves traffic with in a blue/green release; a rolling stage has no use for it.
      ...(engine.deployment.strategy === 'BLUE_GREEN'
        ? {
            [ENGINE_INFRASTRUCTURE_ROLE]: loadBalancerInfrastructureRole({
              targetGroupIds: TARGET_GROUPS,
              productionListenerRuleId: PRODUCTION_LISTENER_RULE,
            }),
          }
        : {}),
      ...loadBalancerResources({
        profile,
        vpcId: '${param:vpcId}',
        subnetIds: '${param:privateSubnetIds}',
        securityGroupId: '${param:loadBalancerSecurityGroupId}',
      }),
      ...scalingResources({
        profile,
        clusterId: ENGINE_CLUSTER,
        serviceId: ENGINE_SERVICE,
      }),
      // The tasks' and the load balancer's alarms, from the definitions the stage's dashboard draws.
      ...alarmResources(engineSection({ stage, ...engineStackResources }).alarms, {
        stage,
        topicArn: '${param:alarmTopicArn}',
      }),
    },
    Outputs: {
      engineClusterArn: output('ECS cluster of the engine', getAtt(ENGINE_CLUSTER, 'Arn')),
      engineClusterName: output('ECS cluster name (aws ecs ... --cluster)', ref(ENGINE_CLUSTER)),
      engineServiceName: output('ECS service name (aws ecs ... --service)', getAtt(ENGINE_SERVICE, 'Name')),
      engineImageUri: output("The image the tasks run (pushed by the deploy's image step)", image.uri),
      loadBalancerArn: output(
        "The engine's internal load balancer (the frontend's CloudFront VPC origin points at it)",
        ref(LOAD_BALANCER),
      ),
      loadBalancerDnsName: output(
        "The internal load balancer's DNS name (resolves to private addresses only)",
        getAtt(LOAD_BALANCER, 'DNSName'),
      ),
      loadBalancerListenerArn: output(
        'The HTTP listener (routes for live play and releases are added to it)',
        ref(LISTENER),
      ),
      engineTargetGroupArn: output('The target group engine tasks register in', ref(TARGET_GROUP)),
      // The names CloudWatch keys the engine's metrics by, for the stage's dashboard (frontend stack).
      loadBalancerFullName: output(
        "The load balancer's full name (app/<name>/<id>), as its CloudWatch metrics name it",
        getAtt(LOAD_BALANCER, 'LoadBalancerFullName'),
      ),
      engineTargetGroupFullName: output(
        "The target group's full name (targetgroup/<name>/<id>), as its CloudWatch metrics name it",
        getAtt(TARGET_GROUP, 'TargetGroupFullName'),
      ),
      engineAlternateTargetGroupFullName: output(
        "Blue/green's second target group's full name, as its CloudWatch metrics name it",
        getAtt(ALTERNATE_TARGET_GROUP, 'TargetGroupFullName'),
      ),
      engineLogGroupName: output('Log group of the engine containers', ref(ENGINE_LOG_GROUP)),
    },
  },
};

export default config;
