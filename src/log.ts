export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
type Level = Exclude<LogLevel, 'silent'>;

let threshold: LogLevel = 'info';

/** Set once at start-up from the validated configuration. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** One JSON line per event on stderr. Callers pass messages and codes only: never credentials or stack traces. */
function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(threshold)) return;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
