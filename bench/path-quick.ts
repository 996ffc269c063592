/**
 * A quick measurement of the message path (engine speed work, issue 13), separate from `npm run bench`:
 * the example config, 1,000 verified members, 20,000 messages through `Engine.handle` with a do-nothing
 * executor, on one backend; the rules matcher alone on the same messages; store calls per message.
 *
 *   npx tsx bench/path-quick.ts [memory|sqlite|redis|postgres] [messages]
 *
 * Redis and PostgreSQL come from CHATWARDEN_TEST_REDIS_URL / CHATWARDEN_TEST_POSTGRES_URL
 * (`eval "$(scripts/services.sh start)"`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NodeSealer, nodeRandom } from "../src/adapters/crypto/node-sealer.js";
import { openStore } from "../src/adapters/storage/open-store.js";
import { createRuntime } from "../src/app/runtime.js";
import { loadConfigFile } from "../src/config/load.js";
import type { DecisionExecutor } from "../src/core/decisions.js";
import type { MessagePosted } from "../src/core/events.js";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import { silentLogger } from "../src/core/ports/logger.js";
import type { KeyValueStore } from "../src/core/ports/store.js";
import { compiledRulesFor } from "../src/core/rules/compile.js";
import { makeMessages, makeTerms, mulberry32 } from "./corpus.js";
import { pathEvents } from "./path.js";

const backend = process.argv[2] ?? "sqlite";
const count = Number(process.argv[3] ?? 20_000);
const MEMBERS = 1_000;
const root = path.resolve(import.meta.dirname, "..");
const config = loadConfigFile(path.join(root, "config/chatwarden.example.yaml"));
const dir = mkdtempSync(path.join(os.tmpdir(), "cw-path-"));

function urlFor(name: string): string {
  if (name === "memory") return "memory://";
  if (name === "sqlite") return `sqlite://${path.join(dir, "path.sqlite")}`;
  const v = name === "redis" ? "CHATWARDEN_TEST_REDIS_URL" : "CHATWARDEN_TEST_POSTGRES_URL";
  const url = process.env[v];
  if (!url) throw new Error(`${v} is not set`);
  return url;
}

/**
 * Counts calls by operation while `counting` is on. Counts on the store's grouped view when it has one
 * (SQLite as the file's one process), as the runtime would use it; `unit` passes uncounted.
 */
