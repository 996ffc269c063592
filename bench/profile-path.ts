/**
 * Dev tool (issue 13): the message path of `npm run bench` on one backend, each block of 1,000 messages
 * paired with the matcher alone on the same texts (a ratio of two figures taken moments apart is steadier
 * on a shared machine than either), the time of the messages that had decisions against the others, and
 * with a file name a CPU profile (Chrome DevTools format) of the measured loop alone.
 *   npx tsx bench/profile-path.ts [memory|sqlite] [out.cpuprofile]
 * Environment: MESSAGES (default 40000), PATH_ONLY=1 (no matcher blocks: a profile of the path alone),
 * BLOCKS=1 (each block's µs per message), KINDS=1 (the decision kinds of the messages that had any, with their count and µs each).
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import type { MessagePosted } from "../src/core/events.js";
import { compiledRulesFor } from "../src/core/rules/compile.js";
import { greetChats, pathEvents } from "./path.js";
import { benchRuntime, exampleConfig, openBenchStore, verifyMembers } from "./setup.js";

const name = (process.argv[2] ?? "memory") as "memory" | "sqlite";
const out = process.argv[3];
const dir = mkdtempSync(path.join(os.tmpdir(), "cw-prof-"));
const config = exampleConfig();
const { store } = await openBenchStore(
  { name, url: name === "memory" ? "memory://" : `sqlite://${path.join(dir, "p.sqlite")}` },
  { cacheEntries: config.raw.storage.cache_entries },
);
const runtime = await benchRuntime(config, store);
const accounts = await verifyMembers(runtime, 1_000);
const events = pathEvents(accounts, Number(process.env["MESSAGES"] ?? 40_000) + 2_000);
await greetChats(runtime, accounts);
for (const e of events.slice(0, 2_000)) await runtime.engine.handle(e);
const measured = events.slice(2_000);
const session = new Session();
if (out) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
}
// Each block of 1,000 messages through the path, then the matcher alone on the same texts (its best of
// three): the machine is shared, and a ratio of two figures taken moments apart is steadier than either.
const policy = config.core.communities[0]?.chats[0]?.policy;
if (!policy) throw new Error("no chat");
const { matcher } = compiledRulesFor(policy.rules);
const ratios: number[] = [];
const pathTimes: number[] = [];
const findTimes: number[] = [];
const acting = { n: 0, ms: 0 };
const kindsSeen = new Map<string, { n: number; ms: number }>();
const quiet = { n: 0, ms: 0 };
const quietTimes: number[] = [];
const t0 = performance.now();
for (let b = 0; b < measured.length; b += 1_000) {
  const block = measured.slice(b, b + 1_000) as MessagePosted[];
  let s = performance.now();
  for (const e of block) {
    const t = performance.now();
    const handled = await runtime.engine.handle(e);
    const took = performance.now() - t;
    if (handled.decisions.length > 0) {
      const kinds = handled.decisions.map((d) => d.kind).join(",");
      const seen = kindsSeen.get(kinds) ?? { n: 0, ms: 0 };
      kindsSeen.set(kinds, { n: seen.n + 1, ms: seen.ms + took });
      acting.n++;
      acting.ms += took;
    } else {
      quiet.n++;
      quiet.ms += took;
      quietTimes.push(took);
    }
  }
  const path = (performance.now() - s) / block.length;
  let find = Infinity;
  // PATH_ONLY=1: no matcher blocks (a profile of the path alone)
  for (let r = 0; r < (process.env["PATH_ONLY"] ? 0 : 3); r++) {
    s = performance.now();
    for (const e of block) matcher.find(e.content.text);
    find = Math.min(find, (performance.now() - s) / block.length);
  }
  ratios.push(find / path);
  pathTimes.push(path);
  findTimes.push(find);
  if (process.env["BLOCKS"]) process.stdout.write(`${(1000 * path).toFixed(0)} `);
}
const seconds = (performance.now() - t0) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
if (process.env["KINDS"]) {
  for (const [kinds, { n, ms }] of [...kindsSeen].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`${String(n).padStart(6)} × ${((1000 * ms) / n).toFixed(1).padStart(6)} µs  ${kinds}`);
}
console.log(
  `messages with decisions: ${acting.n}, ${((1000 * acting.ms) / Math.max(1, acting.n)).toFixed(1)} µs each, ` +
    `${((1000 * acting.ms) / (acting.n + quiet.n)).toFixed(1)} µs per message of all; ` +
    `without: ${quiet.n}, ${((1000 * quiet.ms) / Math.max(1, quiet.n)).toFixed(1)} µs each ` +
    `(median ${(1000 * median(quietTimes)).toFixed(1)} µs, ` +
    `over 100 µs: ${quietTimes.filter((t) => t > 0.1).length}, taking ${(1000 * quietTimes.filter((t) => t > 0.1).reduce((a, b) => a + b, 0)).toFixed(0)} µs in all)`,
);
if (out) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(out, JSON.stringify(profile));
}
console.log(
  `${name}: path at ${(100 * median(ratios)).toFixed(1)}% of the matcher (median of ${ratios.length} blocks; ` +
    `quartiles ${[0.25, 0.75].map((q) => (100 * ([...ratios].sort((a, b) => a - b)[Math.floor(ratios.length * q)] as number)).toFixed(1)).join("-")}%); ` +
    `path median ${(1000 * median(pathTimes)).toFixed(1)} µs/msg, matcher ${(1000 * median(findTimes)).toFixed(2)}; ${seconds.toFixed(1)} s`,
);
await runtime.close();
