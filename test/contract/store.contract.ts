import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { KEEP, UNCACHED } from "../../src/core/ports/store.js";

export interface StoreFactory {
  /** A new, empty store (its own file, key prefix or schema). */
  make(): Promise<KeyValueStore>;
  /** A second instance over the same data as `store` (another connection, as a second process would have). */
  second?(store: KeyValueStore): Promise<KeyValueStore>;
  /** Close and open again on the same data (durability). */
  reopen?(store: KeyValueStore): Promise<KeyValueStore>;
  /**
   * Where `needle` can still be read in the backend's own files (file names), as someone holding them
   * would: for backends whose files the test can reach.
   */
  residue?(store: KeyValueStore, needle: string): Promise<string[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The contract every KeyValueStore implementation keeps. Each backend's test file calls this with a
 * factory: memory, SQLite, Redis and PostgreSQL run the very same suite, including two instances of one
 * backend racing each other where the backend can be shared.
 */
export function storeContract(name: string, factory: StoreFactory) {
  const { make } = factory;
  describe(`${name} keeps the store contract`, () => {
    it("returns undefined for an absent key and the value after set", async () => {
      const store = await make();
      expect(await store.get("absent")).toBeUndefined();
      await store.set("k", { a: 1, nested: ["x", 2], big: "-1001234567890123", zh: "张三" });
      expect(await store.get("k")).toEqual({ a: 1, nested: ["x", 2], big: "-1001234567890123", zh: "张三" });
      await store.close();
    });

    it("keeps keys with colons, Matrix and Telegram ids apart, and treats % and _ literally", async () => {
      const store = await make();
      await store.set("member:telegram:-1001:telegram:42", 1);
      await store.set("member:matrix:!room:example.org:matrix:@a:example.org", 2);
      await store.set("a_b%c", "literal");
      expect(await store.get("member:telegram:-1001:telegram:42")).toBe(1);
      expect(await store.get("member:matrix:!room:example.org:matrix:@a:example.org")).toBe(2);
      expect(await store.get("aXbYc")).toBeUndefined();
      expect(await store.get("a_b%c")).toBe("literal");
      await store.close();
    });

    it("answers peekShared as getShared does, at once, or says it cannot (UNCACHED), never something stale", async () => {
      const store = await make();
      // what a shared read gives, at once where the store can; UNCACHED means "ask getShared"
      const peek = (key: string) => {
        const value = store.peekShared?.(key);
        expect(value).not.toBeInstanceOf(Promise);
        return value;
      };
      const agrees = async (key: string) => {
        const value = peek(key);
        if (value !== UNCACHED && store.peekShared) expect(value).toEqual(await store.getShared(key));
        return value;
      };
      await agrees("p");
      await store.set("p", { n: 1 });
      await store.getShared("p"); // cached now where the store caches
      expect(await agrees("p")).not.toEqual({ n: 0 });
      await store.set("p", { n: 2 });
      const after = await agrees("p");
      if (after !== UNCACHED) expect(after).toEqual({ n: 2 });
      await store.increment("q");
      await store.getShared("q");
      await store.increment("q");
      const counted = await agrees("q");
      if (counted !== UNCACHED) expect(counted).toBe(2);
      await store.delete("p");
      expect([undefined, UNCACHED]).toContain(peek("p"));
      await store.set("brief", "x", 30);
      await store.getShared("brief");
      await sleep(80);
      expect([undefined, UNCACHED]).toContain(peek("brief"));
      await store.close();
    });

    it("gives shared reads the value of the last write, frozen, while get still gives a copy", async () => {
      const store = await make();
      expect(await store.getShared("s")).toBeUndefined();
      await store.set("s", { n: 1, list: [{ x: "a" }] });
      const first = await store.getShared<{ n: number; list: { x: string }[] }>("s");
      expect(first).toEqual({ n: 1, list: [{ x: "a" }] });
      expect(Object.isFrozen(first) && Object.isFrozen(first?.list) && Object.isFrozen(first?.list[0])).toBe(
        true,
      );
      expect(() => {
        (first as { n: number }).n = 2;
      }).toThrow(TypeError);
      expect(await store.getShared("s")).toEqual({ n: 1, list: [{ x: "a" }] });
      const copy = await store.get<{ n: number }>("s");
      copy!.n = 3; // a plain read is the caller's own
      expect(await store.getShared("s")).toEqual({ n: 1, list: [{ x: "a" }] });
      await store.change<{ n: number }, void>("s", (cur) => ({
        value: { ...cur!, n: 4 },
        result: undefined,
      }));
      expect(await store.getShared("s")).toMatchObject({ n: 4 });
      await store.update<number>("c", () => 1);
      expect(await store.getShared("c")).toBe(1);
      await store.increment("c");
      expect(await store.getShared("c")).toBe(2);
      await store.delete("s");
      expect(await store.getShared("s")).toBeUndefined();
      await store.set("brief", "x", 30);
      expect(await store.getShared("brief")).toBe("x");
      await sleep(80);
      expect(await store.getShared("brief")).toBeUndefined();
      await store.close();
    });

    it("deletes and says whether something was there", async () => {
      const store = await make();
      await store.set("d", 1);
      expect(await store.delete("d")).toBe(true);
      expect(await store.delete("d")).toBe(false);
      expect(await store.get("d")).toBeUndefined();
      await store.close();
    });

    it("expires values after their ttl, and sweep leaves live ones", async () => {
      const store = await make();
      await store.set("ttl", "soon gone", 40);
      await store.set("stays", "here");
      expect(await store.get("ttl")).toBe("soon gone");
      await sleep(90);
      expect(await store.get("ttl")).toBeUndefined();
      await store.sweep();
      expect(await store.get("stays")).toBe("here");
      expect(await store.delete("ttl")).toBe(false);
      await store.close();
    });

    it("serializes concurrent updates of one key: 200 increments through update end at 200", async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 200 }, () => store.update<number>("counter", (n = 0) => n + 1)));
      expect(await store.get("counter")).toBe(200);
      await store.close();
    });

