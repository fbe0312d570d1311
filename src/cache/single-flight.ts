/** Concurrent calls with one key share the first call's promise until it settles, success or failure. */
export class SingleFlight {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  /** Callers must use one result type per key (a key names one request, so they do). */
  run<T>(key: string, start: () => Promise<T>): Promise<T> {
    const current = this.#inFlight.get(key);
    if (current !== undefined) return current as Promise<T>;
    // Removed on settling, so a failure is shared by the callers waiting on it, never by later ones.
    const flight = start().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, flight);
    return flight;
  }
}
