/**
 * The shared logger: one JSON line per entry with Powertools Logger's keys in its order, the level
 * threshold, errors kept readable, and the X-Ray trace id inside Lambda only. Its own keys win over
 * a caller's, and no value a caller passes makes a log call throw.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log';

const capture = (level: Parameters<typeof createLogger>[0], base = {}) => {
  const lines: string[] = [];
  const log = createLogger(level, base, (line) => lines.push(line));
  return { log, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createLogger', () => {
  it("writes Powertools' keys first, in its order, then the base fields and the call's own", () => {
    const { log, lines, entries } = capture('info', { service: 'engine', region: 'eu-west-1' });
    log.info('request', { status: 200, durationMs: 3 });
    expect(lines).toHaveLength(1);
    expect(Object.keys(entries()[0] ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'region',
      'status',
      'durationMs',
    ]);
    expect(entries()[0]).toMatchObject({ level: 'INFO', message: 'request', service: 'engine', status: 200 });
    expect(entries()[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('writes nothing below its level, and names each level as Powertools does', () => {
    const { log, entries } = capture('warn');
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(entries().map(({ level, message }) => `${level} ${message}`)).toEqual(['WARN c', 'ERROR d']);
    expect(entries()[0]?.service).toBe('service_undefined');
  });

  it('keeps the name, message, code and stack of an error', () => {
    const { log, entries } = capture('info');
    log.error('query failed', {
      error: Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }),
    });
    expect(entries()[0]?.error).toMatchObject({
      name: 'Error',
      message: 'connection refused',
      code: 'ECONNREFUSED',
      stack: expect.stringContaining('connection refused'),
    });
  });

  it("adds the invocation's xray_trace_id inside Lambda, read per line", () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'game-dev-prune');
    const { log, entries } = capture('info', { service: 'datastore-prune' });
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    );
    log.info('first');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-00000000-000000000000000000000001;Sampled=0');
    log.info('second');
    expect(entries().map((entry) => entry.xray_trace_id)).toEqual([
      '1-5759e988-bd862e3fe1be46a994272793',
      '1-00000000-000000000000000000000001',
    ]);
    expect(Object.keys(entries()[0] ?? {}).slice(0, 5)).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'xray_trace_id',
    ]);
  });

  it("keeps its own keys when a caller's fields (or base fields) use their names, as Powertools does", () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'game-dev-prune');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
    const { log, entries } = capture('info', { service: 'engine', level: 'TRACE', timestamp: 'base' });
    log.info('real', {
      level: 'DEBUG',
      message: 'spoofed',
      service: 'x',
      timestamp: 'never',
      xray_trace_id: 'forged',
      requestId: 'r-1',
    });
    expect(entries()).toEqual([
      {
        level: 'INFO',
        message: 'real',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: 'engine',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        requestId: 'r-1',
      },
    ]);
  });

  it('writes a BigInt as a string, a nested error readably, and a cycle as "[Circular]", without throwing', () => {
    const { log, entries } = capture('info');
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const shared = { id: 7 };
    expect(() =>
      log.warn('odd values', {
        rows: 12345678901234567890n,
        failure: { step: 'migrate', cause: new TypeError('bad column') },
        loop,
        pair: [shared, shared],
      }),
    ).not.toThrow();
    const [entry] = entries();
    expect(entry).toMatchObject({
      rows: '12345678901234567890',
      failure: {
        step: 'migrate',
        cause: { name: 'TypeError', message: 'bad column', stack: expect.stringContaining('bad column') },
      },
      loop: { name: 'loop', self: '[Circular]' },
      pair: [{ id: 7 }, { id: 7 }],
    });
  });

  it('still writes the line, naming the problem, when a field cannot be written at all', () => {
    const { log, entries } = capture('info', { service: 'engine' });
    const hostile = {
      toJSON() {
        throw new Error('no JSON for you');
      },
    };
    expect(() => log.error('request failed', { hostile })).not.toThrow();
    expect(entries()).toEqual([
      {
        level: 'ERROR',
        message: 'request failed',
        timestamp: expect.any(String),
        service: 'engine',
        log_error: 'the fields could not be written as JSON: no JSON for you',
      },
    ]);
  });
});
