/**
 * firewall: the AWS WAF web ACL of the players' edge, where the stage profile turns it on
 * (`edge.webAcl`, production). Deployed to us-east-1 whatever the stage's region: CloudFront accepts
 * only web ACLs of scope CLOUDFRONT, and those exist only there. Compose passes the ACL's ARN to the
 * frontend across regions (`${firewall.webAclArn}`). In a stage without a web ACL the stack holds
 * nothing but the framework's deployment bucket and says "none".
 */
import {
  getAtt,
  output,
  PLATFORM_PLUGINS,
  type PlatformServiceConfig,
  provider,
  serviceContext,
} from '@game-platform/resources';
import { CLOUDFRONT_WEB_ACL_REGION, WEB_ACL, webAcl } from './stack/web-acl';

const context = serviceContext('firewall');
const { profile } = context;

const config: PlatformServiceConfig = {
  service: context.name,
  frameworkVersion: '4',
  provider: { ...provider(context), region: CLOUDFRONT_WEB_ACL_REGION },
  plugins: PLATFORM_PLUGINS,
  resources: {
    Resources: profile.edge.webAcl ? { [WEB_ACL]: webAcl(profile) } : {},
    Outputs: {
      webAclArn: output(
        'Web ACL of the distribution (CLOUDFRONT scope), or "none" where the stage has none',
        profile.edge.webAcl ? getAtt(WEB_ACL, 'Arn') : 'none',
      ),
    },
  },
};

export default config;
