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
 * context); `shared/tests/log.test.ts` holds both to the same keys.
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

/** Errors become plain fields: `JSON.stringify` would drop their message and stack. */
const serializable = (value: unknown): unknown => {
  if (!(value instanceof Error)) return value;
  const { code } = value as { code?: unknown };
  return {
    name: value.name,
    message: value.message,
    ...(code === undefined ? {} : { code }),
    ...(value.stack ? { stack: value.stack } : {}),
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
  const extraKeys = Object.keys(extra);
  // Lambda sets the trace id per invocation; elsewhere (the engine's container) there is none to read.
  const traced = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const log = (entryLevel: LogLevel) => {
    if (LOG_LEVELS.indexOf(entryLevel) < threshold) return () => {};
    const levelName = LEVEL_NAMES[entryLevel];
    return (message: string, fields?: LogFields) => {
      const entry: LogFields = { level: levelName, message, timestamp: new Date().toISOString(), service };
      if (traced) entry.xray_trace_id = traceId();
      for (const key of extraKeys) entry[key] = extra[key];
      // `for...in` and not `Object.entries`: no arrays per line (the engine's access log is per request).
      for (const key in fields) entry[key] = serializable(fields[key]);
      write(JSON.stringify(entry));
    };
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};
