/**
 * The one storage port. Implementations (Keyv over SQLite, memory, later Redis and PostgreSQL) all run
 * the same contract suite in test/contract/store.contract.ts.
 *
 * Atomicity: `update` is the only read-modify-write primitive. Everything that must happen exactly once
 * (claiming a held post, adding violation points, taking a case number, consuming a link code,
 * counting verification attempts, adding to an index) goes through `update`, and an implementation
 * must serialize concurrent updates of one key. Plain get-then-set is never used for those.
 */
export interface KeyValueStore {
  /** The stored value, or undefined when absent. A backend failure throws StoreError, never "absent". */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serializable value; `ttlMs` makes it expire. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /** Removes a value; true when there was one. */
  delete(key: string): Promise<boolean>;
  /**
   * Atomic read-modify-write of one key. `fn` receives the current value and returns the new one;
   * returning `undefined` deletes, returning the very same object leaves the store untouched.
   * Returns what `fn` returned. If `fn` throws, nothing is written and the error propagates.
   */
  update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined,
    ttlMs?: number,
  ): Promise<T | undefined>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly code: "backend_failed" | "serialization" | "closed",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
