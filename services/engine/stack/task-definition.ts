/**
 * The engine's task definition: one container, the reference engine app (`src/`), hardened the way
 * Control Tower asks (CT.ECS.PR.3-8, 10-12) and sized from the stage profile.
 *
 * - Fargate, `awsvpc`, the profile's CPU architecture, CPU and memory (a pair Fargate accepts:
 *   checked when the profile loads and again on the template by PLATFORM.ENGINE.2);
 * - non-root numeric user (the image's 65532), read-only root filesystem with a writable scratch
 *   volume on `/tmp`, no privileges, every Linux capability dropped, container-level memory;
 * - a container health check with a start period, a stop timeout above the app's drain budget;
 * - logs through awslogs to a KMS-encrypted log group with the stage's retention;
 * - configuration in `Environment` (queue URL, database endpoint: nothing secret), secrets only
 *   through `Secrets` (Secrets Manager, read by the execution role at task start).
 */
import {
  type CfnResource,
  type ECSTaskDefinition_ContainerDefinition,
  getAtt,
  logGroup,
  ref,
  resource,
  resourceName,
  type Value,
} from '@game-platform/resources';
import { ENGINE_CONTAINER_PORT } from '@game-platform/shared/edge';
import type { StageProfile } from '@game-platform/shared/profiles';

/** The task definition (`taskDefinition`) and the containers' log group (`containerLogGroup`). */
export const ENGINE_TASK_DEFINITION = 'EngineTaskDefinition';
export const ENGINE_LOG_GROUP = 'EngineLogGroup';

/** The container's name (and the awslogs stream prefix): `engine/engine/<task id>`. */
export const CONTAINER_NAME = 'engine';

/** The image's user (distroless `nonroot`, see the service's Dockerfile): numeric, so no passwd lookup is needed. */
export const CONTAINER_USER = '65532:65532';

/** Seconds between the app's drain deadline and ECS's SIGKILL: the app exits first, logged. */
export const SHUTDOWN_MARGIN_SECONDS = 5;

/**
 * The container health check, a fact of the image: the app's own check (`src/healthcheck.ts`, GET
 * /health on PORT), run by the image's node in exec form because the distroless image has no shell
 * or curl. ECS replaces a task whose check fails `retries` times in a row; failures during the start
 * period (the app connects to the database first) do not count. The timeout is below the interval,
 * so one check ends before the next starts.
 */
export const HEALTH_CHECK = {
  command: ['CMD', '/nodejs/bin/node', '/app/healthcheck.mjs'],
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 30,
} as const;

/**
 * Seconds between SIGTERM and SIGKILL when ECS stops a task (deploy, scale-in; Fargate allows 120 at
 * most). The app gets `SHUTDOWN_MARGIN_SECONDS` less as its drain budget (`SHUTDOWN_TIMEOUT_SECONDS`),
 * so it always exits first.
 */
export const STOP_TIMEOUT_SECONDS = 30;

/** The scratch volume: Fargate task storage, writable, gone with the task. */
const SCRATCH_VOLUME = { name: 'scratch', path: '/tmp' };

/**
 * With ECS Exec on, the SSM agent ECS injects writes its state and logs here, which a read-only root
 * filesystem refuses (aws/containers-roadmap#1359); writable volumes keep the root read-only.
 */
const EXEC_AGENT_VOLUMES = [
  { name: 'ssm-agent-state', path: '/var/lib/amazon' },
  { name: 'ssm-agent-logs', path: '/var/log/amazon' },
];

export interface TaskDefinitionOptions {
  profile: StageProfile;
  image: Value<string>;
  /** Non-secret configuration: variable name -> value (compose params are resolved at package time). */
  environment: Record<string, Value<string>>;
  taskRoleId: string;
  executionRoleId: string;
  logGroupId: string;
  /** Secrets of the engine stack itself: variable name -> the secret's ARN (its `Ref`), besides the profile's `engine.secrets`. */
  stackSecrets?: Record<string, Value<string>>;
}

/**
 * The container log group: the stage's retention (`observability.logRetentionDays`, like every
 * application log group) and the network stack's observability key.
 */
export const containerLogGroup = (
  profile: StageProfile,
  kmsKeyArn: Value<string>,
): CfnResource<'AWS::Logs::LogGroup'> =>
  logGroup({
    name: `/game/${profile.stage}/engine`,
    retentionDays: profile.observability.logRetentionDays,
    kmsKeyArn,
  });

