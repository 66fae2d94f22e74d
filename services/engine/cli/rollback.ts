/**
 * `npm run engine:rollback -- --stage <stage> [--dry-run]`: back to the previous image, now,
 * without a deploy.
 *
 * "Previous" is the image of the newest earlier revision of the task definition family
 * (`game-<stage>-engine:<N-1>`, `<N-2>`, ...) whose engine image differs from the one the service
 * runs: every deploy that changed the image registered a revision (CloudFormation deregisters the
 * old ones, but they can still be described). The rollback registers a copy of the *current*
 * revision with only the engine image swapped (so the configuration stays current), and points the
 * service at it: ECS rolls it out with the circuit breaker, old tasks drain as in any release.
 *
 * The stack still names the newer image, so the next deploy rolls forward again: the command says
 * which `engine.imageTag` to pin to keep the rollback. The dry run does the same look-ups (it needs
 * credentials) and prints the two calls it would make.
 */
import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, ECRClient, ImageNotFoundException } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { resourceName } from '@game-platform/resources';
import { type CommandSpec, parseCommandLine, readCommandLine, stageOption } from '@game-platform/shared/cli';
import { loadStageProfile, StageProfileError } from '@game-platform/shared/profiles';
import { CONTAINER_NAME } from '../stack/task-definition';
import { tagOf } from './image/plan';

/** `npm run engine:rollback`'s command line (`@game-platform/shared/cli`: `--help`, errors, exit 2). */
export const ROLLBACK_COMMAND = {
  command: 'npm run engine:rollback',
  name: 'engine:rollback',
  summary: 'Points the engine service back at its previous image, now, without a deploy.',
  options: {
    stage: stageOption('stage whose engine service goes back to its previous image'),
    'dry-run': {
      type: 'boolean',
      description: 'find the previous image and print what would change, without changing anything',
    },
  },
} as const satisfies CommandSpec;

/** Earlier revisions looked at before giving up: far more than the deploys between two releases. */
export const REVISIONS_SEARCHED = 20;

class RollbackError extends Error {
  override readonly name = 'RollbackError';
}

/** Parses the arguments after `--`; throws `CommandLineError` naming the argument and what is expected. */
export const parseRollbackArgs = (argv: readonly string[]): { stage: string; dryRun: boolean } => {
  const { values } = parseCommandLine(ROLLBACK_COMMAND, argv);
  return { stage: values.stage, dryRun: values['dry-run'] };
};

const engineImageOf = (definition: TaskDefinition | undefined): string =>
  definition?.containerDefinitions?.find((container) => container.name === CONTAINER_NAME)?.image ?? '';

/** What RegisterTaskDefinition accepts of a described revision, with the engine image replaced. */
export const registrationWithImage = (
  current: TaskDefinition,
  image: string,
  tags: RegisterTaskDefinitionCommandInput['tags'],
): RegisterTaskDefinitionCommandInput => ({
  family: current.family,
  taskRoleArn: current.taskRoleArn,
  executionRoleArn: current.executionRoleArn,
  networkMode: current.networkMode,
  containerDefinitions: current.containerDefinitions?.map((container) =>
    container.name === CONTAINER_NAME ? { ...container, image } : container,
  ),
  volumes: current.volumes,
  placementConstraints: current.placementConstraints,
  requiresCompatibilities: current.requiresCompatibilities,
  cpu: current.cpu,
  memory: current.memory,
  runtimePlatform: current.runtimePlatform,
  ephemeralStorage: current.ephemeralStorage,
  pidMode: current.pidMode,
  ipcMode: current.ipcMode,
  ...(tags && tags.length > 0 ? { tags } : {}),
});

