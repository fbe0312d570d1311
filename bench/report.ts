import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SourceName } from '../src/sources/registry.js';
import type { CheckCosts } from './checks.js';
import type { OperationName } from './operations.js';

/** Per-operation figures; `calls`..`errors` are the fields the issue asks for, the rest explain them. */
export interface OperationResult {
  title: string;
  /** Upstream calls one run makes (Signicat token calls excluded); the largest seen over the concurrency-1 runs. */
  calls: number;
  minCalls: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  overheadP50Ms: number;
  rps16: number;
  rps64: number;
  p95At64Ms: number;
  rssMb: number;
  errors: number;

  /** Server RSS right after start-up and after the warm-up runs, and the highest sampled during the 16-connection phase. */
  rssAtStartMb: number;
  rssAfterWarmupMb: number;
  peakRssAt16Mb: number;

  /** For `paging` all timings are per page request (one GraphQL request) and `calls` per 19-request walk. */
  timingUnit: 'operation' | 'page request';
  callsBySource: Record<SourceName, number>;
  minCallsBySource: Record<SourceName, number>;
  minCallsDerivation: string[];
  /** Calls of one run by endpoint, e.g. `"signicat GET /account-management/accounts/:id": 10`. */
  callsByEndpoint: Record<string, number>;
  /**
   * Calls per operation when 64 runs start at once and all are awaited (every logged call belongs to one of
   * them): batching that holds only when the server is idle shows here.
   */
  callsPerOperationAt64: number;
  callsByEndpointAt64: Record<string, number>;
  criticalPathP50Ms: number;
  /** Sequential upstream round trips on the critical path (median). */
  criticalPathDepth: number;
  overheadP95Ms: number;
  /**
   * Medians of where the overhead sits on the critical path: from the request to the first upstream call
   * (parse, validate, resolvers up to the first fetch), in gaps between sequential calls (parsing one answer
   * before the next call), and after the last call (parsing it, executing the rest, serialising, sending).
   */
  overheadSplitP50Ms: { beforeFirstCall: number; betweenCalls: number; afterLastCall: number };
  p95At16Ms: number;
  p50At64Ms: number;
  /** Server CPU (share of one core) at 64 connections, and CPU ms per request at 16 and 64. */
  serverCpuPercentAt64: number;
  serverCpuMsPerRequestAt16: number;
  serverCpuMsPerRequestAt64: number;
  /** The bench process (simulators + autocannon) at 64 connections, share of one core. */
  benchCpuPercentAt64: number;
  samples: number;
  errorDetails: Record<string, number>;
  /** Correctness: the answer's digest against the one derived from the seeds. */
  digestMismatches: string[];
  baseline: BaselineResult;
  profile?: string[];
}

export interface BaselineResult {
  calls: number;
  p50Ms: number;
  p95Ms: number;
  criticalPathP50Ms: number;
  criticalPathDepth: number;
  /** The direct script's own latency beyond the critical path: parsing and validating the answers, the simulators' serialisation. */
  overheadP50Ms: number;
  samples: number;
  digestMismatches: string[];
}

export interface BenchResults {
  meta: {
    date: string;
    quick: boolean;
    latencyMs: number;
    loadDurationS: number;
    samples: number;
    today: string;
    machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string };
    /** Commit of the measured code; `+dirty` when src/ had uncommitted changes. */
    commit: string;
    serverEnvironment: Record<string, string>;
    serverCommand: string;
    simulatorRateLimits: string;
    /** What authentication, the cost planner and the client budget add to each request. */
    checks?: CheckCosts;
    wallTimeS?: number;
  };
  operations: Partial<Record<OperationName, OperationResult>>;
}

const TARGETS = { overheadP50Ms: 2, rssMb: 200 } as const;

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toString() : '–');

