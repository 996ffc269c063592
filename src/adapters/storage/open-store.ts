import { resolve } from "node:path";
import type { KeyValueStore } from "../../core/ports/store.js";
import { MemoryStore } from "./memory-store.js";
import { PostgresStore } from "./postgres-store.js";
import { RedisStore } from "./redis-store.js";
import { SqliteStore } from "./sqlite-store.js";

export interface OpenStoreOptions {
  /** The engine's clock, so expiry follows the same time as the rest (the playground's `wait`). */
  now?: () => number;
  /** Told about connection errors the backend recovers from by itself (logged, never fatal). */
  onBackendError?: (error: Error) => void;
  /** Redis key prefix (default `cw:`), for several bots on one Redis. */
  redisPrefix?: string;
  /**
   * Values kept in this process (`storage.cache_entries`); 0 or absent: none. Redis keeps them right
   * itself (client tracking), PostgreSQL through LISTEN/NOTIFY, SQLite only with `exclusive`.
   */
  cacheEntries?: number;
  /**
   * This process is the only one using the store (it holds the data-dir lock of the SQLite file): the
   * SQLite store may cache what it reads and writes. Without it SQLite keeps no cache.
   */
  exclusive?: boolean;
}

/** The backends `storage.url` can name. */
export const STORAGE_SCHEMES = ["sqlite", "memory", "redis", "rediss", "postgres", "postgresql"] as const;

/**
 * Opens the store a `storage.url` names: `sqlite://<path>` (relative to the working directory),
 * `memory://`, `redis://…` / `rediss://…`, `postgres://…`.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<KeyValueStore> {
  const scheme = url.slice(0, url.indexOf(":"));
  switch (scheme) {
    case "sqlite":
      return new SqliteStore(sqlitePath(url), options.now, {
        cacheEntries: options.cacheEntries,
        exclusive: options.exclusive,
      });
    case "memory":
      return new MemoryStore(options.now);
    case "redis":
    case "rediss":
      return RedisStore.connect(url, {
        prefix: options.redisPrefix,
        onError: options.onBackendError,
        cacheEntries: options.cacheEntries,
      });
    case "postgres":
    case "postgresql":
      return PostgresStore.connect(url, {
        onError: options.onBackendError,
        now: options.now,
        cacheEntries: options.cacheEntries,
      });
    default:
      throw new Error(
        `storage.url: expected one of ${STORAGE_SCHEMES.map((s) => `${s}://`).join(", ")}, got "${url}"`,
      );
  }
}

/** The file a `sqlite://` URL names, absolute. `sqlite:///abs/path` and `sqlite://./rel/path` both work. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:\/\//, "");
  return resolve(rest);
}
