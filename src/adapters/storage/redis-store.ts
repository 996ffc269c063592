import { createClient } from "redis";

type Client = ReturnType<typeof createClient>;
import { RedisReadCache } from "./redis-cache.js";
import { forgetting, sharedValue } from "./read-cache.js";
import { scrubRedis } from "./redis-scrub.js";
import type {
  Change,
  DumpRecord,
  KeyValueStore,
  Leased,
  Scheduled,
  ScrubReport,
} from "../../core/ports/store.js";
import {
  KEEP,
  StoreError,
  UNCACHED,
  updateThroughChange,
  deepFreeze,
  type Frozen,
} from "../../core/ports/store.js";

/** Compare-and-set: writes ARGV[3] (or deletes when ARGV[2] is "del") only if the value is still ARGV[1]. */
const CAS = `
local cur = redis.call('GET', KEYS[1])
if ARGV[4] == '1' then
  if cur then return 0 end
elseif cur ~= ARGV[1] then return 0 end
if ARGV[2] == 'del' then redis.call('DEL', KEYS[1]) return 1 end
if ARGV[2] == 'keep' then return 1 end
local ttl = tonumber(ARGV[5])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl) else redis.call('SET', KEYS[1], ARGV[3]) end
return 1`;

const INCR = `
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if existed == 0 and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return v`;

const SCHEDULE = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1`;

const UNSCHEDULE = `
local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not at then return 0 end
if ARGV[2] ~= '' and tonumber(at) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`;

const LEASE = `
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]), 'WITHSCORES')
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  table.insert(out, id)
  table.insert(out, tostring(due[i + 1]))
  table.insert(out, redis.call('HGET', KEYS[2], id) or 'null')
