/**
 * `npm run bench [-- --quick] [--latency <ms>] [--duration <s>] [--samples <n>] [--only a,b] [--cpu-prof]
 *  [--server-env KEY=VALUE]… [--out <path>] [--no-readme]`
 *
 * Starts the three simulators in this process (seeds pinned, a fixed added latency per upstream request, rate
 * limits lifted), runs the direct-REST baseline, then for each operation a fresh gateway server as a child
 * process: warm-up, concurrency-1 samples (latency, upstream calls and critical path from the simulators' request
 * logs), then autocannon at 16 and 64 connections while sampling the server's RSS. Progress goes to stderr; the
 * markdown table to stdout; the figures to bench/results.json (quick runs: bench/.tmp/results.quick.json).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { Pool } from 'undici';
import { createFourmeSimulator, fourmeDemoCredentials, fourmeSimulatedSettings } from '../src/sources/fourme/simulator.js';
import { createOnomondoSimulator, onomondoDemoCredentials } from '../src/sources/onomondo/simulator.js';
import { createSignicatSimulator, signicatDemoCredentials } from '../src/sources/signicat/simulator.js';
import { createBaselines, createClients, type BaselineOperation } from './baseline.js';
import { measureChecks } from './checks.js';
import {
  callsByEndpoint,
  callsBySource,
  criticalPath,
  isTokenCall,
  now,
  percentile,
  percentiles,
  readCpuMs,
  readRss,
  resetLogs,
  upstreamCalls,
  type Simulators,
  type UpstreamCall,
} from './measure.js';
import { OPERATION_NAMES, TODAY, createOperations, loadSeeds, type Digest, type Operation, type OperationName } from './operations.js';
import { summarizeProfiles } from './profile.js';
import {
  renderTable,
  targetMisses,
  updateReadme,
  writeResults,
  type BaselineResult,
  type BenchResults,
  type OperationResult,
} from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Requests per window the simulators allow during the bench: enough never to answer 429. */
const UNLIMITED = 1_000_000_000;

/** The server checks client tokens as in production (HS256), so its numbers include authentication. */
const AUTH_JWT_SECRET = 'usage-graph-bench-secret-0123456789abcdef';
const REQUEST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: `Bearer ${await new SignJWT({ scope: 'usage:read usage:all' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setExpirationTime('1d')
    .sign(new TextEncoder().encode(AUTH_JWT_SECRET))}`,
};

