/**
 * `npm run engine:image`: argument handling, the default tag, the plan per stage profile, the dry
 * run, the clear refusal when Docker or AWS credentials are missing, and the refusal to push before
 * the engine stack has created the repository (the real ECR client against a local stand-in that
 * answers like ECR; no Docker engine or AWS account is reachable here, so a real push is not exercised).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextStep, REPO_ROOT, requireRepository, runImageCommand } from '../image/cli';
import { defaultImageTag, imagePlan, parseImageArgs } from '../image/plan';

const run = async (argv: string[], env: NodeJS.ProcessEnv = { PATH: '' }) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImageCommand(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('parseImageArgs', () => {
  it.each([
    [['--stage', 'dev'], { stage: 'dev', tag: undefined, dryRun: false }],
    [['--stage=prod', '--tag=v1.2.3', '--dry-run'], { stage: 'prod', tag: 'v1.2.3', dryRun: true }],
    [['-s', 'alice', '--tag', 'git-0123abcd'], { stage: 'alice', tag: 'git-0123abcd', dryRun: false }],
  ])('reads %j', (argv, expected) => {
    expect(parseImageArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], '--stage is missing; expected the stage to build for'],
    [['--stage'], '--stage needs a value; expected --stage <value>'],
    [['--stage', '--dry-run'], '--stage needs a value; expected --stage <value>'],
    [['--stage', 'dev', '--push'], 'unknown argument "--push"; expected --stage, --tag or --dry-run'],
    [['--stage', 'dev', '--tag', 'latest'], '--tag "latest" is refused'],
    [['--stage', 'dev', '--tag', '-v1'], '--tag "-v1" is not a valid image tag'],
    [['--stage', 'dev', '--dry-run=yes'], 'unknown argument "--dry-run=yes"'],
  ])('refuses %j naming the argument', (argv, message) => {
    expect(() => parseImageArgs(argv)).toThrow(message);
  });
});

describe('defaultImageTag', () => {
  const repos: string[] = [];
  afterEach(() => {
    for (const repo of repos.splice(0)) rmSync(repo, { recursive: true, force: true });
  });
  const gitRepo = () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-image-git-'));
    repos.push(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '--quiet');
    writeFileSync(join(dir, 'file.txt'), 'one');
    git('add', 'file.txt');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'one');
    return { dir, git };
  };

  it('names the checked-out commit in a clean checkout', () => {
    // Prepare
    const { dir, git } = gitRepo();

    // Act
    const tag = defaultImageTag(dir);

    // Assess
    expect(tag).toBe(`git-${git('rev-parse', '--short=12', 'HEAD')}`);
  });

  it('refuses uncommitted changes, which the commit would not describe', () => {
    // Prepare
    const { dir } = gitRepo();
    writeFileSync(join(dir, 'file.txt'), 'two');

    // Act and assess
    expect(() => defaultImageTag(dir)).toThrow(
      /uncommitted changes.*expected a clean checkout, or pass --tag/,
    );
  });

  it('refuses a directory that is not a git checkout', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'engine-image-nogit-'));
    repos.push(dir);

    // Act and assess
    expect(() => defaultImageTag(dir)).toThrow(
      /cannot read the git commit .*expected a git checkout, or pass --tag/,
    );
  });
});

describe('imagePlan', () => {
  it('builds for the profile CPU architecture and pushes to the profile repository in its region', () => {
    // Prepare
    const prod = loadStageProfile('prod');
    const x86 = { ...prod, engine: { ...prod.engine, cpuArchitecture: 'X86_64' as const } };

    // Act
    const arm = imagePlan(prod, '123456789012', 'v7', REPO_ROOT);
    const amd = imagePlan(x86, '123456789012', 'v7', REPO_ROOT);

    // Assess
    expect(arm).toMatchObject({
      platform: 'linux/arm64',
      registry: `123456789012.dkr.ecr.${prod.region}.amazonaws.com`,
      repositoryName: 'game-prod-engine',
      imageUri: `123456789012.dkr.ecr.${prod.region}.amazonaws.com/game-prod-engine:v7`,
      context: REPO_ROOT,
    });
    expect(arm.buildArgs).toEqual(expect.arrayContaining(['--platform', 'linux/arm64', '--push']));
    expect(amd.platform).toBe('linux/amd64');
  });
});

describe('runImageCommand', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(['dev', 'staging', 'prod', 'alice'])(
    'prints the plan for stage %s in a dry run, touching neither Docker nor AWS',
    async (stage) => {
      // Prepare
      const profile = loadStageProfile(stage);

      // Act (PATH is empty: a docker call would fail the run)
      const { code, out } = await run(['--stage', stage, '--tag', 'v1', '--dry-run']);

      // Assess
      expect(code).toBe(0);
      expect(out.split('\n')).toEqual([
        `# dry run: engine image for stage ${stage} (profile ${profile.profileName}): region ${profile.region}, ARM64, tag v1`,
        expect.stringContaining('aws sts get-caller-identity'),
        `aws ecr describe-repositories --region ${profile.region} --repository-names game-${stage}-engine   # must exist: the engine stack creates it (services/engine/README.md, "First deploy")`,
        `aws ecr get-login-password --region ${profile.region} | docker login --username AWS --password-stdin <account-id>.dkr.ecr.${profile.region}.amazonaws.com`,
        `cd ${REPO_ROOT} && docker buildx build --platform linux/arm64 --file services/engine/app/Dockerfile --tag <account-id>.dkr.ecr.${profile.region}.amazonaws.com/game-${stage}-engine:v1 --provenance=false --push .`,
      ]);
      expect(out).not.toContain('create-repository');
    },
  );

  it('refuses to build without Docker or AWS credentials, naming both at once', async () => {
    // Prepare: no credentials anywhere the SDK looks, no docker on PATH.
    for (const key of [
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ROLE_ARN',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ])
      vi.stubEnv(key, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

    // Act
    const { code, err } = await run(['--stage', 'dev', '--tag', 'v1']);

    // Assess
    expect(code).toBe(1);
    expect(err).toMatch(/^cannot build and push the engine image for stage dev/);
    expect(err).toMatch(/- docker is not on PATH \(.*ENOENT.*\); expected Docker with the buildx plugin/);
    expect(err).toMatch(
      /- no AWS credentials found \(.*\); expected credentials for the account of stage dev/,
    );
  });

  it('exits 2 with the usage for bad arguments and 1 for a bad stage name', async () => {
    // Act
    const badArgs = await run(['--stage', 'dev', '--force']);
    const badStage = await run(['--stage', 'Prod_EU', '--tag', 'v1', '--dry-run']);

    // Assess
    expect([badArgs.code, badStage.code]).toEqual([2, 1]);
    expect(badArgs.err).toContain('usage: npm run engine:image -- --stage <stage>');
    expect(badStage.err).toContain('stage "Prod_EU" is not a valid stage name');
  });
});

describe('the repository the engine stack owns', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  /** A local stand-in answering DescribeRepositories the way ECR does (AWS JSON 1.1), once per request. */
  const ecrAnswering = async (status: number, body: Record<string, unknown>) => {
    const requests: Array<{ target: string | undefined; body: string }> = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        requests.push({ target: request.headers['x-amz-target'] as string | undefined, body: text });
        response
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(body));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new ECRClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    return { client, requests };
  };

  const plan = imagePlan(loadStageProfile('staging'), '123456789012', 'v1', REPO_ROOT);

  it('refuses to push before the engine stack has created the repository, saying what to deploy first', async () => {
    // Prepare
    const ecr = await ecrAnswering(400, {
      __type: 'RepositoryNotFoundException',
      message: "The repository with name 'game-staging-engine' does not exist in the registry",
    });

    // Act
    const result = requireRepository(ecr.client, plan);

    // Assess
    await expect(result).rejects.toThrow(
      'ECR repository game-staging-engine does not exist in eu-west-1; deploy the engine stack first: it creates the repository and, while no image exists (engine.imageTag null), runs 0 tasks (npx serverless engine:deploy --stage staging); see services/engine/README.md, "First deploy"',
    );
    expect(ecr.requests).toEqual([
      {
        target: 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
        body: JSON.stringify({ repositoryNames: ['game-staging-engine'] }),
      },
    ]);
  });

  it('goes on when the repository exists, and never tries to create one', async () => {
    // Prepare
    const ecr = await ecrAnswering(200, { repositories: [{ repositoryName: 'game-staging-engine' }] });

    // Act
    await requireRepository(ecr.client, plan);

    // Assess
    expect(ecr.requests.map((request) => request.target)).toEqual([
      'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
    ]);
  });

  it('says how to run the pushed tag: in the stage profile, or in a profile of its own for a sandbox stage', () => {
    // Act
    const own = nextStep(loadStageProfile('prod'), 'git-0123456789ab');
    const sandbox = nextStep(loadStageProfile('alice'), 'git-0123456789ab');

    // Assess
    expect(own).toBe(
      'next: set engine.imageTag to "git-0123456789ab" in stage profile "prod" (shared/src/profiles/stages.ts) and deploy the engine (npx serverless engine:deploy --stage prod)',
    );
    expect(sandbox).toContain('add a profile named "alice" with engine.imageTag "git-0123456789ab"');
  });
});
