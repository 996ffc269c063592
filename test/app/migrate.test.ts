import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { openStore } from "../../src/adapters/storage/open-store.js";
import { registerInstance } from "../../src/app/instances.js";
import { migrate } from "../../src/app/migrate.js";

const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;
const postgresUrl = process.env.CHATWARDEN_TEST_POSTGRES_URL;

const sqliteUrl = () =>
  `sqlite://${join(mkdtempSync(join(tmpdir(), "chatwarden-migrate-")), "state.sqlite")}`;

async function seed(store: KeyValueStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.set(`member:console:lobby:console:m${i}`, { name: `m${i}`, seen: i, zh: "张" });
    await store.addToSet("members-of:console:lobby", `console:m${i}`);
    if (i % 10 === 0)
      await store.schedule("timers", { id: `t${i}`, at: 1_000 + i, payload: { kind: "lift", i } });
  }
  await store.set("attempts:console:m1", 3, 3_600_000);
}

async function snapshot(url: string) {
  const store = await openStore(url);
  const records: string[] = [];
  for await (const r of store.dump())
    records.push(
      JSON.stringify(r.kind === "value" ? { ...r, ttlMs: r.ttlMs === undefined ? undefined : "ttl" } : r),
    );
  await store.close();
  return records.sort();
}

describe("chatwarden migrate", () => {
  it("copies values, sets and timers between SQLite files, verifies, and is safe to run twice", async () => {
    const [from, to] = [sqliteUrl(), sqliteUrl()];
    const source = await openStore(from);
    await seed(source, 300);
    await source.close();
    const lines: string[] = [];
    const first = await migrate(from, to, (l) => lines.push(l));
    expect(first).toEqual({ exitCode: 0, copied: { values: 301, setMembers: 300, timers: 30 } });
    expect(lines.at(-1)).toMatch(/^verified: counts match, \d+ sampled records are equal$/);
    expect(await migrate(from, to, () => {})).toMatchObject({ exitCode: 0 });
    expect(await snapshot(to)).toEqual(await snapshot(from));
  });

  it("refuses to write into a store that a running bot holds, naming the process", async () => {
    const [from, to] = [sqliteUrl(), sqliteUrl()];
    const target = await openStore(to);
    const unregister = await registerInstance(target, "run-1");
    const lines: string[] = [];
    expect(await migrate(from, to, (l) => lines.push(l))).toEqual({ exitCode: 2 });
    expect(lines.join("\n")).toContain(`pid ${process.pid}`);
    await unregister();
    await target.close();
    expect(await migrate(from, to, () => {})).toMatchObject({ exitCode: 0 });
  });

  it("runs as a CLI command and names a bad URL with exit 2", () => {
    const run = spawnSync(
      "npx",
      ["tsx", "src/cli.ts", "migrate", "--from", "mysql://x", "--to", sqliteUrl()],
      {
        encoding: "utf8",
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      '--from: expected a storage URL (sqlite://…, redis://…, postgres://…), got "mysql://x"',
    );
  });

  it.skipIf(!redisUrl || !postgresUrl)(
    "round-trips SQLite → PostgreSQL → Redis → SQLite unchanged",
    async () => {
      const from = sqliteUrl();
      const source = await openStore(from);
      await seed(source, 120);
      await source.close();
      const pg = new URL(postgresUrl!);
      const dbName = `cwmig_${Date.now()}`;
      const { default: pgLib } = await import("pg");
      const admin = new pgLib.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      pg.pathname = `/${dbName}`;
      // A Redis database of its own (number 7), emptied first: the default key prefix, as a bot would use.
      const redisDb = new URL(redisUrl!);
      redisDb.pathname = "/7";
      const redis = redisDb.toString();
      const { createClient } = await import("redis");
      const client = createClient({ url: redis });
      await client.connect();
      await client.flushDb();
      await client.close();
      const back = sqliteUrl();
      expect(await migrate(from, pg.toString(), () => {})).toMatchObject({ exitCode: 0 });
      expect(await migrate(pg.toString(), redis, () => {})).toMatchObject({ exitCode: 0 });
      expect(await migrate(redis, back, () => {})).toMatchObject({ exitCode: 0 });
      expect(await snapshot(back)).toEqual(await snapshot(from));
    },
  );
});