/** The environment and the secrets must not name the same variable: which would win is not obvious. */
const checkNoOverlap = (environment: Record<string, unknown>, secrets: Record<string, unknown>) => {
  const both = Object.keys(secrets).filter((name) => Object.hasOwn(environment, name));
  if (both.length > 0)
    throw new Error(
      `engine.secrets names ${both.map((name) => `"${name}"`).join(', ')}, which the engine stack already sets in the task environment; expected other variable names (the environment has ${Object.keys(environment).join(', ')})`,
    );
};

const volumesOf = (engine: StageProfile['engine']) => [
  SCRATCH_VOLUME,
  ...(engine.enableExecuteCommand ? EXEC_AGENT_VOLUMES : []),
];

const containerDefinition = (options: TaskDefinitionOptions): ECSTaskDefinition_ContainerDefinition => {
  const { engine } = options.profile;
  const secrets: Record<string, Value<string>> = { ...engine.secrets, ...options.stackSecrets };
  checkNoOverlap(options.environment, secrets);
  return {
    Name: CONTAINER_NAME,
    Image: options.image,
    Essential: true,
    User: CONTAINER_USER,
    ReadonlyRootFilesystem: true,
    Privileged: false,
    // The only container of the task: it may use the whole task, and no more (CT.ECS.PR.7).
    Cpu: engine.cpu,
    Memory: engine.memoryMiB,
    LinuxParameters: {
      // Node binds an unprivileged port and needs no capability.
      Capabilities: { Drop: ['ALL'] },
      // A tiny init as PID 1 reaps orphans (ECS Exec sessions) and forwards SIGTERM to the app.
      InitProcessEnabled: true,
    },
    PortMappings: [{ ContainerPort: ENGINE_CONTAINER_PORT, Protocol: 'tcp', Name: 'http' }],
    Environment: Object.entries(options.environment).map(([Name, Value]) => ({ Name, Value })),
    ...(Object.keys(secrets).length > 0
      ? { Secrets: Object.entries(secrets).map(([Name, ValueFrom]) => ({ Name, ValueFrom })) }
      : {}),
    MountPoints: volumesOf(engine).map(({ name, path }) => ({
      SourceVolume: name,
      ContainerPath: path,
      ReadOnly: false,
    })),
    HealthCheck: {
      Command: [...HEALTH_CHECK.command],
      Interval: HEALTH_CHECK.intervalSeconds,
      Timeout: HEALTH_CHECK.timeoutSeconds,
      Retries: HEALTH_CHECK.retries,
      StartPeriod: HEALTH_CHECK.startPeriodSeconds,
    },
    StopTimeout: STOP_TIMEOUT_SECONDS,
    LogConfiguration: {
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': ref(options.logGroupId),
        'awslogs-region': options.profile.region,
        'awslogs-stream-prefix': CONTAINER_NAME,
        // A CloudWatch Logs hiccup must not stall the game: lines are buffered (up to 25 MiB) instead
        // of blocking the app's stdout; only a longer outage than the buffer holds loses log lines.
        mode: 'non-blocking',
        'max-buffer-size': '25m',
      },
    },
  };
};

/** The task definition (family `game-<stage>-engine`); a new revision on every change, the old one kept for rollback. */
export const taskDefinition = (options: TaskDefinitionOptions): CfnResource<'AWS::ECS::TaskDefinition'> => {
  const { engine, stage } = options.profile;
  return resource('AWS::ECS::TaskDefinition', {
    Family: resourceName(stage, 'engine'),
    RequiresCompatibilities: ['FARGATE'],
    NetworkMode: 'awsvpc',
    RuntimePlatform: { CpuArchitecture: engine.cpuArchitecture, OperatingSystemFamily: 'LINUX' },
    Cpu: String(engine.cpu),
    Memory: String(engine.memoryMiB),
    TaskRoleArn: getAtt(options.taskRoleId, 'Arn'),
    ExecutionRoleArn: getAtt(options.executionRoleId, 'Arn'),
    Volumes: volumesOf(engine).map(({ name }) => ({ Name: name })),
    ContainerDefinitions: [containerDefinition(options)],
  });
};

/** The app's drain budget after SIGTERM (`SHUTDOWN_TIMEOUT_SECONDS`), derived so it always ends before ECS's SIGKILL. */
export const SHUTDOWN_TIMEOUT_SECONDS = STOP_TIMEOUT_SECONDS - SHUTDOWN_MARGIN_SECONDS;
