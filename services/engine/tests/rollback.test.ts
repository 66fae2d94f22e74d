/**
 * `npm run engine:rollback`: finds the previous image (the newest earlier revision of the task
 * definition family whose engine image differs), checks it is still in the repository, and points
 * the service at a copy of the current revision with only that image swapped; the dry run looks the
 * same things up and changes nothing. Real SDK clients against a local stand-in of ECS and ECR.
 */
import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRollbackArgs, runRollbackCommand } from '../cli/rollback';
import { type AwsStandIn, addTaskDefinition, awsStandIn, STAND_IN_ACCOUNT } from './helpers/aws-stand-in';

const REPOSITORY = `${STAND_IN_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/game-staging-engine`;
const OLD = `${REPOSITORY}:src-1111111111111111`;
const NEW = `${REPOSITORY}:src-2222222222222222`;

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const run = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRollbackCommand(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
};

/** Staging with three revisions: OLD, then NEW (a release), then NEW again (a config-only deploy). */
const stagingWithHistory = async (): Promise<AwsStandIn> => {
  const aws = await awsStandIn();
  servers.push(aws.server);
  for (const service of ['ECR', 'ECS']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, aws.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCAL');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_PROFILE', undefined);
  aws.repositories.set('game-staging-engine', {
    mutability: 'IMMUTABLE',
    images: new Map([
      ['src-1111111111111111', `sha256:${'1'.repeat(64)}`],
      ['src-2222222222222222', `sha256:${'2'.repeat(64)}`],
    ]),
  });
  addTaskDefinition(aws, 'game-staging-engine', OLD, { memory: '512' });
  addTaskDefinition(aws, 'game-staging-engine', NEW, { memory: '512' });
  const current = addTaskDefinition(aws, 'game-staging-engine', NEW, { memory: '1024' });
  aws.services.set('game-staging-engine', current);
  aws.calls.length = 0;
  return aws;
};

describe('engine:rollback', () => {
  it('reads --stage and --dry-run, and refuses anything else naming what is expected', () => {
    expect(parseRollbackArgs(['--stage', 'prod', '--dry-run'])).toEqual({ stage: 'prod', dryRun: true });
    expect(parseRollbackArgs(['--stage=dev'])).toEqual({ stage: 'dev', dryRun: false });
    expect(() => parseRollbackArgs(['--stage', 'dev', '--to', '3'])).toThrow(
      'unknown option --to; expected one of --stage <stage>, --dry-run',
    );
    expect(() => parseRollbackArgs([])).toThrow('--stage is missing; expected --stage <stage>');
  });

  it('dry run: finds the previous image past a config-only revision, and changes nothing', async () => {
    // Prepare
    const aws = await stagingWithHistory();

    // Act
    const { code, out, err } = await run(['--stage', 'staging', '--dry-run']);

    // Assess
    expect([code, err]).toEqual([0, []]);
    expect(out).toEqual([
      `stage staging runs game-staging-engine:3 with ${NEW}`,
      `previous image: ${OLD} (revision 1)`,
      `# dry run: would register game-staging-engine as revision 3 with the engine image ${OLD}, then:`,
      'aws ecs register-task-definition --region eu-west-1 --family game-staging-engine ...   # revision 3 with the image swapped',
      'aws ecs update-service --region eu-west-1 --cluster game-staging-engine --service game-staging-engine --task-definition game-staging-engine:<new revision>',
      `to keep it, set engine.imageTag to "src-1111111111111111" in stage profile "staging" (shared/src/profiles/stages.ts) before the next deploy, which otherwise rolls forward to ${NEW}`,
    ]);
    expect(aws.calls).toEqual([
      'DescribeServices',
      'DescribeTaskDefinition',
      'DescribeTaskDefinition',
      'DescribeTaskDefinition',
      'DescribeImages',
    ]);
    expect(aws.registered).toEqual([]);
    expect(aws.updated).toEqual([]);
  });

  it('rolls back: registers the current revision with the previous image, and points the service at it', async () => {
    // Prepare
    const aws = await stagingWithHistory();

    // Act
    const { code, err } = await run(['--stage', 'staging']);

    // Assess
    expect([code, err]).toEqual([0, []]);
    expect(aws.registered).toEqual([
      expect.objectContaining({
        family: 'game-staging-engine',
        memory: '1024', // the current configuration, not revision 1's
        containerDefinitions: [{ name: 'engine', image: OLD, readonlyRootFilesystem: true }],
        tags: [{ key: 'game:stage', value: 'dev' }],
      }),
    ]);
    expect(aws.updated).toEqual([
      {
        cluster: 'game-staging-engine',
        service: 'game-staging-engine',
        taskDefinition: `arn:aws:ecs:eu-west-1:${STAND_IN_ACCOUNT}:task-definition/game-staging-engine:4`,
      },
    ]);
  });

  it('refuses, in one line, when no earlier revision has another image or the previous image has expired', async () => {
    // Prepare
    const aws = await stagingWithHistory();
    aws.repositories.get('game-staging-engine')?.images.delete('src-1111111111111111');

    // Act
    const expired = await run(['--stage', 'staging', '--dry-run']);
    aws.taskDefinitions.delete('game-staging-engine:1');
    const nothingEarlier = await run(['--stage', 'staging']);

    // Assess
    expect(expired).toMatchObject({
      code: 1,
      err: [
        `engine:rollback: ${OLD} (revision 1) is no longer in game-staging-engine; expected an image the lifecycle policy kept`,
      ],
    });
    expect(nothingEarlier.code).toBe(1);
    expect(nothingEarlier.err[0]).toMatch(
      /^engine:rollback: no earlier revision of game-staging-engine \(looked at 20\) runs another image than .*src-2222222222222222; expected a previous release/,
    );
    expect(aws.updated).toEqual([]);
  });
});
