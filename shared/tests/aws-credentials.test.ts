/**
 * The next step an operator command prints for each kind of credential failure, by the error names
 * the AWS SDK and the services use; any other error gets none (it is not about credentials).
 */
import { describe, expect, it } from 'vitest';
import { awsCredentialsNextStep } from '../src/aws-credentials';

const failure = (name: string, message = 'AWS said no') => Object.assign(new Error(message), { name });

describe('awsCredentialsNextStep', () => {
  it('says to log in again when temporary or SSO credentials expired', () => {
    for (const name of ['ExpiredToken', 'ExpiredTokenException']) {
      expect(awsCredentialsNextStep(failure(name), { AWS_PROFILE: 'ops' })).toBe(
        'the credentials of AWS_PROFILE "ops" have expired: run `aws sso login --profile ops` if it uses SSO, or get new temporary credentials',
      );
    }
    expect(awsCredentialsNextStep(failure('TokenProviderError'), {})).toBe(
      'the SSO session has expired or was never started: run `aws sso login`, then run this command again',
    );
  });

  it('says which credentials AWS does not accept', () => {
    for (const name of ['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']) {
      expect(awsCredentialsNextStep(failure(name), {})).toBe(
        "AWS does not accept the credentials in the environment: the key or its secret is wrong, or its user or role no longer exists; set AWS_PROFILE to a working profile for the stage's account",
      );
    }
  });

  it('says to use a role that may do it when access is denied', () => {
    expect(awsCredentialsNextStep(failure('AccessDenied'), { AWS_PROFILE: 'dev-readonly' })).toBe(
      'AWS_PROFILE "dev-readonly" may not do this: use a profile for the stage\'s account whose role allows it (set AWS_PROFILE)',
    );
  });

  it('has nothing to say about errors that are not about credentials', () => {
    for (const error of [
      failure('QueueDoesNotExist'),
      failure('ThrottlingException'),
      new Error('x'),
      undefined,
    ]) {
      expect(awsCredentialsNextStep(error, {})).toBeUndefined();
    }
  });
});
