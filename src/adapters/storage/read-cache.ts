import { deepFreeze, type Frozen } from "../../core/ports/store.js";

/**
 * A bounded per-process cache of stored values, approximately least recently used out first (the
 * "clock" or second-chance scheme: a hit only marks its entry; when the cache is full, the oldest entry
 * goes unless it was hit since it last came round, in which case it moves to the back, unmarked). A hit
 * so costs no reordering of the map, which cost more than the rest of a cached read. Entries are the JSON
 * text as stored (so every read parses a fresh object, as from the backend) or `null` for a key known
 * to be absent, with the time the value expires. Values longer than `MAX_CACHED_CHARS` are not kept, so
 * the cache holds at most `capacity` × that many characters; nothing is ever loaded into it wholesale,
 * only what was read or written.
 *
 * Who keeps it right decides where it may be used: the SQLite store writes through it when its process
 * is the only one on the file (the data-dir lock); the Redis and PostgreSQL stores drop an entry when
 * the server says another process changed the key.
 */
export interface Cached {
  json: string | null;
  /** Epoch ms when the value expires; null: never. */
  expires: number | null;
  /** `json` parsed and frozen, once, for `getShared` readers (see `sharedValue`). */
  shared?: unknown;
}

/**
 * The value of an entry for `getShared`: parsed on the first such read and frozen, then the same object
 * for every later one until the entry is replaced (a write puts a new entry). A hit so costs no
 * `JSON.parse`, which was most of a cached read.
 */
export function sharedValue<T>(entry: Cached): Frozen<T> | undefined {
  if (entry.json === null) return undefined;
  entry.shared ??= deepFreeze(JSON.parse(entry.json));
  return entry.shared as Frozen<T>;
}

/** Larger values (held posts with many parts) are read from the backend each time. */
export const MAX_CACHED_CHARS = 8_192;

interface Slot extends Cached {
  /** Read since the clock hand last passed it: it gets a second chance before eviction. */
  used: boolean;
}

export class ReadCache {
  private readonly entries = new Map<string, Slot>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {}

  /** The cached entry (an expired value reads as absent), or undefined when the key is not cached. */
  get(key: string, now: number): Cached | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    entry.used = true;
    if (entry.expires !== null && entry.expires <= now) return { json: null, expires: null };
    return entry;
  }

  /** Records what the backend holds for `key` (null json: nothing); returns the entry (kept or not). */
  put(key: string, json: string | null, expires: number | null = null): Cached {
    this.entries.delete(key);
    if (json !== null && json.length > MAX_CACHED_CHARS) return { json, expires };
    const entry: Slot = { json, expires, used: true };
    this.entries.set(key, entry);
    // Oldest first (Map keeps insertion order); a read (or the write that put it here) since it came
    // round buys it another turn, so a full cache of read entries evicts in insertion order.
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      const [oldKey, slot] = oldest.value;
      this.entries.delete(oldKey);
      if (slot.used) {
        slot.used = false;
        this.entries.set(oldKey, slot);
      }
    }
    return entry;
  }

  /** Forgets a key: the next read goes to the backend. */
  drop(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A write of `key` by this process, for caches another process can invalidate (Redis, PostgreSQL): the
 * key is forgotten before (no read in flight may cache the old value) and after (nor one that overtook).
 */
export async function forgetting<T>(
  cache: { forget(key: string): void } | undefined,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  cache?.forget(key);
  try {
    return await work();
  } finally {
    cache?.forget(key);
  }
}