export function renderTable(results: BenchResults): string {
  const rows = Object.entries(results.operations).map(([name, op]) => {
    const unit = op.timingUnit === 'page request' ? ' ¹' : '';
    return `| ${name}${unit} | ${op.calls} | ${op.minCalls} | ${fixed(op.p50Ms)} | ${fixed(op.p95Ms)} | ${fixed(op.p99Ms)} | ${fixed(op.overheadP50Ms, 2)} | ${fixed(op.rps16)} | ${fixed(op.rps64)} | ${whole(op.p95At64Ms)} | ${whole(op.rssMb)} | ${op.errors} |`;
  });
  const baseline = Object.entries(results.operations).map(([name, op]) => {
    const b = op.baseline;
    return `| ${name} | ${b.calls} | ${fixed(b.p50Ms)} | ${fixed(b.p95Ms)} | ${fixed(b.criticalPathP50Ms)} (${b.criticalPathDepth}) | ${fixed(op.p50Ms)} | ${fixed(op.criticalPathP50Ms)} (${op.criticalPathDepth}) | ${fixed(op.p50Ms / b.p50Ms, 2)}× |`;
  });
  const split = Object.entries(results.operations).map(([name, op]) => {
    const { beforeFirstCall, betweenCalls, afterLastCall } = op.overheadSplitP50Ms;
    return `| ${name} | ${fixed(op.overheadP50Ms, 2)} | ${fixed(beforeFirstCall, 2)} | ${fixed(betweenCalls, 2)} | ${fixed(afterLastCall, 2)} | ${fixed(op.baseline.overheadP50Ms, 2)} | ${fixed(op.serverCpuMsPerRequestAt16, 1)} | ${whole(op.serverCpuPercentAt64)}% | ${whole(op.rssAtStartMb)} / ${whole(op.rssAfterWarmupMb)} / ${whole(op.peakRssAt16Mb)} / ${whole(op.rssMb)} |`;
  });
  const paging = Object.values(results.operations).some((op) => op.timingUnit === 'page request');
  return [
    '| operation | calls | minCalls | p50 ms | p95 ms | p99 ms | overhead p50 ms | rps @16 | rps @64 | p95 @64 ms | peak RSS MB | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
    '',
    ...(paging ? ['¹ paging: calls per 19-request walk; latency, overhead, rps and p95 per page request.', ''] : []),
    'Direct REST baseline (fewest calls, full concurrency) beside the gateway at concurrency 1 (depth: sequential upstream round trips on the critical path):',
    '',
    '| operation | baseline calls | baseline p50 ms | baseline p95 ms | baseline critical path p50 ms (depth) | gateway p50 ms | gateway critical path p50 ms (depth) | gateway ÷ baseline p50 |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...baseline,
    '',
    'Where the overhead sits (medians at concurrency 1), the server’s CPU per request under load, and its memory:',
    '',
    '| operation | overhead p50 ms | before first upstream call | between sequential calls | after last call | baseline overhead p50 ms | server CPU ms per request @16 | server CPU @64 (of one core) | RSS MB: start / after warm-up / @16 / peak |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...split,
    ...checksTable(results.meta.checks, results.operations),
  ].join('\n');
}

