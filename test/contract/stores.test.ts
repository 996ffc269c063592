import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import { SqliteStore } from "../../src/adapters/storage/sqlite-store.js";
import { storeContract } from "./store.contract.js";

storeContract("memory", { make: async () => new MemoryStore() });

const paths = new WeakMap<KeyValueStore, string>();
const openSqlite = (path: string) => {
  const store = new SqliteStore(path);
  paths.set(store, path);
  return store;
};
/** The SQLite files (main, WAL, shared memory) that hold `needle`, read raw as someone holding them would. */
async function sqliteResidue(store: KeyValueStore, needle: string): Promise<string[]> {
  const path = paths.get(store)!;
  const bytes = Buffer.from(needle);
  return ["", "-wal", "-shm"]
    .map((suffix) => path + suffix)
    .filter((file) => existsSync(file) && readFileSync(file).includes(bytes));
}

storeContract("SQLite", {
  make: async () => openSqlite(join(mkdtempSync(join(tmpdir(), "chatwarden-store-")), "state.sqlite")),
  second: async (store) => openSqlite(paths.get(store)!),
  reopen: async (store) => {
    await store.close();
    return openSqlite(paths.get(store)!);
  },
  residue: sqliteResidue,
});

// The running bot's SQLite store: it holds the data-dir lock, so it caches what it reads and writes.
const openCached = (path: string) => {
  const store = new SqliteStore(path, Date.now, { cacheEntries: 100, exclusive: true });
  paths.set(store, path);
  return store;
};
storeContract("SQLite with its read cache", {
  residue: sqliteResidue,
  make: async () => openCached(join(mkdtempSync(join(tmpdir(), "chatwarden-cached-")), "state.sqlite")),
  reopen: async (store) => {
    await store.close();
    return openCached(paths.get(store)!);
  },
});

// The engine's view of that store: writes made while a unit of work is open wait for a durability point
// (here a unit stays open throughout, so they are committed only by the backstop timer, by writes through
// the store itself, or on close); the contract must hold all the same.
const openGrouped = (path: string) => {
  const view = openCached(path).grouped();
  if (!view) throw new Error("an exclusive SQLite store groups writes");
  view.unit();
  paths.set(view, path);
  return view;
};
storeContract("SQLite grouped into units of work", {
  residue: sqliteResidue,
  make: async () => openGrouped(join(mkdtempSync(join(tmpdir(), "chatwarden-grouped-")), "state.sqlite")),
  reopen: async (store) => {
    await store.close();
    return openGrouped(paths.get(store)!);
  },
});

describe("SQLite store specifics", () => {
  it("runs the database in WAL mode and keeps plain JSON text", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-wal-")), "wal.sqlite");
    const store = new SqliteStore(path);
    await store.set("k", { a: "张" });
    const probe = new Database(path, { readonly: true });
    expect(probe.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(probe.prepare("SELECT value FROM kv WHERE key = 'k'").get()).toEqual({ value: '{"a":"张"}' });
    probe.close();
    await store.close();
  });

  it("sweeps expired rows out of the file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-sweep-")), "s.sqlite");
    const store = new SqliteStore(path);
    for (let i = 0; i < 50; i++) await store.set(`attempt:${i}`, i, 1);
    await store.set("live", 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(await store.sweep()).toBe(50);
    const probe = new Database(path, { readonly: true });
    expect(probe.prepare("SELECT count(*) AS n FROM kv").get()).toEqual({ n: 1 });
    probe.close();
    await store.close();
  });

  it("surfaces a backend failure as a StoreError, never as absent", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-fail-")), "f.sqlite");
    const store = new SqliteStore(path);
    const other = new Database(path);
    other.prepare("DROP TABLE kv").run();
    other.close();
    await expect(store.get("banned:alice")).rejects.toMatchObject({
      name: "StoreError",
      code: "backend_failed",
    });
    await store.close();
  });
});
