import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every variable `loadConfig` (or the logger) reads, so a developer's own settings never leak into a spawned server. */
const CONFIG_VARIABLE =
  /^(PORT|HOST|LOG_\w+|AUTH_\w+|MAX_\w+|WORKERS|SHUTDOWN_GRACE_MS|COMPRESSION_THRESHOLD_BYTES|OPERATION_TIMEOUT_MS|CORS_ORIGINS|GRAPHIQL|INTROSPECTION|TRUSTED_DOCUMENTS|CACHE|CACHE_\w+|REDIS_\w+|CURSOR_SECRET|SIGNICAT_\w+|ONOMONDO_\w+|FOURME_\w+|UPSTREAM_\w+|PAGE_SIZE_\w+|SIMULATOR_\w+|METRICS_\w+|OTEL_\w+)$/;

/** The environment of a spawned server: no metrics listener (its fixed default port) unless a test asks for one. */
export function cleanEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLE.test(name)));
  return { ...inherited, METRICS_PORT: 'off', ...overrides };
}

/** A loopback port nothing listens on right now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface NpmProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Exit code (or signal name); resolves at once if it already exited. */
  exited(): Promise<number | string>;
  /** SIGTERM to the whole process group (npm, its shell, tsx, node), SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * `npm <args>` in its own process group, so stopping it reaches the server behind npm and tsx; a process-exit
 * hook kills the group too, in case the test process dies before `stop()`.
 */
export function spawnNpm(args: string[], env: NodeJS.ProcessEnv): NpmProcess {
  const child = spawn('npm', args, { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let finished = false;
  void exit.then(() => (finished = true));

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  void exit.then(() => process.off('exit', onExit));

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) finish(() => resolve(match));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; stderr:\n${err}`))), timeoutMs);
        const onExitEarly = (code: number | string) =>
          finish(() => reject(new Error(`exited (${code}) before ${pattern}; stderr:\n${err}`)));
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          settle();
        };
        child.stdout!.on('data', check);
        void exit.then(onExitEarly);
        check();
      });
    },
    exited: () => exit,
    async stop(graceMs = 5000) {
      if (!finished) killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      // npm may exit before its children: make sure nothing of the group outlives it.
      killGroup('SIGKILL');
      return code;
    },
  };
}
