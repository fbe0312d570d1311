import type { Clock } from '../upstream/clock.js';
import type { CacheEntry, CacheStore } from './store.js';

/** Bookkeeping per entry beyond its strings (map slot, entry object, numbers): an estimate, on purpose generous. */
const ENTRY_OVERHEAD_BYTES = 100;

/** Approximate memory of an entry: vendor answers are JSON, mostly ASCII, which V8 keeps at one byte a character. */
export const entryBytes = (key: string, entry: CacheEntry): number => key.length + entry.value.length + ENTRY_OVERHEAD_BYTES;

/** The in-process store: least recently used entries go first once the entries' bytes pass `maxBytes`. */
export class MemoryCacheStore implements CacheStore {
  // A Map iterates in insertion order: re-inserting on every read keeps the least recently used first.
  readonly #slots = new Map<string, { entry: CacheEntry; bytes: number }>();
  #bytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly clock: Clock,
  ) {}

  /** Bytes held now, by {@link entryBytes}. */
  get bytes(): number {
    return this.#bytes;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#remove(key);
    if (this.clock.now() >= slot.entry.staleUntil) return undefined;
    this.#insert(key, slot);
    return slot.entry;
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    this.#remove(key);
    const bytes = entryBytes(key, entry);
    if (bytes > this.maxBytes || this.clock.now() >= entry.staleUntil) return;
    this.#insert(key, { entry, bytes });
    for (const oldest of this.#slots.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#remove(oldest);
    }
  }

  #insert(key: string, slot: { entry: CacheEntry; bytes: number }): void {
    this.#slots.set(key, slot);
    this.#bytes += slot.bytes;
  }

  #remove(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }
}
