/**
 * `npm run engine:image -- --stage X [--tag T] [--dry-run]`: builds the engine image for the
 * stage's CPU architecture and pushes it to the stage's ECR repository. The engine stack creates
 * and owns that repository (immutable tags, scan on push, lifecycle policy); this command refuses
 * to run before the stack exists rather than create a repository the stack would then clash with.
 * Needs Docker with buildx and AWS credentials for the stage's account; both are checked first,
 * and every missing piece is reported at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadStageProfile, type StageProfile, StageProfileError } from '@game-platform/shared/profiles';
import {
  defaultImageTag,
  describePlan,
  ImageCommandError,
  type ImagePlan,
  imagePlan,
  parseImageArgs,
} from './plan';

/** The repository root: the Docker build context (the app imports workspace packages). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');

export interface ImageCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Environment for docker (PATH, DOCKER_HOST...). */
  env: NodeJS.ProcessEnv;
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** Docker CLI, buildx plugin, running engine: what a build and push needs, with what is missing. */
const dockerProblems = (env: NodeJS.ProcessEnv): string[] => {
  const run = (...args: string[]) => spawnSync('docker', args, { env, encoding: 'utf8', timeout: 20_000 });
  const buildx = run('buildx', 'version');
  if (buildx.error)
    return [
      `docker is not on PATH (${buildx.error.message}); expected Docker with the buildx plugin (Docker Desktop, or docker-ce with docker-buildx-plugin)`,
    ];
  if (buildx.status !== 0)
    return [
      `docker buildx is not available (${firstLine(buildx.stderr || buildx.stdout)}); expected the buildx plugin (docker-buildx-plugin)`,
    ];
  const info = run('info', '--format', '{{.ServerVersion}}');
  if (info.status !== 0)
    return [
      `the Docker engine is not reachable (${firstLine(info.stderr || info.stdout)}); expected a running Docker daemon`,
    ];
  return [];
};

const credentialProblems = async (sts: STSClient, stage: string): Promise<string[]> => {
  try {
    await sts.config.credentials();
    return [];
  } catch (error) {
    return [
      `no AWS credentials found (${firstLine((error as Error).message)}); expected credentials for the account of stage ${stage}: AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an SSO session (aws sso login)`,
    ];
  }
};

/** What to do after a push: the tag runs once the stage's own profile names it. */
export const nextStep = (profile: Pick<StageProfile, 'stage' | 'profileName'>, tag: string): string =>
  profile.stage === profile.profileName
    ? `next: set engine.imageTag to "${tag}" in stage profile "${profile.profileName}" (shared/src/profiles/stages.ts) and deploy the engine (npx serverless engine:deploy --stage ${profile.stage})`
    : `next: stage ${profile.stage} uses stage profile "${profile.profileName}", whose engine.imageTag is for stage ${profile.profileName} only; to run "${tag}" in ${profile.stage}, add a profile named "${profile.stage}" with engine.imageTag "${tag}" (shared/src/profiles/stages.ts) and deploy the engine (npx serverless engine:deploy --stage ${profile.stage})`;

/** The repository must exist: the engine stack creates it (in bootstrap, before any image exists). */
export const requireRepository = async (ecr: ECRClient, plan: ImagePlan): Promise<void> => {
  try {
    await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [plan.repositoryName] }));
  } catch (error) {
    if (!(error instanceof RepositoryNotFoundException)) throw error;
    throw new ImageCommandError(missingRepositoryMessage(plan));
  }
};

export const missingRepositoryMessage = (plan: Pick<ImagePlan, 'stage' | 'region' | 'repositoryName'>) =>
  `ECR repository ${plan.repositoryName} does not exist in ${plan.region}; deploy the engine stack first: it creates the repository and, while no image exists (engine.imageTag null), runs 0 tasks (npx serverless engine:deploy --stage ${plan.stage}); see services/engine/README.md, "First deploy"`;

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
        : reject(new ImageCommandError(`docker ${args.slice(0, 2).join(' ')} exited with ${code}`)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });

/** Runs the command; returns the process exit code (0 done, 1 failed, 2 bad arguments). */
export const runImageCommand = async (argv: readonly string[], io: ImageCommandIo): Promise<number> => {
  let args: ReturnType<typeof parseImageArgs>;
  try {
    args = parseImageArgs(argv);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  try {
    const profile = loadStageProfile(args.stage);
    const tag = args.tag ?? defaultImageTag(REPO_ROOT);
    const header = `engine image for stage ${profile.stage} (profile ${profile.profileName}): region ${profile.region}, ${profile.engine.cpuArchitecture}, tag ${tag}`;

    if (args.dryRun) {
      const plan = imagePlan(profile, '<account-id>', tag, REPO_ROOT);
      io.out(`# dry run: ${header}`);
      for (const command of describePlan(plan)) io.out(command);
      return 0;
    }

    const sts = new STSClient({ region: profile.region });
    const problems = [...dockerProblems(io.env), ...(await credentialProblems(sts, profile.stage))];
    if (problems.length > 0) {
      io.err(
        `cannot build and push the ${header}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
      );
      return 1;
    }
    const { Account: account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!account) throw new ImageCommandError('STS GetCallerIdentity returned no account id');
    const plan = imagePlan(profile, account, tag, REPO_ROOT);
    io.out(header);

    const ecr = new ECRClient({ region: profile.region });
    await requireRepository(ecr, plan);
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const token = authorizationData?.[0]?.authorizationToken;
    if (!token) throw new ImageCommandError('ECR GetAuthorizationToken returned no token');
    // The token is base64 "AWS:<password>"; the password goes to docker through stdin, never argv.
    const password = Buffer.from(token, 'base64').toString('utf8').replace(/^AWS:/, '');
    await docker(['login', '--username', 'AWS', '--password-stdin', plan.registry], io.env, password);
    await docker(plan.buildArgs, io.env);
    io.out(`pushed ${plan.imageUri}`);
    io.out(nextStep(profile, tag));
    return 0;
  } catch (error) {
    if (error instanceof ImageCommandError || error instanceof StageProfileError) {
      io.err(error.message);
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
