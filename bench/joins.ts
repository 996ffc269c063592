/**
 * A join wave: newcomers joining the community's chats one after another on SQLite. Verification is
 * required in the example config, so every join is limited (a `restrict` decision) and invited. The core
 * time is what `Engine.handle` takes per join with the do-nothing executor.
 */
import path from "node:path";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import { benchRuntime, blockTrend, exampleConfig, load, mean, openBenchStore, percentile } from "./setup.js";

export interface JoinResults {
  joins: number;
  chats: number;
  totalSeconds: number;
  /**
   * CPU time of the process over the measured wave (user + system, garbage collection included): the
   * core's own work, without the time a loaded machine kept it waiting.
   */
  cpuSeconds: number;
  /** Core time spent in joins that took over 1 ms (the tail: GC, the process descheduled). */
  tailSeconds: number;
  restricts: number;
  firstMeanMs: number;
  lastMeanMs: number;
  /** Mean per-join time of the last 1,000 over the first 1,000. */
  flatness: number;
  /** Median per-join time of each block of 1,000 joins, in order. */
  blockMediansMs?: number[];
  /**
   * The trend over the whole wave: a Theil–Sen line through the block medians (robust to one slow block), its value at the
   * last block over its value at the first (1: no growth with the number of members).
   */
  trend?: number;
  p50Ms: number;
  p99Ms: number;
  load: number[];
  /** Core seconds of each wave when several ran (bench/run.ts runs three; this result is the median one). */
  waves?: number[];
  /** The flatness trend of each of those waves, in the same order. */
  waveTrends?: number[];
}

export async function runJoinWave(
  log: (line: string) => void,
  dir: string,
  options: { joins?: number; chats?: number } = {},
): Promise<JoinResults> {
  const joins = options.joins ?? 10_000;
  const chatCount = options.chats ?? 100;
  // the example's two chats plus rooms up to `chatCount`
  const config = exampleConfig(chatCount - 2);
  const chats = config.core.communities[0]?.chats.map((c) => c.key as ChatKey) ?? [];
  const { store, drop } = await openBenchStore(
    {
      name: "sqlite",
      url: `sqlite://${path.join(dir, "joins.sqlite")}`,
    },
    { cacheEntries: config.raw.storage.cache_entries },
  );
  const runtime = await benchRuntime(config, store);
  const times = new Float64Array(joins);
  let restricts = 0;
  let cpuSeconds = 0;
  try {
    // warm-up: 500 other newcomers, so the JIT is warm before the measured wave
    for (let i = 0; i < 500; i++)
      await runtime.engine.handle({
        kind: "member_joined",
        chat: chats[i % chats.length] as ChatKey,
        actor: { account: `console:w${i}` as AccountKey, displayName: `Warm ${i}`, isChatAdmin: false },
      });
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < joins; i++) {
      const account = `console:j${i}` as AccountKey;
      const start = performance.now();
      const handled = await runtime.engine.handle({
        kind: "member_joined",
        chat: chats[i % chats.length] as ChatKey,
        actor: { account, displayName: `Joiner ${i}`, isChatAdmin: false },
      });
      times[i] = performance.now() - start;
      restricts += handled.decisions.filter((d) => d.kind === "restrict").length;
    }
    const cpu = process.cpuUsage(cpu0);
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
  } finally {
    await runtime.close();
    await drop();
  }
  const block = Math.min(1_000, Math.floor(joins / 2));
  const firstMeanMs = mean(times, 0, block);
  const lastMeanMs = mean(times, joins - block, joins);
  const totalSeconds = (mean(times) * joins) / 1000;
  const sorted = Float64Array.from(times).sort();
  const { blockMediansMs, trend } = blockTrend(times, block);
  const result: JoinResults = {
    joins,
    chats: chats.length,
    totalSeconds,
    cpuSeconds,
    tailSeconds: times.reduce((sum, t) => (t > 1 ? sum + t : sum), 0) / 1000,
    restricts,
    firstMeanMs,
    lastMeanMs,
    flatness: lastMeanMs / firstMeanMs,
    blockMediansMs,
    trend,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    load: load(),
  };
  log(
    `join wave on SQLite: ${joins} joins across ${chats.length} chats, ${restricts} restrict decisions, ` +
      `core time ${totalSeconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s; ${result.tailSeconds.toFixed(2)} s in joins over 1 ms); per join first ${block} ${firstMeanMs.toFixed(3)} ms, ` +
      `last ${block} ${lastMeanMs.toFixed(3)} ms (×${result.flatness.toFixed(2)}); block medians ` +
      `${blockMediansMs.map((m) => (m * 1000).toFixed(0)).join(" ")} µs, fitted trend ×${trend.toFixed(2)}; p99 ${result.p99Ms.toFixed(3)} ms ` +
      `(load ${result.load.join(" ")})`,
  );
  return result;
}
