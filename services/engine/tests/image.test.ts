/**
 * The stage's repository name (the engine's pattern or a profile's override). `npm run engine:image`:
 * arguments; the plan (which tag, which commands, in which order) for a
 * fresh account, for an existing one, for a pinned tag and for a promotion; the dry run per stage;
 * the one-line refusal without Docker or AWS credentials; and a real run of the command against
 * local stand-ins: one HTTP server answering like STS, ECR and ECS (the real SDK clients, through
 * `AWS_ENDPOINT_URL_*`), and a `docker` executable on PATH that records its arguments and tells
 * the stand-in registry what it pushed. No Docker engine or AWS account is reachable here.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resourceName } from '@game-platform/resources';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureImage, REPO_ROOT, runImageCommand } from '../cli/image';
import { FRESH_ACCOUNT, imagePlan, imageTarget, parseImageArgs, type RegistryState } from '../cli/image/plan';
import { awsRegistry } from '../cli/image/registry';
import { ENGINE_IMAGE_REPOSITORY, engineImageRepositoryName } from '../stack/image';
import { contentTag } from '../stack/image-inputs';
import { addTaskDefinition, awsStandIn as standIn } from './helpers/aws-stand-in';

const ACCOUNT = '123456789012';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

const run = async (argv: string[], env: NodeJS.ProcessEnv = { PATH: '' }) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImageCommand(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
  });
  return { code, out, err };
};

/** A stage profile with the engine settings changed (what a profile edit would give). */
const withEngine = (stage: string, engine: Partial<StageProfile['engine']>): StageProfile => {
  const profile = loadStageProfile(stage);
  return { ...profile, engine: { ...profile.engine, ...engine } };
};

describe('engineImageRepositoryName', () => {
  it('resolves {stage} in the engine pattern to the stage name, also for a stage using the fallback profile', () => {
    // Act
    const names = ['dev', 'prod', 'alice'].map((stage) => engineImageRepositoryName(loadStageProfile(stage)));

    // Assess
    expect(ENGINE_IMAGE_REPOSITORY).toBe('game-{stage}-engine');
    expect(names).toEqual(['game-dev-engine', 'game-prod-engine', 'game-alice-engine']);
  });

  it("uses a profile's engine.imageRepository instead, with {stage} resolved", () => {
    // Act
    const fixed = engineImageRepositoryName(withEngine('prod', { imageRepository: 'studio/game-engine' }));
    const perStage = engineImageRepositoryName(
      withEngine('alice', { imageRepository: 'studio/{stage}/engine' }),
    );

    // Assess
    expect([fixed, perStage]).toEqual(['studio/game-engine', 'studio/alice/engine']);
  });

  it('refuses a stage name that makes the repository name invalid, naming both', () => {
    // Act and assess
    expect(() => engineImageRepositoryName(loadStageProfile('qa-'))).toThrow(
      'stage "qa-": the engine\'s image repository "game-{stage}-engine" gives "game-qa--engine"; expected an ECR repository name',
    );
    expect(() => engineImageRepositoryName(withEngine('qa-', { imageRepository: 'team-{stage}' }))).toThrow(
      'stage "qa-": engine.imageRepository "team-{stage}" of stage profile "dev" gives "team-qa-"; expected an ECR repository name',
    );
  });
});

describe('parseImageArgs', () => {
  it.each([
    [['--stage', 'dev'], { stage: 'dev', tag: undefined, dryRun: false }],
    [['--stage=prod', '--tag=v1.2.3', '--dry-run'], { stage: 'prod', tag: 'v1.2.3', dryRun: true }],
    [['-s', 'alice', '--tag', 'git-0123abcd'], { stage: 'alice', tag: 'git-0123abcd', dryRun: false }],
  ])('reads %j', (argv, expected) => {
    expect(parseImageArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], '--stage is missing; expected --stage <stage>'],
    [['--stage'], '--stage needs a value; expected --stage <stage>'],
    [['--stage', '--dry-run'], '--stage needs a value; expected --stage <stage>'],
    [
      ['--stage', 'dev', '--push'],
      'unknown option --push; expected one of --stage <stage>, --tag <tag>, --dry-run',
    ],
    [
      ['--stage', 'dev', '--tag', 'latest'],
      '--tag is "latest"; expected a tag naming one build, not "latest"',
    ],
    [['--stage', 'dev', '--tag=-v1'], '--tag is "-v1"; expected'],
    [['--stage', 'dev', '--dry-run=yes'], '--dry-run takes no value (got "yes"); expected --dry-run alone'],
  ])('refuses %j naming the argument', (argv, message) => {
    expect(() => parseImageArgs(argv)).toThrow(message);
  });
});

