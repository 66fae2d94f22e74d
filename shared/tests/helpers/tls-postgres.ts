/**
 * A real PostgreSQL that speaks TLS with a throw-away certificate for `localhost`, so the TLS and
 * credential paths of `createPool` (IAM tokens, managed secret) run against a server, not a stub.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalPostgres, startPostgres } from '@game-platform/local';
import pg from 'pg';

export interface TlsPostgres extends LocalPostgres {
  /** The certificate (PEM) the server presents; trust it as the CA. */
  certificate: string;
  /** Runs SQL as the superuser (no TLS needed on this side). */
  admin(sql: string): Promise<void>;
}

/** A self-signed certificate for `localhost`, made with the system's openssl. */
const selfSignedCertificate = (dir: string) => {
  const key = join(dir, 'server.key');
  const cert = join(dir, 'server.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
};

export const startTlsPostgres = async (): Promise<TlsPostgres> => {
  const server = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'game-pg-tls-'));
  chmodSync(dir, 0o755);
  const { key, cert } = selfSignedCertificate(dir);
  // As root, PostgreSQL runs as the `postgres` user, which must own its key (mode 0600).
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(key, uid, uid);
  }
  chmodSync(key, 0o600);
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server.connectionString });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
  await admin(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
  await admin('ALTER SYSTEM SET ssl = on');
  await admin('SELECT pg_reload_conf()');
  return {
    ...server,
    certificate: readFileSync(cert, 'utf8'),
    admin,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
