/** One cached upstream answer. Times are epoch milliseconds. */
export interface CacheEntry {
  /** The serialised answer, as the loader produced it. */
  value: string;
  storedAt: number;
  /** Until then the entry answers reads without a load. */
  freshUntil: number;
  /** Until then the entry may stand in for a failed load; afterwards it is gone. */
  staleUntil: number;
}

/** Where entries live: in this process, or in Redis for every replica. Both expire entries at `staleUntil`. */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): Promise<void>;
}

export const isFresh = (entry: CacheEntry, now: number): boolean => now < entry.freshUntil;
