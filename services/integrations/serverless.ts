/** integrations (stub until its own issue): SQS queue with DLQ and the Lambda consumer. */
import {
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';

const context = serviceContext('integrations');

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: provider(context),
  plugins: PLATFORM_PLUGINS,
  resources: { Resources: {} },
};

export default config;
