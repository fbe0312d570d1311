import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import { sourceNames, type SourceName } from './sources/registry.js';
import type { UpstreamHealth } from './upstream/http.js';

/** Where the process is in its life: `/ready` answers 200 only while `ready`. */
export type Phase = 'starting' | 'ready' | 'draining';

/** Something besides the vendors that the gateway talks to (Redis, once configured), checked on every `/ready`. */
export interface DependencyCheck {
  name: string;
  /**
   * Whether the gateway cannot serve while the check fails, so that `/ready` answers 503. A dependency the gateway
   * can do without for a while (a shared cache it replaces with its own memory) is reported only.
   */
  required: boolean;
  /** Resolves when the dependency answers; rejects with a message fit for the response body (no secrets) when not. */
  check(signal: AbortSignal): Promise<void>;
}

/** A vendor as `/ready` reports it. An open breaker does not make the gateway unready: see {@link Readiness}. */
export interface VendorReport {
  /** Served by an embedded simulator with demo data (no base URL configured). */
  simulated: boolean;
  /** `open` while any of the vendor's APIs fails calls fast (including its half-open probe). */
  breaker: 'open' | 'closed';
  /** The vendor's most recent failed call, as `extensions.code` named it. */
  lastError: { code: string; at: string } | null;
}

/** The body of `/ready`. */
export interface ReadinessReport {
  status: Phase;
  /** Process id of the worker that answered: with `WORKERS` > 1, which one it was. */
  pid: number;
  vendors: Record<SourceName, VendorReport>;
  /** One entry per configured dependency; empty when there is none. */
  dependencies: Record<string, { ok: true } | { ok: false; error: string }>;
}

export interface ReadinessOptions {
  /** Live health of every upstream (a vendor may have several APIs, e.g. Signicat's token, usage and accounts). */
  upstreams: () => readonly UpstreamHealth[];
  simulated: ReadonlySet<string>;
  dependencies: readonly DependencyCheck[];
  /** Longest wait for one dependency's check before it counts as failed. @default 2000 */
  dependencyTimeoutMs?: number;
}

/**
 * Readiness of this process for traffic: 503 while starting or draining and while a required dependency fails. Vendors are
 * reported but never make the gateway unready: every replica reaches the same vendors, so taking replicas out of a
 * load balancer for a vendor outage would turn partial answers into none.
 */
export class Readiness {
  #phase: Phase = 'starting';

  constructor(private readonly options: ReadinessOptions) {}

  markReady(): void {
    if (this.#phase === 'starting') this.#phase = 'ready';
  }

  markDraining(): void {
    this.#phase = 'draining';
  }

  async report(): Promise<{ ready: boolean; body: ReadinessReport }> {
    const results = await Promise.all(
      this.options.dependencies.map(async (dependency) => [dependency, await this.#check(dependency)] as const),
    );
    const dependencies = Object.fromEntries(results.map(([dependency, result]) => [dependency.name, result]));
    const dependenciesOk = results.every(([dependency, result]) => result.ok || !dependency.required);
    const health = this.options.upstreams();
    const vendors = Object.fromEntries(
      sourceNames.map((source) => [
        source,
        vendorReport(
          health.filter((upstream) => upstream.source === source),
          this.options.simulated.has(source),
        ),
      ]),
    ) as Record<SourceName, VendorReport>;
    return {
      ready: this.#phase === 'ready' && dependenciesOk,
      body: { status: this.#phase, pid: process.pid, vendors, dependencies },
    };
  }

  async #check(dependency: DependencyCheck): Promise<{ ok: true } | { ok: false; error: string }> {
    const timeoutMs = this.options.dependencyTimeoutMs ?? 2000;
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
    );
    try {
      await Promise.race([dependency.check(signal), timedOut]);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : 'check failed' };
    }
  }
}

function vendorReport(apis: readonly UpstreamHealth[], simulated: boolean): VendorReport {
  const latest = apis
    .map((api) => api.lastError)
    .filter((error) => error !== undefined)
    .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  return {
    simulated,
    breaker: apis.some((api) => api.breakerOpen) ? 'open' : 'closed',
    lastError: latest ? { code: latest.code, at: latest.at.toISOString() } : null,
  };
}

/** `/ready` on the GraphQL app, answered before anything else a request would wait for. */
export function useReadiness(readiness: Readiness): Plugin {
  return useReadinessCheck({
    endpoint: '/ready',
    check: async ({ fetchAPI }) => {
      const { ready, body } = await readiness.report();
      return new fetchAPI.Response(JSON.stringify(body), {
        status: ready ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
}
