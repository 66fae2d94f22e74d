/**
 * frontend: the players' single entry point. A private S3 bucket that only CloudFront reads (through
 * an Origin Access Identity, Origin Access Control, or both while moving from one to the other), the
 * CloudFront distribution with `/api/*` to the engine's internal load balancer through a VPC origin,
 * the firewall service's web ACL where the stage turns it on, a log bucket, and the stage's
 * dashboard. Deployed after the engine and the firewall (their outputs are its params; README:
 * "Deploy order and why"), last of all, which is why the dashboard lives here. After each
 * deploy the site is built and published (`npm run site:publish`); see the README for releases and rollback.
 */
import {
  getAtt,
  output,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  ref,
  serviceContext,
} from '@game-platform/resources';
import { apiOriginResources } from './stack/api-origin';
import { accessLogBucketResources, SITE_BUCKET, siteBucketResources } from './stack/buckets';
import { stageDashboardResources } from './stack/dashboard';
import { distributionResources, siteUrl } from './stack/distribution';
import { monitoringSubscriptionResources } from './stack/monitoring';
import { DISTRIBUTION, originAccessResources } from './stack/origin-access';

const context = serviceContext('frontend');
const { profile, stage } = context;

/** Compose params: the engine's load balancer and the firewall's web ACL. */
const params = {
  loadBalancerArn: '${param:loadBalancerArn}',
  loadBalancerDnsName: '${param:loadBalancerDnsName}',
  webAclArn: '${param:webAclArn}',
};

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
      ...apiOriginResources(params),
      ...distributionResources(profile, params),
      // Cache hit rate for the stage's dashboard.
      ...monitoringSubscriptionResources(),
      // The stage's dashboard: this stack deploys last (stack/dashboard.ts says why it lives here).
      ...stageDashboardResources({
        profile,
        engine: {
          clusterName: '${param:engineClusterName}',
          serviceName: '${param:engineServiceName}',
          loadBalancerFullName: '${param:loadBalancerFullName}',
          targetGroupFullName: '${param:engineTargetGroupFullName}',
          alternateTargetGroupFullName: '${param:engineAlternateTargetGroupFullName}',
        },
      }),
    },
    // What the release tool and people need: the bucket, the distribution and where the site is.
    Outputs: {
      siteBucketName: output('S3 bucket holding the site (private; CloudFront reads it)', ref(SITE_BUCKET)),
      distributionId: output('CloudFront distribution serving the site', ref(DISTRIBUTION)),
      distributionDomainName: output(
        'CloudFront domain name (the target of a custom domain CNAME/alias record)',
        getAtt(DISTRIBUTION, 'DomainName'),
      ),
      siteUrl: output('Where players open the site', siteUrl(profile)),
    },
  },
};

export default config;
