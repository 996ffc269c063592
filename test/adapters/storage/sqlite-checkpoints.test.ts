import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../../src/adapters/storage/sqlite-store.js";
import { waitFor } from "../../fakes/telegram/wait.js";

const open: SqliteStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

function storeAt(
  checkpoints: Pick<NonNullable<ConstructorParameters<typeof SqliteStore>[2]>, "checkpoints">,
) {
  const dir = mkdtempSync(join(tmpdir(), "chatwarden-checkpoints-"));
  const path = join(dir, "state.sqlite");
  const store = new SqliteStore(path, Date.now, { cacheEntries: 100, exclusive: true, ...checkpoints });
  open.push(store);
  /**
   * What a power cut right now would leave: the database file alone, without its WAL (synchronous=
   * NORMAL syncs the WAL only at checkpoints), opened as a copy.
   */
  const afterPowerCut = (key: string) => {
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.sqlite`);
    copyFileSync(path, copy);
    const db = new Database(copy, { readonly: true });
    try {
      // Not even the table yet: everything was still in the WAL.
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'kv'").get();
      if (!table) return undefined;
      return db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?").get(key)?.value;
    } finally {
      db.close();
    }
  };
  return { store, afterPowerCut };
}

describe("SQLite checkpoints in a thread of their own", () => {
  it("copies committed writes into the database file within moments, off the bot's thread", async () => {
    const { store, afterPowerCut } = storeAt({ checkpoints: { everyMs: 20, startAfterMs: 0 } });
    await store.set("k", { v: 1 });
    await waitFor(() => afterPowerCut("k") !== undefined, { timeoutMs: 5_000, intervalMs: 20 });
    expect(JSON.parse(afterPowerCut("k") ?? "null")).toEqual({ v: 1 });
    // and again, after more writes (the thread keeps running)
    for (let i = 0; i < 200; i++) await store.set(`n${i}`, { i, pad: "x".repeat(500) });
    await waitFor(() => afterPowerCut("n199") !== undefined, { timeoutMs: 5_000, intervalMs: 20 });
  });

  it("without the thread, the same writes stay in the WAL until the backstop threshold (the test can fail)", async () => {
    const { store, afterPowerCut } = storeAt({ checkpoints: false });
    await store.set("k", { v: 1 });
    await new Promise((done) => setTimeout(done, 300));
    expect(afterPowerCut("k")).toBeUndefined();
    expect(await store.get("k")).toEqual({ v: 1 });
  });

  it("a store closed before the thread started, or right after, closes cleanly and keeps its data", async () => {
    const early = storeAt({ checkpoints: { everyMs: 20, startAfterMs: 10_000 } });
    await early.store.set("k", 1);
    await early.store.close();
    const late = storeAt({ checkpoints: { everyMs: 20, startAfterMs: 0 } });
    await late.store.set("k", 2);
    await new Promise((done) => setTimeout(done, 50));
    await late.store.close();
    expect(late.afterPowerCut("k")).toBe("2");
  });
});
