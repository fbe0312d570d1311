import type { Loaded, ReadRequest } from '../../src/cache/read-cache.js';
import { systemClock, type Clock } from '../../src/upstream/clock.js';

/** The failure the test loaders throw; `request()` lets it be answered stale. */
export class VendorDown extends Error {}

/** A loader that counts its calls, answers `{ n: <call number> }` (or fails), and can be held until released. */
export function countingLoader(options: { fail?: boolean; held?: Promise<unknown> } = {}) {
  const loader = {
    calls: 0,
    async load(): Promise<Loaded<{ n: number }>> {
      loader.calls += 1;
      const n = loader.calls;
      await options.held;
      if (options.fail === true) throw new VendorDown(`down (call ${n})`);
      return { value: { n }, serialized: JSON.stringify({ n }) };
    },
  };
  return loader;
}

/** A read over `load`: fresh 1 s, then 5 s stale, which {@link VendorDown} failures may be answered from. */
export const request = (
  load: () => Promise<Loaded<{ n: number }>>,
  overrides: Partial<ReadRequest<{ n: number }>> = {},
): ReadRequest<{ n: number }> => ({
  ttl: { freshMs: 1000, staleMs: 5000 },
  load,
  decode: (serialized) => JSON.parse(serialized) as { n: number },
  serveStale: (error) => error instanceof VendorDown,
  ...overrides,
});

/** Resolves after every pending promise callback has run (the reads' store lookups are all microtasks). */
export const afterMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The real clock, resolving `polled` when a read first waits for another replica's load (its first sleep). */
export function pollingClock(): { clock: Clock; polled: Promise<void> } {
  let onPoll = () => {};
  const polled = new Promise<void>((resolve) => (onPoll = resolve));
  return {
    clock: {
      now: systemClock.now,
      sleep: (ms, signal) => {
        onPoll();
        return systemClock.sleep(ms, signal);
      },
    },
    polled,
  };
}
