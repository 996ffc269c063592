import pg from "pg";
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
import { KV_NOTIFY_SCHEMA, PostgresReadCache } from "./postgres-cache.js";
import { dumpPostgres, scrubPostgres } from "./postgres-export.js";
import { forgetting, sharedValue, type Cached } from "./read-cache.js";
import { backoff, redact } from "./redis-store.js";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS cw_kv (key text COLLATE "C" PRIMARY KEY, value text NOT NULL, expires bigint,
     version bigint NOT NULL DEFAULT 1)`,
  `CREATE INDEX IF NOT EXISTS cw_kv_expires ON cw_kv (expires) WHERE expires IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS cw_sets (name text COLLATE "C" NOT NULL, member text COLLATE "C" NOT NULL, PRIMARY KEY (name, member))`,
  `CREATE TABLE IF NOT EXISTS cw_timed (name text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, at bigint NOT NULL,
     payload text NOT NULL, PRIMARY KEY (name, id))`,
  `CREATE INDEX IF NOT EXISTS cw_timed_due ON cw_timed (name, at)`,
  ...KV_NOTIFY_SCHEMA,
];

const MAX_TRIES = 200;

/**
 * The store on PostgreSQL through `pg` (one pool of our own, with an `error` listener, so an idle
 * connection dropped by the server never crashes the process). Read-modify-write is optimistic with a
 * version column (`INSERT … ON CONFLICT … WHERE version = $n`; no row changed = another process won,
 * retry); timers are leased with `FOR UPDATE SKIP LOCKED`, so two processes never lease one entry.
 */
export class PostgresStore implements KeyValueStore {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
    /** Plain reads cached, kept right by LISTEN/NOTIFY (`storage.cache_entries`); absent: none. */
    readonly reads?: PostgresReadCache,
  ) {}

  static async connect(
    url: string,
    options: {
      onError?: (error: Error) => void;
      now?: () => number;
      max?: number;
      cacheEntries?: number;
    } = {},
  ): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    pool.on("error", (error) => options.onError?.(error));
    let reads: PostgresReadCache | undefined;
    try {
      // Two processes creating the schema at once: serialize on an advisory lock.
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock(724031)");
        for (const statement of SCHEMA) await client.query(statement);
      } finally {
        await client.query("SELECT pg_advisory_unlock(724031)").catch(() => {});
        client.release();
      }
      if ((options.cacheEntries ?? 0) > 0) {
        reads = new PostgresReadCache(url, options.cacheEntries!, options.onError);
        await reads.listen();
      }
    } catch (error) {
      await reads?.close();
      await pool.end().catch(() => {});
      throw new StoreError(`cannot reach PostgreSQL at ${redact(url)}: ${message(error)}`, "backend_failed", {
        cause: error,
      });
    }
    return new PostgresStore(pool, options.now ?? Date.now, reads);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const text = (await this.entry(key)).json;
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async getShared<T>(key: string): Promise<Frozen<T> | undefined> {
    if (!this.reads) return deepFreeze(await this.get<T>(key));
    return sharedValue<T>(await this.entry(key));
  }

  /** From the read cache when it has the key; else `UNCACHED` (a round trip: `getShared`). */
  peekShared<T>(key: string): Frozen<T> | undefined | typeof UNCACHED {
    const entry = this.reads?.peek(key, this.now);
    return entry === undefined ? UNCACHED : sharedValue<T>(entry);
  }

  /** The live row of `key` as a cache entry, from the read cache when it has it. */
  private async entry(key: string): Promise<Cached> {
    const now = this.now();
    const read = () =>
      this.one<{ value: string; expires: string | null }>(
        "get",
        "SELECT value, expires FROM cw_kv WHERE key = $1 AND (expires IS NULL OR expires > $2)",
        [key, now],
      );
    if (this.reads) return this.reads.get(key, now, read);
    return { json: (await read())?.value ?? null, expires: null };
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    const sql = `INSERT INTO cw_kv (key, value, expires) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires, version = cw_kv.version + 1`;
    const params = [key, json(value, key), this.expiry(ttlMs)];
    await forgetting(this.reads, key, () => this.query("set", sql, params));
  }

  async delete(key: string): Promise<boolean> {
    const live = await forgetting(this.reads, key, () =>
      this.one<{ live: boolean }>(
        "delete",
        "DELETE FROM cw_kv WHERE key = $1 RETURNING (expires IS NULL OR expires > $2) AS live",
        [key, this.now()],
      ),
    );
    return live?.live ?? false;
  }

  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
    return this.change(key, updateThroughChange(fn), ttlMs);
  }

  change<T, R>(key: string, fn: (current: T | undefined) => Change<T, R>, ttlMs?: number): Promise<R> {
    return forgetting(this.reads, key, () => this.changeNow(key, fn, ttlMs));
  }

  private async changeNow<T, R>(
    key: string,
    fn: (current: T | undefined) => Change<T, R>,
    ttlMs?: number,
  ): Promise<R> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const now = this.now();
      const row = await this.one<{ value: string; expires: string | null; version: string }>(
        "change",
        "SELECT value, expires, version FROM cw_kv WHERE key = $1",
        [key],
      );
      const live = row && (row.expires === null || Number(row.expires) > now) ? row : undefined;
      const { value, result } = fn(live ? (JSON.parse(live.value) as T) : undefined);
      if (value === KEEP) return result;
      let changed: number;
      if (value === undefined) {
        if (!row) return result;
        changed = await this.count("change", "DELETE FROM cw_kv WHERE key = $1 AND version = $2", [
          key,
          row.version,
        ]);
      } else if (!row) {
        changed = await this.count(
          "change",
          "INSERT INTO cw_kv (key, value, expires) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
          [key, json(value, key), this.expiry(ttlMs)],
        );
      } else {
        changed = await this.count(
          "change",
          "UPDATE cw_kv SET value = $2, expires = $3, version = version + 1 WHERE key = $1 AND version = $4",
          [key, json(value, key), this.expiry(ttlMs), row.version],
        );
      }
      if (changed === 1) return result;
      await backoff(attempt);
    }
    throw new StoreError(`update of ${key} lost ${MAX_TRIES} races in a row`, "contention");
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    const now = this.now();
    return (
      (await forgetting(this.reads, key, () =>
        this.count(
          "setIfAbsent",
          `INSERT INTO cw_kv (key, value, expires) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires, version = cw_kv.version + 1
         WHERE cw_kv.expires IS NOT NULL AND cw_kv.expires <= $4`,
          [key, json(value, key), this.expiry(ttlMs), now],
        ),
      )) === 1
    );
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    const now = this.now();
    const row = await forgetting(this.reads, key, () =>
      this.one<{ value: string }>(
        "increment",
        `INSERT INTO cw_kv (key, value, expires) VALUES ($1, $2::text, $3)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN cw_kv.expires IS NOT NULL AND cw_kv.expires <= $4 THEN $2::text
                      ELSE (cw_kv.value::numeric + $2::numeric)::text END,
         expires = CASE WHEN cw_kv.expires IS NOT NULL AND cw_kv.expires <= $4 THEN excluded.expires
                        ELSE cw_kv.expires END,
         version = cw_kv.version + 1
       RETURNING value`,
        [key, String(by), this.expiry(ttlMs), now],
      ),
    );
    return Number(row!.value);
  }

  async addToSet(set: string, member: string): Promise<boolean> {
    return (
      (await this.count(
        "addToSet",
        "INSERT INTO cw_sets (name, member) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [set, member],
      )) === 1
    );
  }

  async removeFromSet(set: string, member: string): Promise<boolean> {
    return (
      (await this.count("removeFromSet", "DELETE FROM cw_sets WHERE name = $1 AND member = $2", [
        set,
        member,
      ])) === 1
    );
  }

  async setMembers(set: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    const rows = await this.query<{ member: string }>(
      "setMembers",
      `SELECT member FROM cw_sets WHERE name = $1 AND member > $2 ORDER BY member LIMIT $3`,
      [set, options.after ?? "", options.limit ?? null],
    );
    return rows.map((r) => r.member);
  }

  async hasMember(set: string, member: string): Promise<boolean> {
    return (
      (await this.one("hasMember", "SELECT 1 FROM cw_sets WHERE name = $1 AND member = $2", [
        set,
        member,
      ])) !== undefined
    );
  }

  async setSize(set: string): Promise<number> {
    const row = await this.one<{ n: string }>(
      "setSize",
      "SELECT count(*) AS n FROM cw_sets WHERE name = $1",
      [set],
    );
    return Number(row!.n);
  }

  async schedule(set: string, entry: Scheduled): Promise<void> {
    await this.query(
      "schedule",
      `INSERT INTO cw_timed (name, id, at, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name, id) DO UPDATE SET at = excluded.at, payload = excluded.payload`,
      [set, entry.id, entry.at, json(entry.payload, entry.id)],
    );
  }

  async unschedule(set: string, id: string, onlyAt?: number): Promise<boolean> {
    const changed =
      onlyAt === undefined
        ? await this.count("unschedule", "DELETE FROM cw_timed WHERE name = $1 AND id = $2", [set, id])
        : await this.count("unschedule", "DELETE FROM cw_timed WHERE name = $1 AND id = $2 AND at = $3", [
            set,
            id,
            onlyAt,
          ]);
    return changed === 1;
  }

  async scheduled(set: string, id: string): Promise<Scheduled | undefined> {
    const row = await this.one<{ at: string; payload: string }>(
      "scheduled",
      "SELECT at, payload FROM cw_timed WHERE name = $1 AND id = $2",
      [set, id],
    );
    return row ? { id, at: Number(row.at), payload: JSON.parse(row.payload) } : undefined;
  }

  async leaseDue(set: string, now: number, leaseUntil: number, limit: number): Promise<Leased[]> {
    const rows = await this.query<{ id: string; due: string; payload: string }>(
      "leaseDue",
      `WITH due AS (
         SELECT name, id, at FROM cw_timed WHERE name = $1 AND at <= $2
         ORDER BY at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE cw_timed t SET at = $3 FROM due WHERE t.name = due.name AND t.id = due.id
       RETURNING t.id, due.at AS due, t.payload`,
      [set, now, leaseUntil, limit],
    );
    return rows
      .map((r) => ({ id: r.id, at: leaseUntil, dueAt: Number(r.due), payload: JSON.parse(r.payload) }))
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  async nextAt(set: string): Promise<number | undefined> {
    const row = await this.one<{ at: string | null }>(
      "nextAt",
      "SELECT min(at) AS at FROM cw_timed WHERE name = $1",
      [set],
    );
    return row?.at == null ? undefined : Number(row.at);
  }

  async scheduledCount(set: string): Promise<number> {
    const row = await this.one<{ n: string }>(
      "scheduledCount",
      "SELECT count(*) AS n FROM cw_timed WHERE name = $1",
      [set],
    );
    return Number(row!.n);
  }

  async sweep(): Promise<number> {
    return this.count("sweep", "DELETE FROM cw_kv WHERE expires IS NOT NULL AND expires <= $1", [this.now()]);
  }

  dump(): AsyncIterable<DumpRecord> {
    return dumpPostgres((op, sql, params) => this.query(op, sql, params), this.now);
  }

  scrub(): Promise<ScrubReport> {
    return scrubPostgres((op, sql, params) => this.query(op, sql, params));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reads?.close();
    await this.pool.end();
  }

  private expiry(ttlMs?: number): number | null {
    return ttlMs === undefined ? null : this.now() + Math.max(1, Math.round(ttlMs));
  }

  private async one<T>(op: string, sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.query<T>(op, sql, params))[0];
  }

  private async count(op: string, sql: string, params: unknown[]): Promise<number> {
    return (await this.result(op, sql, params)).rowCount ?? 0;
  }

  private async query<T>(op: string, sql: string, params: unknown[]): Promise<T[]> {
    return (await this.result(op, sql, params)).rows as T[];
  }

  private async result(op: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    if (this.closed) throw new StoreError(`store is closed (${op})`, "closed");
    try {
      return await this.pool.query(sql, params);
    } catch (error) {
      throw new StoreError(`PostgreSQL ${op} failed: ${message(error)}`, "backend_failed", { cause: error });
    }
  }
}

function json(value: unknown, key: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new StoreError(`cannot store ${typeof value} at ${key}`, "serialization");
  return text;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
