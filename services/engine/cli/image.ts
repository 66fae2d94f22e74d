/**
 * `npm run engine:image -- --stage X [--tag T] [--dry-run]`: makes sure the image the stage's task
 * definition names is in the stage's ECR repository. The deploy runs it before CloudFormation is
 * called (custom.platform.runBeforeDeploy of the engine), so a deploy works in an empty account:
 *
 * - the repository is created when missing (immutable tags, scan on push, AES-256; `repository.ts`)
 *   and its lifecycle policy applied on every run;
 * - the tag is `src-<hash of the build inputs>` unless the profile pins one: when the repository
 *   has it, nothing is built; otherwise the image is built and pushed (or, with
 *   `engine.promoteFrom`, copied by digest from the stage that runs it);
 * - a pinned `engine.imageTag` is never built here: it must be in the repository already.
 *
 * Needs AWS credentials for the stage's account, and Docker with buildx when something must be
 * built or copied; without them it stops with one line naming what is missing, exit 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readCommandLine } from '@game-platform/shared/cli';
import { loadStageProfile, type StageProfile, StageProfileError } from '@game-platform/shared/profiles';
import { REPO_ROOT } from '../stack/image-inputs';
import {
  buildArgs,
  describePlan,
  IMAGE_COMMAND,
  ImageCommandError,
  type ImageStep,
  type ImageTarget,
  imageArgs,
  imagePlan,
  imageTarget,
  type RegistryState,
  tagOf,
} from './image/plan';
import { awsRegistry, type Registry } from './image/registry';

export { REPO_ROOT };

export interface ImageCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Environment for docker (PATH, DOCKER_HOST...). */
  env: NodeJS.ProcessEnv;
  /** The AWS side; by default the SDK clients for the stage's region. */
  registry?: (region: string) => Registry;
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** Docker CLI, buildx plugin, running engine: what a build, push or copy needs. */
const dockerProblem = (env: NodeJS.ProcessEnv): string | undefined => {
  const run = (...args: string[]) => spawnSync('docker', args, { env, encoding: 'utf8', timeout: 20_000 });
  const buildx = run('buildx', 'version');
  if (buildx.error)
    return `docker is not on PATH (${buildx.error.message}); expected Docker with the buildx plugin (Docker Desktop, or docker-ce with docker-buildx-plugin)`;
  if (buildx.status !== 0)
    return `docker buildx is not available (${firstLine(buildx.stderr || buildx.stdout)}); expected the buildx plugin (docker-buildx-plugin)`;
  const info = run('info', '--format', '{{.ServerVersion}}');
  if (info.status !== 0)
    return `the Docker engine is not reachable (${firstLine(info.stderr || info.stdout)}); expected a running Docker daemon`;
  return undefined;
};

const credentialProblem = async (registry: Registry, stage: string): Promise<string | undefined> => {
  try {
    await registry.checkCredentials();
    return undefined;
  } catch (error) {
    return `no AWS credentials found (${firstLine((error as Error).message)}); expected credentials for the account of stage ${stage}: AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an SSO session (aws sso login)`;
  }
};

const docker = (args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env,
      cwd: REPO_ROOT,
      stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new ImageCommandError(`docker ${args.slice(0, 3).join(' ')} exited with ${code}`)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });

/** What the registry holds for the target: the input of `imagePlan`. */
const registryState = async (registry: Registry, target: ImageTarget): Promise<RegistryState> => {
  const repositoryExists = await registry.repositoryExists(target.repositoryName);
  const imageDigest = repositoryExists ? await registry.imageDigest(target.repositoryName, target.tag) : null;
  if (target.source.kind !== 'promote' || !target.from) return { repositoryExists, imageDigest };
  const sourceImage = await registry.runningImage(target.from.stage);
  const sourceTag = sourceImage ? tagOf(sourceImage) : null;
  const sourceDigest = sourceTag ? await registry.imageDigest(target.from.repositoryName, sourceTag) : null;
  return { repositoryExists, imageDigest, sourceImage, sourceDigest };
};

