/**
 * The one storage port. Implementations (memory, SQLite, Redis, PostgreSQL) all run the same contract
 * suite in test/contract/store.contract.ts, including two instances of one backend racing each other.
 *
 * Atomicity: everything that must happen exactly once (claiming a held post, adding violation points,
 * taking a case number, consuming a link code, counting verification attempts, leasing a timer) goes
 * through one of the atomic members below (`update`, `change`, `setIfAbsent`, `increment`, the
 * time-ordered set), and each is atomic across processes on every backend: a transaction on SQLite,
 * a Lua script on Redis, a version column or `SKIP LOCKED` on PostgreSQL. Plain get-then-set is never
 * used for those.
 *
 * Values are JSON: what goes in comes back equal (`structuredClone` semantics for plain data).
 */
export interface KeyValueStore {
  /** The stored value, or undefined when absent or expired. A backend failure throws StoreError, never "absent". */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * `get` for readers that only look: the value may be one object shared by every such reader in this
   * process, frozen (a backend with a read cache parses a cached value once, not on every read), so
   * changing it throws. The message path reads its records this way; anything that edits a value and
   * writes it back uses `get` (a fresh copy) or `change`.
   */
  getShared<T>(key: string): Promise<Frozen<T> | undefined>;
  /**
   * Optional: `getShared` answered at once, when the store can without a round trip (the memory store; SQLite,
   * whose reads are synchronous; Redis and PostgreSQL from their read cache). `UNCACHED` when it cannot:
   * ask `getShared`. The message path reads through `readShared`, which needs no await when this answers,
   * so a message whose records are at hand is handled without waiting on a promise per read.
   */
  peekShared?<T>(key: string): Frozen<T> | undefined | typeof UNCACHED;
  /** Stores a JSON-serializable value; `ttlMs` makes it expire. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /** Removes a value; true when there was one. */
  delete(key: string): Promise<boolean>;
  /**
   * Atomic read-modify-write of one key (the older form of `change`). `fn` receives the current value
   * and returns the new one; returning `undefined` deletes, returning the very same object leaves the
   * store untouched. Returns what `fn` returned. If `fn` throws, nothing is written and the error
   * propagates. `fn` may run more than once (optimistic backends retry when another process wrote
   * first): it must be a pure function of its argument.
   */
  update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined,
    ttlMs?: number,
  ): Promise<T | undefined>;
  /**
   * Atomic read-modify-write that says what happened. `fn(current)` returns `{ value, result }`:
   * `value` is the new value (`undefined` deletes, `KEEP` writes nothing), `result` is what `change`
   * resolves to. `fn` may run more than once and must not touch anything outside itself; use
   * `result` to carry what the caller needs to know ("I claimed it").
   */
  change<T, R>(key: string, fn: (current: T | undefined) => Change<T, R>, ttlMs?: number): Promise<R>;
  /** Stores the value only if the key is absent (or expired); true when this call stored it. */
  setIfAbsent<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * Adds `by` to a counter and returns the new total. An absent or expired counter starts at 0 and
   * gets `ttlMs` (when given); later increments keep the expiry the counter was created with.
   */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;

  /** Adds a member to an unordered set (an index); true when it was not there. */
  addToSet(set: string, member: string): Promise<boolean>;
  /** Removes a member from a set; true when it was there. */
  removeFromSet(set: string, member: string): Promise<boolean>;
  /** A page of a set's members in a stable order after `after` (exclusive), at most `limit`. */
  setMembers(set: string, options?: { after?: string; limit?: number }): Promise<string[]>;
  /** Whether a set has this member. */
  hasMember(set: string, member: string): Promise<boolean>;
  /** How many members a set has. */
  setSize(set: string): Promise<number>;

  /** Adds or replaces an entry of a time-ordered set (timers): one atomic record of id, time and payload. */
  schedule(set: string, entry: Scheduled): Promise<void>;
  /**
   * Removes an entry; with `onlyAt`, only if its time is still that (a lease the caller holds).
   * True when something was removed.
   */
  unschedule(set: string, id: string, onlyAt?: number): Promise<boolean>;
  /** One entry by id. */
  scheduled(set: string, id: string): Promise<Scheduled | undefined>;
  /**
   * Leases up to `limit` entries due at `now` (time ≤ now), earliest first: each leased entry's time
   * is moved to `leaseUntil` in the same atomic step, so no other process leases it until then. The
   * entries come back with `at` set to `leaseUntil` (pass that as `onlyAt` to remove them when done);
   * `dueAt` is the time they were due.
   */
  leaseDue(set: string, now: number, leaseUntil: number, limit: number): Promise<Leased[]>;
  /** The earliest time in the set, or undefined when it is empty. */
  nextAt(set: string): Promise<number | undefined>;
  /** How many entries the set has. */
  scheduledCount(set: string): Promise<number>;

  /** Deletes expired values; returns how many. Backends with native expiry return 0. */
  sweep(): Promise<number>;
  /**
   * Every live record, for `chatwarden migrate` and exports: plain values with their remaining TTL,
   * set members, scheduled entries. Pages internally; never loads the whole store at once.
   */
  dump(): AsyncIterable<DumpRecord>;
  /**
   * After an erasure (/forgetme): makes values deleted before the call (and expired values already
   * swept) as unrecoverable from the backend's own files as the backend allows, and says where they may
   * still be. What a backend cannot guarantee it names in `remains`; it never implies more.
   * - SQLite: deleted rows are zeroed in place (`secure_delete`); the WAL is checkpointed and truncated.
   * - PostgreSQL: VACUUM of the store's tables (dead row versions and their index entries are removed).
   *   Remains: PostgreSQL does not zero the space they leave, the WAL, backups and replicas.
   * - Redis: this store's expired keys are reclaimed; the AOF is rewritten and the RDB snapshot taken
   *   again where Redis persists. Remains: replicas and copies of those files.
   * - Memory: nothing is ever written anywhere.
   */
  scrub(): Promise<ScrubReport>;
  close(): Promise<void>;
  /**
   * Optional (SQLite as its file's one process): a view of the same data whose writes, made while a unit
   * of work is open on it, may wait for that unit's next durability point instead of committing each.
   * Writes through the store itself stay durable when their call returns. Undefined when the store
   * cannot group (another process may write the file).
   */
  grouped?(): GroupingStore | undefined;
}

