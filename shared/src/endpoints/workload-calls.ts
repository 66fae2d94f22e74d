/**
 * What each workload in the private subnets calls through an interface endpoint, from the stage
 * profile: the set of interface endpoints a stage pays for is derived from it (plus the extras the
 * profile lists with their reason), not written by hand per stage. Nobody calls CloudWatch metrics
 * (`monitoring`): the consumer writes its metrics as EMF lines in its logs, which the Lambda service
 * delivers. So no stage pays for that endpoint until a workload grants itself a call to it.
 *
 * Each entry is checked on every synth against what the synthesized templates show the workload
 * calls (its roles' actions, image, log driver, secrets): PLATFORM.ENDPOINTS.3 fails when a
 * workload calls a service missing here, or when the endpoints stack holds one nobody calls. So
 * this list cannot drift from the workloads; it only lets the endpoints stack, deployed before
 * them, know in advance what they will call.
 */
import type { StageProfileValues } from '../profiles/schema';
import type { EndpointServiceName } from './catalogue';

export interface WorkloadCall {
  /** The compose service and workload: `engine task`, `integrations consumer`, `datastore migrate`. */
  workload: string;
  endpoint: EndpointServiceName;
  /** What the call is for. */
  why: string;
}

type Profile = Pick<StageProfileValues, 'engine'>;

/** The interface-endpoint calls of every workload of a stage. */
export const workloadCalls = ({ engine }: Profile): WorkloadCall[] => [
  { workload: 'engine task', endpoint: 'ecr.api', why: 'registry token for the image pull' },
  {
    workload: 'engine task',
    endpoint: 'ecr.dkr',
    why: 'image manifests (layers come through the S3 gateway)',
  },
  { workload: 'engine task', endpoint: 'logs', why: 'container logs (awslogs driver)' },
  { workload: 'engine task', endpoint: 'sqs', why: 'sends game events to the events queue' },
  {
    workload: 'engine task',
    endpoint: 'ecs',
    why: 'task scale-in protection while players are connected (the ECS agent calls UpdateTaskProtection with the task role)',
  },
  ...(Object.keys(engine.secrets).length > 0
    ? [
        {
          workload: 'engine task',
          endpoint: 'secretsmanager' as const,
          why: 'injects engine.secrets at start',
        },
      ]
    : []),
  ...(engine.enableExecuteCommand
    ? [{ workload: 'engine task', endpoint: 'ssmmessages' as const, why: 'ECS Exec session channels' }]
    : []),
  {
    workload: 'integrations consumer',
    endpoint: 'sqs',
    why: 'its role receives and deletes events (the event source mapping polls with it)',
  },
  { workload: 'datastore migrate', endpoint: 'secretsmanager', why: 'reads the RDS-managed master secret' },
];

/**
 * The interface endpoints of a stage: every service a workload calls, then the profile's extras,
 * each once. `s3` is never needed as an interface endpoint by a workload (in-VPC traffic takes the
 * free gateway endpoint), only as an extra for clients outside the VPC.
 */
export const interfaceEndpointsOf = (
  profile: Profile & Pick<StageProfileValues, 'endpoints'>,
): EndpointServiceName[] => [
  ...new Set([
    ...workloadCalls(profile).map((call) => call.endpoint),
    ...(Object.keys(profile.endpoints.extraInterfaceServices) as EndpointServiceName[]),
  ]),
];
