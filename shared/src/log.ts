/**
 * Structured logs in the shape of Powertools for AWS Lambda's Logger, for the code that does not
 * ship Powertools: the engine (a container, no Lambda context) and the small Lambdas (the custom
 * resources of network, datastore's migrate and prune). One JSON object per line on stdout, the
 * keys in Powertools' order and spelling, so one Logs Insights query reads every log group:
 *
 *   {"level":"INFO","message":"request","timestamp":"2026-...Z","service":"engine","xray_trace_id":"1-...","requestId":"...",...}
 *
 * `xray_trace_id` is there in Lambda only (from `_X_AMZN_TRACE_ID`, as Powertools reads it); the
 * caller's fields follow at the top level. Powertools' `sampling_rate` and the Lambda context keys
 * (`function_request_id`, `cold_start`...) are left out: nothing here samples or has a context.
 * The consumer keeps Powertools itself (it ships Powertools Metrics anyway, and its handler has the
 * context); `services/integrations/tests/log-shape.test.ts` holds both to the same keys.
 *
 * As in Powertools, the logger's keys win: a caller's field named `level`, `message`, `timestamp`,
 * `service` or `xray_trace_id` is dropped, so a line always says what it is. A log call never
 * throws: a BigInt is written as a string, an Error (at any depth) as its name, message, code and
 * stack, a cycle as "[Circular]", and a field that still cannot be written is named in `log_error`.
 *
 * Why not Powertools everywhere: it adds ~23 KB minified to each bundle (a custom resource bundle is
 * under 2 KB) and several objects per line to the engine's access log, which is on its hot path.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Powertools' spelling of each level. */
const LEVEL_NAMES: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** The keys the logger writes itself; a caller's field of the same name is dropped (as Powertools does). */
const RESERVED = new Set(['level', 'message', 'timestamp', 'service', 'xray_trace_id']);

/** Errors become plain fields: `JSON.stringify` would drop their message and stack (`{}`). */
const errorFields = (error: Error): LogFields => {
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    ...(error.stack ? { stack: error.stack } : {}),
  };
};

/**
 * Only a BigInt or an object can make `JSON.stringify` throw or lose what matters (an Error), so
 * only a line with one of those pays for the replacer; the engine's access log has neither.
 */
const needsReplacer = (value: unknown): boolean =>
  typeof value === 'bigint' || (typeof value === 'object' && value !== null);

/**
 * A `JSON.stringify` replacer writing BigInts as strings, Errors as `errorFields` and a value that
 * contains itself as "[Circular]". It tracks the objects on the path from the root (not every object
 * seen), so the same object twice side by side is written twice.
 */
const safeReplacer = () => {
  const ancestors: object[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`: drop the ancestors the walk has left.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    const written = value instanceof Error ? errorFields(value) : value;
    ancestors.push(written);
    return written;
  };
};

/** The trace id of the current Lambda invocation (`Root=1-...;Parent=...;Sampled=1`), as Powertools reads it. */
const traceId = (): string | undefined => process.env._X_AMZN_TRACE_ID?.split(';')[0]?.replace('Root=', '');

const stdout = (line: string) => {
  process.stdout.write(`${line}\n`);
};

/**
 * A logger writing at `level` and above through `write` (default: stdout). `base.service` is the
 * `service` key (Powertools' default when absent: `service_undefined`); the other `base` fields are on
 * every line, before the call's own.
 */
export const createLogger = (
  level: LogLevel,
  base: LogFields & { service?: string } = {},
  write: (line: string) => void = stdout,
): Logger => {
  const threshold = LOG_LEVELS.indexOf(level);
  const { service = 'service_undefined', ...extra } = base;
  const extraKeys = Object.keys(extra).filter((key) => !RESERVED.has(key));
  const extraNeedsReplacer = extraKeys.some((key) => needsReplacer(extra[key]));
  // Lambda sets the trace id per invocation; elsewhere (the engine's container) there is none to read.
  const traced = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const log = (entryLevel: LogLevel) => {
    if (LOG_LEVELS.indexOf(entryLevel) < threshold) return () => {};
    const levelName = LEVEL_NAMES[entryLevel];
    return (message: string, fields?: LogFields) => {
      const entry: LogFields = { level: levelName, message, timestamp: new Date().toISOString(), service };
      if (traced) entry.xray_trace_id = traceId();
      for (const key of extraKeys) entry[key] = extra[key];
      let replace = extraNeedsReplacer;
      // `for...in` and not `Object.entries`: no arrays per line (the engine's access log is per request).
      for (const key in fields) {
        if (RESERVED.has(key)) continue;
        const value = fields[key];
        entry[key] = value;
        if (!replace && needsReplacer(value)) replace = true;
      }
      let line: string;
      try {
        line = replace ? JSON.stringify(entry, safeReplacer()) : JSON.stringify(entry);
      } catch (error) {
        // A getter or toJSON that throws, or nesting too deep: the line still says what happened.
        line = JSON.stringify({
          level: levelName,
          message,
          timestamp: entry.timestamp,
          service,
          ...(traced ? { xray_trace_id: entry.xray_trace_id } : {}),
          log_error: `the fields could not be written as JSON: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      try {
        write(line);
      } catch {
        // Nowhere left to say it: a log call must not fail the request it describes.
      }
    };
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};
