/**
 * The README's `serverless invoke local` for the consumer, run as documented (from this folder,
 * `npx serverless invoke local -f consumer --path tests/events/sqs/<sample>.json` with DATABASE_URL
 * set) against a real PostgreSQL 17 with the schema: the framework bundles the handler, invokes it
 * with the function's settings, and the batch's effect is in the database. The logged context must
 * carry the memory the stage profile gives the function, not the framework's 1024 MB default.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GameDatabase, startGameDatabase } from './helpers/database';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));

let database: GameDatabase;
beforeAll(async () => {
  database = await startGameDatabase();
}, 60_000);
afterAll(async () => {
  await database?.stop();
});

const invokeLocal = (sample: string) =>
  promisify(execFile)(
    'npx',
    ['serverless', 'invoke', 'local', '-f', 'consumer', '--path', `tests/events/sqs/${sample}.json`],
    {
      cwd: SERVICE_DIR,
      env: { ...process.env, DATABASE_URL: database.server.connectionString, AWS_REGION: 'eu-west-1' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );

describe('serverless invoke local -f consumer (services/integrations/README.md, "Local use")', () => {
  it('applies the sample batch to PostgreSQL and reports the malformed record, with the profile memory', async () => {
    // Act
    const { stdout } = await invokeLocal('mixed-batch');

    // Assess: the framework prints the handler's response last.
    const response = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{') + 1)) as {
      batchItemFailures: Array<{ itemIdentifier: string }>;
    };
    expect(response.batchItemFailures.length).toBeGreaterThan(0);
    const totals = await database.totals();
    expect(totals.events).toBeGreaterThan(0);
    const memory = [...stdout.matchAll(/"function_memory_size":\s*"?(\d+)/g)].map((match) =>
      Number(match[1]),
    );
    expect(memory.length).toBeGreaterThan(0);
    expect(new Set(memory)).toEqual(new Set([loadStageProfile('dev').integrations.memorySizeMiB]));
  }, 180_000);
});
