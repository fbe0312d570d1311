import type { CallOptions } from '../upstream/http.js';
import { fourmeSource } from './fourme/source.js';
import { onomondoSource } from './onomondo/source.js';
import { signicatSource } from './signicat/source.js';
import { ReadRounds } from './loaders.js';
import type { SourceClient, SourceDefinition } from './source.js';

/** Every vendor the gateway reads from: one registration each. */
export const sourceDefinitions = {
  signicat: signicatSource,
  onomondo: onomondoSource,
  fourme: fourmeSource,
} as const;

export type SourceName = keyof typeof sourceDefinitions;
type Definitions = typeof sourceDefinitions;
type ClientOf<D> = D extends { createClient(...args: never[]): infer C } ? C : never;
type LoadersOf<D> = D extends { createLoaders(...args: never[]): infer L } ? L : never;
type SettingsOf<D> = D extends { simulatedSettings(...args: never[]): infer S } ? S : never;

/** One client per vendor, shared by every request. */
export type Clients = { [K in SourceName]: ClientOf<Definitions[K]> };
/** Each vendor's per-request loaders. */
export type Loaders = { [K in SourceName]: LoadersOf<Definitions[K]> };
/** Each vendor's settings; a vendor without settings is simulated. */
export type SourceSettings = { [K in SourceName]?: SettingsOf<Definitions[K]> };

export const sourceNames = Object.keys(sourceDefinitions) as SourceName[];

/**
 * Each vendor's loaders, made on first use: most operations touch one or two vendors. The getters live on this
 * object of its own, so copying the request context (as Yoga does) does not call them.
 */
export function lazyLoaders(clients: Clients, call: CallOptions): Loaders {
  const made: Partial<Record<SourceName, unknown>> = {};
  const loaders = {};
  for (const name of sourceNames) {
    const definition: SourceDefinition<unknown, SourceClient, unknown> = sourceDefinitions[name];
    Object.defineProperty(loaders, name, {
      enumerable: true,
      // Rounds per vendor: a batch waits for this vendor's calls only, so a slow vendor never holds up another's.
      get: () => (made[name] ??= definition.createLoaders(clients[name], { ...call, inFlight: new ReadRounds() })),
    });
  }
  // Each getter returns its own source's loaders: the mapped type says what the loop cannot.
  return loaders as Loaders;
}
