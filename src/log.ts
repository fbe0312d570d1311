import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogSettings {
  /** Lowest level written. @default 'info' */
  level: LogLevel;
  /** Human-readable lines through pino-pretty (a dev dependency) instead of JSON: for `npm run dev`. @default false */
  pretty: boolean;
  /** Warning and error lines written per interval; the rest are counted and reported in one line. @default 50 */
  errorLines: number;
  /** @default 10000 */
  errorIntervalMs: number;
}

/**
 * Wherever these fields appear in a line, pino writes `[redacted]` instead: credentials never reach the log, even
 * when a caller logs a whole headers or settings object.
 */
const REDACTED_PATHS = [
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-api-key"]',
  ...['authorization', 'token', 'accessToken', 'secret', 'clientSecret', 'apiKey', 'password'].flatMap((key) => [key, `*.${key}`]),
];

const WARN = 40;

/**
 * The process's logger: one JSON line per event on stderr (`{"level":"warn","time":"…","msg":"…",…}`), or
 * pino-pretty's lines in development. Errors are logged by name and message only: never a stack trace.
 */
export function createLogger(settings: LogSettings): Logger {
  const admit = errorCap(settings.errorLines, settings.errorIntervalMs, (suppressed, level) => {
    logger[level === 'error' ? 'error' : 'warn'](
      { suppressed },
      `${suppressed} more warning and error lines in ${settings.errorIntervalMs} ms were not written (LOG_ERROR_LINES=${settings.errorLines})`,
    );
  });
  const logger = pino(
    {
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method, level) {
          if (admit(level)) method.apply(this, args);
        },
      },
      ...(settings.pretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
            },
          }
        : {}),
    },
    // process.stderr rather than a raw file descriptor: synchronous for files and pipes, and what tests capture.
    settings.pretty ? undefined : process.stderr,
  );
  return logger;
}

/**
 * A few requests can fail thousands of upstream calls: past `lines` warnings and errors in an interval, lines are
 * only counted, and one line at the interval's end says how many were dropped.
 */
function errorCap(lines: number, intervalMs: number, report: (suppressed: number, worst: 'warn' | 'error') => void) {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let suppressed = 0;
  let worst: 'warn' | 'error' = 'warn';
  let reporting = false;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const count = suppressed;
    suppressed = 0;
    reporting = true;
    try {
      report(count, worst);
    } finally {
      reporting = false;
      worst = 'warn';
    }
  };
  return (level: number): boolean => {
    if (level < WARN || reporting) return true;
    const now = Date.now();
    if (now - windowStart >= intervalMs) {
      windowStart = now;
      written = 0;
    }
    if (written < lines) {
      written += 1;
      return true;
    }
    suppressed += 1;
    if (level > WARN) worst = 'error';
    timer ??= setTimeout(flush, windowStart + intervalMs - now).unref();
    return false;
  };
}
