/** frontend (stub until its own issue): the static site's S3 bucket, CloudFront and origin access. */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';

const context = serviceContext('frontend');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: { Resources: {} },
};

export default config;
