import { deepFreeze, type Frozen } from "../../core/ports/store.js";

/**
 * A bounded per-process cache of stored values, approximately least recently used out first (the
 * "clock" or second-chance scheme: a hit only marks its entry; when the cache is full, a hand goes round
 * the entries and evicts the first one not hit since it last passed, unmarking the others). A hit so
 * costs no reordering, which cost more than the rest of a cached read, and an eviction no search.
 * Entries are the JSON text as stored, parsed per plain read (a fresh object, as from the backend) or
 * once for shared readers (`sharedValue`), or `null` for a key known to be absent, with the time the
 * value expires. Values longer than `MAX_CACHED_CHARS` are not kept, so the cache holds at most
 * `capacity` × that many characters; nothing is ever loaded into it wholesale, only what was read or
 * written.
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
  key: string;
  /** Its place on the clock (`ReadCache.ring`). */
  pos: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Slot>();
  /**
   * The clock: every entry has a place on the ring, and the hand goes round it to find one to evict.
   * (Evicting the oldest entry of the Map instead meant iterating it from the front, across the holes
   * its deletions leave until it rehashes: a write-heavy burst, a join wave, made each eviction slower
   * than the last.)
   */
  private readonly ring: (Slot | undefined)[] = [];
  /** Places on the ring that `drop` emptied, taken before anything is evicted. */
  private readonly free: number[] = [];
  private hand = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {}

  /**
   * The cached entry (an expired value reads as absent), or undefined when the key is not cached. `now`:
   * the time, or a clock read only for an entry that expires (most do not; a clock read cost about 0.1 µs
   * on this project's machines, as much as the rest of a cached read).
   */
  get(key: string, now: number | (() => number)): Cached | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    entry.used = true;
    if (entry.expires !== null && entry.expires <= (typeof now === "number" ? now : now()))
      return { json: null, expires: null };
    return entry;
  }

  /** `get` for a caller that will read the backend itself when this says nothing: a miss is not counted. */
  peek(key: string, now: number | (() => number)): Cached | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : this.get(key, now);
  }

  /** Records what the backend holds for `key` (null json: nothing); returns the entry (kept or not). */
  put(key: string, json: string | null, expires: number | null = null): Cached {
    const old = this.entries.get(key);
    if ((json !== null && json.length > MAX_CACHED_CHARS) || this.capacity <= 0) {
      if (old) this.remove(old);
      return { json, expires };
    }
    // A write (or the read that brought it here) counts as a use: a new entry outlives one turn of the hand.
    const entry: Slot = { json, expires, used: true, key, pos: old ? old.pos : this.place() };
    this.ring[entry.pos] = entry;
    this.entries.set(key, entry);
    return entry;
  }

  /** Forgets a key: the next read goes to the backend. */
  drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(entry);
  }

  clear(): void {
    this.entries.clear();
    this.ring.length = 0;
    this.free.length = 0;
    this.hand = 0;
  }

  /** A place for a new entry: an empty one, a new one while below capacity, else the hand's victim's. */
  private place(): number {
    const empty = this.free.pop();
    if (empty !== undefined) return empty;
    if (this.ring.length < this.capacity) return this.ring.length;
    // Second chance: an entry used since the hand last passed loses its mark and stays; the first
    // unmarked one goes. At most one full turn (every mark cleared), so this always ends.
    for (;;) {
      const pos = this.hand;
      this.hand = pos + 1 === this.ring.length ? 0 : pos + 1;
      const slot = this.ring[pos];
      if (slot === undefined) return pos;
      if (slot.used) slot.used = false;
      else {
        this.entries.delete(slot.key);
        return pos;
      }
    }
  }

  private remove(entry: Slot): void {
    this.entries.delete(entry.key);
    this.ring[entry.pos] = undefined;
    this.free.push(entry.pos);
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
