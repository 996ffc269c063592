import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type {
  Change,
  DumpRecord,
  GroupingStore,
  KeyValueStore,
  Leased,
  Scheduled,
  ScrubReport,
} from "../../core/ports/store.js";
import { KEEP, StoreError, updateThroughChange, deepFreeze, type Frozen } from "../../core/ports/store.js";
import { ReadCache, sharedValue, type Cached } from "./read-cache.js";
import { json, kvStatements, SCHEMA } from "./sqlite-statements.js";
import { WalCheckpointer } from "./sqlite-checkpointer.js";
import { CommitGroup } from "./sqlite-commits.js";
import { dumpSqlite, exportStatements, scrubSqlite } from "./sqlite-export.js";

/** How often the checkpoint thread copies the WAL into the file and syncs it (sqlite-checkpointer.ts). */
const CHECKPOINT_EVERY_MS = 200;
/**
 * The auto-checkpoint threshold of the bot's own connection: the backstop when the checkpoint thread
 * falls behind (16,000 pages, 64 MB of WAL at most), and what a store without the thread uses.
 */
const WAL_BACKSTOP_PAGES = 16_000;
const WAL_CHECKPOINT_PAGES = 4_000;

/**
 * The embedded store: one SQLite file through better-sqlite3 (one binding, synchronous, prepared
 * statements reused), plain JSON text, WAL journal with synchronous=NORMAL. Each atomic operation is
 * one `BEGIN IMMEDIATE` transaction, so it stays atomic when two processes open the same file (SQLite's
 * own file lock; `busy_timeout` waits for the other writer).
 *
 * As the file's one process (`exclusive`), the grouped view (`grouped()`, what the engine uses) puts an
 * event's writes into one transaction committed at the engine's durability points (sqlite-commits.ts).
 *
 * Durability: with WAL and synchronous=NORMAL a committed write is in the WAL file (the OS has it) when
 * the commit returns (for a write outside a unit, before its call returns), so it survives the process
 * being killed (the crash runs of docs/reliability.md kill it with SIGKILL); the WAL is synced at each
 * checkpoint, which a thread of its own runs every 200 ms while there is something to copy, so a power
 * cut can lose the commits of about the last 200 ms, never corrupt the file. synchronous=FULL would
 * sync every commit.
 */
export class SqliteStore implements KeyValueStore {
  private readonly db: Database.Database;
  private readonly q: ReturnType<typeof kvStatements>;
  /** BEGIN IMMEDIATE / COMMIT / ROLLBACK, prepared once (a `db.transaction` wrapper per call cost more than the work). */
  private readonly tx;
  /** Shared with the grouped view (`grouped()`), which is this object with `groupedWrites` set. */
  private readonly life = { closed: false };
  /** Commit grouping (sqlite-commits.ts): only as the file's one process, like the read cache. */
  private readonly group: CommitGroup | undefined;
  /** True on the grouped view: its writes wait for a unit's durability point while one is open. */
  private readonly groupedWrites: boolean = false;
  /** The paging statements of `dump` (sqlite-export.ts). */
  private readonly pages: ReturnType<typeof exportStatements>;
  /**
   * Values read and written, kept in this process: only when the caller vouches that no other process
   * writes the file (`exclusive`, the data-dir lock); every write here goes through it.
   */
  readonly cache: ReadCache | undefined;
  /** WAL checkpoints in a thread of their own (on a file). */
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(
    path: string,
    private readonly now: () => number = Date.now,
    options: {
      cacheEntries?: number;
      exclusive?: boolean;
      /** The checkpoint thread (sqlite-checkpointer.ts): how often, and how long after opening it starts; false: none. */
      checkpoints?: { everyMs: number; startAfterMs?: number } | false;
    } = {},
  ) {
    const entries = options.cacheEntries ?? 0;
    this.cache = options.exclusive && entries > 0 ? new ReadCache(entries) : undefined;
    if (path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Owner-only from the first byte; SQLite gives its -wal and -shm files the same mode.
      closeSync(openSync(path, "a", 0o600));
    }
    try {
      this.db = new Database(path, { timeout: 5_000 });
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      // Deleted rows are overwritten with zeros, not left readable in free pages (/forgetme, expiry).
      this.db.pragma("secure_delete = ON");
      // A checkpoint copies the WAL into the file and syncs both (20–30 ms in a join wave). On a file,
      // a thread of its own does it (sqlite-checkpointer.ts) and this connection's threshold is only a
      // backstop; in memory there is nothing to sync.
      const file = path !== ":memory:";
      this.db.pragma(`wal_autocheckpoint = ${file ? WAL_BACKSTOP_PAGES : WAL_CHECKPOINT_PAGES}`);
      this.db.exec(SCHEMA);
    } catch (error) {
      throw wrap("open", path, error);
    }
    const checkpoints = options.checkpoints ?? { everyMs: CHECKPOINT_EVERY_MS };
    if (path !== ":memory:" && checkpoints)
      this.checkpointer = new WalCheckpointer(
        path,
        checkpoints.everyMs,
        (message) =>
          process.emitWarning(
            `SQLite checkpoint thread: ${message} (the bot's connection checkpoints instead)`,
          ),
        checkpoints.startAfterMs,
      );
    const db = this.db;
    this.group = options.exclusive ? new CommitGroup(db, this.cache) : undefined;
    this.pages = exportStatements(db);
    this.tx = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
    };
    this.q = kvStatements(db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.run("get", key, () => {
      const { json } = this.entry(key);
      return json === null ? undefined : (JSON.parse(json) as T);
    });
  }

