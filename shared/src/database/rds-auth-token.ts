/**
 * RDS IAM authentication tokens: a SigV4-presigned `connect` request for one database user, valid
 * 15 minutes, used as the password of a new connection. This is what `@aws-sdk/rds-signer` computes;
 * it is written out here (about 60 lines over `node:crypto`) because that package costs ~410 KB
 * minified in a Lambda bundle (~143 KB for `@smithy/signature-v4` alone), against a 150 KB budget,
 * and the Lambda runtime does not document shipping it. The unit tests check this against it.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AuthTokenRequest {
  host: string;
  port: number;
  /** The database role, e.g. `game_consumer`; it must be granted `rds_iam`. */
  user: string;
  region: string;
  credentials: AwsCredentials;
  /** Signing time. Default: now. */
  now?: Date;
}

const SERVICE = 'rds-db';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The longest RDS accepts: a token opens connections for 15 minutes. */
const EXPIRES_SECONDS = 900;
/** SHA-256 of an empty body: the connect request has none. */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone). */
const encode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** `20261127T001500Z` and `20261127`. */
const signingDates = (now: Date) => {
  const long = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { long, short: long.slice(0, 8) };
};

/** The token: `host:port/?Action=connect&DBUser=...&X-Amz-...&X-Amz-Signature=...` (no scheme). */
export const rdsAuthToken = (request: AuthTokenRequest): string => {
  const { host, port, user, region, credentials } = request;
  const dates = signingDates(request.now ?? new Date());
  const scope = `${dates.short}/${region}/${SERVICE}/aws4_request`;
  const query: Record<string, string> = {
    Action: 'connect',
    DBUser: user,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': dates.long,
    'X-Amz-Expires': String(EXPIRES_SECONDS),
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${encode(key)}=${encode(query[key] ?? '')}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${host}:${port}`,
    '',
    'host',
    EMPTY_BODY_SHA256,
  ].join('\n');
  const stringToSign = [
    ALGORITHM,
    dates.long,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = [dates.short, region, SERVICE, 'aws4_request'].reduce<string | Buffer>(
    (key, part) => hmac(key, part),
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return `${host}:${port}/?${canonicalQuery}&X-Amz-Signature=${signature}`;
};

/**
 * The function's own credentials, read when a token is signed: the Lambda runtime puts the execution
 * role's credentials in these variables, so no SDK credential chain is needed (or bundled).
 */
export const environmentCredentials = (
  env: Record<string, string | undefined> = process.env,
): AwsCredentials => {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; expected the Lambda runtime to provide the execution role credentials for IAM database authentication',
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
};
