/**
 * IAM database authentication as a Fargate task does it: with DATABASE_IAM_USER set, the engine's pool signs
 * each connection's password with `@aws-sdk/rds-signer` and the SDK's default credential chain, which
 * in ECS reads the task role's credentials from the container credentials endpoint. A local HTTP
 * server stands in for that endpoint (the ECS agent's, on loopback); nothing calls AWS. The shared
 * default signer, which reads AWS_ACCESS_KEY_ID (set by Lambda, not by ECS), is shown to fail there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPool } from '@game-platform/shared/database';
import { createLogger } from '@game-platform/shared/log';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabasePool } from '../src/adapters/postgres';
import { readEngineConfig } from '../src/config';

const TASK_CREDENTIALS = {
  AccessKeyId: 'ASIATASKROLEEXAMPLE',
  SecretAccessKey: 'task-role-secret',
  Token: 'task-role-session-token',
};

const ECS_ENVIRONMENT = {
  EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-dev-events',
  AWS_REGION: 'eu-west-1',
  DATABASE_IAM_USER: 'game_engine',
  DATABASE_ENDPOINT_ADDRESS: 'game-dev-database.c0123456789a.eu-west-1.rds.amazonaws.com',
  DATABASE_PORT: '5432',
  DATABASE_NAME: 'game',
};

/** The password function pg calls for each new connection (pg keeps the pool's options as given). */
const passwordOf = (pool: pg.Pool) =>
  (pool as unknown as { options: { password: () => Promise<string> } }).options.password;

describe('engine database pool with DATABASE_IAM_USER (IAM authentication in ECS)', () => {
  let server: Server;
  let credentialRequests = 0;
  const pools: pg.Pool[] = [];

  beforeEach(async () => {
    credentialRequests = 0;
    server = createServer((_, response) => {
      credentialRequests += 1;
      const expiration = new Date(Date.now() + 6 * 3_600_000).toISOString();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ...TASK_CREDENTIALS, Expiration: expiration }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // What a Fargate task has: no key in the environment, credentials behind the agent's endpoint.
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      vi.stubEnv(key, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv(
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/task`,
    );
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const pool of pools.splice(0)) await pool.end();
    await new Promise((resolve) => server.close(resolve));
  });

  it('signs connection passwords with the task role credentials from the container endpoint', async () => {
    // Prepare
    const config = readEngineConfig(ECS_ENVIRONMENT);
    const pool = await createDatabasePool(
      config.database,
      1,
      createLogger('error', {}, () => {}),
    );
    pools.push(pool);

    // Act
    const first = await passwordOf(pool)();
    const second = await passwordOf(pool)();

    // Assess
    expect(config.database).toMatchObject({ kind: 'iamAuth', user: 'game_engine', region: 'eu-west-1' });
    const token = new URL(`https://${first}`);
    expect(token.host).toBe(`${ECS_ENVIRONMENT.DATABASE_ENDPOINT_ADDRESS}:5432`);
    expect(Object.fromEntries(token.searchParams)).toMatchObject({
      Action: 'connect',
      DBUser: 'game_engine',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(
        /^ASIATASKROLEEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/,
      ),
      'X-Amz-Expires': '900',
      'X-Amz-Security-Token': TASK_CREDENTIALS.Token,
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(new URL(`https://${second}`).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // The credentials are fetched once and cached until near their expiry, not per connection.
    expect(credentialRequests).toBe(1);
  });

  it('needs this signer: the shared default reads AWS_ACCESS_KEY_ID, which an ECS task does not have', async () => {
    // Prepare
    const config = readEngineConfig(ECS_ENVIRONMENT);
    const pool = await createPool(config.database, { max: 1 });
    pools.push(pool);

    // Act
    const result = (async () => passwordOf(pool)())();

    // Assess
    await expect(result).rejects.toThrow('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(credentialRequests).toBe(0);
  });
});