/** The safety checks' cost per request beside each operation's overhead, and each plan against the default call limit. */
function checksTable(checks: CheckCosts | undefined, operations: BenchResults['operations']): string[] {
  if (!checks) return [];
  const rows = Object.entries(checks.planning).map(([name, plan]) => {
    const overhead = operations[name as OperationName]?.overheadP50Ms ?? Number.NaN;
    const total = checks.authenticationUs + plan.us + checks.clientBudgetUs;
    return `| ${name} | ${fixed(checks.authenticationUs, 0)} | ${fixed(plan.us, 0)} | ${fixed(checks.clientBudgetUs, 1)} | ${fixed(total, 0)} | ${fixed((total / 1000 / overhead) * 100, 1)}% | ${plan.estimatedCalls} / ${checks.defaultCallLimit} | ${plan.estimatedObjects} |`;
  });
  return [
    '',
    'What the safety checks add to each request (in-process, µs): verifying the HS256 bearer token, planning the operation before it runs, the client budget’s admission and one call’s charge; and each plan’s worst case against the default call limit:',
    '',
    '| operation | authentication µs | planning µs | client budget µs | checks µs | share of overhead p50 | estimated calls / limit | estimated objects |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

/** One line per target and operation that misses it. */
export function targetMisses(results: BenchResults): string[] {
  const misses: string[] = [];
  for (const [name, op] of Object.entries(results.operations)) {
    if (op.calls !== op.minCalls) misses.push(`${name}: calls ${op.calls} ≠ minCalls ${op.minCalls}`);
    if (op.callsPerOperationAt64 > op.calls * 1.1)
      misses.push(
        `${name}: ${fixed(op.callsPerOperationAt64, 1)} calls per operation in a burst of ${results.meta.quick ? 8 : 64} concurrent runs (vs ${op.calls} alone): ${Object.entries(
          op.callsByEndpointAt64,
        )
          .map(([endpoint, n]) => `${endpoint} ${fixed(n, 2)}`)
          .join(', ')}`,
      );
    if (op.overheadP50Ms > TARGETS.overheadP50Ms)
      misses.push(`${name}: gateway overhead p50 ${fixed(op.overheadP50Ms, 2)} ms > ${TARGETS.overheadP50Ms} ms`);
    if (op.errors > 0)
      misses.push(
        `${name}: ${op.errors} errors (${Object.entries(op.errorDetails)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')})`,
      );
    if (op.rssMb > TARGETS.rssMb) misses.push(`${name}: peak RSS ${whole(op.rssMb)} MB > ${TARGETS.rssMb} MB`);
    if (op.digestMismatches.length > 0) misses.push(`${name}: wrong answer: ${op.digestMismatches.join('; ')}`);
    if (op.baseline.calls !== op.minCalls)
      misses.push(
        `${name}: the baseline made ${op.baseline.calls} calls, not minCalls ${op.minCalls}: the derivation or the baseline is off`,
      );
    if (op.baseline.digestMismatches.length > 0) misses.push(`${name}: baseline answer wrong: ${op.baseline.digestMismatches.join('; ')}`);
  }
  return misses;
}

export function renderMachine(results: BenchResults): string {
  const { meta } = results;
  const m = meta.machine;
  const env = Object.entries(meta.serverEnvironment)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return [
    `Run ${meta.date} at commit ${meta.commit}${meta.quick ? ' (quick mode)' : ''}${meta.wallTimeS ? `, ${Math.round(meta.wallTimeS)} s wall time` : ''}: ` +
      `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}.`,
    `Simulated upstream latency ${meta.latencyMs} ms per request; ${meta.samples} samples per operation at concurrency 1; ` +
      `${meta.loadDurationS} s per load level; seeds pinned to ${meta.today}. Server: \`${meta.serverCommand}\`, environment ${env || '(defaults)'}. ${meta.simulatorRateLimits}`,
  ].join('\n');
}

export function renderDerivations(results: BenchResults): string {
  return Object.entries(results.operations)
    .map(([name, op]) => [`- **${name}** (${op.minCalls}): ${op.title}.`, ...op.minCallsDerivation.map((line) => `  - ${line}`)].join('\n'))
    .join('\n');
}

export function renderCalls(results: BenchResults): string {
  return Object.entries(results.operations)
    .map(
      ([name, op]) =>
        `- **${name}**: ${Object.entries(op.callsByEndpoint)
          .map(([endpoint, count]) => `${endpoint} ×${count}`)
          .join(', ')}`,
    )
    .join('\n');
}

export async function writeResults(path: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the generated part of the README (between the markers) with this run's table; the rest is prose. */
export async function updateReadme(path: string, results: BenchResults): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false;
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  const misses = targetMisses(results);
  const generated = [
    START,
    '',
    renderMachine(results),
    '',
    renderTable(results),
    '',
    '**Targets missed in this run** (calls = minCalls, overhead p50 ≤ 2 ms, zero errors, RSS ≤ 200 MB):',
    '',
    ...(misses.length > 0 ? misses.map((miss) => `- ${miss}`) : ['- none']),
    '',
    '**Upstream calls of one run, by endpoint:**',
    '',
    renderCalls(results),
    '',
    '**Minimum calls, derived from the seeds** (`bench/operations.ts`):',
    '',
    renderDerivations(results),
    '',
    END,
  ].join('\n');
  await writeFile(path, await formatMarkdown(path, text.slice(0, start) + generated + text.slice(end + END.length)));
  return true;
}

/** The project's Prettier style (`npm run lint` checks bench/), when Prettier is installed. */
async function formatMarkdown(path: string, text: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(path)) ?? {};
    return await prettier.format(text, { ...options, filepath: path });
  } catch {
    return text;
  }
}
