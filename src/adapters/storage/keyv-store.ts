import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { KeyValueStore } from "../../core/ports/store.js";
import { StoreError } from "../../core/ports/store.js";
import { KeyedLock } from "./keyed-lock.js";

/**
 * The store port over Keyv. `throwOnErrors` makes a failing backend throw (wrapped in StoreError)
 * instead of reading as "absent": a failed read must never look like "not banned".
 */
export class KeyvStore implements KeyValueStore {
  private readonly lock = new KeyedLock();
  private closed = false;

  constructor(
    private readonly keyv: Keyv,
    private readonly closeBackend: () => Promise<void> = async () => {},
  ) {
    keyv.on("error", () => {
      // Errors are thrown to the caller (throwOnErrors); the listener keeps the emitter from crashing.
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.guard("get", key, async () => (await this.keyv.get<T>(key)) ?? undefined);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    await this.guard("set", key, async () => {
      await this.keyv.set(key, value, ttlMs);
    });
  }

  async delete(key: string): Promise<boolean> {
    return this.guard("delete", key, () => this.keyv.delete(key));
  }

  async update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined,
    ttlMs?: number,
  ): Promise<T | undefined> {
    return this.lock.run(key, async () => {
      const current = await this.get<T>(key);
      const next = fn(current);
      if (next === current && next !== undefined) return next;
      if (next === undefined) {
        if (current !== undefined) await this.delete(key);
      } else await this.set(key, next, ttlMs);
      return next;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeBackend();
  }

  private async guard<T>(op: string, key: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError(`store is closed (${op} ${key})`, "closed");
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(
        `store ${op} failed: ${error instanceof Error ? error.message : String(error)}`,
        "backend_failed",
        {
          cause: error,
        },
      );
    }
  }
}

/** In-memory store (tests, `storage: memory`). */
export function createMemoryStore(): KeyvStore {
  return new KeyvStore(new Keyv({ store: new Map(), throwOnErrors: true }));
}

/** The embedded SQLite store: one file, WAL journal, synchronous=NORMAL (about 20x the default write rate). */
export async function createSqliteStore(path: string): Promise<KeyvStore> {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5_000, table: "chatwarden" });
  await sqlite.query("PRAGMA journal_mode=WAL");
  await sqlite.query("PRAGMA synchronous=NORMAL");
  const keyv = new Keyv({ store: sqlite, throwOnErrors: true, namespace: "" });
  return new KeyvStore(keyv, () => sqlite.disconnect());
}
