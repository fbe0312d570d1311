import { expect, vi } from 'vitest';

export type LogLine = Record<string, unknown>;

export interface LogCapture {
  /** Every JSON line written to stderr since the capture started. */
  lines(): LogLine[];
  /** The lines of one request. */
  linesOf(requestId: string): LogLine[];
  /** The first line having `fields` (values may be matchers), written already or later; fails after `timeoutMs`. */
  waitFor(fields: LogLine, timeoutMs?: number): Promise<LogLine>;
  stop(): void;
}

/**
 * What the in-process gateway writes to stderr, one JSON object per line. stderr itself stays quiet while captured.
 */
export function captureLogs(): LogCapture {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const matches = (line: LogLine, fields: LogLine) => expect.objectContaining(fields).asymmetricMatch(line);
  return {
    lines,
    linesOf: (requestId) => lines().filter((line) => line['requestId'] === requestId),
    waitFor: (fields, timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          const line = lines().find((candidate) => matches(candidate, fields));
          if (!line) throw new Error(`no log line with ${JSON.stringify(fields)}`);
          return line;
        },
        { timeout: timeoutMs, interval: 20 },
      ),
    stop: () => spy.mockRestore(),
  };
}

/** Captures the log lines written while `run` goes on. */
export async function logLinesDuring(run: () => Promise<unknown>): Promise<LogLine[]> {
  const capture = captureLogs();
  try {
    await run();
  } finally {
    capture.stop();
  }
  return capture.lines();
}