/**
 * A store whose writes can be grouped into fewer commits (see `KeyValueStore.grouped`). The engine opens
 * a unit for each event and calls `commit()` before every platform action and `end()` when the event is
 * done, so nothing reaches a platform, and no update is confirmed, before what caused it is durable.
 */
export interface GroupingStore extends KeyValueStore {
  unit(): StoreUnit;
}

/** One unit of work (an event) on a `GroupingStore`. Synchronous: the embedded store commits in place. */
export interface StoreUnit {
  /**
   * A durability point: every write made so far is committed. Throws a StoreError when writes made
   * since the unit opened were lost (a grouped commit failed): the unit's work must not be confirmed.
   */
  commit(): void;
  /** `commit()`, and the unit is closed (writes no longer wait for it). Safe to call more than once. */
  end(): void;
}

/** The unit of a store that commits every write by itself: nothing to do. */
const NO_UNIT: StoreUnit = { commit: () => undefined, end: () => undefined };

/** Opens a unit of work on `store` (a no-op for stores that do not group writes). */
export function openUnit(store: KeyValueStore): StoreUnit {
  const unit = (store as Partial<GroupingStore>).unit;
  return typeof unit === "function" ? (unit.call(store) as StoreUnit) : NO_UNIT;
}

/**
 * The grouped view of `store` when it offers one, else `store`. A wrapped store (a test proxy that makes
 * every member async) offers none: its calls must go through the wrapper.
 */
