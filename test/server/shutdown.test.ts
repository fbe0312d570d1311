import { createServer, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOnomondoSimulator, onomondoDemoCredentials } from '../../src/sources/onomondo/simulator.js';
import type { Simulator } from '../../src/simulator/server.js';
import { TEST_TODAY } from '../support/gateway.js';
import { postOperation, rawRequest, ready } from '../support/http.js';
import { cleanEnvironment, freePort, spawnNpm, type NpmProcess } from '../support/process.js';

/**
 * The Onomondo simulator behind a gate: each request is held until `open()`, and `arrived` resolves when the first
 * one comes in. It tells the test for certain that an operation is in flight, with no guessing at timings.
 */
async function gatedOnomondo(): Promise<{ url: string; arrived: Promise<void>; open(): void; stop(): Promise<void> }> {
  const simulator: Simulator = createOnomondoSimulator({ today: TEST_TODAY });
  const upstream = await simulator.start();
  let signalArrival!: () => void;
  let open!: () => void;
  const arrived = new Promise<void>((resolve) => (signalArrival = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  const gate: Server = createServer((request, response) => {
    signalArrival();
    void opened.then(async () => {
      const answer = await fetch(new URL(request.url ?? '/', upstream), {
        headers: { authorization: request.headers.authorization ?? '' },
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(gate.address() as AddressInfo).port}`,
    arrived,
    open,
    async stop() {
      gate.closeAllConnections();
      await new Promise((resolve) => gate.close(resolve));
      await simulator.stop();
    },
  };
}

const SLOW_OPERATION = '{ sims(first: 2) { nodes { iccid } } }';

describe('shutdown on SIGTERM', () => {
  let server: NpmProcess | undefined;
  let onomondo: Awaited<ReturnType<typeof gatedOnomondo>> | undefined;

  afterEach(async () => {
    await server?.stop();
    await onomondo?.stop();
  });

  async function start(environment: Record<string, string>): Promise<string> {
    onomondo = await gatedOnomondo();
    server = spawnNpm(
      ['start'],
      cleanEnvironment({
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        SIMULATOR_TODAY: TEST_TODAY,
        LOG_LEVEL: 'silent',
        ONOMONDO_BASE_URL: onomondo.url,
        ONOMONDO_API_KEY: onomondoDemoCredentials.apiKey,
        AUTH_MODE: 'anonymous',
        ...environment,
      }),
    );
    const [, url] = await server.waitFor(/Graph(?:i)?QL at (http:\/\/\S+)/, 25_000);
    return url!;
  }

  it('finishes the operation in flight with data while /ready says 503 and new connections are refused, then exits 0', async () => {
    const url = await start({ SHUTDOWN_GRACE_MS: '20000' });
    // A connection opened before the signal: the drain keeps it, so /ready can be asked over it.
    const established = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await ready(url, established);
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('ready');

    const operation = postOperation<{ sims: { nodes: { iccid: string }[] } }>(url, SLOW_OPERATION);
    await onomondo!.arrived;
    process.kill(before.body.pid, 'SIGTERM');

    let during = await ready(url, established);
    // The signal lands asynchronously: until it does, the connection stays open for another ask.
    while (during.status === 200) during = await ready(url, established);
    expect(during.status).toBe(503);
    expect(during.body.status).toBe('draining');
    await expect(rawRequest(new URL('/health', url))).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    onomondo!.open();
    const answer = await operation;
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.sims.nodes).toHaveLength(2);
    expect(await server!.exited()).toBe(0);
    established.destroy();
  });

  it('exits 1 once SHUTDOWN_GRACE_MS has passed with an operation still in flight', async () => {
    const url = await start({ SHUTDOWN_GRACE_MS: '200' });
    const { body } = await ready(url);
    const cutOff = expect(postOperation(url, SLOW_OPERATION)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await onomondo!.arrived;
    process.kill(body.pid, 'SIGTERM');

    expect(await server!.exited()).toBe(1);
    await cutOff;
  });
});
