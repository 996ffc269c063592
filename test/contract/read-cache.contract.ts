import { describe, expect, it } from "vitest";
import { UNCACHED, type KeyValueStore } from "../../src/core/ports/store.js";

/** Two stores over the same data, as two processes of the bot would have, each with its read cache. */
export interface CachedPair<S extends KeyValueStore> {
  a: S;
  b: S;
  close(): Promise<unknown>;
}

export interface ReadCacheFactory<S extends KeyValueStore> {
  /** Two cached instances over one fresh data set (own key prefix or database). */
  pair(): Promise<CachedPair<S>>;
  /** How long another process's change may take to reach the cache (it travels over the network). */
  invalidationMs: number;
  /**
   * Waits for whatever the backend says back about this process's own write before hits are counted
   * (PostgreSQL notifies the writer too, and that notice may drop the entry again).
   */
  settleOwnWrite?(): Promise<void>;
  /**
   * Cuts every connection of the pair (the server restarting, say): with it, the suite checks that
   * nothing stale is served meanwhile and that the cache listens again by itself.
   */
  cutConnections?(pair: CachedPair<S>): Promise<void>;
  /** How long the cache takes to listen again after `cutConnections`. */
  relistenMs?: number;
}

type Cached = KeyValueStore & { reads?: { stats: unknown } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `read` gives `expected`, at most `ms`; returns the last value read. */
async function eventually(read: () => Promise<unknown>, expected: unknown, ms: number): Promise<unknown> {
  let last: unknown;
  for (const end = Date.now() + ms; ;) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected) || Date.now() > end) return last;
    await sleep(10);
  }
}

/**
 * The contract of a shared store's per-process read cache (Redis client tracking, PostgreSQL
 * LISTEN/NOTIFY): hits from memory, other processes' changes seen once the server tells, own writes read
 * at once, TTLs kept. Each backend's test calls it with a factory, as the store contract is run.
 */
export function readCacheContract<S extends Cached>(name: string, factory: ReadCacheFactory<S>) {
  const within = (read: () => Promise<unknown>, expected: unknown) =>
    eventually(read, expected, factory.invalidationMs);

  describe(`${name}'s read cache keeps the read-cache contract`, () => {
    it("reads a value from the server once, then from memory, absent values included", async () => {
      const { a, close } = await factory.pair();
      await a.set("profile:x", { n: 1 });
      await factory.settleOwnWrite?.();
      expect(await a.get("profile:x")).toEqual({ n: 1 });
      expect(await a.get("profile:x")).toEqual({ n: 1 });
      expect(await a.get("language:x")).toBeUndefined();
      expect(await a.get("language:x")).toBeUndefined();
      expect(a.reads?.stats).toMatchObject({ hits: 2, misses: 2 });
      await close();
    });

    it("sees what another process wrote, deleted, changed or counted once the server tells it", async () => {
      const { a, b, close } = await factory.pair();
      await a.set("k", 1);
      expect(await b.get("k")).toBe(1);
      await a.set("k", 2);
      expect(await within(() => b.get("k"), 2)).toBe(2);
      await a.update<number>("k", (n = 0) => n + 1);
      expect(await within(() => b.get("k"), 3)).toBe(3);
      await a.increment("n", 1);
      expect(await b.get("n")).toBe(1);
      await a.increment("n", 1);
      expect(await within(() => b.get("n"), 2)).toBe(2);
      await a.delete("k");
      expect(await within(() => b.get("k"), undefined)).toBeUndefined();
      await close();
    });

    it("gives shared reads another process's change too, never the object it parsed before", async () => {
      const { a, b, close } = await factory.pair();
      await a.set("member:x", { seen: 1 });
      // the server's word about that write must not drop b's entry between the two reads below
      await factory.settleOwnWrite?.();
      const before = await b.getShared<{ seen: number }>("member:x");
      expect(before).toEqual({ seen: 1 });
      expect(await b.getShared("member:x")).toBe(before); // parsed once, then shared
      expect(b.reads?.stats).toMatchObject({ hits: 1 });
      await a.set("member:x", { seen: 2 });
      expect(await within(() => b.getShared("member:x"), { seen: 2 })).toEqual({ seen: 2 });
      expect(before).toEqual({ seen: 1 }); // what a reader already holds stays as it was
      await a.delete("member:x");
      expect(await within(() => b.getShared("member:x"), undefined)).toBeUndefined();
      await close();
    });

    it("answers peekShared from the cache only, and never with a value another process has changed", async () => {
      const { a, b, close } = await factory.pair();
      expect(b.peekShared?.("member:y")).toBe(UNCACHED); // never read: only the server can say
      await a.set("member:y", { seen: 1 });
      await factory.settleOwnWrite?.();
      const first = await b.getShared<{ seen: number }>("member:y");
      expect(b.peekShared?.("member:y")).toBe(first); // cached: at once, the same shared object
      await a.set("member:y", { seen: 2 });
      // until the server tells b, peek may still answer from the cache (as getShared would); after, never
      await within(() => b.getShared("member:y"), { seen: 2 });
      const now = b.peekShared?.("member:y");
      expect(now === UNCACHED ? await b.getShared("member:y") : now).toEqual({ seen: 2 });
      await a.delete("member:y");
      await within(() => b.getShared("member:y"), undefined);
      expect([undefined, UNCACHED]).toContain(b.peekShared?.("member:y"));
      await close();
    });

    it("sees a key another process creates after it cached the key as absent", async () => {
      const { a, b, close } = await factory.pair();
      for (const key of ["set", "update", "increment", "setIfAbsent", "change"]) {
        expect(await b.get(key)).toBeUndefined();
        expect(await b.get(key)).toBeUndefined(); // the absence is now served from b's cache
      }
      expect(b.reads?.stats).toMatchObject({ hits: 5 });
      await a.set("set", 1);
      await a.update<number>("update", () => 2);
      await a.increment("increment", 3);
      await a.setIfAbsent("setIfAbsent", 4);
      await a.change<number, null>("change", () => ({ value: 5, result: null }));
      expect(await within(() => b.get("set"), 1)).toBe(1);
      expect(await within(() => b.get("update"), 2)).toBe(2);
      expect(await within(() => b.get("increment"), 3)).toBe(3);
      expect(await within(() => b.get("setIfAbsent"), 4)).toBe(4);
      expect(await within(() => b.get("change"), 5)).toBe(5);
      await close();
    });

    it("reads its own writes at once, and lets values expire with their TTL", async () => {
      const { a, close } = await factory.pair();
      for (let i = 0; i < 20; i++) {
        await a.get("own");
        await a.set("own", i);
        expect(await a.get("own")).toBe(i);
      }
      await a.set("short", "x", 100);
      expect(await a.get("short")).toBe("x");
      await sleep(150);
      expect(await a.get("short")).toBeUndefined();
      await close();
    });

    const { cutConnections } = factory;
    if (cutConnections)
      it("serves nothing stale while its connections are gone, and listens again by itself", async () => {
        const pair = await factory.pair();
        const { a, b, close } = pair;
        await a.set("k", 1);
        expect(await b.get("k")).toBe(1);
        await cutConnections(pair);
        await sleep(100);
        await a.set("k", 2);
        expect(await b.get("k")).toBe(2);
        await sleep(factory.relistenMs ?? 1_500); // b listens again
        expect(await b.get("k")).toBe(2);
        await a.set("k", 3);
        expect(await within(() => b.get("k"), 3)).toBe(3);
        await close();
      });
  });
}
