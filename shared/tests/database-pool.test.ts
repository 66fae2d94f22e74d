/**
 * `createPool` against a real PostgreSQL that speaks TLS: the server certificate is verified, IAM
 * mode signs a fresh token for every new connection, and managed-secret mode drops its cached
 * credentials when PostgreSQL rejects them (rotation), fetching the secret again for the next one.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedCredentials, createPool, type DatabaseSettings } from '../src/database';
import { startTlsPostgres, type TlsPostgres } from './helpers/tls-postgres';

let server: TlsPostgres;

beforeAll(async () => {
  server = await startTlsPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const endpoint = () => ({ host: 'localhost', port: server.port, database: 'game' });

describe('iamAuth pool', () => {
  it('asks for a new token for every new connection and logs in with it', async () => {
    // Prepare: the role stands for an rds_iam role; its "token" is whatever the signer returns.
    await server.admin("CREATE ROLE app_iam LOGIN PASSWORD 'token-1'");
    const settings: DatabaseSettings = {
      kind: 'iamAuth',
      user: 'app_iam',
      region: 'eu-west-1',
      ...endpoint(),
    };
    const signed: string[] = [];
    const pool = await createPool(settings, {
      max: 2,
      ca: server.certificate,
      authToken: (s) => {
        signed.push(s.user);
        return 'token-1';
      },
    });

    try {
      // Act: two connections held at once
      const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
      const { rows } = await a.query<{ user: string; ssl: boolean }>(
        'SELECT current_user AS user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      a.release();
      b.release();

      // Assess
      expect(signed).toEqual(['app_iam', 'app_iam']);
      expect(rows[0]).toEqual({ user: 'app_iam', ssl: true });
    } finally {
      await pool.end();
    }
  });

  it('refuses a server whose certificate it does not trust', async () => {
    // Prepare: no `ca`, so only the default trust store, which does not hold the throw-away certificate
    const settings: DatabaseSettings = {
      kind: 'iamAuth',
      user: 'app_iam',
      region: 'eu-west-1',
      ...endpoint(),
    };
    const pool = await createPool(settings, { max: 1, authToken: () => 'token-1' });

    try {
      // Act / Assess
      await expect(pool.query('SELECT 1')).rejects.toThrow(/self-signed certificate/);
    } finally {
      await pool.end();
    }
  });
});

describe('managedSecret pool', () => {
  it('fetches the secret once, and again only after PostgreSQL rejects the cached password', async () => {
    // Prepare
    await server.admin("CREATE ROLE app_secret LOGIN PASSWORD 'first'");
    let secret = { username: 'app_secret', password: 'first' };
    let fetches = 0;
    const credentials = new CachedCredentials(async () => {
      fetches += 1;
      return secret;
    });
    const settings: DatabaseSettings = {
      kind: 'managedSecret',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-test',
      ...endpoint(),
    };
    // idleTimeoutMillis 1: each query below opens a new connection, as after a cold start.
    const pool = await createPool(settings, {
      max: 1,
      credentials,
      ca: server.certificate,
      idleTimeoutMillis: 1,
    });
    const idle = () => new Promise((resolve) => setTimeout(resolve, 20));

    try {
      await pool.query('SELECT 1');
      await idle();
      await pool.query('SELECT 1');
      expect(fetches).toBe(1);

      // Act: the secret rotates (RDS changes the password, then the secret)
      await server.admin("ALTER ROLE app_secret PASSWORD 'second'");
      secret = { username: 'app_secret', password: 'second' };
      await idle();
      const rejected = await pool.query('SELECT 1').catch((error: { code?: string }) => error);
      await idle();
      const { rows } = await pool.query<{ user: string }>('SELECT current_user AS user');

      // Assess
      expect((rejected as { code?: string }).code).toBe('28P01');
      expect(fetches).toBe(2);
      expect(rows[0]?.user).toBe('app_secret');
    } finally {
      await pool.end();
    }
  });

  it('does not cache a failed fetch: the next call fetches again', async () => {
    // Prepare
    let calls = 0;
    const credentials = new CachedCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('Secrets Manager unreachable');
      return { username: 'u', password: 'p' };
    });

    // Act / Assess
    await expect(credentials.get()).rejects.toThrow('Secrets Manager unreachable');
    await expect(credentials.get()).resolves.toEqual({ username: 'u', password: 'p' });
    expect(calls).toBe(2);
  });
});
