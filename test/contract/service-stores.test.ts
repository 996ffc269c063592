import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import pg from "pg";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { PostgresStore } from "../../src/adapters/storage/postgres-store.js";
import { RedisStore } from "../../src/adapters/storage/redis-store.js";
import { freshPostgresDatabase } from "../support/postgres.js";
import { storeContract } from "./store.contract.js";

/**
 * Redis and PostgreSQL run the same contract as the embedded stores, against real servers. The URLs come
 * from scripts/services.sh (`.ci/run` always sets them); a developer without the servers sees these skipped.
 */
const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;
const postgresUrl = process.env.CHATWARDEN_TEST_POSTGRES_URL;

const prefixes = new WeakMap<KeyValueStore, string>();
describe.skipIf(!redisUrl)("Redis store", () => {
  const open = async (prefix: string) => {
    const store = await RedisStore.connect(redisUrl!, { prefix });
    prefixes.set(store, prefix);
    return store;
  };
  storeContract("Redis", {
    make: () => open(`cwtest:${randomUUID()}:`),
    second: (store) => open(prefixes.get(store)!),
    reopen: async (store) => {
      await store.close();
      return open(prefixes.get(store)!);
    },
  });

  // As a running bot opens it: plain reads cached in the process, kept right by Redis client tracking.
  const openCached = async (prefix: string) => {
    const store = await RedisStore.connect(redisUrl!, { prefix, cacheEntries: 1_000 });
    prefixes.set(store, prefix);
    return store;
  };
  storeContract("Redis with its read cache", {
    make: () => openCached(`cwtest:${randomUUID()}:`),
    second: (store) => openCached(prefixes.get(store)!),
    reopen: async (store) => {
      await store.close();
      return openCached(prefixes.get(store)!);
    },
  });

  it("fails at once with a StoreError when the server is unreachable, never hangs", async () => {
    const started = Date.now();
    await expect(RedisStore.connect("redis://127.0.0.1:1/0")).rejects.toMatchObject({ name: "StoreError" });
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});

describe.skipIf(!postgresUrl)("PostgreSQL store", () => {
  const databases = new WeakMap<KeyValueStore, string>();
  const open = async (url: string) => {
    const store = await PostgresStore.connect(url, { max: 4 });
    databases.set(store, url);
    return store;
  };
  const fresh = async () => open(await freshPostgresDatabase(postgresUrl!));
  storeContract("PostgreSQL", {
    make: fresh,
    second: (store) => open(databases.get(store)!),
    reopen: async (store) => {
      await store.close();
      return open(databases.get(store)!);
    },
  });

  // As a running bot opens it: plain reads cached in the process, kept right by LISTEN/NOTIFY.
  const openCached = async (url: string) => {
    const store = await PostgresStore.connect(url, { max: 4, cacheEntries: 1_000 });
    databases.set(store, url);
    return store;
  };
  storeContract("PostgreSQL with its read cache", {
    make: async () => {
      const plain = await fresh();
      const url = databases.get(plain)!;
      await plain.close();
      return openCached(url);
    },
    second: (store) => openCached(databases.get(store)!),
    reopen: async (store) => {
      await store.close();
      return openCached(databases.get(store)!);
    },
  });

  it("survives the server dropping its connections: the next call works, nothing crashes", async () => {
    const errors: Error[] = [];
    const store = await fresh();
    const url = databases.get(store)!;
    await store.close();
    const watched = await PostgresStore.connect(url, { onError: (e) => errors.push(e) });
    await watched.set("k", 1);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [new URL(url).pathname.slice(1)],
    );
    await admin.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(await watched.get("k")).toBe(1);
    expect(errors.length).toBeGreaterThan(0);
    await watched.close();
  });

  it("fails with a StoreError when the server is unreachable", async () => {
    await expect(PostgresStore.connect("postgres://postgres@127.0.0.1:1/x")).rejects.toMatchObject({
      name: "StoreError",
    });
  });
});
