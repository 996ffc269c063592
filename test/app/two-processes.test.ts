import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { openStore } from "../../src/adapters/storage/open-store.js";
import { consoleConfig, startHarness } from "../support/harness.js";
import { freshPostgresDatabase } from "../support/postgres.js";
import { NEWS } from "../support/hold-configs.js";

const redisUrl = process.env.CHATWARDEN_TEST_REDIS_URL;
const postgresUrl = process.env.CHATWARDEN_TEST_POSTGRES_URL;

const freshPostgres = () => freshPostgresDatabase(postgresUrl!, "cwtwo");

const backends: { name: string; url: () => Promise<string>; skip: boolean }[] = [
  {
    name: "SQLite",
    url: async () => `sqlite://${join(mkdtempSync(join(tmpdir(), "chatwarden-two-")), "state.sqlite")}`,
    skip: false,
  },
  { name: "PostgreSQL", url: freshPostgres, skip: !postgresUrl },
  {
    name: "Redis",
    url: async () => {
      // Its own key space: a database number nobody else uses, emptied first.
      const url = new URL(redisUrl ?? "redis://127.0.0.1/0");
      url.pathname = "/9";
      const { createClient } = await import("redis");
      const client = createClient({ url: url.toString() });
      await client.connect();
      await client.flushDb();
      await client.close();
      return url.toString();
    },
    skip: !redisUrl,
  },
];

describe("two bot processes on one store", () => {
  for (const backend of backends) {
    it.skipIf(backend.skip)(
      `${backend.name}: 200 Approve presses on 100 holds from both processes re-post each hold exactly once`,
      async () => {
        const url = await backend.url();
        // As `boot` opens them: each process with its read cache (SQLite keeps none without the lock).
        const open = () => openStore(url, { cacheEntries: 10_000 });
        const stores: KeyValueStore[] = [await open(), await open()];
        const a = await startHarness(consoleConfig(NEWS), { store: stores[0] });
        const b = await startHarness(consoleConfig(NEWS), { store: stores[1], clock: a.clock });
        for (let i = 0; i < 100; i++)
          await a.session.say(`user${i}`, "lobby", `https://reuters.com/story/${i}`);
        const ids = a.world
          .visible(a.session.chat("review"))
          .map((m) => /Held post (h\w+)/.exec(m.text)?.[1])
          .filter((id): id is string => id !== undefined);
        expect(new Set(ids).size).toBe(100);
        const presses = ids.flatMap((id) =>
          [a, b].map((h) =>
            h.session.dispatch({
              kind: "button_pressed",
              data: `hold:approve:${id}`,
              actor: h.session.actor("admin", "review"),
              chat: h.session.chat("review"),
            }),
          ),
        );
        const handled = await Promise.all(presses);
        const reposts = handled.flatMap((r) => r.decisions).filter((d) => d.kind === "repost");
        expect(reposts).toHaveLength(100);
        expect(await a.store.setMembers("news:pending:demo")).toEqual([]);
        const cases = await a.runtime.services.cases.of("demo" as never, a.session.account("user7"));
        expect(cases.map((c) => c.action)).toEqual(["hold_approved"]);
        await b.runtime.close();
        await a.runtime.close();
      },
      120_000,
    );
  }
});
