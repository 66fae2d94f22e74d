/**
 * One log shape in CloudWatch: the consumer logs through Powertools Logger, the engine and the other
 * Lambdas through `@game-platform/shared/log`; a line of each, for the same entry, has the same keys
 * in the same order and the same values for them (but the time).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '@game-platform/shared/log';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** What Powertools Logger writes for `write(logger)`, parsed (it writes through its own console). */
const powertoolsLines = (write: (logger: Logger) => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const spy = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(spy);
  vi.spyOn(process.stderr, 'write').mockImplementation(spy);
  write(new Logger({ serviceName: 'integrations-consumer' }));
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('the log line of the shared logger and of Powertools Logger', () => {
  it('has the same keys, in the same order, with the same values (Powertools-only sampling_rate aside)', () => {
    // Prepare: inside a Lambda invocation
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'game-dev-consumer');
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    );
    const entry = (log: {
      info: (m: string, f: Record<string, unknown>) => void;
      warn: (m: string, f: Record<string, unknown>) => void;
    }) => {
      log.info('batch processed', { processed: 10, failed: 0 });
      log.warn('invalid game event', { messageId: 'm-1', receiveCount: 1 });
    };

    // Act
    const powertools = powertoolsLines((logger) => entry(logger));
    const shared: Record<string, unknown>[] = [];
    entry(
      createLogger('info', { service: 'integrations-consumer' }, (line) => shared.push(JSON.parse(line))),
    );

    // Assess
    const comparable = (line: Record<string, unknown>) => {
      const { timestamp, sampling_rate: _sampling, ...rest } = line;
      return { keys: Object.keys(rest), rest, timestamp: typeof timestamp };
    };
    expect(shared.map(comparable)).toEqual(powertools.map(comparable));
    expect(shared.map((line) => line.level)).toEqual(['INFO', 'WARN']);
  });
});