interface Options {
  quick: boolean;
  latencyMs: number;
  durationS: number;
  samples: number;
  baselineSamples: number;
  warmup: number;
  /** Longest wait after a load phase for the requests cut off at its end to finish on the server. */
  quietWaitMs: number;
  /** Runs started at once to check that batching holds under concurrency (64; 8 in quick runs). */
  burst: number;
  only: OperationName[];
  cpuProf: boolean;
  /** Run the server from a `tsc` build (as deployed) instead of through tsx (as `npm start` does). */
  compiled: boolean;
  /** Print one run's upstream calls as a timeline (ms from the request), critical-path calls marked. */
  trace: boolean;
  serverEnv: Record<string, string>;
  out: string;
  readme: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      latency: { type: 'string' },
      duration: { type: 'string' },
      samples: { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      tsx: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      'server-env': { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      'no-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(
      'npm run bench -- [--quick] [--latency <ms>=20] [--duration <s>=10] [--samples <n>=200] [--only dashboard,sims100,…] ' +
        '[--cpu-prof] [--tsx] [--trace] [--server-env KEY=VALUE]… [--out <path>] [--no-readme]',
    );
    process.exit(0);
  }
  const number = (text: string | undefined, fallback: number, name: string) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got ${JSON.stringify(text)}`);
    return value;
  };
  const quick = values.quick;
  const only = (values.only?.split(',').map((name) => name.trim()) ?? [...OPERATION_NAMES]) as OperationName[];
  const unknown = only.filter((name) => !OPERATION_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown operation(s) ${unknown.join(', ')}; known: ${OPERATION_NAMES.join(', ')}`);
  const serverEnv = Object.fromEntries(
    values['server-env'].map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new Error(`--server-env expects KEY=VALUE, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
  const samples = Math.max(1, Math.round(number(values.samples, quick ? 10 : 200, 'samples')));
  return {
    quick,
    latencyMs: Math.round(number(values.latency, 20, 'latency')),
    durationS: number(values.duration, quick ? 1.5 : 10, 'duration'),
    samples,
    baselineSamples: quick ? 3 : Math.min(samples, 50),
    warmup: quick ? 1 : 10,
    quietWaitMs: quick ? 1_000 : 60_000,
    burst: quick ? 8 : 64,
    only,
    cpuProf: values['cpu-prof'],
    compiled: !values.tsx,
    trace: values.trace,
    serverEnv,
    out: values.out ?? join(ROOT, quick ? 'bench/.tmp/results.quick.json' : 'bench/results.json'),
    readme: !quick && !values['no-readme'] && values.only === undefined && values.out === undefined,
  };
}

const benchStarted = performance.now();
const elapsed = () => `${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)}s`;
const progress = (line: string) => process.stderr.write(`${elapsed()} ${line}\n`);
const tty = process.stderr.isTTY === true;
const status = (line: string) => {
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
};
const endStatus = () => {
  if (tty) process.stderr.write('\r\x1b[K');
};

/** The commit the measured code is at, with `+dirty` when src/ has uncommitted changes. */
function gitDescribe(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// The gateway as a child process.

class ServerProcess {
  static readonly running = new Set<ServerProcess>();
  readonly #log: string[] = [];
  warnings = 0;
  #exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    exited: Promise<void>,
  ) {
    this.#exited = exited;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(
    environment: Record<string, string>,
    cpuProfile: { dir: string } | undefined,
    entry: string[] = ['--import', 'tsx', 'src/server.ts'],
  ): Promise<ServerProcess> {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) =>
          !/^(SIGNICAT_|ONOMONDO_|FOURME_|UPSTREAM_|PAGE_SIZE_|SIMULATOR_|AUTH_|TRUSTED_DOCUMENTS$|PORT$|HOST$|NODE_OPTIONS$)/.test(key),
      ),
    );
    const args = [
      // One profile per thread (Node runs module loaders such as tsx's in a thread of their own): a directory per server.
      ...(cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', cpuProfile.dir] : []),
      ...entry,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...inherited, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const tail: string[] = [];
    let server: ServerProcess | undefined;
    const remember = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        (server ? server.#log : tail).push(line);
        if (server && /"level":"(warn|error)"/.test(line)) server.warnings += 1;
      }
      const log = server ? server.#log : tail;
      if (log.length > 200) log.splice(0, log.length - 200);
    };
    child.stderr?.on('data', remember);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s:\n${tail.join('\n')}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        const match = /Graph(?:iQL|QL) at (\S+)/.exec(text);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (code ${code}) before it started:\n${tail.join('\n')}`));
      });
    });
    server = new ServerProcess(child, url, exited);
    server.#log.push(...tail);
    ServerProcess.running.add(server);
    return server;
  }

  /** How the process ended, when it ended on its own (a crash), e.g. `code 134` or `signal SIGABRT`. */
  get crashed(): string | undefined {
    if (!ServerProcess.running.has(this)) return undefined;
    const { exitCode, signalCode } = this.child;
    if (exitCode === null && signalCode === null) return undefined;
    return signalCode ? `signal ${signalCode}` : `code ${exitCode}`;
  }

  logTail(lines = 20): string {
    return this.#log.slice(-lines).join('\n');
  }

  /**
   * SIGTERM (the server closes and exits, writing its CPU profile if asked for), SIGKILL after 10 s; or at once
   * with SIGKILL when a graceful stop is not needed (quick runs without profiling).
   */
  async stop(graceful = true): Promise<void> {
    if (!ServerProcess.running.delete(this)) return;
    if (this.child.exitCode !== null) return;
    this.child.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(killer);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Concurrency 1: one request at a time, the simulators' logs read after each.

interface StepSample {
  latencyMs: number;
  criticalPathMs: number;
  depth: number;
  calls: UpstreamCall[];
  /** Where the overhead sits: before the first upstream call of the chain, between its calls, after its last. */
  beforeMs: number;
  betweenMs: number;
  afterMs: number;
  startedAt: number;
  chain: Set<UpstreamCall>;
}

/** One step's upstream calls as offsets from the request, `*` on the critical path. */
function timeline(label: string, sample: StepSample): string {
  const rows = [...sample.calls]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((call) => {
      const query = Object.entries(call.query)
        .map(([key, values]) => `${key}=${values.join('|')}`)
        .join('&')
        .slice(0, 90);
      return `    ${sample.chain.has(call) ? '*' : ' '} ${(call.startedAt - sample.startedAt).toFixed(1).padStart(7)} → ${(call.endedAt - sample.startedAt).toFixed(1).padStart(7)} ms  ${call.source} ${call.method} ${call.path}${query ? `?${query}` : ''}`;
    });
  return [
    `  ${label}: ${sample.latencyMs.toFixed(1)} ms end to end, critical path ${sample.criticalPathMs.toFixed(1)} ms over ${sample.depth} calls`,
    ...rows,
  ].join('\n');
}

function stepSample(startedAt: number, endedAt: number, calls: UpstreamCall[]): StepSample {
  const path = criticalPath(calls);
  const first = path.chain[0];
  const last = path.chain.at(-1);
  const latencyMs = endedAt - startedAt;
  const beforeMs = first ? first.startedAt - startedAt : Number.NaN;
  const afterMs = last ? endedAt - last.endedAt : Number.NaN;
  return {
    latencyMs,
    criticalPathMs: path.ms,
    depth: path.chain.length,
    calls,
    beforeMs,
    afterMs,
    betweenMs: latencyMs - path.ms - beforeMs - afterMs,
    startedAt,
    chain: new Set(path.chain),
  };
}

interface RunOutcome {
  steps: StepSample[];
  digest: Digest;
  errors: string[];
}

type Post = (body: string) => Promise<{ status: number; text: string; startedAt: number; endedAt: number }>;

function graphClient(url: string, connections = 1): { post: Post; close(): Promise<void> } {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections });
  return {
    post: async (body) => {
      const started = now();
      const response = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: REQUEST_HEADERS,
        body,
      });
      const text = await response.body.text();
      return { status: response.statusCode, text, startedAt: started, endedAt: now() };
    },
    close: () => pool.close(),
  };
}