    it("lets exactly one of many concurrent claimers win, told through change's result", async () => {
      const store = await make();
      await store.set("hold", { state: "pending" });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.change<{ state: string; by?: number }, boolean>("hold", (h) =>
            !h || h.state !== "pending"
              ? { value: KEEP, result: false }
              : { value: { state: "decided", by: i }, result: true },
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.get("hold")).toEqual({ state: "decided", by: winner });
      await store.close();
    });

    it("writes nothing when the update function throws, and passes the error on", async () => {
      const store = await make();
      await store.set("x", 1);
      await expect(
        store.update<number>("x", () => {
          throw new Error("refused");
        }),
      ).rejects.toThrow("refused");
      expect(await store.get("x")).toBe(1);
      expect(await store.update<number>("x", (n = 0) => n + 1)).toBe(2);
      await store.close();
    });

    it("deletes through update when the function returns undefined, and change can keep or delete", async () => {
      const store = await make();
      await store.set("gone", 1);
      await store.update("gone", () => undefined);
      expect(await store.get("gone")).toBeUndefined();
      await store.set("kept", 1);
      expect(await store.change<number, string>("kept", () => ({ value: KEEP, result: "same" }))).toBe(
        "same",
      );
      expect(await store.get("kept")).toBe(1);
      await store.change<number, null>("kept", () => ({ value: undefined, result: null }));
      expect(await store.get("kept")).toBeUndefined();
      await store.close();
    });

