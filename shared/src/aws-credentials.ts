/**
 * What an operator command (`site:publish`, `dlq:show`, `dlq:redrive`) should tell its user when AWS
 * refuses to start because of the caller's credentials: the next step, not only what the SDK said.
 * Pure: reads the error's name and message and the environment, calls nothing.
 */

/** Error names (SDK and service) that mean the credentials were good once and have expired. */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
/** Error names that mean AWS does not know the key or could not verify the signature. */
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
]);
/** Error names that mean the identity is known but may not do what was asked. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * The next step for an AWS error caused by credentials (none found, an unknown profile, an SSO
 * session to log in to, expired or unknown keys, access denied), or undefined for any other error.
 */
export const awsCredentialsNextStep = (
  error: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined => {
  const { name = '', message = '' } = (error ?? {}) as { name?: string; message?: string };
  const profile = env.AWS_PROFILE;
  const login = `aws sso login${profile ? ` --profile ${profile}` : ''}`;
  if (name === 'TokenProviderError' || (name === 'CredentialsProviderError' && /\bSSO\b/i.test(message))) {
    return `the SSO session has expired or was never started: run \`${login}\`, then run this command again`;
  }
  if (name === 'CredentialsProviderError') {
    return profile
      ? `AWS_PROFILE is "${profile}" but it gives no credentials: check that ~/.aws/config defines it (\`aws configure list-profiles\`), and run \`${login}\` if it uses SSO`
      : "no AWS credentials were found: set AWS_PROFILE to a profile for the stage's account (and run `aws sso login --profile <name>` if it uses SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  }
  const whose = profile ? `AWS_PROFILE "${profile}"` : 'the credentials in the environment';
  if (EXPIRED.has(name)) {
    return `the credentials of ${whose} have expired: run \`${login}\` if it uses SSO, or get new temporary credentials`;
  }
  if (REJECTED.has(name)) {
    return `AWS does not accept ${whose}: the key or its secret is wrong, or its user or role no longer exists; set AWS_PROFILE to a working profile for the stage's account`;
  }
  if (DENIED.has(name)) {
    return `${whose} may not do this: use a profile for the stage's account whose role allows it (set AWS_PROFILE)`;
  }
  return undefined;
};