function addDigest(total: Digest, part: Digest): void {
  for (const [key, value] of Object.entries(part)) total[key] = (total[key] ?? 0) + value;
}

function compareDigest(actual: Digest, expected: Digest): string[] {
  return Object.keys({ ...expected, ...actual })
    .filter((key) => actual[key] !== expected[key])
    .map((key) => `${key} ${actual[key] ?? 'missing'} (expected ${expected[key] ?? 'none'})`);
}

/** One run of the operation; with `simulators`, each step's upstream calls are read from (and cleared in) their logs. */
async function runGateway(operation: Operation, post: Post, simulators: Simulators | undefined, _trace = false): Promise<RunOutcome> {
  const outcome: RunOutcome = { steps: [], digest: {}, errors: [] };
  let previous: unknown;
  for (let step = 0; step < operation.steps; step++) {
    if (simulators) resetLogs(simulators);
    let request: string;
    try {
      request = JSON.stringify(operation.request(step, previous));
    } catch (error) {
      outcome.errors.push(`step ${step}: ${String(error)}`);
      break;
    }
    let answer: Awaited<ReturnType<Post>>;
    try {
      answer = await post(request);
    } catch (error) {
      outcome.errors.push(`step ${step}: request failed: ${error instanceof Error ? error.message : String(error)}`);
      break;
    }
    const { status, text } = answer;
    outcome.steps.push(stepSample(answer.startedAt, answer.endedAt, simulators ? upstreamCalls(simulators) : []));
    let body: { data?: unknown; errors?: { message: string; path?: unknown[] }[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      outcome.errors.push(`step ${step}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (status !== 200) outcome.errors.push(`step ${step}: HTTP ${status}`);
    for (const error of body.errors ?? []) outcome.errors.push(`step ${step}: ${error.message} at ${JSON.stringify(error.path ?? [])}`);
    if (body.data == null) break;
    previous = body.data;
    try {
      addDigest(outcome.digest, operation.digest(step, body.data));
    } catch (error) {
      outcome.errors.push(`step ${step}: unreadable answer: ${String(error)}`);
    }
  }
  return outcome;
}

async function runBaseline(baseline: BaselineOperation, simulators: Simulators): Promise<RunOutcome> {
  const outcome: RunOutcome = { steps: [], digest: {}, errors: [] };
  for (let step = 0; step < baseline.steps; step++) {
    resetLogs(simulators);
    const started = now();
    try {
      addDigest(outcome.digest, await baseline.run(step));
    } catch (error) {
      outcome.errors.push(`step ${step}: ${String(error)}`);
    }
    outcome.steps.push(stepSample(started, now(), upstreamCalls(simulators)));
  }
  return outcome;
}

interface Sampled {
  runs: RunOutcome[];
  steps: StepSample[];
  errors: number;
  errorMessages: string[];
  digestMismatches: string[];
}

/** Runs until at least `samples` step samples are taken (whole runs), checking every answer. */
async function sample(label: string, samples: number, expected: Digest, run: () => Promise<RunOutcome>): Promise<Sampled> {
  const sampled: Sampled = { runs: [], steps: [], errors: 0, errorMessages: [], digestMismatches: [] };
  let lastShown = 0;
  while (sampled.steps.length < samples) {
    const outcome = await run();
    sampled.runs.push(outcome);
    sampled.steps.push(...outcome.steps);
    const mismatches = compareDigest(outcome.digest, expected);
    if (outcome.errors.length > 0 || mismatches.length > 0) {
      sampled.errors += 1;
      sampled.errorMessages.push(...outcome.errors.slice(0, 3));
      if (sampled.digestMismatches.length === 0) sampled.digestMismatches = mismatches;
    }
    if (now() - lastShown > 250) {
      status(`  ${label}: ${Math.min(sampled.steps.length, samples)}/${samples} samples`);
      lastShown = now();
    }
  }
  endStatus();
  return sampled;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

// ---------------------------------------------------------------------------------------------------------
// Load: autocannon against the server, at a fixed number of connections for a fixed time.

interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
  peakRssMb: number;
  /** Server CPU over the phase: share of one core, and ms per request completed. */
  cpuPercent: number;
  cpuMsPerRequest: number;
  /** This process (simulators and autocannon) over the phase, share of one core: near 100 % the load generator limits. */
  benchCpuPercent: number;
}

let currentLoad: { stop(): void } | undefined;

async function load(
  operation: Operation,
  url: string,
  connections: number,
  durationS: number,
  server: ServerProcess,
  simulators: Simulators,
  quietWaitMs: number,
): Promise<LoadResult> {
  resetLogs(simulators);
  const latencies: number[] = [];
  let graphErrors = 0;
  const headers = REQUEST_HEADERS;
  const verifyBody = (body: unknown) => {
    const text = String(body);
    const ok = text.startsWith('{"data"') && !text.includes('"errors"');
    if (!ok) graphErrors += 1;
    return ok;
  };
  const requests: autocannon.Request[] | undefined =
    operation.steps === 1
      ? undefined
      : Array.from({ length: operation.steps }, (_, step) => ({
          method: 'POST' as const,
          headers,
          setupRequest: (request: autocannon.Request, context: object) => {
            try {
              return { ...request, body: JSON.stringify(operation.request(step, (context as { previous?: unknown }).previous)) };
            } catch {
              // A falsy value restarts the walk from its first page; autocannon counts it in `resets`.
              return undefined as unknown as autocannon.Request;
            }
          },
          onResponse: (_status: number, body: string, context: object) => {
            try {
              (context as { previous?: unknown }).previous = (JSON.parse(body) as { data?: unknown }).data;
            } catch {
              (context as { previous?: unknown }).previous = undefined;
            }
          },
        }));
  let finish: (error: Error | null, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url,
      connections,
      duration: durationS,
      timeout: 60,
      method: 'POST',
      headers,
      ...(requests ? { requests } : { body: JSON.stringify(operation.request(0, undefined)) }),
      verifyBody,
    },
    (error, result) => finish(error, result),
  );
  currentLoad = instance;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  let peakRssMb = 0;
  const cpuBefore = await readCpuMs(server.pid);
  const ownCpuBefore = process.cpuUsage();
  const started = now();
  const ticker = setInterval(() => {
    void readRss(server.pid).then((rss) => {
      if (!rss) return;
      peakRssMb = Math.max(peakRssMb, rss.rssMb);
      const elapsed = (now() - started) / 1000;
      status(`  load @${connections}: ${elapsed.toFixed(0)}/${durationS} s, ${latencies.length} requests, RSS ${rss.rssMb.toFixed(0)} MB`);
    });
  }, 250);
  const result = await finished;
  const elapsedS = (now() - started) / 1000;
  const cpuAfter = await readCpuMs(server.pid);
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : Number.NaN;
  clearInterval(ticker);
  currentLoad = undefined;
  endStatus();
  // Requests cut off at the end still run on the server: let the upstreams go quiet before the next phase.
  let logged = -1;
  for (let waited = 0; waited < quietWaitMs; waited += 250) {
    const count = Object.values(simulators).reduce((n, simulator) => n + simulator.requests().length, 0);
    if (count === logged) break;
    logged = count;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  resetLogs(simulators);
  const { p50, p95, p99 } = percentiles(latencies);
  return {
    requests: latencies.length,
    rps: latencies.length / elapsedS,
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    errors: {
      connectionErrors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      graphqlErrors: graphErrors,
      resets: result.resets,
    },
    peakRssMb,
    cpuPercent: (100 * cpuMs) / (elapsedS * 1000),
    cpuMsPerRequest: cpuMs / Math.max(1, latencies.length),
    benchCpuPercent: (ownCpu.user + ownCpu.system) / 10 / (elapsedS * 1000),
  };
}

// ---------------------------------------------------------------------------------------------------------
// A burst: `concurrency` runs started at once and all awaited, so every upstream call in the logs belongs to one
// of them. Shows whether batching holds when many operations interleave (DataLoader batches are per tick).

interface BurstResult {
  callsPerOperation: number;
  callsByEndpoint: Record<string, number>;
  failedRuns: number;
  errorMessages: string[];
}

async function burst(operation: Operation, url: string, concurrency: number, simulators: Simulators): Promise<BurstResult> {
  resetLogs(simulators);
  const client = graphClient(url, concurrency);
  try {
    const outcomes = await Promise.all(Array.from({ length: concurrency }, () => runGateway(operation, client.post, undefined)));
    const calls = upstreamCalls(simulators);
    resetLogs(simulators);
    const failed = outcomes.filter((outcome) => outcome.errors.length > 0 || compareDigest(outcome.digest, operation.expected).length > 0);
    return {
      callsPerOperation: calls.length / concurrency,
      callsByEndpoint: Object.fromEntries([...callsByEndpoint(calls)].map(([endpoint, count]) => [endpoint, count / concurrency])),
      failedRuns: failed.length,
      errorMessages: failed.flatMap((outcome) => [...outcome.errors, ...compareDigest(outcome.digest, operation.expected)]).slice(0, 3),
    };
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options();
  const wallStarted = now();
  const seeds = loadSeeds(TODAY);
  const operations = createOperations(seeds);
  const selected = opts.only.map((name) => operations[name]);

  const simulatorOptions = { today: TODAY, latencyMs: opts.latencyMs };
  const simulators: Simulators = {
    signicat: createSignicatSimulator(simulatorOptions),
    onomondo: createOnomondoSimulator({ ...simulatorOptions, rateLimit: UNLIMITED }),
    fourme: createFourmeSimulator({ ...simulatorOptions, rateLimit: UNLIMITED }),
  };
  const stopSimulators = () => Promise.all(Object.values(simulators).map((simulator) => simulator.stop()));
  const shutdown = async () => {
    currentLoad?.stop();
    await Promise.all([...ServerProcess.running].map((server) => server.stop()));
    await stopSimulators();
  };
  process.once('SIGINT', () => {
    progress('\ninterrupted: stopping the server and simulators');
    void shutdown().finally(() => process.exit(130));
  });
  process.once('SIGTERM', () => void shutdown().finally(() => process.exit(143)));
  process.on('exit', () => {
    for (const server of ServerProcess.running) server.child.kill('SIGKILL');
  });

  try {
    const [signicatUrl, onomondoUrl, fourmeUrl] = await Promise.all([
      simulators.signicat.start(),
      simulators.onomondo.start(),
      simulators.fourme.start(),
    ]);
    const serverEnvironment: Record<string, string> = {
      PAGE_SIZE_MAX: '1000',
      // One subject sends the whole load: its budget is checked and charged on every call, but never runs out.
      MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE: '1000000000',
      ...opts.serverEnv,
    };
    const environment: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      SIMULATOR_TODAY: TODAY,
      SIGNICAT_BASE_URL: signicatUrl,
      SIGNICAT_CLIENT_ID: signicatDemoCredentials.clientId,
      SIGNICAT_CLIENT_SECRET: signicatDemoCredentials.clientSecret,
      ONOMONDO_BASE_URL: onomondoUrl,
      ONOMONDO_API_KEY: onomondoDemoCredentials.apiKey,
      FOURME_BASE_URL: fourmeSimulatedSettings(fourmeUrl).baseUrl,
      FOURME_TOKEN: fourmeDemoCredentials.token,
      FOURME_ACCOUNT: fourmeDemoCredentials.account,
      AUTH_JWT_SECRET,
      ...serverEnvironment,
    };
    progress(
      `usage-graph bench${opts.quick ? ' (quick)' : ''}: ${selected.map((op) => op.name).join(', ')}; ` +
        `upstream latency ${opts.latencyMs} ms, ${opts.samples} samples at concurrency 1, ${opts.durationS} s at 16 and at 64 connections`,
    );

    // The direct-REST baseline, in this process.
    const clients = createClients({ signicat: signicatUrl, onomondo: onomondoUrl, fourme: fourmeUrl });
    const baselines = createBaselines(seeds, clients);
    const baselineResults = new Map<OperationName, BaselineResult>();
    for (const operation of selected) {
      const baseline = baselines[operation.name];
      for (let i = 0; i < opts.warmup; i++) await runBaseline(baseline, simulators);
      const sampled = await sample(`baseline ${operation.name}`, opts.baselineSamples, operation.expected, () =>
        runBaseline(baseline, simulators),
      );
      const result: BaselineResult = {
        calls: Math.max(...sampled.runs.map((run) => run.steps.reduce((n, step) => n + step.calls.length, 0))),
        p50Ms: percentile(
          sampled.steps.map((step) => step.latencyMs),
          50,
        ),
        p95Ms: percentile(
          sampled.steps.map((step) => step.latencyMs),
          95,
        ),
        criticalPathP50Ms: median(sampled.steps.map((step) => step.criticalPathMs)),
        criticalPathDepth: median(sampled.steps.map((step) => step.depth)),
        overheadP50Ms: median(sampled.steps.map((step) => step.latencyMs - step.criticalPathMs)),
        samples: sampled.steps.length,
        digestMismatches: [...sampled.digestMismatches, ...sampled.errorMessages.slice(0, 3)],
      };
      baselineResults.set(operation.name, result);
      progress(`baseline ${operation.name}: ${result.calls} calls, p50 ${result.p50Ms.toFixed(1)} ms`);
    }
    await clients.close();

    // Others may edit src/ while a run goes on: every server of this run starts from one copy taken now.
    const snapshot = join(ROOT, 'bench/.tmp/snapshot');
    await rm(snapshot, { recursive: true, force: true });
    await cp(join(ROOT, 'src'), join(snapshot, 'src'), { recursive: true });
    let entry = ['--import', 'tsx', join(snapshot, 'src/server.ts')];
    if (opts.compiled) {
      const outDir = join(snapshot, 'dist');
      await writeFile(
        join(snapshot, 'tsconfig.json'),
        JSON.stringify({
          extends: join(ROOT, 'tsconfig.build.json'),
          compilerOptions: { rootDir: 'src', outDir: 'dist' },
          include: ['src'],
        }),
      );
      progress(`compiling the snapshot of src/ with tsc into ${outDir}`);
      const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(snapshot, 'tsconfig.json')], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      // tsc emits despite type errors; a missing entry point shows when the server does not start.
      if (build.status !== 0) progress(`tsc reported problems (emitted anyway):\n${build.stdout.slice(0, 2000)}`);
      // As `npm run serve` runs it: the same node flags (the heap cap) in front of the built entry point.
      entry = [...serveNodeFlags(), join(outDir, 'server.js')];
    }

    const runStamp = new Date().toISOString().replace(/[:.]/g, '-');
    const profileDir = join(ROOT, 'bench/.tmp/profiles', runStamp);
    if (opts.cpuProf) await mkdir(profileDir, { recursive: true });

    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        quick: opts.quick,
        latencyMs: opts.latencyMs,
        loadDurationS: opts.durationS,
        samples: opts.samples,
        today: TODAY,
        machine: {
          cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
          cores: os.availableParallelism(),
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          os: `${os.type()} ${os.release()} ${os.arch()}`,
          node: process.versions.node,
        },
        commit: gitDescribe(),
        serverEnvironment,
        serverCommand: opts.compiled
          ? `node ${serveNodeFlags().join(' ')} dist/server.js (as npm run serve; tsc build of a copy of src/)`
          : 'node --import tsx src/server.ts (as npm start; run from a copy of src/ taken at the start)',
        simulatorRateLimits:
          'Simulator rate limits lifted for every phase (Onomondo 600/min and 4me 3600/h raised to 1e9; Signicat has none), so the load measures the gateway, not the vendors’ quotas.',
      },
      operations: {},
    };

    results.meta.checks = await measureChecks(selected, opts.quick ? 200 : 2000);
    progress(
      `safety checks per request: authentication ${results.meta.checks.authenticationUs.toFixed(0)} µs, client budget ${results.meta.checks.clientBudgetUs.toFixed(1)} µs, planning ` +
        Object.entries(results.meta.checks.planning)
          .map(([name, plan]) => `${name} ${plan.us.toFixed(0)} µs (${plan.estimatedCalls} calls estimated)`)
          .join(', '),
    );

    for (const operation of selected) {
      progress(`${operation.name}: ${operation.title}`);
      const server = await ServerProcess.start(environment, opts.cpuProf ? { dir: join(profileDir, operation.name) } : undefined, entry);
      const client = graphClient(server.url);
      let result: OperationResult;
      try {
        const idle = await readRss(server.pid);
        for (let i = 0; i < opts.warmup; i++) await runGateway(operation, client.post, simulators);
        const warm = await readRss(server.pid);
        progress(
          `  server pid ${server.pid}: RSS ${idle?.rssMb.toFixed(0) ?? '?'} MB at start, ${warm?.rssMb.toFixed(0) ?? '?'} MB after ${opts.warmup} warm-up runs`,
        );
        const sampled = await sample(`${operation.name} @1`, opts.samples, operation.expected, () =>
          runGateway(operation, client.post, simulators),
        );
        if (opts.trace) {
          const traced = await runGateway(operation, client.post, simulators, true);
          for (const [step, sample] of traced.steps.entries()) progress(timeline(`${operation.name} step ${step}`, sample));
        }
        const latencies = sampled.steps.map((step) => step.latencyMs);
        const overheads = sampled.steps.map((step) => step.latencyMs - step.criticalPathMs);
        const runCalls = sampled.runs.map((run) => run.steps.flatMap((step) => step.calls));
        const largest = runCalls.reduce((a, b) => (b.length > a.length ? b : a), [] as UpstreamCall[]);
        const { p50, p95, p99 } = percentiles(latencies);
        progress(
          `  @1: p50 ${p50.toFixed(1)} ms, overhead p50 ${median(overheads).toFixed(2)} ms ` +
            `(before first call ${median(sampled.steps.map((step) => step.beforeMs)).toFixed(1)}, between calls ${median(sampled.steps.map((step) => step.betweenMs)).toFixed(1)}, ` +
            `after last call ${median(sampled.steps.map((step) => step.afterMs)).toFixed(1)}), ${largest.length} calls (min ${operation.minCalls.total})` +
            (sampled.errors > 0 ? `, ${sampled.errors} failed runs: ${sampled.errorMessages[0] ?? sampled.digestMismatches[0]}` : ''),
        );
        const burst64 = await burst(operation, server.url, opts.burst, simulators);
        progress(
          `  burst of ${opts.burst} at once: ${burst64.callsPerOperation.toFixed(2)} calls per operation` +
            (burst64.failedRuns > 0 ? `, ${burst64.failedRuns} failed: ${burst64.errorMessages[0] ?? ''}` : ''),
        );
        const skipped: LoadResult = {
          requests: 0,
          rps: Number.NaN,
          p50Ms: Number.NaN,
          p95Ms: Number.NaN,
          p99Ms: Number.NaN,
          errors: {},
          peakRssMb: 0,
          cpuPercent: Number.NaN,
          cpuMsPerRequest: Number.NaN,
          benchCpuPercent: Number.NaN,
        };
        const loadable = opts.durationS > 0 && server.crashed === undefined;
        const at16 = loadable ? await load(operation, server.url, 16, opts.durationS, server, simulators, opts.quietWaitMs) : skipped;
        if (loadable)
          progress(
            `  @16: ${at16.rps.toFixed(1)} req/s, p95 ${at16.p95Ms.toFixed(0)} ms, server CPU ${at16.cpuPercent.toFixed(0)}% (${at16.cpuMsPerRequest.toFixed(1)} ms per request), bench CPU ${at16.benchCpuPercent.toFixed(0)}%, RSS ${at16.peakRssMb.toFixed(0)} MB`,
          );
        const at64 =
          loadable && server.crashed === undefined
            ? await load(operation, server.url, 64, opts.durationS, server, simulators, opts.quietWaitMs)
            : skipped;
        const rss = await readRss(server.pid);
        if (loadable)
          progress(
            `  @64: ${at64.rps.toFixed(1)} req/s, p95 ${at64.p95Ms.toFixed(0)} ms, server CPU ${at64.cpuPercent.toFixed(0)}% (${at64.cpuMsPerRequest.toFixed(1)} ms per request), bench CPU ${at64.benchCpuPercent.toFixed(0)}%, peak RSS ${(rss?.hwmMb ?? Number.NaN).toFixed(0)} MB`,
          );
        const loadErrors = (phase: LoadResult) => Object.values(phase.errors).reduce((n, count) => n + count, 0);
        const errorDetails: Record<string, number> = {
          failedRunsAt1: sampled.errors,
          [`failedRunsInBurst${opts.burst}`]: burst64.failedRuns,
          ...Object.fromEntries(Object.entries(at16.errors).map(([key, n]) => [`${key}At16`, n])),
          ...Object.fromEntries(Object.entries(at64.errors).map(([key, n]) => [`${key}At64`, n])),
          serverWarnings: server.warnings,
        };
        result = {
          title: operation.title,
          calls: largest.length,
          minCalls: operation.minCalls.total,
          p50Ms: p50,
          p95Ms: p95,
          p99Ms: p99,
          overheadP50Ms: median(overheads),
          rps16: at16.rps,
          rps64: at64.rps,
          p95At64Ms: at64.p95Ms,
          rssMb: rss?.hwmMb ?? Math.max(at16.peakRssMb, at64.peakRssMb),
          rssAtStartMb: idle?.rssMb ?? Number.NaN,
          rssAfterWarmupMb: warm?.rssMb ?? Number.NaN,
          peakRssAt16Mb: at16.peakRssMb,
          errors: sampled.errors + burst64.failedRuns + loadErrors(at16) + loadErrors(at64),
          timingUnit: operation.steps > 1 ? 'page request' : 'operation',
          callsBySource: callsBySource(largest),
          minCallsBySource: operation.minCalls.bySource,
          minCallsDerivation: operation.minCalls.derivation,
          callsByEndpoint: Object.fromEntries(callsByEndpoint(largest)),
          callsPerOperationAt64: burst64.callsPerOperation,
          callsByEndpointAt64: burst64.callsByEndpoint,
          criticalPathP50Ms: median(sampled.steps.map((step) => step.criticalPathMs)),
          criticalPathDepth: median(sampled.steps.map((step) => step.depth)),
          overheadP95Ms: percentile(overheads, 95),
          overheadSplitP50Ms: {
            beforeFirstCall: median(sampled.steps.map((step) => step.beforeMs)),
            betweenCalls: median(sampled.steps.map((step) => step.betweenMs)),
            afterLastCall: median(sampled.steps.map((step) => step.afterMs)),
          },
          p95At16Ms: at16.p95Ms,
          p50At64Ms: at64.p50Ms,
          serverCpuPercentAt64: at64.cpuPercent,
          serverCpuMsPerRequestAt16: at16.cpuMsPerRequest,
          serverCpuMsPerRequestAt64: at64.cpuMsPerRequest,
          benchCpuPercentAt64: at64.benchCpuPercent,
          samples: sampled.steps.length,
          errorDetails,
          digestMismatches: [...sampled.digestMismatches, ...[...new Set(sampled.errorMessages)].slice(0, 3)],
          baseline: baselineResults.get(operation.name) as BaselineResult,
        };
        if (burst64.failedRuns > 0) result.digestMismatches.push(...burst64.errorMessages.map((message) => `burst: ${message}`));
        const crash = server.crashed;
        if (crash) {
          result.errorDetails.serverCrashed = 1;
          result.errors += 1;
          result.digestMismatches.push(`the server died (${crash}): ${server.logTail(3)}`);
          progress(`  the server died (${crash}); last lines:\n${server.logTail(10)}`);
        }
        if (server.warnings > 0) progress(`  server logged ${server.warnings} warnings/errors; last lines:\n${server.logTail(5)}`);
      } finally {
        await client.close();
        await server.stop(!opts.quick || opts.cpuProf);
      }
      if (opts.cpuProf) {
        const summary = await summarizeProfiles(join(profileDir, operation.name)).catch((error: unknown) => [
          `no profile: ${String(error)}`,
        ]);
        result.profile = summary;
        progress(summary.map((line) => `  profile ${line}`).join('\n'));
      }
      results.operations[operation.name] = result;
    }

    results.meta.wallTimeS = (now() - wallStarted) / 1000;
    await writeResults(opts.out, results);
    const misses = targetMisses(results);
    console.log(renderTable(results));
    console.log('');
    console.log(misses.length === 0 ? 'All targets met.' : `Targets missed:\n${misses.map((miss) => `- ${miss}`).join('\n')}`);
    progress(`\nwrote ${opts.out}${opts.cpuProf ? ` and CPU profiles in ${profileDir}` : ''} (${Math.round(results.meta.wallTimeS)} s)`);
    if (opts.readme && (await updateReadme(join(ROOT, 'bench/README.md'), results))) progress('updated bench/README.md');
    // Timings never fail a run; wrong answers, failed concurrency-1 or burst runs and a dead server do.
    const broken = Object.entries(results.operations).filter(
      ([, op]) => op.digestMismatches.length > 0 || op.baseline.digestMismatches.length > 0 || op.errorDetails.serverCrashed,
    );
    if (broken.length > 0) {
      progress(`wrong answers or failed runs in: ${broken.map(([name]) => name).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await shutdown();
  }
}

main().catch((error: unknown) => {
  endStatus();
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
  void Promise.all([...ServerProcess.running].map((server) => server.stop())).finally(() => process.exit(1));
});

/** The node flags of `npm run serve` (`node <flags> dist/server.js`), so the bench measures the server as operators run it. */
function serveNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  return (scripts['serve'] ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
}
