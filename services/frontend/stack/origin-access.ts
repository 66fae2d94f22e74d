/**
 * How CloudFront reads the private site bucket, for each `frontend.originAccess` mode:
 *
 * | mode      | OAI | OAC | the distribution reads with | the bucket policy trusts        |
 * |-----------|-----|-----|-----------------------------|---------------------------------|
 * | `oai`     | yes | -   | the OAI                     | the OAI                         |
 * | `oai+oac` | yes | yes | the OAI                     | the OAI and this distribution   |
 * | `oac`     | -   | yes | OAC                         | this distribution (SourceArn)   |
 *
 * Going `oai` -> `oai+oac` -> `oac` never leaves an edge location with a way of reading that the
 * bucket refuses: the bucket learns to trust OAC one deploy before the distribution starts using it,
 * and the OAI statement goes only after CloudFormation has finished deploying the distribution
 * (the bucket policy depends on it). README: "Moving from OAI to OAC".
 */
import { AWS, getAtt, type PolicyStatement, type Resources, resource, sub } from '@game-platform/resources';
import type { StageProfile } from '@game-platform/shared/profiles';
import { RELEASES_PREFIX } from './site-behaviour';

type OriginAccessMode = StageProfile['frontend']['originAccess'];

export const ORIGIN_ACCESS_IDENTITY = 'SiteOriginAccessIdentity';
export const ORIGIN_ACCESS_CONTROL = 'SiteOriginAccessControl';
export const DISTRIBUTION = 'SiteDistribution';

interface ModeSettings {
  identity: boolean;
  control: boolean;
  distributionReadsWith: 'identity' | 'control';
}

const MODES: Record<OriginAccessMode, ModeSettings> = {
  oai: { identity: true, control: false, distributionReadsWith: 'identity' },
  'oai+oac': { identity: true, control: true, distributionReadsWith: 'identity' },
  oac: { identity: false, control: true, distributionReadsWith: 'control' },
};

export const originAccessSettings = (mode: OriginAccessMode): ModeSettings => MODES[mode];

/** The OAI and/or the OAC the mode needs. */
export const originAccessResources = (mode: OriginAccessMode): Resources => {
  const settings = MODES[mode];
  return {
    ...(settings.identity
      ? {
          [ORIGIN_ACCESS_IDENTITY]: resource('AWS::CloudFront::CloudFrontOriginAccessIdentity', {
            CloudFrontOriginAccessIdentityConfig: {
              Comment: sub('${AWS::StackName}: reads the site bucket'),
            },
          }),
        }
      : {}),
    ...(settings.control
      ? {
          [ORIGIN_ACCESS_CONTROL]: resource('AWS::CloudFront::OriginAccessControl', {
            OriginAccessControlConfig: {
              // OAC names are unique per account: the stack name makes them unique per stage.
              Name: sub('${AWS::StackName}-site'),
              Description: 'Signs every request to the site bucket (SigV4)',
              OriginAccessControlOriginType: 's3',
              SigningBehavior: 'always',
              SigningProtocol: 'sigv4',
            },
          }),
        }
      : {}),
  };
};

/** The distribution's S3 origin settings for the mode (only one reader is active at a time). */
export const originReadSettings = (mode: OriginAccessMode) =>
  MODES[mode].distributionReadsWith === 'identity'
    ? {
        S3OriginConfig: {
          OriginAccessIdentity: sub(`origin-access-identity/cloudfront/\${${ORIGIN_ACCESS_IDENTITY}}`),
        },
      }
    : {
        // An empty OriginAccessIdentity is how CloudFront says "no OAI" on an S3 origin.
        S3OriginConfig: { OriginAccessIdentity: '' },
        OriginAccessControlId: getAtt(ORIGIN_ACCESS_CONTROL, 'Id'),
      };

/** The principals CloudFront reads the bucket as, with the condition that scopes each to this site. */
const readers = (mode: OriginAccessMode) => {
  const settings = MODES[mode];
  return [
    ...(settings.identity
      ? [
          {
            name: 'OriginAccessIdentity',
            Principal: { CanonicalUser: getAtt(ORIGIN_ACCESS_IDENTITY, 'S3CanonicalUserId') },
          },
        ]
      : []),
    ...(settings.control
      ? [
          {
            name: 'Distribution',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            // Only this distribution: any other distribution's OAC signs with another SourceArn.
            Condition: {
              StringEquals: {
                'AWS:SourceArn': sub(
                  `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${DISTRIBUTION}}`,
                ),
              },
            },
          },
        ]
      : []),
  ];
};

/**
 * Bucket policy statements that let CloudFront (and nothing else) read the site, and keep the
 * release manifests unreadable even for CloudFront. The TLS-only statement is added by the caller.
 */
export const siteReadStatements = (mode: OriginAccessMode, bucketLogicalId: string): PolicyStatement[] => {
  const objects = sub(`\${${bucketLogicalId}.Arn}/*`);
  const manifests = sub(`\${${bucketLogicalId}.Arn}/${RELEASES_PREFIX}*`);
  return readers(mode).flatMap(({ name, Principal, Condition }) => [
    {
      Sid: `CloudFront${name}ReadsSite`,
      Effect: 'Allow' as const,
      Principal,
      Action: ['s3:GetObject'],
      Resource: objects,
      ...(Condition ? { Condition } : {}),
    },
    {
      Sid: `CloudFront${name}NeverServesReleaseManifests`,
      Effect: 'Deny' as const,
      Principal,
      Action: ['s3:GetObject'],
      Resource: manifests,
    },
  ]);
};

/**
 * Key policy statement for a site bucket encrypted with a customer-managed key (`oac` mode only):
 * CloudFront may decrypt for distributions of this account. It cannot name the one distribution:
 * the key -> distribution -> bucket -> key references would form a cycle. The bucket policy, which
 * does name it (`AWS:SourceArn`), is what decides who gets an object at all.
 */
export const cloudFrontDecryptStatement = (): PolicyStatement => ({
  Sid: 'CloudFrontDecryptsSiteObjects',
  Effect: 'Allow',
  Principal: { Service: 'cloudfront.amazonaws.com' },
  Action: ['kms:Decrypt'],
  Resource: '*',
  Condition: {
    StringEquals: { 'aws:SourceAccount': AWS.accountId },
    ArnLike: { 'aws:SourceArn': sub('arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*') },
  },
});
