/**
 * `npm run local:postgres` as a user runs it, when it cannot start: a data directory that a running
 * PostgreSQL (of `npm start`, or another local:postgres) still uses is refused with one line naming the
 * server's pid and what to do, and exit code 1, before anything is started.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type LocalPostgres, startPostgres } from '@game-platform/local';
import { runNpmScript } from '@game-platform/testing/npm-script';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
let running: LocalPostgres;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'game-local-postgres-cli-'));
  chmodSync(root, 0o755); // as root, PostgreSQL runs as the user postgres and must enter it
  // What `npm start -- --data-dir <root>` runs: a PostgreSQL with its data in <root>/postgres.
  running = await startPostgres({ dataDir: join(root, 'postgres') });
}, 60_000);

afterAll(async () => {
  await running?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('npm run local:postgres', () => {
  it('refuses a data directory a running PostgreSQL owns, with one line and exit code 1', async () => {
    // Act
    const { code, stdout, stderr } = await runNpmScript('local:postgres', ['--data-dir', root], {
      PGPORT: String(await freePort()),
    });

    // Assess
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^local:postgres: a PostgreSQL server \\(pid (\\d+)\\) already uses ${join(root, 'postgres')}, so this one cannot; .* \`kill -INT \\1\`.*another --data-dir$`,
      ),
    );
  }, 30_000);

  it('refuses an argument it does not know, naming the option it resembles, with exit code 2', async () => {
    const { code, stderr } = await runNpmScript('local:postgres', ['--data-dri', root]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('local:postgres: unknown option --data-dri; expected --data-dir <dir>');
  }, 30_000);
});