export interface RollbackIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const runRollbackCommand = async (argv: readonly string[], io: RollbackIo): Promise<number> => {
  const line = readCommandLine(ROLLBACK_COMMAND, argv, io);
  if (typeof line === 'number') return line;
  const args = { stage: line.values.stage, dryRun: line.values['dry-run'] };
  try {
    const profile = loadStageProfile(args.stage);
    const name = resourceName(profile.stage, 'engine');
    const ecs = new ECSClient({ region: profile.region });
    const ecr = new ECRClient({ region: profile.region });
    try {
      await ecs.config.credentials();
    } catch (error) {
      io.err(
        `${ROLLBACK_COMMAND.name}: cannot look up stage ${profile.stage}: no AWS credentials found (${(error as Error).message.split('\n')[0]}); expected credentials for the account of stage ${profile.stage}`,
      );
      return 1;
    }

    // 1. What the service runs now (its primary deployment).
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: name, services: [name] }));
    const service = services?.find((candidate) => candidate.status === 'ACTIVE');
    const currentArn =
      service?.deployments?.find((deployment) => deployment.status === 'PRIMARY')?.taskDefinition ??
      service?.taskDefinition;
    if (!currentArn)
      throw new RollbackError(
        `no active engine service ${name} in cluster ${name} (${profile.region}); expected stage ${profile.stage} deployed`,
      );
    const current = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: currentArn, include: ['TAGS'] }),
    );
    const currentImage = engineImageOf(current.taskDefinition);
    const revision = current.taskDefinition?.revision ?? 0;
    io.out(`stage ${profile.stage} runs ${name}:${revision} with ${currentImage}`);

    // 2. The newest earlier revision with another image.
    let previousImage: string | undefined;
    let previousRevision = 0;
    for (
      let candidate = revision - 1;
      candidate >= Math.max(1, revision - REVISIONS_SEARCHED);
      candidate -= 1
    ) {
      try {
        const described = await ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: `${name}:${candidate}` }),
        );
        const image = engineImageOf(described.taskDefinition);
        if (image && image !== currentImage) {
          previousImage = image;
          previousRevision = candidate;
          break;
        }
      } catch {
        // a revision deleted for good: look further back
      }
    }
    if (!previousImage)
      throw new RollbackError(
        `no earlier revision of ${name} (looked at ${REVISIONS_SEARCHED}) runs another image than ${currentImage}; expected a previous release to go back to (or pin engine.imageTag and deploy)`,
      );

    // 3. It must still be in the repository (the lifecycle policy keeps the newest 100).
    const [repository = '', reference = ''] = previousImage
      .split('/')
      .slice(1)
      .join('/')
      .split(/[:@](.*)/s);
    const imageId = previousImage.includes('@') ? { imageDigest: reference } : { imageTag: reference };
    try {
      await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }));
    } catch (error) {
      if (!(error instanceof ImageNotFoundException)) throw error;
      throw new RollbackError(
        `${previousImage} (revision ${previousRevision}) is no longer in ${repository}; expected an image the lifecycle policy kept`,
      );
    }
    io.out(`previous image: ${previousImage} (revision ${previousRevision})`);

    const registration = registrationWithImage(
      current.taskDefinition as TaskDefinition,
      previousImage,
      current.tags,
    );
    const tag = tagOf(previousImage);
    const keep = tag
      ? `to keep it, set engine.imageTag to "${tag}" in stage profile "${profile.profileName}" (shared/src/profiles/stages.ts) before the next deploy, which otherwise rolls forward to ${currentImage}`
      : `the next deploy rolls forward to ${currentImage}`;

    if (args.dryRun) {
      io.out(
        `# dry run: would register ${name} as revision ${revision} with the engine image ${previousImage}, then:`,
      );
      io.out(
        `aws ecs register-task-definition --region ${profile.region} --family ${name} ...   # revision ${revision} with the image swapped`,
      );
      io.out(
        `aws ecs update-service --region ${profile.region} --cluster ${name} --service ${name} --task-definition ${name}:<new revision>`,
      );
      io.out(keep);
      return 0;
    }

    const registered = await ecs.send(new RegisterTaskDefinitionCommand(registration));
    const newArn = registered.taskDefinition?.taskDefinitionArn;
    if (!newArn) throw new RollbackError('ECS RegisterTaskDefinition returned no task definition');
    await ecs.send(new UpdateServiceCommand({ cluster: name, service: name, taskDefinition: newArn }));
    io.out(
      `rolling back: ${name} now deploys ${newArn} (${previousImage}); ECS replaces the tasks with the circuit breaker on (aws ecs wait services-stable --cluster ${name} --services ${name})`,
    );
    io.out(keep);
    return 0;
  } catch (error) {
    if (error instanceof RollbackError || error instanceof StageProfileError) {
      io.err(`${ROLLBACK_COMMAND.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await runRollbackCommand(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  process.exit(code);
}