    it("sets a value only when absent or expired", async () => {
      const store = await make();
      const wins = await Promise.all(Array.from({ length: 30 }, (_, i) => store.setIfAbsent("once", i, 60)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.get("once")).toBe(wins.indexOf(true));
      await sleep(100);
      expect(await store.setIfAbsent("once", "again")).toBe(true);
      expect(await store.get("once")).toBe("again");
      await store.close();
    });

    it("increments counters atomically, with the ttl the counter was created with", async () => {
      const store = await make();
      const totals = await Promise.all(Array.from({ length: 200 }, () => store.increment("hits", 1, 1_000)));
      expect(Math.max(...totals)).toBe(200);
      expect(new Set(totals).size).toBe(200);
      expect(await store.get("hits")).toBe(200);
      expect(await store.increment("hits", 5)).toBe(205);
      await sleep(1_100);
      expect(await store.get("hits")).toBeUndefined();
      expect(await store.increment("hits", 2, 1000)).toBe(2);
      await store.close();
    });

    it("keeps sets as indexes: add, remove, size, stable pages", async () => {
      const store = await make();
      expect(await store.addToSet("members-of:chat", "telegram:2")).toBe(true);
      expect(await store.addToSet("members-of:chat", "telegram:2")).toBe(false);
      for (const m of ["telegram:1", "telegram:3", "matrix:@a:x.org"])
        await store.addToSet("members-of:chat", m);
      await store.addToSet("members-of:other", "telegram:9");
      expect(await store.setSize("members-of:chat")).toBe(4);
      expect(await store.hasMember("members-of:chat", "telegram:3")).toBe(true);
      expect(await store.hasMember("members-of:chat", "telegram:4")).toBe(false);
      expect(await store.hasMember("members-of:other", "telegram:3")).toBe(false);
      const first = await store.setMembers("members-of:chat", { limit: 2 });
      const rest = await store.setMembers("members-of:chat", { after: first[1], limit: 10 });
      expect([...first, ...rest]).toEqual(["matrix:@a:x.org", "telegram:1", "telegram:2", "telegram:3"]);
      expect(await store.removeFromSet("members-of:chat", "telegram:1")).toBe(true);
      expect(await store.removeFromSet("members-of:chat", "telegram:1")).toBe(false);
      expect(await store.setMembers("members-of:chat")).toEqual([
        "matrix:@a:x.org",
        "telegram:2",
        "telegram:3",
      ]);
      expect(await store.setMembers("members-of:none")).toEqual([]);
      await store.close();
    });

    it("keeps a time-ordered set: schedule replaces, leases move the time, unschedule honours the lease", async () => {
      const store = await make();
      await store.schedule("timers", { id: "b", at: 200, payload: { kind: "lift" } });
      await store.schedule("timers", { id: "a", at: 100, payload: { kind: "expire", n: 1 } });
      await store.schedule("timers", { id: "c", at: 900, payload: null });
      await store.schedule("timers", { id: "a", at: 150, payload: { kind: "expire", n: 2 } });
      expect(await store.scheduledCount("timers")).toBe(3);
      expect(await store.nextAt("timers")).toBe(150);
      expect(await store.scheduled("timers", "a")).toEqual({
        id: "a",
        at: 150,
        payload: { kind: "expire", n: 2 },
      });
      const leased = await store.leaseDue("timers", 500, 10_000, 10);
      expect(leased.map((l) => [l.id, l.dueAt, l.at])).toEqual([
        ["a", 150, 10_000],
        ["b", 200, 10_000],
      ]);
      expect(leased[0]!.payload).toEqual({ kind: "expire", n: 2 });
      expect(await store.leaseDue("timers", 500, 20_000, 10)).toEqual([]);
      expect(await store.nextAt("timers")).toBe(900);
      // A handler re-scheduled "b": removing with the old lease must not drop the new timer.
      await store.schedule("timers", { id: "b", at: 5_000, payload: { kind: "lift", again: true } });
      expect(await store.unschedule("timers", "b", 10_000)).toBe(false);
      expect(await store.unschedule("timers", "a", 10_000)).toBe(true);
      expect(await store.unschedule("timers", "a")).toBe(false);
      expect(await store.scheduled("timers", "b")).toMatchObject({ at: 5_000 });
      expect(await store.unschedule("timers", "c")).toBe(true);
      expect(await store.scheduledCount("timers")).toBe(1);
      expect(await store.nextAt("empty")).toBeUndefined();
      await store.close();
    });

    it("dumps every live record: values with ttl, set members, scheduled entries", async () => {
      const store = await make();
      await store.set("plain", { x: 1 });
      await store.set("short", 1, 60_000);
      await store.set("dead", 1, 1);
      await store.addToSet("idx", "m1");
      await store.schedule("timers", { id: "t", at: 5, payload: { p: 1 } });
      await sleep(20);
      const records = [];
      for await (const r of store.dump()) records.push(r);
      const values = records.filter((r) => r.kind === "value").map((r) => (r.kind === "value" ? r.key : ""));
      expect(values.sort()).toEqual(["plain", "short"]);
      const short = records.find((r) => r.kind === "value" && r.key === "short");
      expect(short && short.kind === "value" && short.ttlMs! > 50_000).toBe(true);
      expect(records).toContainEqual({ kind: "set", set: "idx", member: "m1" });
      expect(records).toContainEqual({
        kind: "scheduled",
        set: "timers",
        entry: { id: "t", at: 5, payload: { p: 1 } },
      });
      await store.close();
    });

    it("scrubs after an erasure: the value is gone, and whatever may remain in the backend's files is named", async () => {
      const store = await make();
      const needle = `ERASED-${Math.random().toString(36).slice(2)}-张三`;
      await store.set(`member:${needle}`, { name: needle, phone: "+8613800000000" });
      await store.set("short", { name: `${needle}-short` }, 20);
      await store.set("kept", { name: "someone else" });
      await store.addToSet("idx", needle);
      await store.schedule("timers", { id: needle, at: 1, payload: { needle } });
      await store.delete(`member:${needle}`);
      await store.removeFromSet("idx", needle);
      await store.unschedule("timers", needle);
      await sleep(40);
      await store.sweep();
      const report = await store.scrub();
      expect(report.done.length + report.remains.length, "scrub says what it did").toBeGreaterThan(0);
      for (const line of [...report.done, ...report.remains]) expect(typeof line).toBe("string");
      expect(await store.get(`member:${needle}`)).toBeUndefined();
      expect(await store.get("kept")).toEqual({ name: "someone else" });
      const left = [];
      for await (const r of store.dump()) if (JSON.stringify(r).includes(needle)) left.push(r);
      expect(left).toEqual([]);
      if (factory.residue) {
        const found = await factory.residue(store, needle);
        // A backend that names nothing left must be right about its files.
        if (report.remains.length === 0) expect(found, "nothing left in the files").toEqual([]);
      }
      await store.close();
    });

    it("throws a StoreError after close instead of reading as absent", async () => {
      const store = await make();
      await store.close();
      await expect(store.get("anything")).rejects.toMatchObject({ name: "StoreError", code: "closed" });
      await expect(store.leaseDue("t", 1, 2, 1)).rejects.toMatchObject({
        name: "StoreError",
        code: "closed",
      });
    });

    if (factory.reopen) {
      it("keeps values, sets and timers across a reopen (durability)", async () => {
        const store = await make();
        await store.set("durable", { ok: true });
        await store.addToSet("s", "m");
        await store.schedule("timers", { id: "x", at: 1, payload: 1 });
        const again = await factory.reopen!(store);
        expect(await again.get("durable")).toEqual({ ok: true });
        expect(await again.setMembers("s")).toEqual(["m"]);
        expect(await again.scheduled("timers", "x")).toEqual({ id: "x", at: 1, payload: 1 });
        await again.close();
      });
    }

    if (factory.second) {
      describe("two instances on one backend (as two bot processes)", () => {
        it("200 concurrent increments through update, split over both, end at 200", async () => {
          const a = await make();
          const b = await factory.second!(a);
          await Promise.all(
            Array.from({ length: 200 }, (_, i) =>
              (i % 2 ? a : b).update<number>("counter", (n = 0) => n + 1),
            ),
          );
          expect(await a.get("counter")).toBe(200);
          expect(await b.get("counter")).toBe(200);
          await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment("native")));
          expect(await b.get("native")).toBe(200);
          await b.close();
          await a.close();
        });

        it("200 claims on 100 records from both instances: exactly 100 succeed", async () => {
          const a = await make();
          const b = await factory.second!(a);
          for (let i = 0; i < 100; i++) await a.set(`hold:${i}`, { state: "pending" });
          const results = await Promise.all(
            Array.from({ length: 200 }, (_, i) =>
              (i % 2 ? a : b).change<{ state: string }, boolean>(`hold:${i % 100}`, (h) =>
                h?.state === "pending"
                  ? { value: { state: "approved" }, result: true }
                  : { value: KEEP, result: false },
              ),
            ),
          );
          expect(results.filter(Boolean)).toHaveLength(100);
          await b.close();
          await a.close();
        });

        it("1,000 timers leased by both instances: each fires exactly once", async () => {
          const a = await make();
          const b = await factory.second!(a);
          for (let i = 0; i < 1000; i++) await a.schedule("timers", { id: `t${i}`, at: i, payload: { i } });
          const fired = new Map<string, number>();
          const worker = async (s: KeyValueStore) => {
            for (;;) {
              const leased = await s.leaseDue("timers", 5_000, Date.now() + 60_000, 25);
              if (leased.length === 0) return;
              for (const l of leased) {
                fired.set(l.id, (fired.get(l.id) ?? 0) + 1);
                await s.unschedule("timers", l.id, l.at);
              }
            }
          };
          await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
          expect(fired.size).toBe(1000);
          expect([...fired.values()].every((n) => n === 1)).toBe(true);
          expect(await b.scheduledCount("timers")).toBe(0);
          await b.close();
          await a.close();
        });

        it("a timer whose leaseholder died fires once more, after the lease runs out", async () => {
          const a = await make();
          const b = await factory.second!(a);
          await a.schedule("timers", { id: "lift", at: 1, payload: {} });
          const leaseUntil = Date.now() + 150;
          expect(await a.leaseDue("timers", Date.now(), leaseUntil, 10)).toHaveLength(1);
          await a.close(); // the process died holding the lease: no unschedule
          expect(await b.leaseDue("timers", Date.now(), Date.now() + 60_000, 10)).toEqual([]);
          await sleep(200);
          const again = await b.leaseDue("timers", Date.now(), Date.now() + 60_000, 10);
          expect(again.map((l) => l.id)).toEqual(["lift"]);
          expect(await b.unschedule("timers", "lift", again[0]!.at)).toBe(true);
          await b.close();
        });
      });
    }
  });
}
