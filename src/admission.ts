import type { Plugin } from 'graphql-yoga';

/**
 * Admits at most `limit` GraphQL requests at a time; the rest wait in line, holding nothing but their socket.
 * One Node thread gains no throughput from more concurrent operations than it can keep busy, while each
 * admitted operation holds its upstream answers and result tree in memory: the cap bounds memory under load.
 */
export function useAdmissionLimit(limit: number, graphqlEndpoint: string): Plugin {
  let running = 0;
  const waiting: (() => void)[] = [];
  const admitted = new WeakSet<Request>();
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    async onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint) return;
      admitted.add(request);
      if (running < limit) {
        running += 1;
        return;
      }
      // A released slot passes straight to the next in line, so `running` never drops below the queue's need.
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    onResponse({ request }) {
      if (!admitted.delete(request)) return;
      release();
    },
  };
}
