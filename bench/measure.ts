import type { RequestLogEntry, Simulator } from '../src/simulator/server.js';
import type { SourceName } from '../src/sources/registry.js';

/** The same clock the simulators stamp their request logs with (epoch ms, sub-millisecond). */
export const now = (): number => performance.timeOrigin + performance.now();

/** One upstream request as the simulator that served it logged it. */
export interface UpstreamCall extends RequestLogEntry {
  source: SourceName;
}

export type Simulators = Record<SourceName, Simulator>;

/**
 * The upstream calls in the simulators' logs: every request but Signicat's OAuth token call, which the gateway
 * makes once per token lifetime (600 s), not per operation.
 */
export function upstreamCalls(simulators: Simulators): UpstreamCall[] {
  return (Object.entries(simulators) as [SourceName, Simulator][]).flatMap(([source, simulator]) =>
    simulator
      .requests()
      .filter((entry) => !isTokenCall(source, entry))
      .map((entry) => ({ ...entry, source })),
  );
}

export function isTokenCall(source: SourceName, entry: { method: string; path: string }): boolean {
  return source === 'signicat' && entry.method === 'POST' && entry.path.endsWith('/connect/token');
}

export function resetLogs(simulators: Simulators): void {
  for (const simulator of Object.values(simulators)) simulator.reset();
}

export interface CriticalPath {
  /** Summed duration of the chain's requests, in ms. */
  ms: number;
  /** The chain, in time order. */
  chain: UpstreamCall[];
}

/**
 * The upstream critical path of one operation: the chain of non-overlapping upstream requests (each starting
 * at or after the previous one ended) with the largest summed duration, i.e. the sequential upstream round
 * trips the operation could not avoid waiting for, measured at the simulators. Weighted interval scheduling:
 * O(n log n).
 */
export function criticalPath(calls: readonly UpstreamCall[]): CriticalPath {
  const sorted = [...calls].sort((a, b) => a.endedAt - b.endedAt);
  const best: number[] = [0];
  const pick: boolean[] = [];
  const previous: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const call = sorted[i] as UpstreamCall;
    // The last call (1-based count of calls) that ended before this one started.
    let low = 0;
    let high = i;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((sorted[middle - 1] as UpstreamCall).endedAt <= call.startedAt) low = middle;
      else high = middle - 1;
    }
    previous[i] = low;
    const withCall = (best[low] ?? 0) + (call.endedAt - call.startedAt);
    const without = best[i] ?? 0;
    pick[i] = withCall > without;
    best[i + 1] = Math.max(withCall, without);
  }
  const chain: UpstreamCall[] = [];
  for (let i = sorted.length - 1; i >= 0;) {
    if (pick[i]) {
      chain.push(sorted[i] as UpstreamCall);
      i = (previous[i] ?? 0) - 1;
    } else {
      i -= 1;
    }
  }
  return { ms: best[sorted.length] ?? 0, chain: chain.reverse() };
}

/** Nearest-rank percentile (`p` in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function percentiles(samples: readonly number[]): { p50: number; p95: number; p99: number } {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
}

/** Calls per source, e.g. `{ signicat: 22, onomondo: 1, fourme: 5 }`. */
export function callsBySource(calls: readonly UpstreamCall[]): Record<SourceName, number> {
  const counts: Record<SourceName, number> = { signicat: 0, onomondo: 0, fourme: 0 };
  for (const call of calls) counts[call.source] += 1;
  return counts;
}

/** Calls grouped by endpoint shape (ids and long segments replaced), e.g. `signicat GET /account-management/accounts/:id ×10`. */
export function callsByEndpoint(calls: readonly UpstreamCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const path = call.path
      .split('/')
      .map((segment) => (/\d{3,}|^[ao]-[ps]/.test(segment) || /^[0-9a-f-]{36}$/.test(segment) ? ':id' : segment))
      .join('/');
    const key = `${call.source} ${call.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

/** Peak and current resident set size of a process, in MB, from `/proc/<pid>/status` (Linux only). */
export async function readRss(pid: number): Promise<{ rssMb: number; hwmMb: number } | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms, from `/proc/<pid>/stat` (Linux only). */
export async function readCpuMs(pid: number): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state, field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** `getconf CLK_TCK`: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
