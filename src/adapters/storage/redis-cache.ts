import { createClient } from "redis";
import { ReadCache, type Cached } from "./read-cache.js";

type Reader = ReturnType<typeof createClient>;

/**
 * Plain reads of one Redis store served from a per-process cache that Redis itself keeps right: a second
 * connection speaks RESP3 with `CLIENT TRACKING ON`, so the server remembers every key it read and pushes
 * an invalidation on that connection as soon as any client (another bot process, or this one) changes,
 * deletes or expires it. What this process writes it forgets at once, before and after the write, so it
 * always reads its own writes. While the connection is down or tracking is not yet on, nothing is cached
 * (and everything cached is dropped: invalidations may have been missed).
 *
 * A reply and an invalidation can arrive in one network read; an `epoch` counts invalidations, and a
 * value is cached only if none came while it was being read.
 */
export class RedisReadCache {
  private readonly cache: ReadCache;
  private epoch = 0;
  private tracking = false;
  private closed = false;

  private constructor(
    private readonly reader: Reader,
    capacity: number,
  ) {
    this.cache = new ReadCache(capacity);
  }

  /** A tracking connection to `url`; `connect` options as the store's own client has them. */
  static async open(
    url: string,
    capacity: number,
    onError?: (error: Error) => void,
  ): Promise<RedisReadCache> {
    let ready = false;
    const reader = createClient({
      url,
      RESP: 3,
      emitInvalidate: true,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: (retries, cause) => (ready ? Math.min(100 * 2 ** retries, 2_000) : cause),
      },
    }) as unknown as Reader;
    const reads = new RedisReadCache(reader, capacity);
    reader.on("invalidate", (key: unknown) => reads.invalidate(key));
    reader.on("error", (error: Error) => {
      reads.reset();
      onError?.(error);
    });
    reader.on("end", () => reads.reset());
    reader.on("reconnecting", () => reads.reset());
    reader.on("ready", () => {
      ready = true;
      // After a reconnect the new connection tracks nothing yet: turn it on again (nothing cached meanwhile).
      reads
        .track()
        .catch((error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))));
    });
    await reader.connect();
    await reads.track();
    return reads;
  }

  /** The JSON text at `key` (null: absent), from the cache when Redis has not said it changed. */
  async get(key: string): Promise<string | null> {
    return (await this.entry(key)).json;
  }

  /** The cache entry of `key` (kept when Redis tracks it), read from Redis when not cached. */
  async entry(key: string): Promise<Cached> {
    const now = Date.now();
    const cached = this.cache.get(key, now);
    if (cached) return cached;
    const epoch = this.epoch;
    const [text, pttl] = (await Promise.all([
      this.reader.sendCommand(["GET", key]),
      this.reader.sendCommand(["PTTL", key]),
    ])) as unknown as [string | null, number];
    const expires = pttl >= 0 ? now + pttl : null;
    // GET and PTTL are two commands: a key that appeared or vanished in between is left uncached.
    const consistent = (text === null) === (pttl === -2);
    if (this.tracking && epoch === this.epoch && consistent) return this.cache.put(key, text, expires);
    return { json: text, expires };
  }

  /** The cached entry of `key`, or undefined when only the backend can say (see `ReadCache.peek`). */
  peek(key: string): Cached | undefined {
    return this.cache.peek(key, Date.now);
  }

  /** This process is changing `key`: no cached value, and no read in flight may cache the old one. */
  forget(key: string): void {
    this.epoch++;
    this.cache.drop(key);
  }

  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await this.reader.close().catch(() => this.reader.destroy());
  }

  private async track(): Promise<void> {
    if (this.closed) return;
    this.reset();
    await this.reader.sendCommand(["CLIENT", "TRACKING", "ON"]);
    this.tracking = true;
  }

  private invalidate(key: unknown): void {
    this.epoch++;
    if (key === null || key === undefined) this.cache.clear();
    else this.cache.drop(String(key));
  }

  private reset(): void {
    this.tracking = false;
    this.epoch++;
    this.cache.clear();
  }
}
