/**
 * `npm run site:publish -- --stage <stage> [--dry-run] [--force] [--dist <dir>]`: the release as a
 * command. A bad command line is one line on stderr and exit code 2; every other failure the user
 * can fix is one line on stderr and exit code 1.
 */
import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { awsCredentialsNextStep } from '@game-platform/shared/aws-credentials';
import {
  type CommandLine,
  type CommandSpec,
  parseCommandLine,
  readCommandLine,
  stageOption,
} from '@game-platform/shared/cli';
import { StageProfileError } from '@game-platform/shared/profiles';
import { cloudFormationOutputs, cloudFrontCache, cloudFrontClient, s3SiteStore } from './adapters';
import { SITE_DIST } from './paths';
import { ReleaseError } from './ports';
import { publishSite } from './publish';

/** `npm run site:publish`'s command line (`@game-platform/shared/cli`: `--help`, errors, exit 2). */
export const PUBLISH_COMMAND = {
  command: 'npm run site:publish',
  name: 'site:publish',
  summary: "Uploads the built site to the stage's bucket and invalidates what changed in CloudFront.",
  options: {
    // Required, so a release never lands on a stage by default.
    stage: stageOption('stage whose site bucket and distribution receive the release'),
    'dry-run': { type: 'boolean', description: 'print the plan and change nothing' },
    force: { type: 'boolean', description: 'upload every file, also those the bucket already has' },
    dist: {
      type: 'string',
      value: '<dir>',
      description:
        'the built site to publish, relative to where npm was run (default services/frontend/dist)',
    },
  },
} as const satisfies CommandSpec;

export interface PublishArguments {
  stage: string;
  dryRun: boolean;
  force: boolean;
  distDir: string;
}

const publishArguments = ({ values }: CommandLine<typeof PUBLISH_COMMAND.options>): PublishArguments => ({
  stage: values.stage,
  dryRun: values['dry-run'],
  force: values.force,
  // npm -w runs the script in services/frontend; a relative --dist means where the user ran npm
  // (INIT_CWD), and is made absolute so every error names the directory actually read.
  distDir:
    values.dist === undefined ? SITE_DIST : resolve(process.env.INIT_CWD ?? process.cwd(), values.dist),
});

/** Parses the arguments after `--`; throws `CommandLineError` naming the argument and what is expected. */
export const parsePublishArguments = (argv: readonly string[]): PublishArguments =>
  publishArguments(parseCommandLine(PUBLISH_COMMAND, argv));

/** The one line a user-fixable failure prints, or undefined for a bug (which keeps its stack trace). */
export const oneLineProblem = (error: unknown): string | undefined => {
  if (error instanceof ReleaseError) return error.message;
  if (error instanceof StageProfileError) return error.problems.join('; ');
  const aws = error as { name?: string; message?: string; $metadata?: unknown };
  // Missing credentials, access denied, throttling...: say what AWS said, on one line, and for the
  // caller's credentials what to do about them.
  if (aws.$metadata !== undefined || aws.name === 'CredentialsProviderError') {
    const next = awsCredentialsNextStep(error);
    return `AWS request failed (${aws.name}): ${String(aws.message).split('\n')[0]}${next ? ` -> ${next}` : ''}`;
  }
  return undefined;
};

export const publishFromCommandLine = async (argv: readonly string[]): Promise<number> => {
  const line = readCommandLine(PUBLISH_COMMAND, argv, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
  if (typeof line === 'number') return line;
  try {
    const args = publishArguments(line);
    await publishSite({
      ...args,
      log: (line) => console.log(line),
      readOutputs: cloudFormationOutputs,
      connect: (outputs, region) => ({
        store: s3SiteStore(new S3Client({ region }), outputs.siteBucketName),
        cdn: cloudFrontCache(cloudFrontClient(), outputs.distributionId),
      }),
    });
    return 0;
  } catch (error) {
    const line = oneLineProblem(error);
    if (line === undefined) throw error;
    console.error(`site:publish: ${line}`);
    return 1;
  }
};
