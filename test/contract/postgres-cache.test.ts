import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { PostgresStore } from "../../src/adapters/storage/postgres-store.js";

const postgresUrl = process.env.CHATWARDEN_TEST_POSTGRES_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `read` gives `expected` (a notification travels over the network), at most two seconds. */
async function eventually(read: () => Promise<unknown>, expected: unknown): Promise<unknown> {
  let last: unknown;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return last;
    await sleep(10);
  }
  return last;
}

async function freshDatabase(): Promise<string> {
  const name = `cwtest_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

describe.skipIf(!postgresUrl)("the PostgreSQL store's read cache (LISTEN/NOTIFY)", () => {
  const pair = async () => {
    const url = await freshDatabase();
    const a = await PostgresStore.connect(url, { max: 2, cacheEntries: 100 });
    const b = await PostgresStore.connect(url, { max: 2, cacheEntries: 100 });
    return { url, a, b, close: () => Promise.all([a.close(), b.close()]) };
  };

  it("reads a value from PostgreSQL once, then from memory, absent values included", async () => {
    const { a, close } = await pair();
    await a.set("profile:x", { n: 1 });
    // PostgreSQL also notifies this process of its own write; that notice may drop the entry again, so
    // let it arrive before counting (evicting more is safe; the count would race it).
    await sleep(300);
    expect(await a.get("profile:x")).toEqual({ n: 1 });
    expect(await a.get("profile:x")).toEqual({ n: 1 });
    expect(await a.get("language:x")).toBeUndefined();
    expect(await a.get("language:x")).toBeUndefined();
    expect(a.reads?.stats).toMatchObject({ hits: 2, misses: 2 });
    await close();
  });

  it("sees what another process wrote, deleted, changed or counted once PostgreSQL notifies it", async () => {
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

  it("serves nothing stale while its listening connection is gone, and listens again by itself", async () => {
    const { url, a, b, close } = await pair();
    await a.set("k", 1);
    expect(await b.get("k")).toBe(1);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    // Ends every connection of the test database: both pools and both listeners.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [new URL(url).pathname.slice(1)],
    );
    await admin.end();
    await sleep(100);
    await a.set("k", 2);
    expect(await b.get("k")).toBe(2);
    await sleep(1_500); // b listens again
    expect(await b.get("k")).toBe(2);
    await a.set("k", 3);
    expect(await eventually(() => b.get("k"), 3)).toBe(3);
    await close();
  });
});