/** Runs the plan's steps in order; the `find-*` steps were answered by `registryState`. */
const runSteps = async (
  steps: ImageStep[],
  target: ImageTarget,
  state: RegistryState,
  registry: Registry,
  io: ImageCommandIo,
): Promise<void> => {
  for (const step of steps) {
    switch (step.kind) {
      case 'create-repository':
        io.out(`creating ECR repository ${target.repositoryName} (immutable tags, scan on push)`);
        await registry.createRepository(target.repositoryName, target.stage);
        break;
      case 'apply-lifecycle':
        await registry.applyLifecyclePolicy(target.repositoryName);
        break;
      case 'docker-login':
        await docker(
          ['login', '--username', 'AWS', '--password-stdin', target.registry],
          io.env,
          await registry.loginPassword(),
        );
        break;
      case 'build-push':
        io.out(`building ${target.imageUri} (${target.platform})`);
        await docker(buildArgs(target), io.env);
        break;
      case 'copy':
        io.out(`copying ${target.from?.repositoryName}@${state.sourceDigest} to ${target.imageUri}`);
        await docker(
          [
            'buildx',
            'imagetools',
            'create',
            '--prefer-index=false',
            '--tag',
            target.imageUri,
            `${target.from?.registry}/${target.from?.repositoryName}@${state.sourceDigest}`,
          ],
          io.env,
        );
        break;
      case 'verify': {
        const digest = await registry.imageDigest(target.repositoryName, target.tag);
        if (!digest)
          throw new ImageCommandError(
            `${target.imageUri} is not in the repository after the push; expected it there`,
          );
        if (target.source.kind === 'promote' && digest !== state.sourceDigest)
          throw new ImageCommandError(
            `${target.imageUri} is ${digest}, not ${state.sourceDigest} that stage ${target.from?.stage} runs; expected the same digest`,
          );
        io.out(`${target.imageUri} is ${digest}`);
        break;
      }
      default:
        break;
    }
  }
};

const describeTarget = (profile: StageProfile, target: ImageTarget) =>
  `engine image for stage ${profile.stage} (profile ${profile.profileName}): region ${profile.region}, ${profile.engine.cpuArchitecture}, tag ${target.tag}, ${target.source.kind === 'promote' ? `promoted from stage ${target.source.fromStage}` : target.source.kind === 'pinned' ? 'pinned by engine.imageTag' : 'built from this checkout'}`;

/**
 * With credentials at hand: finds what the registry holds, plans, checks Docker when the plan
 * builds or copies, and runs the steps. Returns the exit code; throws `ImageCommandError`.
 */
export const ensureImage = async (
  profile: StageProfile,
  tagOverride: string | undefined,
  registry: Registry,
  io: ImageCommandIo,
): Promise<number> => {
  const target = imageTarget(profile, await registry.account(), REPO_ROOT, tagOverride);
  io.out(describeTarget(profile, target));
  const state = await registryState(registry, target);
  const steps = imagePlan(target, state);
  if (steps.some((step) => step.kind === 'docker-login')) {
    const problem = dockerProblem(io.env);
    if (problem) {
      io.err(`${IMAGE_COMMAND.name}: cannot build or copy ${target.imageUri}: ${problem}`);
      return 1;
    }
  } else if (state.imageDigest)
    io.out(`${target.imageUri} is already in ${target.repositoryName}: nothing to build`);
  await runSteps(steps, target, state, registry, io);
  return 0;
};

/** Runs the command; returns the process exit code (0 done, 1 failed, 2 bad arguments). */
export const runImageCommand = async (argv: readonly string[], io: ImageCommandIo): Promise<number> => {
  const line = readCommandLine(IMAGE_COMMAND, argv, io);
  if (typeof line === 'number') return line;
  const args = imageArgs(line);
  try {
    const profile = loadStageProfile(args.stage);

    if (args.dryRun) {
      const target = imageTarget(profile, '<account-id>', REPO_ROOT, args.tag);
      io.out(`# dry run: ${describeTarget(profile, target)}`);
      for (const line of describePlan(imagePlan(target, 'unknown'))) io.out(line);
      return 0;
    }

    const registry = (io.registry ?? awsRegistry)(profile.region);
    const credentials = await credentialProblem(registry, profile.stage);
    if (credentials) {
      // Both are named at once, so one attempt shows everything this machine lacks.
      const dockerMissing = dockerProblem(io.env);
      io.err(
        `${IMAGE_COMMAND.name}: cannot run for stage ${profile.stage}: ${credentials}${dockerMissing ? `; ${dockerMissing}` : ''}`,
      );
      return 1;
    }
    return await ensureImage(profile, args.tag, registry, io);
  } catch (error) {
    if (error instanceof ImageCommandError || error instanceof StageProfileError) {
      io.err(`${IMAGE_COMMAND.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await runImageCommand(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
  });
  process.exit(code);
}
