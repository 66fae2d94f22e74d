/**
 * `npm start -- --visibility-timeout <s>`: a value under which an invocation could still be working on
 * a message when SQS hands it out again (what PLATFORM.SQS.1 prevents in AWS) is refused with one line,
 * before anything starts; an accepted one shortens the local consumer's timeout to fit.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { afterAll, describe, expect, it } from 'vitest';
import { localConsumerTiming, StartArgumentError } from '../../src/platform/options';
import { launchStart } from '../../src/platform/start-process';

const dataDir = mkdtempSync(join(tmpdir(), 'game-visibility-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start --visibility-timeout', () => {
  it('refuses 0 as a usage error (exit 2) with one line naming the least value for the stage, and starts nothing', async () => {
    // Act
    const start = launchStart(['--data-dir', join(dataDir, 'run'), '--visibility-timeout', '0']);
    const code = await start.exited;

    // Assess
    expect(code).toBe(2);
    expect(start.lines).toContain(
      'npm start: --visibility-timeout is 0; expected at least 2 s for stage dev (its batching window of 1 s + 1 s for the consumer to run): a shorter one hands a message to a second invocation while the first still works on it, and valid events end in the DLQ',
    );
    expect(start.lines.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(dataDir)).toEqual([]); // not even the data directory was made
  }, 60_000);

  it('keeps window + function timeout within the visibility timeout for every stage', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      const consumer = loadStageProfile(stage).integrations;
      const least = consumer.maximumBatchingWindowSeconds + 1;
      expect(() => localConsumerTiming(least - 1, stage, consumer)).toThrow(StartArgumentError);
      for (const visibility of [least, least + 5, 43_200]) {
        const timing = localConsumerTiming(visibility, stage, consumer);
        expect(timing.functionTimeoutSeconds).toBeGreaterThanOrEqual(1);
        expect(timing.functionTimeoutSeconds).toBeLessThanOrEqual(consumer.functionTimeoutSeconds);
        expect(consumer.maximumBatchingWindowSeconds + timing.functionTimeoutSeconds).toBeLessThanOrEqual(
          visibility,
        );
      }
      expect(localConsumerTiming(undefined, stage, consumer).functionTimeoutSeconds).toBe(
        consumer.functionTimeoutSeconds,
      );
    }
  });
});
