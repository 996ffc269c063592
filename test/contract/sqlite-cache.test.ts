import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_CACHED_CHARS } from "../../src/adapters/storage/read-cache.js";
import { SqliteStore } from "../../src/adapters/storage/sqlite-store.js";
import { openStore } from "../../src/adapters/storage/open-store.js";
import { KEEP } from "../../src/core/ports/store.js";
import { boot } from "../../src/app/boot.js";
import { parseConfigText } from "../../src/config/load.js";

const file = () => join(mkdtempSync(join(tmpdir(), "chatwarden-cache-")), "c.sqlite");

function cachedStore(options: { entries?: number; clock?: { t: number } } = {}) {
  const clock = options.clock ?? { t: 1_000_000 };
  const path = file();
  const store = new SqliteStore(path, () => clock.t, {
    cacheEntries: options.entries ?? 100,
    exclusive: true,
  });
  const cache = store.cache!;
  return { store, cache, clock, path };
}

describe("the SQLite store's read cache (one process per file)", () => {
  it("reads a value from the file once, then from memory, absent values included", async () => {
    const { store, cache } = cachedStore();
    await store.get("language:alice");
    await store.get("language:alice");
    expect(cache.misses).toBe(1);
    expect(cache.hits).toBe(1);
    expect(await store.get("language:alice")).toBeUndefined();
  });

  it("caches a key as absent, and sees it once any write creates it", async () => {
    const { store, cache } = cachedStore();
    const keys = ["set", "update", "increment", "setIfAbsent", "change"];
    for (const key of keys) await store.get(key);
    for (const key of keys) expect(await store.get(key)).toBeUndefined();
    expect(cache.hits).toBe(keys.length);
    await store.set("set", 1);
    await store.update<number>("update", () => 2);
    await store.increment("increment", 3);
    await store.setIfAbsent("setIfAbsent", 4);
    await store.change<number, null>("change", () => ({ value: 5, result: null }));
    expect(await store.get("set")).toBe(1);
    expect(await store.get("update")).toBe(2);
    expect(await store.get("increment")).toBe(3);
    expect(await store.get("setIfAbsent")).toBe(4);
    expect(await store.get("change")).toBe(5);
  });

  it("takes the current value of an atomic change, setIfAbsent or increment from the cache, expiry included", async () => {
    const { store, cache, clock, path } = cachedStore();
    await store.set("points", 2);
    await store.set("claim", "x");
    await store.increment("counter", 1);
    const { hits, misses } = cache;
    expect(await store.change<number, number>("points", (n = 0) => ({ value: n + 1, result: n }))).toBe(2);
    expect(await store.setIfAbsent("claim", "y")).toBe(false);
    expect(await store.increment("counter", 1)).toBe(2);
    // three reads served by the cache (before, each read its row from the file)
    expect(cache.hits - hits).toBe(3);
    expect(cache.misses).toBe(misses);
    expect(await store.get("points")).toBe(3);
    // an expired value is absent for them too, in the cache as in the file
    await store.set("short", 1, 1_000);
    await store.increment("ticks", 5, 1_000);
    clock.t += 1_000;
    expect(await store.setIfAbsent("short", 9)).toBe(true);
    expect(await store.increment("ticks", 1, 1_000)).toBe(1);
    clock.t += 999;
    expect(await store.get("ticks")).toBe(1);
    expect(await store.change<number, number | undefined>("short", (n) => ({ value: KEEP, result: n }))).toBe(
      9,
    );
    clock.t += 1;
    expect(await store.get("ticks")).toBeUndefined();
    // and the file says the same as the cache
    await store.close();
    const reopened = new SqliteStore(path, () => clock.t, { cacheEntries: 0 });
    expect(await reopened.get("points")).toBe(3);
    expect(await reopened.get("claim")).toBe("x");
    expect(await reopened.get("counter")).toBe(2);
    expect(await reopened.get("short")).toBe(9);
    await reopened.close();
  });

  it("writes through: what set, change, increment and delete wrote is read back without the file", async () => {
    const { store, cache } = cachedStore();
    await store.set("a", { n: 1 });
    await store.change<{ n: number }, null>("b", () => ({ value: { n: 2 }, result: null }));
    await store.increment("c", 5);
    await store.set("d", 1);
    await store.delete("d");
    await store.setIfAbsent("e", "first");
    const before = cache.misses;
    expect(await store.get("a")).toEqual({ n: 1 });
    expect(await store.get("b")).toEqual({ n: 2 });
    expect(await store.get("c")).toBe(5);
    expect(await store.get("d")).toBeUndefined();
    expect(await store.get("e")).toBe("first");
    expect(cache.misses).toBe(before);
    // every read hands out its own object
    const a = await store.get<{ n: number }>("a");
    a!.n = 99;
    expect(await store.get("a")).toEqual({ n: 1 });
  });

  it("lets cached values expire with their TTL, on the store's clock", async () => {
    const { store, clock } = cachedStore();
    await store.set("notice", 1, 1_000);
    await store.increment("rate", 1, 1_000);
    expect(await store.get("notice")).toBe(1);
    clock.t += 1_000;
    expect(await store.get("notice")).toBeUndefined();
    expect(await store.get("rate")).toBeUndefined();
  });

  it("keeps at most its configured number of entries, and no value over the size limit", async () => {
    const { store, cache } = cachedStore({ entries: 3 });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(await store.get("k0")).toBe(0);
    await store.set("big", "x".repeat(MAX_CACHED_CHARS + 1));
    expect(cache.size).toBe(3);
    expect((await store.get<string>("big"))?.length).toBe(MAX_CACHED_CHARS + 1);
  });

  it("forgets a key whose change threw, and a KEEP leaves the cached value as it is", async () => {
    const { store } = cachedStore();
    await store.set("k", 1);
    await expect(
      store.change("k", () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.get("k")).toBe(1);
    await store.change("k", () => ({ value: KEEP, result: null }));
    expect(await store.get("k")).toBe(1);
  });

  it("is off unless the caller holds the file alone", async () => {
    expect(new SqliteStore(file(), Date.now, { cacheEntries: 100 }).cache).toBeUndefined();
    expect(new SqliteStore(file(), Date.now, { cacheEntries: 0, exclusive: true }).cache).toBeUndefined();
    const opened = (await openStore(`sqlite://${file()}`, { cacheEntries: 100 })) as SqliteStore;
    expect(opened.cache).toBeUndefined();
    const alone = (await openStore(`sqlite://${file()}`, {
      cacheEntries: 100,
      exclusive: true,
    })) as SqliteStore;
    expect(alone.cache).toBeDefined();
  });
});

describe("storage.cache_entries", () => {
  const bootWith = async (storage: string) => {
    const dir = mkdtempSync(join(tmpdir(), "chatwarden-cache-boot-"));
    const yaml = `data_dir: ${join(dir, "data")}\n${storage}communities:\n  - id: demo\n    name: Demo\n    chats: [{ id: "console:lobby" }]\n`;
    const booted = await boot({
      config: parseConfigText(yaml, { baseDir: dir }),
      env: { logLevel: "silent" },
    });
    const cache = (booted.store as SqliteStore).cache;
    await booted.runtime.close();
    return cache;
  };

  it("sizes the running bot's SQLite cache (10,000 by default, 0 switches it off)", async () => {
    expect((await bootWith(""))?.capacity).toBe(10_000);
    expect((await bootWith("storage:\n  cache_entries: 50\n"))?.capacity).toBe(50);
    expect(await bootWith("storage:\n  cache_entries: 0\n")).toBeUndefined();
  });
});
