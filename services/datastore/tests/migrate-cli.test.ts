/**
 * `npm run migrate` as a user runs it, with a DATABASE_URL it cannot use: one line naming what is wrong
 * and what is expected, exit code 1, no stack trace, and never a password echoed back.
 */
import { freePort } from '@game-platform/local';
import { runNpmScript } from '@game-platform/testing/npm-script';
import { describe, expect, it } from 'vitest';

const EXPECTED = 'expected a connection string such as postgres://user:password@127.0.0.1:5432/game';

const migrateWith = async (databaseUrl: string) => {
  const { code, stdout, stderr } = await runNpmScript('migrate', [], { DATABASE_URL: databaseUrl });
  return { code, stdout, lines: stderr.trim().split('\n') };
};

describe('npm run migrate', () => {
  it('refuses a DATABASE_URL that is not a URL in one line', async () => {
    const { code, stdout, lines } = await migrateWith('notaurl');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(lines).toEqual([`migrate: DATABASE_URL ("notaurl") is not a URL; ${EXPECTED}`]);
  }, 30_000);

  it('refuses a URL that is not PostgreSQL, without echoing its password', async () => {
    const { code, lines } = await migrateWith('https://admin:s3cret@db.example.com/game');
    expect(code).toBe(1);
    expect(lines).toEqual([`migrate: DATABASE_URL starts with https://; ${EXPECTED}`]);
  }, 30_000);

  it('names the server it could not reach in one line', async () => {
    const port = await freePort();
    const { code, lines } = await migrateWith(`postgres://game:s3cret@127.0.0.1:${port}/game`);
    expect(code).toBe(1);
    expect(lines).toEqual([
      `migrate: could not migrate 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
  }, 30_000);
});
