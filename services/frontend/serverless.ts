/**
 * frontend: the game's static site. A private S3 bucket that only CloudFront reads (through an
 * Origin Access Identity, Origin Access Control, or both while moving from one to the other), the
 * CloudFront distribution, and a log bucket. Independent of every other stack. After each deploy the
 * site is built and published (`npm run site:publish`); see the README for releases and rollback.
 */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';
import { accessLogBucketResources, siteBucketResources } from './src/buckets';
import { distributionResources, frontendOutputs } from './src/distribution';
import { monitoringSubscriptionResources } from './src/monitoring';
import { originAccessResources } from './src/origin-access';

const context = serviceContext('frontend');
const { profile, stage } = context;

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  custom: {
    platform: {
      runAfterDeploy: [
        { description: 'build the site', command: 'npm', args: ['run', 'site:build'] },
        {
          description: 'publish the site',
          command: 'npm',
          args: ['run', 'site:publish', '--', '--stage', stage],
        },
      ],
    },
  },
  resources: {
    Resources: {
      ...siteBucketResources(profile),
      ...accessLogBucketResources(profile),
      ...originAccessResources(profile.frontend.originAccess),
      ...distributionResources(profile),
      // Cache hit rate for the stage's dashboard (engine stack).
      ...monitoringSubscriptionResources(),
    },
    Outputs: frontendOutputs(profile),
  },
};

export default config;