function counted(store: KeyValueStore, calls: Map<string, number>, on: { counting: boolean }) {
  const inner = store.grouped?.() ?? store;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "grouped") return undefined;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || prop === "unit") return value;
      return (...args: unknown[]) => {
        if (on.counting) {
          const key = `${String(prop)} ${String(args[0]).split(":")[0]}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as KeyValueStore;
}

async function clearShared(url: string): Promise<void> {
  if (url.startsWith("redis")) {
    const { createClient } = await import("redis");
    const c = createClient({ url });
    await c.connect();
    for await (const keys of c.scanIterator({ MATCH: "cwbench:*", COUNT: 1000 }))
      if (keys.length) await c.del(keys);
    await c.quit();
  }
  if (url.startsWith("postgres")) {
    const pg = await import("pg");
    const c = new pg.default.Client({ connectionString: url });
    await c.connect();
    const tables = await c.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    );
    for (const t of tables.rows) await c.query(`TRUNCATE "${t.tablename}"`);
    await c.end();
  }
}

async function main() {
  const url = urlFor(backend);
  await clearShared(url);
  // As the running bot opens it: SQLite holds the data-dir lock, so it caches (storage.cache_entries).
  const raw = await openStore(url, {
    redisPrefix: "cwbench:",
    cacheEntries: config.raw.storage.cache_entries,
    exclusive: backend === "sqlite",
  });
  const calls = new Map<string, number>();
  const on = { counting: false };
  const store = counted(raw, calls, on);
  const executor: DecisionExecutor = { execute: async () => ({ status: "ok", refs: [] }) };
  const runtime = await createRuntime({
    settings: config.core,
    store,
    clock: { now: () => Date.now() },
    sealer: new NodeSealer("bench-secret-bench-secret-bench-secret-0001"),
    random: nodeRandom,
    logger: silentLogger,
    executors: { console: executor },
    defaultLanguage: config.raw.language,
  });
  const { engine } = runtime;
  const admin = { account: "console:admin" as AccountKey, displayName: "Admin", isChatAdmin: false };
  const accounts = Array.from({ length: MEMBERS }, (_, i) => `console:m${i}` as AccountKey);
  for (const [i, account] of accounts.entries()) {
    const args = `m${i} Member Number${i}`;
    await engine.handle({
      kind: "command",
      name: "verifyuser",
      args,
      mentions: [{ account, offset: 0, length: `m${i}`.length }],
      actor: admin,
      chat: "console:review" as ChatKey,
    });
  }
  const texts = makeMessages(count + 2_000, makeTerms(10_000, 7), 8);
  const rand = mulberry32(9);
  const chats = ["console:lobby", "console:news"] as ChatKey[];
  // CORPUS=path: the messages of `npm run bench`'s path benchmark (the example config's terms and links)
  const events: MessagePosted[] =
    process.env["CORPUS"] === "path"
      ? pathEvents(accounts, count + 2_000)
      : texts.map((text, i) => {
          const n = Math.floor(rand() * MEMBERS);
          return {
            kind: "message_posted",
            message: { chat: chats[i % 2] as ChatKey, id: String(i) },
            actor: { account: accounts[n] as AccountKey, displayName: `Member ${n}`, isChatAdmin: false },
            content: { text, links: [], media: [] },
          };
        });
  // Warm-up: every member writes once in each chat, then 2,000 messages warm the JIT.
  for (const [n, account] of accounts.entries())
    for (const chat of chats)
      await engine.handle({
        kind: "message_posted",
        message: { chat, id: `w${n}` },
        actor: { account, displayName: `Member ${n}`, isChatAdmin: false },
        content: { text: "hello", links: [], media: [] },
      });
  for (const e of events.slice(0, 2_000)) await engine.handle(e);
  const measured = events.slice(2_000);
  on.counting = true;
  const lat = new Float64Array(measured.length);
  let decisions = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < measured.length; i++) {
    const s = performance.now();
    const h = await engine.handle(measured[i] as MessagePosted);
    lat[i] = performance.now() - s;
    decisions += h.decisions.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  on.counting = false;
  lat.sort();
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] as number;
  const policy = config.core.communities[0]?.chats[0]?.policy;
  if (!policy) throw new Error("no policy");
  const compiled = compiledRulesFor(policy.rules);
  for (const e of events.slice(0, 2_000)) compiled.scan(e.content);
  // CPU time, not wall time: the machine is shared, and a busy neighbour must not move the ratio.
  const cpuRate = (work: () => void) => {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    return measured.length / ((used.user + used.system) / 1e6);
  };
  // fresh content objects: the path's analysis is cached per content object
  const fresh = measured.map((e) => ({ ...e.content }));
  const matcherRate = cpuRate(() => fresh.forEach((c) => compiled.scan({ ...c })));
  const findRate = cpuRate(() => fresh.forEach((c) => compiled.matcher.find(c.text)));
  const rate = measured.length / seconds;
  const pathCpuRate = measured.length / cpuSeconds;
  const totalCalls = [...calls.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${backend}: ${Math.round(rate)} msg/s wall, ${Math.round(pathCpuRate)} msg/CPU-s, p50 ${pct(0.5).toFixed(3)} ms, p99 ${pct(0.99).toFixed(3)} ms; ` +
      `rules scan alone ${Math.round(matcherRate)} msg/CPU-s (path ${((100 * pathCpuRate) / matcherRate).toFixed(2)}%); ` +
      `matcher.find alone ${Math.round(findRate)} msg/CPU-s (path ${((100 * pathCpuRate) / findRate).toFixed(2)}%); ` +
      `decisions ${decisions}; store calls/msg ${(totalCalls / measured.length).toFixed(2)}; load ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
  );
  console.log(
    "  by op:",
    [...calls.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${(v / measured.length).toFixed(2)}`)
      .join(", "),
  );
  const reads = (raw as { reads?: { stats: object } }).reads?.stats;
  const sqliteCache = (raw as { cache?: { hits: number; misses: number; size: number } }).cache;
  const stats =
    reads ?? (sqliteCache && { hits: sqliteCache.hits, misses: sqliteCache.misses, size: sqliteCache.size });
  if (stats) console.log("  cache:", JSON.stringify(stats));
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
