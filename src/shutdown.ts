import cluster from 'node:cluster';
import { log } from './log.js';

/**
 * What the cluster primary sends a worker to drain it: a message rather than a signal, so that a terminal's Ctrl-C,
 * which signals every process of the group, does not reach a worker twice.
 */
export const SHUTDOWN_MESSAGE = 'usage-graph:shutdown';

/**
 * Runs `shutdown` once on SIGTERM or SIGINT (and, in a cluster worker, on the primary's message or when the primary
 * is gone), then exits with its code. A second signal while it runs exits at once with code 1: the operator insists.
 */
export function onShutdown(shutdown: () => Promise<number>): void {
  let started = false;
  const begin = (reason: string) => {
    if (started) return;
    started = true;
    log.info('shutting down', { reason, pid: process.pid });
    shutdown().then(
      (code) => process.exit(code),
      (error: unknown) => {
        log.error('shutdown failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
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
    log.warn('second signal: exiting without waiting', { signal, pid: process.pid });
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
