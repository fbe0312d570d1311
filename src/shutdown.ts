import cluster from 'node:cluster';
import type { Logger } from './log.js';

/**
 * What the cluster primary sends a worker to drain it: a message rather than a signal, so that a terminal's Ctrl-C,
 * which signals every process of the group, does not reach a worker twice.
 */
export const SHUTDOWN_MESSAGE = 'usage-graph:shutdown';

/**
 * Runs `shutdown` once on SIGTERM or SIGINT (and, in a cluster worker, on the primary's message or when the primary
 * is gone), then exits with its code. A second signal while it runs exits at once with code 1: the operator insists.
 */
export function onShutdown(shutdown: () => Promise<number>, log: Logger): void {
  let started = false;
  const begin = (reason: string) => {
    if (started) return;
    started = true;
    log.info({ reason, pid: process.pid }, 'shutting down');
    shutdown().then(
      (code) => process.exit(code),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Only a second signal insists: a worker may hear the primary before the terminal's Ctrl-C that caused it.
    if (!signalled) {
      signalled = true;
      return begin(signal);
    }
    log.warn({ signal, pid: process.pid }, 'second signal: exiting without waiting');
    process.exit(1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  if (cluster.isWorker) {
    process.on('message', (message) => {
      if (message === SHUTDOWN_MESSAGE) begin('primary');
    });
    process.once('disconnect', () => begin('primary gone'));
  }
}
