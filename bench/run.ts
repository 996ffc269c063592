/**
 * `npm run bench`: the matcher benchmark and the engine benchmarks (message path on every backend,
 * join wave, holds and timers at scale, verified identities at scale), printed, written to
 * bench/results.json and rendered into docs/performance.md. Re-spawns itself with --expose-gc for
 * memory figures.
 *
 *   npm run bench                      # default scale: a few minutes (100,000 identities, 2,000 holds)
 *   npm run bench -- --full            # the issue's scale: 1,000,000 identities, 10,000 holds
 *   npm run bench -- --identities 500000 --holds 5000
 *   npm run bench -- --only path,joins # matcher, path, joins, scale, identities (log only: the
 *                                      # results file and docs/performance.md are left alone)
 *   npm run bench -- --redis redis://127.0.0.1:6379/0 --postgres postgres://postgres@127.0.0.1/postgres
 *
 * Redis and PostgreSQL are measured when a URL is given (flags, or CHATWARDEN_TEST_REDIS_URL /
 * CHATWARDEN_TEST_POSTGRES_URL, which `eval "$(scripts/services.sh start)"` sets).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderEngineDoc, type EngineResults } from "./doc-engine.js";
import { renderMatcherDoc, type Machine } from "./doc-matcher.js";
import { runIdentityScale } from "./identities.js";
import { runJoinWave, type JoinResults } from "./joins.js";
import { runMatcherBench, type MatcherResults } from "./matcher.js";
import { runPathBench } from "./path.js";
import { runScaleBench } from "./scale.js";
import { backends } from "./setup.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

if (typeof (globalThis as { gc?: unknown }).gc !== "function" && !process.env["CHATWARDEN_BENCH_CHILD"]) {
  const child = spawnSync(
    process.execPath,
    ["--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, CHATWARDEN_BENCH_CHILD: "1" } },
  );
  process.exit(child.status ?? 1);
}

/**
 * The flags, parsed by node:util's `parseArgs` (strict: an unknown flag, or a flag without the value
 * it needs, stops the bench with a message naming it), as the map of names to values the benches read.
 */
function parseFlags(args: string[]): Map<string, string> {
  const text = { type: "string" } as const;
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      full: { type: "boolean" },
      identities: text,
      holds: text,
      timers: text,
      joins: text,
      "network-messages": text,
      only: text,
      redis: text,
      postgres: text,
    },
  });
  return new Map(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

const flags = (() => {
  try {
    return parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`npm run bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
})();
const full = flags.has("full");
const numberFlag = (name: string, fallback: number) => {
  const value = Number(flags.get(name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} wants a positive whole number`);
  return value;
};
const scale = {
  identities: numberFlag("identities", full ? 1_000_000 : 100_000),
  holds: numberFlag("holds", full ? 10_000 : 2_000),
  timers: numberFlag("timers", 10_000),
  joins: numberFlag("joins", 10_000),
  /** Messages for Redis and PostgreSQL (a round trip per store call makes them slow to measure). */
  networkMessages: numberFlag("network-messages", full ? 20_000 : 5_000),
};
const only = new Set((flags.get("only") ?? "matcher,path,joins,scale,identities").split(","));

const cpus = os.cpus();
const machine: Machine = {
  cpu: cpus[0]?.model ?? "unknown",
  cores: cpus.length,
  node: process.version,
  memoryGB: Math.round(os.totalmem() / 1e9),
  os: `${os.type()} ${os.release()}`,
  loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
};
const log = (line: string) => console.log(line);
log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}, node ${machine.node}, ` +
    `load ${machine.loadAverage.join(" ")}`,
);
log(`scale: ${JSON.stringify(scale)}${full ? " (--full)" : ""}`);
const started = performance.now();
const dir = mkdtempSync(path.join(os.tmpdir(), "chatwarden-bench-"));
let matcher: MatcherResults | undefined;
const engine: EngineResults = {};
try {
  if (only.has("matcher")) matcher = runMatcherBench(log);
  if (only.has("path"))
    engine.path = await runPathBench(log, backends(dir, flags), { sharedMessages: scale.networkMessages });
  if (only.has("joins")) {
    // Three waves, each on a fresh file; the median counts (one wave is at the mercy of a busy moment).
    const waves: JoinResults[] = [];
    for (let k = 0; k < 3; k++) {
      const waveDir = path.join(dir, `wave${k}`);
      mkdirSync(waveDir);
      waves.push(await runJoinWave(log, waveDir, { joins: scale.joins }));
    }
    const median = [...waves].sort((a, b) => a.totalSeconds - b.totalSeconds)[1]!;
    engine.joins = {
      ...median,
      waves: waves.map((w) => Number(w.totalSeconds.toFixed(3))),
      waveTrends: waves.map((w) => Number((w.trend ?? w.flatness).toFixed(2))),
    };
    log(
      `join wave: median core time ${median.totalSeconds.toFixed(2)} s of ${engine.joins.waves!.join(", ")} s`,
    );
  }
  if (only.has("scale"))
    engine.scale = await runScaleBench(log, dir, { holds: scale.holds, timers: scale.timers });
  if (only.has("identities")) engine.identities = await runIdentityScale(log, dir, scale.identities);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
const endLoad = os.loadavg().map((x) => Number(x.toFixed(2)));
log(`done in ${seconds.toFixed(0)} s (load ${endLoad.join(" ")})`);

const date = new Date().toISOString();
const output = { date, machine, endLoadAverage: endLoad, seconds, scale, matcher, engine };
if (flags.has("only")) {
  // A partial run would replace the whole document with a few sections: the figures are in the log.
  log("partial run (--only): bench/results.json and docs/performance.md are left as they are");
} else {
  writeFileSync(path.join(here, "results.json"), `${JSON.stringify(output, null, 2)}\n`);
  mkdirSync(path.join(root, "docs"), { recursive: true });
  writeFileSync(path.join(root, "docs", "performance.md"), renderDoc());
  log("wrote bench/results.json and docs/performance.md");
}

function renderDoc(): string {
  return `# Performance

Generated by \`npm run bench\` (bench/run.ts${process.argv.length > 2 ? ` with \`${process.argv.slice(2).join(" ")}\`` : ""}) on
${date.slice(0, 10)} in ${seconds.toFixed(0)} s; raw numbers in \`bench/results.json\`. Do not edit by hand: rerun
the benchmark. Everything is generated from fixed seeds, so a rerun measures the same work.

Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ${machine.os}, Node ${machine.node}.
Load average at the start ${machine.loadAverage.join(", ")}, at the end ${endLoad.join(", ")} (1, 5, 15 minutes):
the machine is shared with other jobs, so absolute numbers are noisy; every ratio below compares figures from
the same run, and each timed section prints the load average beside it.

${renderEngineDoc(engine)}
${matcher ? renderMatcherDoc({ machine, matcher }) : ""}`;
}