export function groupedView(store: KeyValueStore): KeyValueStore {
  const view = typeof store.grouped === "function" ? store.grouped() : undefined;
  return view && typeof (view as Partial<GroupingStore>).unit === "function" ? view : store;
}

/** `peekShared` could not answer without a round trip to the backend. */
export const UNCACHED: unique symbol = Symbol("uncached");

/** A value, or a promise of it when it had to wait (see `readShared`). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `store.getShared(key)`, without a promise when the store answers at once (`peekShared`). A store wrapped
 * so that every member returns a promise (tests) still works: its answer is awaited.
 */
export function readShared<T>(store: KeyValueStore, key: string): MaybePromise<Frozen<T> | undefined> {
  if (store.peekShared !== undefined) {
    const value = store.peekShared<T>(key) as Frozen<T> | undefined | typeof UNCACHED | Promise<unknown>;
    if (value instanceof Promise)
      return value.then((v) => (v === UNCACHED ? store.getShared<T>(key) : (v as Frozen<T> | undefined)));
    if (value !== UNCACHED) return value;
  }
  return store.getShared<T>(key);
}

/** What `scrub` did, and where deleted values may still be (plain sentences, for the log and the docs). */
/** A value as `getShared` gives it: read-only all the way down. */
export type Frozen<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : { readonly [K in keyof T]: Frozen<T[K]> };

/** Freezes a parsed JSON value and everything in it, so a shared copy cannot be changed by one reader. */
export function deepFreeze<T>(value: T): Frozen<T> {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value as Frozen<T>;
}

export interface ScrubReport {
  done: string[];
  remains: string[];
}

/** Returned by a `change` function: the new value (or KEEP / undefined) and the caller's result. */
export interface Change<T, R> {
  value: T | undefined | typeof KEEP;
  result: R;
}

/** "Write nothing" for `change`. */
export const KEEP: unique symbol = Symbol("keep");

export interface Scheduled {
  id: string;
  at: number;
  payload: unknown;
}

export interface Leased extends Scheduled {
  dueAt: number;
}

export type DumpRecord =
  | { kind: "value"; key: string; value: unknown; ttlMs?: number }
  | { kind: "set"; set: string; member: string }
  | { kind: "scheduled"; set: string; entry: Scheduled };

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly code: "backend_failed" | "serialization" | "closed" | "contention",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Atomically reads and removes a value: exactly one of several concurrent callers gets it. */
export function take<T>(store: KeyValueStore, key: string): Promise<T | undefined> {
  return store.change<T, T | undefined>(key, (current) => ({
    value: current === undefined ? KEEP : undefined,
    result: current,
  }));
}

/**
 * Index lists used to be one JSON array rewritten whole on every change; they are sets now. Moves such a
 * list (same name) into the set once, so data written by an older version stays reachable.
 */
export async function adoptLegacyList(store: KeyValueStore, name: string): Promise<void> {
  if ((await store.get(name)) === undefined) return; // the usual case: a plain read, no write
  const legacy = await take<unknown>(store, name);
  if (Array.isArray(legacy)) for (const member of legacy) await store.addToSet(name, String(member));
}

/** Every member of a set, page by page (indexes are small per key: a chat's members, a community's queue). */
export async function allMembers(store: KeyValueStore, set: string): Promise<string[]> {
  await adoptLegacyList(store, set);
  const all: string[] = [];
  for (;;) {
    const page = await store.setMembers(set, { after: all.at(-1), limit: 1_000 });
    all.push(...page);
    if (page.length < 1_000) return all;
  }
}

/** The legacy `update` expressed through `change`: one place for its rules. */
export function updateThroughChange<T>(
  fn: (current: T | undefined) => T | undefined,
): (current: T | undefined) => Change<T, T | undefined> {
  return (current) => {
    const next = fn(current);
    if (next === current && next !== undefined) return { value: KEEP, result: next };
    if (next === undefined && current === undefined) return { value: KEEP, result: undefined };
    return { value: next, result: next };
  };
}