end
return out`;

const MAX_TRIES = 200;

/**
 * The store on Redis through the official client (node-redis). Values are JSON strings with native
 * expiry; read-modify-write is optimistic (read, compute, Lua compare-and-set, retry on a lost race),
 * counters use INCRBY, sets are sorted sets (lexical pages), the time-ordered set is a sorted set plus
 * a hash written together by a Lua script. The client runs with `disableOfflineQueue`: with the server
 * gone, calls throw StoreError at once instead of hanging, and nothing reads as "absent".
 */
export class RedisStore implements KeyValueStore {
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
    /** Plain reads cached with server-side invalidation (`storage.cache_entries`); absent: none. */
    readonly reads?: RedisReadCache,
  ) {}

  static async connect(
    url: string,
    options: { prefix?: string; onError?: (error: Error) => void; cacheEntries?: number } = {},
  ) {
    let ready = false;
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 5_000,
        // Before the first connection a refusal is final (a wrong URL must not hang the start); after it,
        // reconnect with backoff while calls fail fast (disableOfflineQueue).
        reconnectStrategy: (retries, cause) => (ready ? Math.min(100 * 2 ** retries, 2_000) : cause),
      },
    });
    client.on("ready", () => (ready = true));
    client.on("error", (error: Error) => options.onError?.(error));
    try {
      await client.connect();
    } catch (error) {
      client.destroy();
      throw new StoreError(`cannot reach Redis at ${redact(url)}: ${message(error)}`, "backend_failed", {
        cause: error,
      });
    }
    let reads: RedisReadCache | undefined;
    if ((options.cacheEntries ?? 0) > 0) {
      try {
        reads = await RedisReadCache.open(url, options.cacheEntries!, options.onError);
      } catch (error) {
        client.destroy();
        throw new StoreError(`cannot reach Redis at ${redact(url)}: ${message(error)}`, "backend_failed", {
          cause: error,
        });
      }
    }
    return new RedisStore(client as Client, options.prefix ?? "cw:", reads);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const text = this.reads
      ? await this.guard("get", () => this.reads!.get(this.v(key)))
      : await this.cmd<string | null>("get", ["GET", this.v(key)]);
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async getShared<T>(key: string): Promise<Frozen<T> | undefined> {
    if (!this.reads) return deepFreeze(await this.get<T>(key));
    return sharedValue<T>(await this.guard("get", () => this.reads!.entry(this.v(key))));
  }

  /** From the read cache when it has the key; else `UNCACHED` (a round trip: `getShared`). */
  peekShared<T>(key: string): Frozen<T> | undefined | typeof UNCACHED {
    const entry = this.reads?.peek(this.v(key));
    return entry === undefined ? UNCACHED : sharedValue<T>(entry);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    const args = ["SET", this.v(key), json(value, key)];
    if (ttlMs !== undefined) args.push("PX", String(Math.max(1, Math.round(ttlMs))));
    await forgetting(this.reads, this.v(key), () => this.cmd("set", args));
  }

  async delete(key: string): Promise<boolean> {
    return (
      (await forgetting(this.reads, this.v(key), () => this.cmd<number>("delete", ["DEL", this.v(key)]))) > 0
    );
  }

  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
    return this.change(key, updateThroughChange(fn), ttlMs);
  }

  change<T, R>(key: string, fn: (current: T | undefined) => Change<T, R>, ttlMs?: number): Promise<R> {
    return forgetting(this.reads, this.v(key), () => this.changeNow(key, fn, ttlMs));
  }

  private async changeNow<T, R>(
    key: string,
    fn: (current: T | undefined) => Change<T, R>,
    ttlMs?: number,
  ): Promise<R> {
    const k = this.v(key);
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const text = await this.cmd<string | null>("change", ["GET", k]);
      const { value, result } = fn(text === null ? undefined : (JSON.parse(text) as T));
      const mode = value === KEEP ? "keep" : value === undefined ? "del" : "set";
      const ok = await this.eval<number>(
        "change",
        CAS,
        [k],
        [
          text ?? "",
          mode,
          mode === "set" ? json(value, key) : "",
          text === null ? "1" : "0",
          String(ttlMs === undefined ? 0 : Math.max(1, Math.round(ttlMs))),
        ],
      );
      if (ok === 1) return result;
      await backoff(attempt);
    }
    throw new StoreError(`update of ${key} lost ${MAX_TRIES} races in a row`, "contention");
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    const args = ["SET", this.v(key), json(value, key), "NX"];
    if (ttlMs !== undefined) args.push("PX", String(Math.max(1, Math.round(ttlMs))));
    return (
      (await forgetting(this.reads, this.v(key), () => this.cmd<string | null>("setIfAbsent", args))) !== null
    );
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    const ttl = String(ttlMs === undefined ? 0 : Math.max(1, Math.round(ttlMs)));
    return Number(
      await forgetting(this.reads, this.v(key), () =>
        this.eval<number>("increment", INCR, [this.v(key)], [String(by), ttl]),
      ),
    );
  }

  async addToSet(set: string, member: string): Promise<boolean> {
    return (await this.cmd<number>("addToSet", ["ZADD", this.s(set), "NX", "0", member])) > 0;
  }

  async removeFromSet(set: string, member: string): Promise<boolean> {
    return (await this.cmd<number>("removeFromSet", ["ZREM", this.s(set), member])) > 0;
  }

  async setMembers(set: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    const from = options.after === undefined ? "-" : `(${options.after}`;
    const args = ["ZRANGE", this.s(set), from, "+", "BYLEX"];
    if (options.limit !== undefined) args.push("LIMIT", "0", String(options.limit));
    return this.cmd<string[]>("setMembers", args);
  }

  async hasMember(set: string, member: string): Promise<boolean> {
    return (await this.cmd<unknown>("hasMember", ["ZSCORE", this.s(set), member])) !== null;
  }

  async setSize(set: string): Promise<number> {
    return this.cmd<number>("setSize", ["ZCARD", this.s(set)]);
  }

  async schedule(set: string, entry: Scheduled): Promise<void> {
    await this.eval(
      "schedule",
      SCHEDULE,
      [this.z(set), this.h(set)],
      [entry.id, String(entry.at), json(entry.payload, entry.id)],
    );
  }

  async unschedule(set: string, id: string, onlyAt?: number): Promise<boolean> {
    const args = [id, onlyAt === undefined ? "" : String(onlyAt)];
    return (await this.eval<number>("unschedule", UNSCHEDULE, [this.z(set), this.h(set)], args)) === 1;
  }

  async scheduled(set: string, id: string): Promise<Scheduled | undefined> {
    const [at, payload] = await Promise.all([
      this.cmd<string | number | null>("scheduled", ["ZSCORE", this.z(set), id]),
      this.cmd<string | null>("scheduled", ["HGET", this.h(set), id]),
    ]);
    if (at === null || payload === null) return undefined;
    return { id, at: Number(at), payload: JSON.parse(payload) };
  }

  async leaseDue(set: string, now: number, leaseUntil: number, limit: number): Promise<Leased[]> {
    const flat = await this.eval<string[]>(
      "leaseDue",
      LEASE,
      [this.z(set), this.h(set)],
      [String(now), String(leaseUntil), String(limit)],
    );
    const out: Leased[] = [];
    for (let i = 0; i < flat.length; i += 3)
      out.push({
        id: flat[i]!,
        at: leaseUntil,
        dueAt: Number(flat[i + 1]),
        payload: JSON.parse(flat[i + 2]!),
      });
    return out;
  }

  async nextAt(set: string): Promise<number | undefined> {
    const first = await this.cmd<unknown[]>("nextAt", ["ZRANGE", this.z(set), "0", "0", "WITHSCORES"]);
    if (first.length === 0) return undefined;
    const score = Array.isArray(first[0]) ? (first[0] as unknown[])[1] : first[1];
    return Number(score);
  }

  async scheduledCount(set: string): Promise<number> {
    return this.cmd<number>("scheduledCount", ["ZCARD", this.z(set)]);
  }

  async sweep(): Promise<number> {
    return 0; // Redis expires keys itself
  }

  async *dump(): AsyncIterable<DumpRecord> {
    let cursor = "0";
    do {
      const reply = await this.cmd<[string, string[]]>("dump", [
        "SCAN",
        cursor,
        "MATCH",
        `${this.prefix}*`,
        "COUNT",
        "500",
      ]);
      cursor = String(reply[0]);
      for (const full of reply[1]) {
        const kind = full.slice(this.prefix.length, this.prefix.length + 2);
        const name = full.slice(this.prefix.length + 2);
        if (kind === "v:") {
          const [text, pttl] = await Promise.all([
            this.cmd<string | null>("dump", ["GET", full]),
            this.cmd<number>("dump", ["PTTL", full]),
          ]);
          if (text === null || pttl === -2) continue;
          yield { kind: "value", key: name, value: JSON.parse(text), ...(pttl > 0 ? { ttlMs: pttl } : {}) };
        } else if (kind === "s:") {
          let after: string | undefined;
          for (;;) {
            const page = await this.setMembers(name, { after, limit: 500 });
            for (const member of page) yield { kind: "set", set: name, member };
            if (page.length < 500) break;
            after = page[page.length - 1];
          }
        } else if (kind === "z:") {
          const ids = await this.cmd<string[]>("dump", ["ZRANGE", full, "0", "-1"]);
          for (const id of ids) {
            const entry = await this.scheduled(name, id);
            if (entry) yield { kind: "scheduled", set: name, entry };
          }
        }
      }
    } while (cursor !== "0");
  }

  /** What an erasure can leave in Redis's files, and the rewrite that removes it (redis-scrub.ts). */
  scrub(): Promise<ScrubReport> {
    return scrubRedis((args) => this.cmd("scrub", args), this.prefix);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reads?.close();
    await this.client.close().catch(() => this.client.destroy());
  }

  private async guard<T>(op: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError(`store is closed (${op})`, "closed");
    try {
      return await work();
    } catch (error) {
      throw new StoreError(`Redis ${op} failed: ${message(error)}`, "backend_failed", { cause: error });
    }
  }

  private v = (key: string) => `${this.prefix}v:${key}`;
  private s = (set: string) => `${this.prefix}s:${set}`;
  private z = (set: string) => `${this.prefix}z:${set}`;
  private h = (set: string) => `${this.prefix}h:${set}`;

  private eval<T>(op: string, script: string, keys: string[], args: string[]): Promise<T> {
    return this.cmd<T>(op, ["EVAL", script, String(keys.length), ...keys, ...args]);
  }

  private async cmd<T>(op: string, args: string[]): Promise<T> {
    if (this.closed) throw new StoreError(`store is closed (${op})`, "closed");
    try {
      return (await this.client.sendCommand(args)) as T;
    } catch (error) {
      throw new StoreError(`Redis ${op} failed: ${message(error)}`, "backend_failed", { cause: error });
    }
  }
}

function json(value: unknown, key: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new StoreError(`cannot store ${typeof value} at ${key}`, "serialization");
  return text;
}

/** After a lost compare-and-set: wait a little, with jitter, so racing writers spread out. */
export function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
