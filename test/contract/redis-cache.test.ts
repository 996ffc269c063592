import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RedisStore } from "../../src/adapters/storage/redis-store.js";

const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `read` gives `expected` (an invalidation travels over the network), at most a second. */
async function eventually(read: () => Promise<unknown>, expected: unknown): Promise<unknown> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return last;
    await sleep(10);
  }
  return last;
}

describe.skipIf(!redisUrl)("the Redis store's read cache (client tracking)", () => {
  const pair = async () => {
    const prefix = `cwtest:${randomUUID()}:`;
    const a = await RedisStore.connect(redisUrl!, { prefix, cacheEntries: 100 });
    const b = await RedisStore.connect(redisUrl!, { prefix, cacheEntries: 100 });
    return { a, b, close: () => Promise.all([a.close(), b.close()]) };
  };

  it("reads a value from Redis once, then from memory, absent values included", async () => {
    const { a, close } = await pair();
    await a.set("profile:x", { n: 1 });
    expect(await a.get("profile:x")).toEqual({ n: 1 });
    expect(await a.get("profile:x")).toEqual({ n: 1 });
    expect(await a.get("language:x")).toBeUndefined();
    expect(await a.get("language:x")).toBeUndefined();
    expect(a.reads?.stats).toMatchObject({ hits: 2, misses: 2 });
    await close();
  });

  it("sees what another process wrote, deleted or changed once Redis tells it", async () => {
    const { a, b, close } = await pair();
    await a.set("k", 1);
    expect(await b.get("k")).toBe(1);
    await a.set("k", 2);
    expect(await eventually(() => b.get("k"), 2)).toBe(2);
    await a.update<number>("k", (n = 0) => n + 1);
    expect(await eventually(() => b.get("k"), 3)).toBe(3);
    await a.increment("n", 1);
    expect(await b.get("n")).toBe(1);
    await a.increment("n", 1);
    expect(await eventually(() => b.get("n"), 2)).toBe(2);
    await a.delete("k");
    expect(await eventually(() => b.get("k"), undefined)).toBeUndefined();
    await close();
  });

  it("reads its own writes at once, and lets values expire with their TTL", async () => {
    const { a, close } = await pair();
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
});
