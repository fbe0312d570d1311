import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../support/gateway.js';

const graph = useTestGateway({ MAX_CONCURRENT_OPERATIONS: '2' });

/** The most requests the simulator was serving at one instant. */
function peakOverlap(requests: { startedAt: number; endedAt: number }[]): number {
  const events = requests.flatMap((request) => [
    { at: request.startedAt, change: 1 },
    { at: request.endedAt, change: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.change - b.change);
  let current = 0;
  let peak = 0;
  for (const event of events) peak = Math.max(peak, (current += event.change));
  return peak;
}

describe('admission limit', () => {
  it('executes at most MAX_CONCURRENT_OPERATIONS operations at once; the rest wait and all complete', async () => {
    graph.simulators.onomondo.configure({ latencyMs: 40 });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        graph.query<{ sims: { nodes: { iccid: string }[] } }>(`{ sims(first: ${i + 1}) { nodes { iccid } } }`),
      ),
    );
    graph.simulators.onomondo.configure({ latencyMs: 0 });

    expect(answers.map((answer) => answer.data?.sims.nodes.length)).toEqual([1, 2, 3, 4, 5, 6]);
    const requests = graph.simulators.onomondo.requests();
    expect(requests).toHaveLength(6);
    expect(peakOverlap(requests)).toBe(2);
  });

  it('keeps /health out of the line: it answers while both slots are busy', async () => {
    graph.simulators.onomondo.configure({ latencyMs: 300 });
    let busyOperationsDone = false;
    const busy = Promise.all([
      graph.query('{ sims(first: 1) { nodes { iccid } } }'),
      graph.query('{ sims(first: 2) { nodes { iccid } } }'),
    ]).then(() => (busyOperationsDone = true));
    const health = await fetch(new URL('/health', graph.gateway.url));
    const answeredWhileBusy = !busyOperationsDone;
    await busy;
    graph.simulators.onomondo.configure({ latencyMs: 0 });

    expect(health.status).toBe(200);
    expect(answeredWhileBusy).toBe(true);
  });
});
