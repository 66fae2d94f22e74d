/**
 * Structured logs: one JSON object per line on stdout, which the awslogs driver ships to CloudWatch
 * Logs as is (Logs Insights then filters on `level`, `requestId`, `status`...). A container has no
 * Lambda context, so this small writer replaces Powertools Logger and keeps the image lean.
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

/** A logger writing at `level` and above through `write` (default: stdout). */
export const createLogger = (
  level: LogLevel,
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger => {
  const threshold = LOG_LEVELS.indexOf(level);
  const log =
    (entryLevel: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (LOG_LEVELS.indexOf(entryLevel) < threshold) return;
      const entry: LogFields = { level: entryLevel, time: new Date().toISOString(), message, ...base };
      for (const [key, value] of Object.entries(fields)) entry[key] = serializable(value);
      write(JSON.stringify(entry));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};
