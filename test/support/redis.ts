import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { InfraLogger } from '../../src/redis.js';
import { freePort } from './process.js';

/** A logger that keeps its lines for assertions. */
export function recordingLogger(): InfraLogger & { lines: { level: 'warn' | 'info'; message: string }[] } {
  const lines: { level: 'warn' | 'info'; message: string }[] = [];
  return {
    lines,
    warn: (_fields, message) => lines.push({ level: 'warn', message }),
    info: (message) => lines.push({ level: 'info', message }),
  };
}

/** A real `redis-server` of this test file's own, on a free loopback port, persisting nothing. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: Redis vanishes mid-run, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (nothing was persisted). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis hangs with its connections open, then goes on. */
  freeze(): void;
  thaw(): void;
  /** A plain client for inspecting what the code under test stored. */
  inspect(): Redis;
  stop(): Promise<void>;
}

const MISSING = 'redis-server is not installed: the cache and budget tests need a real one (`apt-get install -y redis-server`).';

export async function startRedisServer(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) throw new Error(MISSING);
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'usage-graph-redis-'));
  const clients: Redis[] = [];
  let child = await launch(port, directory);

  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  const halt = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill(signal);
    await exited;
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGKILL');
      child = await launch(port, directory);
    },
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    inspect() {
      const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await halt('SIGTERM');
      process.off('exit', onExit);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, directory: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) finish(resolve);
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    const fail = (error: Error) => finish(() => reject(error.message.includes('ENOENT') ? new Error(MISSING) : error));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', fail);
      settle();
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', fail);
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}
