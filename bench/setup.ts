/**
 * What the engine benchmarks share: the example config (optionally with more chats), a runtime on any
 * backend with a do-nothing executor, members verified through the engine, timing helpers.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { NodeSealer, nodeRandom } from "../src/adapters/crypto/node-sealer.js";
import { CHECKPOINT_THREAD_START_MS } from "../src/adapters/storage/sqlite-checkpointer.js";
import { openStore } from "../src/adapters/storage/open-store.js";
import { createRuntime, type Runtime } from "../src/app/runtime.js";
import { parseConfigText, type LoadedConfig } from "../src/config/load.js";
import type { DecisionExecutor } from "../src/core/decisions.js";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import type { Clock } from "../src/core/ports/clock.js";
import { silentLogger } from "../src/core/ports/logger.js";
import type { KeyValueStore } from "../src/core/ports/store.js";

export const root = path.resolve(import.meta.dirname, "..");
export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret-0001";
export const ADMIN = "console:admin" as AccountKey;

/** The example config (config/chatwarden.example.yaml), with `extraChats` more console chats in its community. */
export function exampleConfig(extraChats = 0): LoadedConfig {
  const file = path.join(root, "config", "chatwarden.example.yaml");
  const raw = parse(readFileSync(file, "utf8")) as {
    communities: { chats: { id: string; title?: string }[] }[];
  };
  const community = raw.communities[0];
  if (!community) throw new Error("the example config has no community");
  for (let i = 0; i < extraChats; i++) community.chats.push({ id: `console:room${i}`, title: `Room ${i}` });
  return parseConfigText(stringify(raw), { file, baseDir: path.dirname(file) });
}

/** The terms of the example config's categories (config/terms/*.txt), for messages that hit some rules. */
export function exampleTerms(): string[] {
  const dir = path.join(root, "config", "terms");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), "utf8").split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.length > 0);
}

let nextRef = 0;

/**
 * An executor that says yes to everything and does nothing: the core's cost alone. What posts something
 * answers with made-up message refs (a card and its copies), as a platform would.
 */
export const nullExecutor: DecisionExecutor = {
  execute: async (decision) => {
    const d = decision as { chat?: ChatKey; preserve?: unknown[] };
    if (!d.chat) return { status: "ok", refs: [] };
    const refs = [d.chat, ...(d.preserve ?? []).map(() => d.chat as ChatKey)].map((chat) => ({
      chat,
      id: `b${++nextRef}`,
    }));
    return { status: "ok", refs };
  },
};

export interface Backend {
  name: "memory" | "sqlite" | "redis" | "postgres";
  url: string;
}

/**
 * The backends to measure: memory and SQLite always; Redis and PostgreSQL when a URL is given by
 * `--redis <url>` / `--postgres <url>` or CHATWARDEN_TEST_REDIS_URL / CHATWARDEN_TEST_POSTGRES_URL.
 */
export function backends(dir: string, flags: Map<string, string>): Backend[] {
  const list: Backend[] = [
    { name: "memory", url: "memory://" },
    { name: "sqlite", url: `sqlite://${path.join(dir, "path.sqlite")}` },
  ];
  const redis = flags.get("redis") ?? process.env["CHATWARDEN_TEST_REDIS_URL"];
  const postgres = flags.get("postgres") ?? process.env["CHATWARDEN_TEST_POSTGRES_URL"];
  if (redis) list.push({ name: "redis", url: redis });
  if (postgres) list.push({ name: "postgres", url: postgres });
  return list;
}

/**
 * Opens a backend for one benchmark, empty; with `cacheEntries`, with the per-process read cache the bot
 * opens it with (`storage.cache_entries`; SQLite's only as the file's one process). Redis gets a key prefix of its own (removed afterwards);
 * PostgreSQL a database of its own (`chatwarden_bench`, made afresh), so tests sharing the server are
 * never disturbed.
 */
