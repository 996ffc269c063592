import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommitGroup } from "../../../src/adapters/storage/sqlite-commits.js";
import { SqliteStore } from "../../../src/adapters/storage/sqlite-store.js";
import type { DecisionExecutor } from "../../../src/core/decisions.js";
import type { GroupingStore } from "../../../src/core/ports/store.js";
import { KEEP, StoreError } from "../../../src/core/ports/store.js";
import { consoleConfig, startHarness } from "../../support/harness.js";

const open: { close(): unknown }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const o of open.splice(0)) await o.close();
});

function files() {
  const path = join(mkdtempSync(join(tmpdir(), "chatwarden-grouped-")), "state.sqlite");
  const store = new SqliteStore(path, Date.now, { cacheEntries: 100, exclusive: true });
  open.push(store);
  /** What another connection to the file sees: only what is committed. */
  const committed = () => {
    const probe = new Database(path, { readonly: true });
    try {
      return Object.fromEntries(
        probe
          .prepare<[], { key: string; value: string }>("SELECT key, value FROM kv ORDER BY key")
          .all()
          .map((r) => [r.key, JSON.parse(r.value) as unknown]),
      );
    } finally {
      probe.close();
    }
  };
  return { path, store, view: store.grouped() as GroupingStore, committed };
}

describe("SQLite writes grouped into units of work", () => {
  it("is offered only to the file's one process", () => {
    const path = join(mkdtempSync(join(tmpdir(), "chatwarden-grouped-")), "state.sqlite");
    const shared = new SqliteStore(path);
    open.push(shared);
    expect(shared.grouped()).toBeUndefined();
    expect(files().view).toBeDefined();
  });

  it("commits a unit's writes at its durability points, not one by one", async () => {
    const { view, committed } = files();
    const unit = view.unit();
    await view.set("a", 1);
    await view.change<number, void>("b", () => ({ value: 2, result: undefined }));
    await view.increment("c");
    await view.addToSet("s", "x");
    // visible to this process at once, not yet in the file
    expect(await view.get("b")).toBe(2);
    expect(committed()).toEqual({});
    unit.commit();
    expect(committed()).toEqual({ a: 1, b: 2, c: 1 });
    await view.set("d", 4);
    unit.end();
    expect(committed()).toMatchObject({ d: 4 });
    // with no unit open, a write through the view is durable when it returns
    await view.set("e", 5);
    expect(committed()).toMatchObject({ e: 5 });
  });

  it("makes a write through the store itself durable at once, with what waited before it", async () => {
    const { store, view, committed } = files();
    const unit = view.unit();
    await view.set("engine", 1);
    await store.set("adapter", 2);
    expect(committed()).toEqual({ engine: 1, adapter: 2 });
    unit.end();
  });

  it("commits what waits after a short while when no durability point comes", async () => {
    vi.useFakeTimers();
    const { view, committed } = files();
    view.unit();
    await view.set("late", 1);
    expect(committed()).toEqual({});
    await vi.advanceTimersByTimeAsync(100);
    expect(committed()).toEqual({ late: 1 });
  });

  it("undoes only the failing operation: the unit's other writes stay", async () => {
    const { view, committed } = files();
    const unit = view.unit();
    await view.set("kept", 1);
    await expect(
      view.change("k", () => {
        throw new Error("the caller's function failed");
      }),
    ).rejects.toThrow("the caller's function failed");
    await expect(view.set("bad", 1n)).rejects.toBeInstanceOf(Error);
    await view.change<number, void>("kept", (n) => ({ value: (n ?? 0) + 1, result: undefined }));
    unit.end();
    expect(committed()).toEqual({ kept: 2 });
  });

  it("keeps atomic operations atomic between concurrent units", async () => {
    const { view, committed } = files();
    const units = [view.unit(), view.unit()];
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        view.change<string, boolean>("claim", (cur) =>
          cur ? { value: KEEP, result: false } : { value: `u${i}`, result: true },
        ),
      ),
    );
    const counted = await Promise.all(Array.from({ length: 20 }, () => view.increment("n")));
    for (const u of units) u.end();
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(counted.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(committed()).toMatchObject({ n: 20 });
  });

  it("closes with nothing left uncommitted", async () => {
    const { path, store, view } = files();
    view.unit();
    await view.set("at-close", 1);
    await store.close();
    const again = new SqliteStore(path);
    open.push(again);
    expect(await again.get("at-close")).toBe(1);
  });
});

/** A connection whose COMMIT fails once, as on a full disk: enough of better-sqlite3 for CommitGroup. */
function failingDb() {
  const state = { inTransaction: false, failCommit: false };
  const statement = (sql: string) => ({
    run() {
      if (sql === "BEGIN IMMEDIATE") state.inTransaction = true;
      if (sql === "ROLLBACK") state.inTransaction = false;
      if (sql === "COMMIT") {
        if (state.failCommit) {
          state.failCommit = false;
          throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
        }
        state.inTransaction = false;
      }
      return { changes: 0 };
    },
  });
  const db = {
    prepare: statement,
    get inTransaction() {
      return state.inTransaction;
    },
  };
  return { db: db as unknown as Database.Database, state };
}

describe("a grouped commit that fails", () => {
  it("fails every unit whose writes it held, not silently", () => {
    const { db, state } = failingDb();
    const group = new CommitGroup(db, undefined);
    const first = group.unit();
    const second = group.unit();
    group.write(true, false, () => undefined);
    state.failCommit = true;
    expect(() => first.commit()).toThrow("database or disk is full");
    // the other unit wrote in the lost transaction: its durability point says so
    expect(() => second.end()).toThrow(StoreError);
    expect(() => first.end()).toThrow(StoreError);
    // a unit opened afterwards is not affected
    const third = group.unit();
    group.write(true, false, () => undefined);
    expect(() => third.end()).not.toThrow();
  });
});

describe("the engine on the grouped store", () => {
  it("has committed everything an event wrote before each platform action and when the event is done", async () => {
    const { path, store, committed } = files();
    const config = consoleConfig(`verification:
  required: true
  method: self_declared
news:
  enabled: true
  domains: [news.example]
`);
    const h = await startHarness(config, { store });
    const probe = new Database(path, { readonly: true });
    open.push(probe);
    const ownDb = (store as unknown as { db: Database.Database }).db;
    /** Every row of the three tables, as one connection sees them. */
    const rows = (db: Database.Database) =>
      JSON.stringify(
        [
          "SELECT * FROM kv ORDER BY key",
          "SELECT * FROM sets ORDER BY name, member",
          "SELECT * FROM timed ORDER BY name, id",
        ].map((sql) => db.prepare(sql).all()),
      );
    let calls = 0;
    let uncommittedAtCall = 0;
    const world = h.world;
    const checked: DecisionExecutor = {
      execute: (decision) => {
        calls++;
        // what this process sees and another connection does not: written, not yet committed
        if (rows(ownDb) !== rows(probe)) uncommittedAtCall++;
        return world.execute(decision);
      },
    };
    h.runtime.engine.setExecutor("console", checked);
    await h.session.join("nina", "lobby");
    expect(rows(ownDb)).toBe(rows(probe));
    await h.session.say("nina", "lobby", "see https://news.example/story");
    await h.session.say("early", "lobby", "breaking https://news.example/2");
    expect(rows(ownDb)).toBe(rows(probe));
    expect(calls).toBeGreaterThan(3);
    expect(uncommittedAtCall).toBe(0);
    expect(Object.keys(committed()).length).toBeGreaterThan(5);
  });
});
