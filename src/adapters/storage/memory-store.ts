import type {
  Change,
  DumpRecord,
  KeyValueStore,
  Leased,
  Scheduled,
  ScrubReport,
} from "../../core/ports/store.js";
import { KEEP, StoreError, deepFreeze, updateThroughChange, type Frozen } from "../../core/ports/store.js";

interface Entry {
  json: string;
  expires?: number;
  /** `json` parsed and frozen for `getShared` readers; a write replaces the whole entry. */
  shared?: unknown;
}

/**
 * The store in this process's memory (tests, `storage.url: memory://`). Values are kept as JSON text,
 * so a caller never shares an object with the store, just as with a real backend. Every operation runs
 * without an await between read and write, which makes each one atomic in a single process.
 */
export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, Entry>();
  private readonly sets = new Map<string, Set<string>>();
  private readonly timed = new Map<string, Map<string, Scheduled>>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(key: string): Promise<T | undefined> {
    this.open("get");
    const entry = this.live(key);
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  async getShared<T>(key: string): Promise<Frozen<T> | undefined> {
    return this.peekShared<T>(key);
  }

  peekShared<T>(key: string): Frozen<T> | undefined {
    this.open("get");
    const entry = this.live(key);
    if (!entry) return undefined;
    entry.shared ??= deepFreeze(JSON.parse(entry.json));
    return entry.shared as Frozen<T>;
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.open("set");
    this.write(key, value, ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    this.open("delete");
    const had = this.live(key) !== undefined;
    this.values.delete(key);
    return had;
  }

  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
    return this.change(key, updateThroughChange(fn), ttlMs);
  }

  async change<T, R>(key: string, fn: (current: T | undefined) => Change<T, R>, ttlMs?: number): Promise<R> {
    this.open("change");
    const entry = this.live(key);
    const { value, result } = fn(entry ? (JSON.parse(entry.json) as T) : undefined);
    if (value === KEEP) return result;
    if (value === undefined) this.values.delete(key);
    else this.write(key, value, ttlMs);
    return result;
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    this.open("setIfAbsent");
    if (this.live(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    this.open("increment");
    const entry = this.live(key);
    const total = (entry ? Number(JSON.parse(entry.json)) : 0) + by;
    const expires = entry ? entry.expires : ttlMs === undefined ? undefined : this.now() + ttlMs;
    this.values.set(key, { json: JSON.stringify(total), expires });
    return total;
  }

  async addToSet(set: string, member: string): Promise<boolean> {
    this.open("addToSet");
    const members = this.sets.get(set) ?? new Set<string>();
    this.sets.set(set, members);
    if (members.has(member)) return false;
    members.add(member);
    return true;
  }

  async removeFromSet(set: string, member: string): Promise<boolean> {
    this.open("removeFromSet");
    const members = this.sets.get(set);
    const had = members?.delete(member) ?? false;
    if (members && members.size === 0) this.sets.delete(set);
    return had;
  }

  async setMembers(set: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    this.open("setMembers");
    const sorted = [...(this.sets.get(set) ?? [])].sort();
    const from = options.after === undefined ? sorted : sorted.filter((m) => m > options.after!);
    return from.slice(0, options.limit ?? Number.MAX_SAFE_INTEGER);
  }

  async hasMember(set: string, member: string): Promise<boolean> {
    this.open("hasMember");
    return this.sets.get(set)?.has(member) ?? false;
  }

  async setSize(set: string): Promise<number> {
    this.open("setSize");
    return this.sets.get(set)?.size ?? 0;
  }

  async schedule(set: string, entry: Scheduled): Promise<void> {
    this.open("schedule");
    const entries = this.timed.get(set) ?? new Map<string, Scheduled>();
    this.timed.set(set, entries);
    entries.set(entry.id, clone(entry));
  }

  async unschedule(set: string, id: string, onlyAt?: number): Promise<boolean> {
    this.open("unschedule");
    const entries = this.timed.get(set);
    const entry = entries?.get(id);
    if (!entry || (onlyAt !== undefined && entry.at !== onlyAt)) return false;
    entries!.delete(id);
    return true;
  }

  async scheduled(set: string, id: string): Promise<Scheduled | undefined> {
    this.open("scheduled");
    const entry = this.timed.get(set)?.get(id);
    return entry ? clone(entry) : undefined;
  }

  async leaseDue(set: string, now: number, leaseUntil: number, limit: number): Promise<Leased[]> {
    this.open("leaseDue");
    const entries = this.timed.get(set);
    if (!entries) return [];
    const due = [...entries.values()]
      .filter((e) => e.at <= now)
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    return due.map((e) => {
      const leased = { ...clone(e), at: leaseUntil, dueAt: e.at };
      entries.set(e.id, { ...e, at: leaseUntil });
      return leased;
    });
  }

  async nextAt(set: string): Promise<number | undefined> {
    this.open("nextAt");
    let next: number | undefined;
    for (const e of this.timed.get(set)?.values() ?? []) if (next === undefined || e.at < next) next = e.at;
    return next;
  }

  async scheduledCount(set: string): Promise<number> {
    this.open("scheduledCount");
    return this.timed.get(set)?.size ?? 0;
  }

  async sweep(): Promise<number> {
    this.open("sweep");
    let removed = 0;
    for (const key of [...this.values.keys()]) if (!this.live(key)) removed++;
    return removed;
  }

  async *dump(): AsyncIterable<DumpRecord> {
    this.open("dump");
    const now = this.now();
    for (const [key, entry] of [...this.values]) {
      if (entry.expires !== undefined && entry.expires <= now) continue;
      yield {
        kind: "value",
        key,
        value: JSON.parse(entry.json),
        ...(entry.expires === undefined ? {} : { ttlMs: entry.expires - now }),
      };
    }
    for (const [set, members] of [...this.sets])
      for (const member of [...members]) yield { kind: "set", set, member };
    for (const [set, entries] of [...this.timed])
      for (const entry of [...entries.values()]) yield { kind: "scheduled", set, entry: clone(entry) };
  }

  /** Deleted values are gone from the maps, expired ones go now; nothing was ever on disk. */
  async scrub(): Promise<ScrubReport> {
    this.open("scrub");
    await this.sweep();
    return { done: ["expired values dropped; this store writes nothing to disk"], remains: [] };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private write(key: string, value: unknown, ttlMs?: number): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new StoreError(`cannot store ${typeof value} at ${key}`, "serialization");
    this.values.set(key, { json, expires: ttlMs === undefined ? undefined : this.now() + ttlMs });
  }

  private live(key: string): Entry | undefined {
    const entry = this.values.get(key);
    if (!entry) return undefined;
    if (entry.expires !== undefined && entry.expires <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  private open(op: string): void {
    if (this.closed) throw new StoreError(`store is closed (${op})`, "closed");
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
