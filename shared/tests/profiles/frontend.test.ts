/**
 * The frontend section of the stage profiles: each bad value fails with one line that names the key,
 * the value found and what is allowed, before anything is packaged.
 */
import { describe, expect, it } from 'vitest';
import { problemsWithDev } from '../helpers/profiles';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0d3f2c1b-8a6e-4f1a-9b0c-5e2d7a1c3b4f';
const WEB_ACL =
  'arn:aws:wafv2:us-east-1:123456789012:global/webacl/game-site/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

/** The problems reported when dev's frontend section gets these values. */
const problemsWith = (frontend: Record<string, unknown>) => problemsWithDev('frontend', frontend);

describe('frontend stage profile', () => {
  it('accepts the checked profiles and a custom domain with a us-east-1 certificate and a WAF ACL', () => {
    // Prepare / Act
    const problems = problemsWith({
      customDomain: { domainName: 'play.example.com', certificateArn: CERTIFICATE },
      webAclArn: WEB_ACL,
    });
    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects a certificate outside us-east-1, naming the region CloudFront needs and the one found', () => {
    const problems = problemsWith({
      customDomain: {
        domainName: 'play.example.com',
        certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1'),
      },
    });
    expect(problems).toEqual([
      `stage profile "dev": frontend.customDomain.certificateArn is "${CERTIFICATE.replace('us-east-1', 'eu-west-1')}"; expected a certificate in us-east-1 (CloudFront uses ACM certificates from us-east-1 only; this one is in eu-west-1)`,
    ]);
  });

  it('rejects something that is not an ACM certificate ARN', () => {
    const [problem] = problemsWith({
      customDomain: {
        domainName: 'play.example.com',
        certificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
      },
    });
    expect(problem).toMatch(
      /frontend\.customDomain\.certificateArn is "arn:aws:iam::.*expected an ACM certificate ARN/,
    );
  });

  it('rejects an upper-case or malformed domain name', () => {
    expect(
      problemsWith({ customDomain: { domainName: 'Play.Example.com', certificateArn: CERTIFICATE } }),
    ).toEqual([
      'stage profile "dev": frontend.customDomain.domainName is "Play.Example.com"; expected a lowercase DNS name such as "play.example.com"',
    ]);
  });

  it('rejects a regional web ACL: CloudFront takes only CLOUDFRONT-scope ACLs', () => {
    const regional = WEB_ACL.replace('us-east-1', 'eu-west-1').replace('global/', 'regional/');
    const [problem] = problemsWith({ webAclArn: regional });
    expect(problem).toContain(
      `frontend.webAclArn is "${regional}"; expected a WAFv2 web ACL ARN with CLOUDFRONT scope`,
    );
  });

  it('rejects an unknown origin access mode, listing the allowed ones', () => {
    expect(problemsWith({ originAccess: 'oac+oai' })).toEqual([
      'stage profile "dev": frontend.originAccess is "oac+oai"; expected one of "oai", "oai+oac", "oac"',
    ]);
  });

  it('rejects KMS encryption while an OAI still reads the bucket', () => {
    expect(problemsWith({ originAccess: 'oai+oac', siteEncryption: 'kms' })).toEqual([
      'stage profile "dev": frontend.siteEncryption is "kms"; expected "sse-s3" because frontend.originAccess is "oai+oac" (an Origin Access Identity cannot read SSE-KMS objects; use originAccess "oac" for KMS)',
    ]);
  });

  it('requires the SPA fallback as a visible boolean', () => {
    expect(problemsWith({ spaFallback: undefined })).toEqual([
      'stage profile "dev": frontend.spaFallback is missing; expected true or false',
    ]);
  });
});
