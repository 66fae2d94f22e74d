/**
 * `npm run site:publish -- --stage <stage> [--dry-run] [--dist <dir>]`: the release as a command.
 * Every failure the user can fix is one line on stderr and exit code 1.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { awsCredentialsNextStep } from '@game-platform/shared/aws-credentials';
import { StageProfileError } from '@game-platform/shared/profiles';
import { cloudFormationOutputs, cloudFrontCache, cloudFrontClient, s3SiteStore } from './adapters';
import { SITE_DIST } from './paths';
import { ReleaseError } from './ports';
import { publishSite } from './publish';

export const USAGE = 'usage: npm run site:publish -- --stage <stage> [--dry-run] [--force] [--dist <dir>]';

export interface PublishArguments {
  stage: string;
  dryRun: boolean;
  force: boolean;
  distDir: string;
}

/** Parses the arguments; `--stage` is required so a release never lands on a stage by default. */
export const parsePublishArguments = (argv: readonly string[]): PublishArguments => {
  let stage: string | undefined;
  let dryRun = false;
  let force = false;
  let distDir = SITE_DIST;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--force') force = true;
    else if (arg === '--stage' || arg === '-s' || arg === '--dist') {
      const value = argv[++i];
      if (!value || value.startsWith('-')) throw new ReleaseError(`${arg} needs a value; ${USAGE}`);
      if (arg === '--dist') distDir = value;
      else stage = value;
    } else if (arg.startsWith('--stage=')) stage = arg.slice('--stage='.length);
    else throw new ReleaseError(`unknown argument "${arg}"; ${USAGE}`);
  }
  if (!stage) throw new ReleaseError(`--stage is required; ${USAGE}`);
  return { stage, dryRun, force, distDir };
};

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
  try {
    const args = parsePublishArguments(argv);
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