  async getShared<T>(key: string): Promise<Frozen<T> | undefined> {
    return this.peekShared<T>(key);
  }

  /**
   * SQLite reads are synchronous: always answered at once (from the read cache when there is one). The
   * message path's read: `run`'s checks written out, so no closure is made per read.
   */
  peekShared<T>(key: string): Frozen<T> | undefined {
    if (this.life.closed) throw new StoreError(`store is closed (get ${key})`, "closed");
    try {
      if (this.cache) return sharedValue<T>(this.entry(key));
      const { json } = this.entry(key);
      return json === null ? undefined : deepFreeze(JSON.parse(json) as T);
    } catch (error) {
      throw wrap("get", key, error);
    }
  }

  /** The live row of `key` as a cache entry: from the read cache, else read (and cached when it may be). */
  private entry(key: string): Cached {
    // the clock is read only where it is needed: an entry that expires, or a read of the file
    const cached = this.cache?.get(key, this.now);
    if (cached) return cached;
    const row = this.q.get.get(key, this.now());
    const json = row?.value ?? null;
    const expires = row?.expires ?? null;
    return this.cache ? this.cache.put(key, json, expires) : { json, expires };
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.run("set", key, () => this.write(key, false, () => this.put(key, value, ttlMs)));
  }

  async delete(key: string): Promise<boolean> {
    return this.run("delete", key, () =>
      this.write(key, false, () => {
        const live = this.q.delLive.run(key, this.now()).changes > 0;
        this.q.del.run(key);
        this.cache?.put(key, null);
        return live;
      }),
    );
  }

  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
    return this.change(key, updateThroughChange(fn), ttlMs);
  }

  async change<T, R>(key: string, fn: (current: T | undefined) => Change<T, R>, ttlMs?: number): Promise<R> {
    return this.run("change", key, () =>
      this.atomic(key, () => {
        // From the read cache where it has the key (written through, as the file's one process), else the
        // file (and then cached): an atomic change of a record the path just read costs no SELECT.
        const { json } = this.entry(key);
        const { value, result } = fn(json === null ? undefined : (JSON.parse(json) as T));
        if (value === KEEP) return result;
        if (value === undefined) {
          this.q.del.run(key);
          this.cache?.put(key, null);
        } else this.put(key, value, ttlMs);
        return result;
      }),
    );
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    return this.run("setIfAbsent", key, () =>
      this.atomic(key, () => {
        if (this.entry(key).json !== null) return false;
        this.put(key, value, ttlMs);
        return true;
      }),
    );
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.run("increment", key, () =>
      this.atomic(key, () => {
        const live = this.entry(key);
        const total = (live.json !== null ? Number(JSON.parse(live.json)) : 0) + by;
        const expires = live.json !== null ? live.expires : ttlMs === undefined ? null : this.now() + ttlMs;
        this.q.put.run(key, JSON.stringify(total), expires);
        this.cache?.put(key, JSON.stringify(total), expires);
        return total;
      }),
    );
  }

  async addToSet(set: string, member: string): Promise<boolean> {
    return this.run("addToSet", set, () =>
      this.write(undefined, false, () => this.q.sadd.run(set, member).changes > 0),
    );
  }

  async removeFromSet(set: string, member: string): Promise<boolean> {
    return this.run("removeFromSet", set, () =>
      this.write(undefined, false, () => this.q.srem.run(set, member).changes > 0),
    );
  }

  async setMembers(set: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    return this.run("setMembers", set, () =>
      this.q.smembers.all(set, options.after ?? "", options.limit ?? -1).map((r) => r.member),
    );
  }

  async hasMember(set: string, member: string): Promise<boolean> {
    return this.run("hasMember", set, () => this.q.sismember.get(set, member) !== undefined);
  }

  async setSize(set: string): Promise<number> {
    return this.run("setSize", set, () => this.q.scard.get(set)!.n);
  }

  async schedule(set: string, entry: Scheduled): Promise<void> {
    this.run("schedule", set, () =>
      this.write(undefined, false, () => {
        this.q.zput.run(set, entry.id, entry.at, json(entry.payload, entry.id));
      }),
    );
  }

  async unschedule(set: string, id: string, onlyAt?: number): Promise<boolean> {
    return this.run("unschedule", set, () => {
      // Cancelling a timer that was never set (every join cancels its access timer) is a read, not a write
      // transaction. Reading first stays atomic: the DELETE below checks again under the write lock.
      const row = this.q.zget.get(set, id);
      if (!row || (onlyAt !== undefined && row.at !== onlyAt)) return false;
      return this.write(undefined, false, () =>
        onlyAt === undefined
          ? this.q.zdel.run(set, id).changes > 0
          : this.q.zdelAt.run(set, id, onlyAt).changes > 0,
      );
    });
  }

  async scheduled(set: string, id: string): Promise<Scheduled | undefined> {
    return this.run("scheduled", set, () => {
      const row = this.q.zget.get(set, id);
      return row ? { id: row.id, at: row.at, payload: JSON.parse(row.payload) } : undefined;
    });
  }

  async leaseDue(set: string, now: number, leaseUntil: number, limit: number): Promise<Leased[]> {
    return this.run("leaseDue", set, () =>
      this.atomic(
        undefined,
        () =>
          this.q.zdue.all(set, now, limit).map((row) => {
            this.q.zlease.run(leaseUntil, set, row.id);
            return { id: row.id, at: leaseUntil, dueAt: row.at, payload: JSON.parse(row.payload) };
          }),
        true,
      ),
    );
  }

  async nextAt(set: string): Promise<number | undefined> {
    return this.run("nextAt", set, () => this.q.zmin.get(set)?.at ?? undefined);
  }

  async scheduledCount(set: string): Promise<number> {
    return this.run("scheduledCount", set, () => this.q.zcard.get(set)!.n);
  }

  async sweep(): Promise<number> {
    return this.run("sweep", "*", () =>
      this.write(undefined, false, () => this.q.sweep.run(this.now()).changes),
    );
  }

  dump(): AsyncIterable<DumpRecord> {
    return dumpSqlite(this.pages, (what, work) => this.run("dump", what, work), this.now);
  }

  /** See `scrubSqlite` (sqlite-export.ts); what waits in the grouped transaction is committed first. */
  async scrub(): Promise<ScrubReport> {
    return this.run("scrub", "wal", () => {
      this.group?.commit(); // a checkpoint cannot run inside the open transaction
      return scrubSqlite(this.db);
    });
  }

  async close(): Promise<void> {
    if (this.life.closed) return;
    this.life.closed = true;
    try {
      this.group?.close();
    } finally {
      await this.checkpointer?.stop();
      this.db.close();
    }
  }

  /**
   * The grouped view (see `KeyValueStore.grouped` and sqlite-commits.ts): the same connection, cache and
   * statements, its writes grouped into units' commits. Only as the file's one process.
   */
  grouped(): GroupingStore | undefined {
    const group = this.group;
    if (!group) return undefined;
    const view = Object.create(this) as SqliteStore;
    Object.defineProperty(view, "groupedWrites", { value: true });
    Object.defineProperty(view, "unit", { value: () => group.unit() });
    return view as unknown as GroupingStore;
  }

  /** A plain write: in the open grouped transaction when there is one (or this one opens it), else by itself. */
  private write<T>(key: string | undefined, several: boolean, work: () => T): T {
    const group = this.group;
    if (!group || !group.takes(this.groupedWrites)) return work();
    return this.within(group, key, several, work);
  }

  /** An atomic read-modify-write: in the grouped transaction, else one `BEGIN IMMEDIATE` transaction. */
  private atomic<T>(key: string | undefined, work: () => T, several = false): T {
    const group = this.group;
    if (!group || !group.takes(this.groupedWrites)) return this.immediate(key, work);
    return this.within(group, key, several, work);
  }

  private within<T>(group: CommitGroup, key: string | undefined, several: boolean, work: () => T): T {
    try {
      return group.write(this.groupedWrites, several, work);
    } catch (error) {
      if (key !== undefined) this.cache?.drop(key);
      throw error;
    }
  }

  private put(key: string, value: unknown, ttlMs?: number): void {
    const text = json(value, key);
    const expires = ttlMs === undefined ? null : this.now() + ttlMs;
    this.q.put.run(key, text, expires);
    this.cache?.put(key, text, expires);
  }

  /** One `BEGIN IMMEDIATE` transaction on `key`; if it fails, the cache forgets the key (it may be ahead). */
  private immediate<T>(key: string | undefined, work: () => T): T {
    try {
      this.tx.begin.run();
      try {
        const result = work();
        this.tx.commit.run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.tx.rollback.run();
        throw error;
      }
    } catch (error) {
      if (key !== undefined) this.cache?.drop(key);
      throw error;
    }
  }

  private run<T>(op: string, key: string, work: () => T): T {
    if (this.life.closed) throw new StoreError(`store is closed (${op} ${key})`, "closed");
    try {
      return work();
    } catch (error) {
      throw wrap(op, key, error);
    }
  }
}

function wrap(op: string, key: string, error: unknown): unknown {
  if (error instanceof StoreError) return error;
  // An error thrown by the caller's own function passes through unchanged.
  if (!(error instanceof Error) || !("code" in error) || !String(error.code).startsWith("SQLITE"))
    return error;
  return new StoreError(`store ${op} failed (${key}): ${error.message}`, "backend_failed", { cause: error });
}
