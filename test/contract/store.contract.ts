import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/core/ports/store.js";

/**
 * The contract every KeyValueStore implementation must keep. Each implementation's test file calls this
 * with a factory; later backends (Redis, PostgreSQL) run the very same suite.
 */
export function storeContract(
  name: string,
  make: () => Promise<KeyValueStore>,
  options: { reopen?: (store: KeyValueStore) => Promise<KeyValueStore> } = {},
) {
  describe(`${name} keeps the store contract`, () => {
    it("returns undefined for an absent key and the value after set", async () => {
      const store = await make();
      expect(await store.get("absent")).toBeUndefined();
      await store.set("k", { a: 1, nested: ["x", 2], big: "-1001234567890123" });
      expect(await store.get("k")).toEqual({ a: 1, nested: ["x", 2], big: "-1001234567890123" });
      await store.close();
    });

    it("keeps keys with colons, Matrix and Telegram ids apart", async () => {
      const store = await make();
      await store.set("member:telegram:-1001:telegram:42", 1);
      await store.set("member:matrix:!room:example.org:matrix:@a:example.org", 2);
      expect(await store.get("member:telegram:-1001:telegram:42")).toBe(1);
      expect(await store.get("member:matrix:!room:example.org:matrix:@a:example.org")).toBe(2);
      await store.close();
    });

    it("treats % and _ in keys literally", async () => {
      const store = await make();
      await store.set("a_b%c", "literal");
      expect(await store.get("aXbYc")).toBeUndefined();
      expect(await store.get("a_b%c")).toBe("literal");
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

    it("expires values after their ttl", async () => {
      const store = await make();
      await store.set("ttl", "soon gone", 30);
      expect(await store.get("ttl")).toBe("soon gone");
      await new Promise((r) => setTimeout(r, 80));
      expect(await store.get("ttl")).toBeUndefined();
      await store.close();
    });

    it("serializes concurrent updates of one key: 100 increments end at 100", async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 100 }, () => store.update<number>("counter", (n = 0) => n + 1)));
      expect(await store.get("counter")).toBe(100);
      await store.close();
    });

    it("lets exactly one of many concurrent claimers win", async () => {
      const store = await make();
      await store.set("hold", { state: "pending" });
      const winners: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.update<{ state: string; by?: number }>("hold", (h) => {
            if (!h || h.state !== "pending") return h;
            winners.push(i);
            return { state: "decided", by: i };
          }),
        ),
      );
      expect(winners).toHaveLength(1);
      expect(await store.get("hold")).toEqual({ state: "decided", by: winners[0] });
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
      // the key is not left locked
      expect(await store.update<number>("x", (n = 0) => n + 1)).toBe(2);
      await store.close();
    });

    it("deletes through update when the function returns undefined", async () => {
      const store = await make();
      await store.set("gone", 1);
      await store.update("gone", () => undefined);
      expect(await store.get("gone")).toBeUndefined();
      await store.close();
    });

    it("throws a StoreError after close instead of reading as absent", async () => {
      const store = await make();
      await store.close();
      await expect(store.get("anything")).rejects.toMatchObject({ name: "StoreError", code: "closed" });
    });

    if (options.reopen) {
      it("keeps values across a reopen (durability)", async () => {
        const store = await make();
        await store.set("durable", { ok: true });
        const again = await options.reopen!(store);
        expect(await again.get("durable")).toEqual({ ok: true });
        await again.close();
      });
    }
  });
}
