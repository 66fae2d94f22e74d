/**
 * Adapter: reads the RDS-managed master secret from Secrets Manager. The client is created once
 * per cold start; the AWS SDK v3 comes with the Lambda runtime, so it is not bundled.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CredentialsFetcher } from './pool';

export const secretsManagerCredentials =
  (secretArn: string, client = new SecretsManagerClient({})): CredentialsFetcher =>
  async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const secret = JSON.parse(SecretString ?? '{}') as { username?: unknown; password?: unknown };
    if (typeof secret.username !== 'string' || typeof secret.password !== 'string') {
      throw new Error(
        `secret ${secretArn} has no string "username" and "password"; expected the RDS-managed master secret`,
      );
    }
    return { username: secret.username, password: secret.password };
  };
