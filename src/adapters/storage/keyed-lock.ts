/**
 * Serializes async work per key inside one process: the lock behind KeyValueStore.update for stores
 * used by a single bot process (SQLite, memory). A promise chain per key; entries are removed when the
 * chain drains, so the map holds only keys in use. (async-mutex has no keyed variant; this is 20 lines.)
 * Several bot processes on Redis/PostgreSQL need a backend-native lock instead (docs/storage.md).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}
