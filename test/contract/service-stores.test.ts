import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { createClient } from "redis";
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

  it("scrubs on the shared test server: reclaims this store's expired keys, names what it cannot reach", async () => {
    const store = await open(`cwtest:${randomUUID()}:`);
    await store.set("counter", 1, 30);
    await new Promise((r) => setTimeout(r, 60));
    const report = await store.scrub();
    expect(report.done).toContain("expired keys of this store reclaimed (SCAN)");
    expect(report.remains.join(" ")).toMatch(/replicas/);
    await store.close();
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

  it("scrub VACUUMs the store's tables: no row version of an erased value is left in the table, live or dead", async () => {
    const store = await fresh();
    const url = databases.get(store)!;
    const needle = `ERASED-${randomUUID()}`;
    for (let i = 0; i < 50; i++) await store.set(`filler:${i}`, "x".repeat(100));
    await store.set(`member:${needle}`, { name: needle });
    await store.set(`member:${needle}`, { name: needle, again: true }); // a second row version
    await store.delete(`member:${needle}`);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Every tuple of cw_kv as PostgreSQL keeps it on its pages (pageinspect), dead ones included.
    const tuples = async () => {
      await admin.query("CREATE EXTENSION IF NOT EXISTS pageinspect");
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM generate_series(0, pg_relation_size('cw_kv') / current_setting('block_size')::int - 1) AS b,
           heap_page_items(get_raw_page('cw_kv', b::int)) AS t
         WHERE t.t_data IS NOT NULL AND position(convert_to($1, 'UTF8') IN t.t_data) > 0`,
        [needle],
      );
      return Number(rows[0]!.n);
    };
    const before = await tuples();
    const report = await store.scrub();
    const after = await tuples();
    await admin.end();
    await store.close();
    console.info(
      `PostgreSQL scrub: row versions of the erased value on the table's pages: ${before} before, ${after} after`,
    );
    expect(before).toBeGreaterThan(0); // the planted positive: a DELETE leaves dead tuples
    expect(after).toBe(0);
    // What VACUUM cannot do is said: freed space is not zeroed, the WAL and backups keep their copies.
    expect(report.remains.join(" ")).toMatch(/not zeroed/);
    expect(report.remains.join(" ")).toMatch(/WAL/);
  });

  it("fails with a StoreError when the server is unreachable", async () => {
    await expect(PostgresStore.connect("postgres://postgres@127.0.0.1:1/x")).rejects.toMatchObject({
      name: "StoreError",
    });
  });
});

/**
 * A Redis of this test's own (the shared one persists nothing), with an AOF and RDB snapshots in a
 * temporary folder: someone holding those files must not find an erased value once scrub's background
 * rewrite and save are done, nor a key that had expired without Redis reclaiming it.
 */
const redisServer = spawnSync("redis-server", ["--version"]).status === 0;
describe.skipIf(!redisServer)("Redis store with persistence (a redis-server of the test's own)", () => {
  it("scrub rewrites the AOF and re-takes the RDB snapshot: the erased value and expired keys leave the files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chatwarden-redis-files-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--save",
        "3600 1",
      ],
      { stdio: "ignore" },
    );
    const files = () => {
      const all: string[] = [];
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const full = join(d, name);
          const stat = statSync(full, { throwIfNoEntry: false });
          if (stat?.isDirectory()) walk(full);
          else if (stat) all.push(full);
        }
      };
      walk(dir);
      return all;
    };
    // Redis renames and unlinks its temporary files while it rewrites: one gone between listing and
    // reading holds nothing (it was found missing once in a full run).
    const holds = (file: string, needle: string) => {
      try {
        return readFileSync(file).includes(Buffer.from(needle));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    };
    const holding = (needle: string) => files().filter((f) => holds(f, needle));
    try {
      const url = `redis://127.0.0.1:${port}/0`;
      let store: RedisStore | undefined;
      for (let i = 0; i < 50 && !store; i++)
        store = await RedisStore.connect(url).catch(async () => {
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      expect(store, "the test's redis-server started").toBeDefined();
      const raw = createClient({ url });
      raw.on("error", () => undefined); // the server is killed at the end
      await raw.connect();
      const needle = `ERASED-${randomUUID()}`;
      await store!.set(`member:${needle}`, { name: needle });
      await store!.set("counter", { name: `${needle}-expired` }, 30);
      await raw.sendCommand(["BGSAVE"]);
      await waitPersisted(raw);
      await store!.delete(`member:${needle}`);
      await new Promise((r) => setTimeout(r, 60));
      const before = holding(needle);
      const report = await store!.scrub();
      // The scheduled BGSAVE starts on Redis's next cron tick and Redis 7 unlinks the old AOF parts in a
      // background thread, so "done" is watched on the files themselves, for up to 15 s.
      let after = holding(needle);
      for (let i = 0; i < 150 && after.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await waitPersisted(raw);
        after = holding(needle);
      }
      console.info(
        `Redis scrub (AOF + RDB): files holding the erased value before: ${before.length}, after: ${after.length}; ${report.done.join("; ")}`,
      );
      expect(before.length).toBeGreaterThan(0); // the planted positive: AOF and dump hold it
      expect(after).toEqual([]);
      await store!.close();
      await raw.close();
    } finally {
      server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Until Redis has no AOF rewrite or RDB save running or scheduled. */
async function waitPersisted(raw: { sendCommand(args: string[]): Promise<unknown> }): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const info = String(await raw.sendCommand(["INFO", "persistence"]));
    if (!/(aof_rewrite_in_progress|aof_rewrite_scheduled|rdb_bgsave_in_progress):1/.test(info)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Redis did not finish persisting");
}