export async function openBenchStore(
  backend: Backend,
  options: { cacheEntries?: number } = {},
): Promise<{ store: KeyValueStore; drop(): Promise<void> }> {
  const { cacheEntries } = options;
  if (backend.name === "redis") {
    const prefix = `cwbench:${process.pid}:`;
    const store = await openStore(backend.url, { redisPrefix: prefix, cacheEntries });
    const drop = async () => {
      const { createClient } = await import("redis");
      const client = createClient({ url: backend.url });
      await client.connect();
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
        if (keys.length > 0) await client.del(keys);
      await client.quit();
    };
    await drop();
    return { store, drop };
  }
  if (backend.name === "postgres") {
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ connectionString: backend.url });
    await admin.connect();
    await admin.query("DROP DATABASE IF EXISTS chatwarden_bench");
    await admin.query("CREATE DATABASE chatwarden_bench");
    await admin.end();
    const url = new URL(backend.url);
    url.pathname = "/chatwarden_bench";
    const store = await openStore(url.toString(), { cacheEntries });
    const drop = async () => {
      const again = new pg.Client({ connectionString: backend.url });
      await again.connect();
      await again.query("DROP DATABASE IF EXISTS chatwarden_bench");
      await again.end();
    };
    return { store, drop };
  }
  // The benchmark is the only process on its SQLite file, as the bot is once it holds the data-dir lock.
  const store = await openStore(backend.url, { cacheEntries, exclusive: true });
  // As in a bot that has been up a moment: its checkpoint thread is running (measured waves would
  // otherwise begin without it and end with it).
  await new Promise((done) => setTimeout(done, CHECKPOINT_THREAD_START_MS + 200));
  return { store, drop: async () => {} };
}

export const systemClock: Clock = { now: () => Date.now() };

/** The whole bot core on `store`, with the do-nothing executor on the console platform. */
export function benchRuntime(
  config: LoadedConfig,
  store: KeyValueStore,
  clock = systemClock,
): Promise<Runtime> {
  return createRuntime({
    settings: config.core,
    store,
    clock,
    sealer: new NodeSealer(BENCH_SECRET),
    random: nodeRandom,
    logger: silentLogger,
    executors: { console: nullExecutor },
    defaultLanguage: config.raw.language,
  });
}

/** Verifies `count` members (`console:m0`…) through the engine, as an admin would with /verifyuser. */
export async function verifyMembers(runtime: Runtime, count: number): Promise<AccountKey[]> {
  const accounts: AccountKey[] = [];
  for (let i = 0; i < count; i++) {
    const account = `console:m${i}` as AccountKey;
    accounts.push(account);
    await runtime.engine.handle({
      kind: "command",
      name: "verifyuser",
      args: `m${i} Member Number${i}`,
      mentions: [{ account, offset: 0, length: `m${i}`.length }],
      actor: { account: ADMIN, displayName: "Admin", isChatAdmin: false },
      chat: "console:review" as ChatKey,
    });
  }
  return accounts;
}

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

export function load(): number[] {
  return os.loadavg().map((x) => Number(x.toFixed(2)));
}

export function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += xs[i] as number;
  return to > from ? sum / (to - from) : 0;
}

/**
 * The Theil–Sen line through `ys` (at 0, 1, 2…: the median of the slopes between every two points, so
 * one block a busy moment slowed cannot tilt it, as it tilts a least-squares line): its value at the
 * last point over its value at the first.
 */
export function fittedGrowth(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 1;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopes.push((ys[j]! - ys[i]!) / (j - i));
  slopes.sort((a, b) => a - b);
  const slope = slopes[Math.floor(slopes.length / 2)]!;
  const offsets = ys.map((y, x) => y - slope * x).sort((a, b) => a - b);
  const intercept = offsets[Math.floor(n / 2)]!;
  return (intercept + slope * (n - 1)) / intercept;
}

/**
 * The median of each block of `block` operations, in order, and the Theil–Sen trend through them
 * (its value at the last block over its value at the first): whether an operation costs more as state
 * grows, which one first and one last block cannot tell on a machine whose speed moves from block to
 * block.
 */
export function blockTrend(times: Float64Array, block: number): { blockMediansMs: number[]; trend: number } {
  const blockMediansMs: number[] = [];
  for (let from = 0; from + block <= times.length; from += block)
    blockMediansMs.push(percentile(Float64Array.from(times.subarray(from, from + block)).sort(), 0.5));
  return { blockMediansMs, trend: fittedGrowth(blockMediansMs) };
}
