/**
 * Cost per operation as state grows (issue 10), on SQLite: news holds made and approved through the
 * engine while thousands are pending, and durable timers scheduled and cancelled while thousands wait.
 * Flat means the trend through the medians of every block of 1,000 operations stays within 1.2× from
 * the first block to the last (the first and last blocks' means are printed as well).
 */
import path from "node:path";
import type { ButtonPressed, MessagePosted } from "../src/core/events.js";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import {
  ADMIN,
  benchRuntime,
  blockTrend,
  exampleConfig,
  load,
  mean,
  openBenchStore,
  verifyMembers,
} from "./setup.js";

export interface Flatness {
  count: number;
  firstMeanMs: number;
  lastMeanMs: number;
  /** last / first */
  ratio: number;
  /** The median of each block of 1,000 and the trend through them (`blockTrend`). */
  blockMediansMs?: number[];
  trend?: number;
}

export interface ScaleResults {
  holds: { pending: number; create: Flatness; approve: Flatness; load: number[] };
  timers: { pending: number; schedule: Flatness; cancel: Flatness; load: number[] };
}

function flatness(times: Float64Array): Flatness {
  const block = Math.min(1_000, Math.floor(times.length / 2));
  const firstMeanMs = mean(times, 0, block);
  const lastMeanMs = mean(times, times.length - block);
  return {
    count: times.length,
    firstMeanMs,
    lastMeanMs,
    ratio: lastMeanMs / firstMeanMs,
    ...blockTrend(times, block),
  };
}

const fmt = (f: Flatness) =>
  `first ${f.firstMeanMs.toFixed(3)} ms, last ${f.lastMeanMs.toFixed(3)} ms (×${f.ratio.toFixed(2)}; trend ×${(f.trend ?? f.ratio).toFixed(2)})`;

export async function runScaleBench(
  log: (line: string) => void,
  dir: string,
  options: { holds?: number; timers?: number } = {},
): Promise<ScaleResults> {
  const holds = await holdsAtScale(dir, options.holds ?? 10_000);
  log(
    `holds on SQLite: ${holds.pending} made while pending grew: ${fmt(holds.create)}; approved while ` +
      `pending shrank: ${fmt(holds.approve)} (load ${holds.load.join(" ")})`,
  );
  const timers = await timersAtScale(dir, options.timers ?? 10_000);
  log(
    `timers on SQLite: ${timers.pending} scheduled: ${fmt(timers.schedule)}; cancelled: ${fmt(timers.cancel)} ` +
      `(load ${timers.load.join(" ")})`,
  );
  return { holds, timers };
}

async function holdsAtScale(dir: string, count: number): Promise<ScaleResults["holds"]> {
  const config = exampleConfig();
  const { store, drop } = await openBenchStore(
    {
      name: "sqlite",
      url: `sqlite://${path.join(dir, "holds.sqlite")}`,
    },
    { cacheEntries: config.raw.storage.cache_entries },
  );
  const runtime = await benchRuntime(config, store);
  try {
    const authors = await verifyMembers(runtime, 100);
    const create = new Float64Array(count);
    const approvals: string[] = [];
    for (let i = 0; i < count; i++) {
      const post: MessagePosted = {
        kind: "message_posted",
        message: { chat: "console:lobby" as ChatKey, id: `h${i}` },
        actor: {
          account: authors[i % authors.length] as AccountKey,
          displayName: "Author",
          isChatAdmin: false,
        },
        content: { text: `read this https://www.reuters.com/world/story-${i}`, links: [], media: [] },
      };
      const start = performance.now();
      const handled = await runtime.engine.handle(post);
      create[i] = performance.now() - start;
      const approve = handled.decisions
        .flatMap((d) => (d.kind === "post_card" ? d.buttons.flat() : []))
        .find((b) => b.data.startsWith("hold:approve:"));
      if (!approve) throw new Error(`post ${i} was not held`);
      approvals.push(approve.data);
    }
    const pending = count;
    const approve = new Float64Array(count);
    for (const [i, data] of approvals.entries()) {
      const press: ButtonPressed = {
        kind: "button_pressed",
        data,
        actor: { account: ADMIN, displayName: "Admin", isChatAdmin: false },
        chat: "console:review" as ChatKey,
        message: { chat: "console:review" as ChatKey, id: `card${i}` },
      };
      const start = performance.now();
      const handled = await runtime.engine.handle(press);
      approve[i] = performance.now() - start;
      if (!handled.decisions.some((d) => d.kind === "repost")) throw new Error(`hold ${i} was not approved`);
    }
    return { pending, create: flatness(create), approve: flatness(approve), load: load() };
  } finally {
    await runtime.close();
    await drop();
  }
}

async function timersAtScale(dir: string, count: number): Promise<ScaleResults["timers"]> {
  const config = exampleConfig();
  const { store, drop } = await openBenchStore(
    {
      name: "sqlite",
      url: `sqlite://${path.join(dir, "timers.sqlite")}`,
    },
    { cacheEntries: config.raw.storage.cache_entries },
  );
  const runtime = await benchRuntime(config, store);
  const timers = runtime.services.timers;
  const base = Date.now() + 86_400_000;
  try {
    const schedule = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      // spread over a day, not in order of scheduling
      const at = base + ((i * 7919) % count) * 8_640;
      const start = performance.now();
      await timers.schedule({ id: `bench:${i}`, at, kind: "core.notice", payload: { i } });
      schedule[i] = performance.now() - start;
    }
    const pending = await store.scheduledCount("timers");
    const cancel = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await timers.cancel(`bench:${i}`);
      cancel[i] = performance.now() - start;
    }
    return { pending, schedule: flatness(schedule), cancel: flatness(cancel), load: load() };
  } finally {
    await runtime.close();
    await drop();
  }
}
