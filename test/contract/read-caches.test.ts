import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import pg from "pg";
import { PostgresStore } from "../../src/adapters/storage/postgres-store.js";
import { RedisStore } from "../../src/adapters/storage/redis-store.js";
import { freshPostgresDatabase } from "../support/postgres.js";
import { readCacheContract } from "./read-cache.contract.js";

/**
 * The read caches of the shared stores, against real servers (scripts/services.sh; `.ci/run` always sets
 * the URLs): Redis keeps its cache right by client tracking, PostgreSQL by LISTEN/NOTIFY. The SQLite
 * store's cache (one process per file) has its own suite, sqlite-cache.test.ts.
 */
const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;
const postgresUrl = process.env.CHATWARDEN_TEST_POSTGRES_URL;

describe.skipIf(!redisUrl)("Redis store", () => {
  readCacheContract("Redis (client tracking)", {
    pair: async () => {
      const prefix = `cwtest:${randomUUID()}:`;
      const a = await RedisStore.connect(redisUrl!, { prefix, cacheEntries: 100 });
      const b = await RedisStore.connect(redisUrl!, { prefix, cacheEntries: 100 });
      return { a, b, close: () => Promise.all([a.close(), b.close()]) };
    },
    invalidationMs: 1_000,
  });
});

const urls = new WeakMap<PostgresStore, string>();

describe.skipIf(!postgresUrl)("PostgreSQL store", () => {
  readCacheContract("PostgreSQL (LISTEN/NOTIFY)", {
    pair: async () => {
      const url = await freshPostgresDatabase(postgresUrl!);
      const a = await PostgresStore.connect(url, { max: 2, cacheEntries: 100 });
      const b = await PostgresStore.connect(url, { max: 2, cacheEntries: 100 });
      urls.set(a, url);
      return { a, b, close: () => Promise.all([a.close(), b.close()]) };
    },
    invalidationMs: 2_000,
    // PostgreSQL also notifies the writing process of its own write; that notice may drop the entry
    // again, so it is let arrive before hits are counted (evicting more is safe; the count would race it).
    settleOwnWrite: () => new Promise((r) => setTimeout(r, 300)),
    cutConnections: async ({ a }) => {
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      // Ends every connection of the test database: both pools and both listeners.
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [new URL(urls.get(a)!).pathname.slice(1)],
      );
      await admin.end();
    },
    relistenMs: 1_500,
  });
});