describe('imagePlan', () => {
  const kinds = (state: RegistryState, profile = loadStageProfile('staging')) =>
    imagePlan(imageTarget(profile, ACCOUNT, REPO_ROOT), state).map((step) => step.kind);

  it('in a fresh account: creates the repository, then builds and pushes the content tag, then checks it', () => {
    // Prepare
    const profile = loadStageProfile('staging');
    const tag = contentTag(REPO_ROOT, 'linux/arm64');
    const registry = `${ACCOUNT}.dkr.ecr.${profile.region}.amazonaws.com`;

    // Act
    const steps = imagePlan(imageTarget(profile, ACCOUNT, REPO_ROOT), FRESH_ACCOUNT);

    // Assess
    expect(steps.map((step) => step.command)).toEqual([
      'aws sts get-caller-identity --query Account --output text',
      `aws ecr describe-repositories --region ${profile.region} --repository-names game-staging-engine`,
      `aws ecr create-repository --region ${profile.region} --repository-name game-staging-engine --image-tag-mutability IMMUTABLE --image-scanning-configuration scanOnPush=true --encryption-configuration encryptionType=AES256`,
      `aws ecr put-lifecycle-policy --region ${profile.region} --repository-name game-staging-engine --lifecycle-policy-text '<untagged after 1 day, newest 100 kept>'`,
      `aws ecr describe-images --region ${profile.region} --repository-name game-staging-engine --image-ids imageTag=${tag}`,
      `aws ecr get-login-password --region ${profile.region} | docker login --username AWS --password-stdin ${registry}`,
      `cd ${REPO_ROOT} && docker buildx build --platform linux/arm64 --file services/engine/Dockerfile --tag ${registry}/game-staging-engine:${tag} --provenance=false --push .`,
      `aws ecr describe-images --region ${profile.region} --repository-name game-staging-engine --image-ids imageTag=${tag} --query 'imageDetails[0].imageDigest'`,
    ]);
    expect(steps.filter((step) => step.pushes).map((step) => step.kind)).toEqual(['build-push']);
  });

  it('in an existing account with the tag pushed: builds nothing; without it: builds without creating the repository', () => {
    // Act
    const upToDate = kinds({ repositoryExists: true, imageDigest: DIGEST });
    const newInputs = kinds({ repositoryExists: true, imageDigest: null });

    // Assess
    expect(upToDate).toEqual(['find-account', 'find-repository', 'apply-lifecycle', 'find-image']);
    expect(newInputs).toEqual([
      'find-account',
      'find-repository',
      'apply-lifecycle',
      'find-image',
      'docker-login',
      'build-push',
      'verify',
    ]);
  });

  it('never builds a pinned tag: runs it when pushed, refuses it when missing, naming how to push it', () => {
    // Prepare
    const pinned = withEngine('prod', { imageTag: 'v1.4.0' });
    const target = imageTarget(pinned, ACCOUNT, REPO_ROOT);

    // Act
    const present = imagePlan(target, { repositoryExists: true, imageDigest: DIGEST });

    // Assess
    expect(target.tag).toBe('v1.4.0');
    expect(present.map((step) => step.kind)).toEqual([
      'find-account',
      'find-repository',
      'apply-lifecycle',
      'find-image',
    ]);
    expect(() => imagePlan(target, FRESH_ACCOUNT)).toThrow(
      'engine.imageTag "v1.4.0" of stage prod is not in game-prod-engine (eu-west-1); expected a tag pushed before (npm run engine:image -- --stage prod --tag v1.4.0, from the commit it names), or engine.imageTag null to build this checkout',
    );
  });

  describe('promotion (engine.promoteFrom)', () => {
    const prod = withEngine('prod', { promoteFrom: 'staging' });
    const target = imageTarget(prod, ACCOUNT, REPO_ROOT);
    const stagingImage = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/game-staging-engine:${target.tag}`;

    it('copies, by digest, the image the source stage runs, and builds nothing', () => {
      // Act
      const steps = imagePlan(target, {
        repositoryExists: true,
        imageDigest: null,
        sourceImage: stagingImage,
        sourceDigest: DIGEST,
      });

      // Assess
      expect(steps.map((step) => step.kind)).toEqual([
        'find-account',
        'find-repository',
        'apply-lifecycle',
        'find-image',
        'find-source',
        'docker-login',
        'copy',
        'verify',
      ]);
      expect(steps.find((step) => step.kind === 'copy')?.command).toBe(
        `docker buildx imagetools create --prefer-index=false --tag ${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/game-prod-engine:${target.tag} ${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/game-staging-engine@${DIGEST}`,
      );
      expect(steps.some((step) => step.kind === 'build-push')).toBe(false);
    });

    it('refuses when the source stage runs nothing, another tag, or when the tag here has another digest', () => {
      // Assess
      expect(() => imagePlan(target, FRESH_ACCOUNT)).toThrow(
        'stage prod is promoted from stage staging (engine.promoteFrom), but no engine service of stage staging runs in eu-west-1',
      );
      expect(() =>
        imagePlan(target, {
          repositoryExists: true,
          imageDigest: null,
          sourceImage: stagingImage.replace(target.tag, 'src-0000000000000000'),
          sourceDigest: DIGEST,
        }),
      ).toThrow(
        `stage staging runs ${stagingImage.replace(target.tag, 'src-0000000000000000')}, not ${target.tag}`,
      );
      expect(() =>
        imagePlan(target, {
          repositoryExists: true,
          imageDigest: OTHER_DIGEST,
          sourceImage: stagingImage,
          sourceDigest: DIGEST,
        }),
      ).toThrow(`game-prod-engine:${target.tag} is ${OTHER_DIGEST}, but stage staging runs ${DIGEST}`);
    });
  });
});

describe('runImageCommand', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(['dev', 'staging', 'prod', 'alice'])(
    'prints the plan for stage %s in a dry run, touching neither Docker nor AWS',
    async (stage) => {
      // Prepare
      const profile = loadStageProfile(stage);
      const tag = contentTag(REPO_ROOT, 'linux/arm64');

      // Act (PATH is empty: a docker call would fail the run)
      const { code, out } = await run(['--stage', stage, '--dry-run']);

      // Assess
      expect(code).toBe(0);
      expect(out[0]).toBe(
        `# dry run: engine image for stage ${stage} (profile ${profile.profileName}): region ${profile.region}, ARM64, tag ${tag}, built from this checkout`,
      );
      expect(out.slice(1).map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
        'aws sts get-caller-identity',
        'aws ecr describe-repositories',
        'aws ecr create-repository',
        'aws ecr put-lifecycle-policy',
        'aws ecr describe-images',
        'aws ecr get-login-password',
        `cd ${REPO_ROOT} &&`,
        'aws ecr describe-images',
      ]);
      expect(out[3]).toMatch(/# only if the repository does not exist \(a fresh account\)$/);
      expect(out[7]).toContain(
        `${resourceName(stage, 'engine')}:${tag} --provenance=false --push .   # only if ${tag} is not in the repository`,
      );
    },
  );

  it('without AWS credentials or Docker: one line naming both, exit 1', async () => {
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
    const { code, out, err } = await run(['--stage', 'dev']);

    // Assess
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^engine:image: cannot run for stage dev: no AWS credentials found \(.*\); expected credentials for the account of stage dev: .*; docker is not on PATH \(.*ENOENT.*\); expected Docker with the buildx plugin/,
    );
    expect(err[0]).not.toContain('\n');
  });

  it('exits 2 with one line for bad arguments and a bad stage name, and 0 with the usage for --help', async () => {
    // Act
    const badArgs = await run(['--stage', 'dev', '--force']);
    const badStage = await run(['--stage', 'Prod_EU', '--dry-run']);
    const help = await run(['--help']);

    // Assess
    expect([badArgs.code, badStage.code, help.code]).toEqual([2, 2, 0]);
    expect(badArgs.err).toEqual([
      'engine:image: unknown option --force; expected one of --stage <stage>, --tag <tag>, --dry-run',
    ]);
    expect(badStage.err).toEqual([
      expect.stringMatching(/^engine:image: --stage is "Prod_EU"; expected a stage name: /),
    ]);
    expect(help.out.join('\n')).toMatch(
      /^usage: npm run engine:image -- --stage <stage> \[--tag <tag>\] \[--dry-run\]\n/,
    );
  });
});

