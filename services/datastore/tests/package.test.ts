/**
 * The packaged `migrate` function, as synth left it in `.serverless/game-datastore.zip` (npm test
 * runs synth first): its bundle is taken out of the zip and run with Node against a real
 * PostgreSQL, so this proves the artifact that would be deployed carries every migration of
 * `migrations/`, byte for byte, and applies them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { checksum, readMigrations } from '../src/migrations';
import { startTestPostgres, type TestPostgres } from './helpers/postgres';

const SERVICE_DIR = fileURLToPath(new URL('../', import.meta.url));
const ARTIFACT = join(SERVICE_DIR, '.serverless', 'game-datastore.zip');
const HANDLER_ENTRY = 'src/handlers/migrate.mjs';

/** One file of a zip archive. */
const readZipEntry = (zipPath: string, entryName: string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (entry.fileName !== entryName) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks));
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => reject(new Error(`${zipPath} has no ${entryName}; it has ${names.join(', ')}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });

/** Runs the bundled handler once in a fresh Node process, as Lambda would, and returns its result. */
const invokeBundle = async (bundle: string, env: Record<string, string>) => {
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.stdout.write('\\n' + JSON.stringify(await handler({})));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    applied: string[];
    alreadyApplied: string[];
  };
};

let postgres: TestPostgres;
let bundle: string;
let scratch: string;

beforeAll(async () => {
  if (!existsSync(ARTIFACT))
    throw new Error(`${ARTIFACT} does not exist; run \`npm run synth\` first (npm test does)`);
  // Inside the repository, so the bundle finds the AWS SDK in node_modules as it finds it in Lambda.
  mkdirSync(join(SERVICE_DIR, '.serverless'), { recursive: true });
  scratch = mkdtempSync(join(SERVICE_DIR, '.serverless', 'artifact-test-'));
  bundle = join(scratch, 'migrate.mjs');
  writeFileSync(bundle, await readZipEntry(ARTIFACT, HANDLER_ENTRY));
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('packaged migrate function', () => {
  it('applies every migration of migrations/, byte for byte, then nothing on the next run', async () => {
    // Prepare
    const url = await postgres.createDatabase();
    const files = readMigrations();

    // Act
    const first = await invokeBundle(bundle, { DATABASE_URL: url });
    const second = await invokeBundle(bundle, { DATABASE_URL: url });

    // Assess: the checksums recorded are those of the files in the repository.
    expect(first.applied).toEqual(files.map((file) => file.name));
    expect(second.applied).toEqual([]);
    const client = await postgres.connect(url);
    const { rows } = await client.query('SELECT name, checksum FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(files.map((file) => ({ name: file.name, checksum: checksum(file.sql) })));
  });

  it('fails its cold start naming the missing setting when no database is configured', async () => {
    // Act
    const failure = await invokeBundle(bundle, {}).catch((error: { stderr?: string }) => error);

    // Assess
    expect((failure as { stderr?: string }).stderr).toContain(
      'DATABASE_SECRET_ARN is not set; expected the ARN of the RDS-managed master secret (arn:aws:secretsmanager:...), or DATABASE_IAM_USER for IAM authentication (or set DATABASE_URL)',
    );
  });
});