/** A `docker` on PATH that logs its arguments (and stdin for login) and reports pushes to the stand-in. */
const dockerStandIn = (standInUrl: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'docker-stand-in-'));
  const log = join(dir, 'docker.log');
  const script = join(dir, 'docker');
  writeFileSync(
    script,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
const stdin = args[0] === 'login' ? fs.readFileSync(0, 'utf8') : '';
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, stdin }) + '\\n');
if (args[0] === 'info') console.log('27.0.0');
const tagIndex = args.indexOf('--tag');
if (tagIndex > 0 && (args.includes('--push') || args[1] === 'imagetools')) {
  const [repository, tag] = args[tagIndex + 1].split('/').slice(1).join('/').split(':');
  fetch(${JSON.stringify(standInUrl)} + '/pushed?repository=' + repository + '&tag=' + tag, { method: 'POST' })
    .then(() => process.exit(0), () => process.exit(9));
}
`,
  );
  chmodSync(script, 0o755);
  const calls = () =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { args: string[]; stdin: string });
  return { env: { PATH: `${dir}:${dirname(process.execPath)}` }, calls };
};

describe('the image step against stand-ins of STS, ECR, ECS and docker', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  const setUp = async () => {
    const aws = await standIn();
    servers.push(aws.server);
    for (const service of ['STS', 'ECR', 'ECS']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, aws.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCAL');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_PROFILE', undefined);
    return { aws, docker: dockerStandIn(aws.url) };
  };

  it('fresh account, then the same deploy again: creates and pushes once, then builds nothing', async () => {
    // Prepare
    const { aws, docker } = await setUp();
    const tag = contentTag(REPO_ROOT, 'linux/arm64');
    const registry = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

    // Act
    const first = await run(['--stage', 'staging'], docker.env);
    const firstCalls = aws.calls.splice(0);
    const second = await run(['--stage', 'staging'], docker.env);

    // Assess
    expect([first.code, second.code], [...first.err, ...second.err].join('\n')).toEqual([0, 0]);
    expect(firstCalls).toEqual([
      'GetCallerIdentity',
      'DescribeRepositories',
      'CreateRepository',
      'PutLifecyclePolicy',
      'GetAuthorizationToken',
      `registry: pushed game-staging-engine:${tag}`,
      'DescribeImages',
    ]);
    expect(aws.created).toEqual([
      {
        repositoryName: 'game-staging-engine',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'AES256' },
        tags: [
          { Key: 'game:platform', Value: 'game' },
          { Key: 'game:service', Value: 'engine' },
          { Key: 'game:stage', Value: 'staging' },
        ],
      },
    ]);
    expect(docker.calls().map((call) => call.args.slice(0, 2).join(' '))).toEqual([
      'buildx version',
      'info --format',
      'login --username',
      'buildx build',
    ]);
    expect(docker.calls()[2]).toEqual({
      args: ['login', '--username', 'AWS', '--password-stdin', registry],
      stdin: 'local-password',
    });
    expect(docker.calls()[3]?.args).toContain(`${registry}/game-staging-engine:${tag}`);
    expect(aws.calls).toEqual([
      'GetCallerIdentity',
      'DescribeRepositories',
      'DescribeImages',
      'PutLifecyclePolicy',
    ]);
    expect(second.out).toContain(
      `${registry}/game-staging-engine:${tag} is already in game-staging-engine: nothing to build`,
    );
    expect(docker.calls()).toHaveLength(4);
  });

  it('refuses a repository with mutable tags, which a content tag cannot trust', async () => {
    // Prepare
    const { aws, docker } = await setUp();
    aws.repositories.set('game-dev-engine', { mutability: 'MUTABLE', images: new Map() });

    // Act
    const { code, err } = await run(['--stage', 'dev'], docker.env);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(
        /^engine:image: ECR repository game-dev-engine has mutable tags; expected IMMUTABLE/,
      ),
    ]);
  });

  it('promotion: copies the digest staging runs into prod by digest, with no build, and checks the digest after', async () => {
    // Prepare: staging runs the content tag of this checkout; prod's profile says promoteFrom staging.
    const { aws, docker } = await setUp();
    const tag = contentTag(REPO_ROOT, 'linux/arm64');
    const registry = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
    const stagingDigest = `sha256:${tag.padEnd(64, '0').slice(0, 64)}`; // what the stand-in gives a pushed tag
    aws.repositories.set('game-staging-engine', {
      mutability: 'IMMUTABLE',
      images: new Map([[tag, stagingDigest]]),
    });
    aws.services.set(
      'game-staging-engine',
      addTaskDefinition(aws, 'game-staging-engine', `${registry}/game-staging-engine:${tag}`),
    );
    aws.calls.length = 0;
    const out: string[] = [];
    const err: string[] = [];

    // Act
    const code = await ensureImage(
      withEngine('prod', { promoteFrom: 'staging' }),
      undefined,
      awsRegistry('eu-west-1'),
      {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        env: docker.env,
      },
    );

    // Assess
    expect([code, err]).toEqual([0, []]);
    expect(aws.calls).toEqual([
      'GetCallerIdentity',
      'DescribeRepositories',
      'DescribeServices',
      'DescribeTaskDefinition',
      'DescribeImages',
      'CreateRepository',
      'PutLifecyclePolicy',
      'GetAuthorizationToken',
      `registry: pushed game-prod-engine:${tag}`,
      'DescribeImages',
    ]);
    expect(
      docker
        .calls()
        .map((call) => call.args.join(' '))
        .slice(2),
    ).toEqual([
      `login --username AWS --password-stdin ${registry}`,
      `buildx imagetools create --prefer-index=false --tag ${registry}/game-prod-engine:${tag} ${registry}/game-staging-engine@${stagingDigest}`,
    ]);
    expect(out.at(-1)).toBe(`${registry}/game-prod-engine:${tag} is ${stagingDigest}`);
  });
});
