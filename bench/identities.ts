/**
 * State at scale: a SQLite store holding `count` verified members (seeded as the engine writes them,
 * bench/seed.ts), then, in a fresh process, the engine opened on it: its RSS, and identity look-ups
 * (`identities.lookup`, what sanctions and attribution ask) timed one by one.
 *
 * Run alone: `npx tsx bench/identities.ts --measure <file> <count>` prints the child's JSON.
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SqliteStore } from "../src/adapters/storage/sqlite-store.js";
import { mulberry32 } from "./corpus.js";
import { captureTemplate, seededAccount, seedSqliteFile } from "./seed.js";
import { benchRuntime, exampleConfig, load, percentile } from "./setup.js";

export interface IdentityResults {
  identities: number;
  seedSeconds: number;
  fileMB: number;
  bytesPerIdentity: number;
  rowsPerIdentity: number;
  /** Bytes of key + value text by key prefix, per identity. */
  breakdown: { prefix: string; rows: number; bytesPerIdentity: number }[];
  template: string[];
  rssMB: number;
  heapMB: number;
  lookups: number;
  lookupP50Ms: number;
  lookupP99Ms: number;
  load: number[];
}

interface Measured {
  rssMB: number;
  heapMB: number;
  lookups: number;
  p50: number;
  p99: number;
}

const here = fileURLToPath(import.meta.url);

export async function runIdentityScale(
  log: (line: string) => void,
  dir: string,
  count: number,
): Promise<IdentityResults> {
  const config = exampleConfig();
  const template = await captureTemplate(config);
  const file = path.join(dir, "identities.sqlite");
  // the engine makes the schema and its own first records (key fingerprint, timer migration mark)
  await (await benchRuntime(config, new SqliteStore(file))).close();
  const t0 = performance.now();
  seedSqliteFile(file, template, count);
  const seedSeconds = (performance.now() - t0) / 1000;
  const size = ["", "-wal"].reduce(
    (n, s) => n + (statSync(file + s, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
  const db = new Database(file, { readonly: true });
  const rows = ["kv", "sets", "timed"].reduce(
    (n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    0,
  );
  const breakdown = (
    db
      .prepare(
        `SELECT CASE WHEN key LIKE 'vf:%' THEN substr(key, 1, instr(substr(key, 4), ':') + 3)
                ELSE substr(key, 1, instr(key, ':')) END AS prefix,
                count(*) AS rows, sum(length(key) + length(value)) AS bytes
         FROM kv GROUP BY prefix ORDER BY bytes DESC`,
      )
      .all() as { prefix: string; rows: number; bytes: number }[]
  ).map((r) => ({ prefix: r.prefix, rows: r.rows, bytesPerIdentity: r.bytes / count }));
  db.close();
  log(
    `identities: ${count.toLocaleString("en-US")} verified members seeded in ${seedSeconds.toFixed(1)} s ` +
      `(${template.records.length} records each, as /verifyuser writes them); SQLite ${(size / 1e6).toFixed(1)} MB, ` +
      `${(size / count).toFixed(0)} B and ${(rows / count).toFixed(2)} rows per identity`,
  );
  log(
    `  key + value bytes per identity: ${breakdown
      .filter((b) => b.rows >= count / 2)
      .map((b) => `${b.prefix} ${b.bytesPerIdentity.toFixed(0)}`)
      .join(", ")}`,
  );
  const child = spawnSync(process.execPath, [...process.execArgv, here, "--measure", file, String(count)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`identity look-up process failed: ${child.stderr}`);
  const measured = JSON.parse(child.stdout.trim().split("\n").at(-1) as string) as Measured;
  const result: IdentityResults = {
    identities: count,
    seedSeconds,
    fileMB: size / 1e6,
    bytesPerIdentity: size / count,
    rowsPerIdentity: rows / count,
    breakdown,
    template: template.keys,
    rssMB: measured.rssMB,
    heapMB: measured.heapMB,
    lookups: measured.lookups,
    lookupP50Ms: measured.p50,
    lookupP99Ms: measured.p99,
    load: load(),
  };
  log(
    `  engine on it (fresh process): RSS ${result.rssMB.toFixed(0)} MB (heap ${result.heapMB.toFixed(0)} MB); ` +
      `${result.lookups} look-ups p50 ${result.lookupP50Ms.toFixed(3)} ms, p99 ${result.lookupP99Ms.toFixed(3)} ms ` +
      `(load ${result.load.join(" ")})`,
  );
  return result;
}

/** The child: opens the engine on the seeded file and looks up random members. */
async function measure(file: string, count: number): Promise<Measured> {
  const runtime = await benchRuntime(exampleConfig(), new SqliteStore(file));
  const rand = mulberry32(4242);
  const lookups = 20_000;
  const times = new Float64Array(lookups);
  let verified = 0;
  for (let i = 0; i < lookups; i++) {
    const account = seededAccount(Math.floor(rand() * count));
    const start = performance.now();
    const found = await runtime.services.identities.lookup(account);
    times[i] = performance.now() - start;
    if (found?.verified) verified++;
  }
  if (verified !== lookups)
    throw new Error(`only ${verified} of ${lookups} seeded members were found verified`);
  times.sort();
  const memory = process.memoryUsage();
  await runtime.close();
  return {
    rssMB: memory.rss / 1e6,
    heapMB: memory.heapUsed / 1e6,
    lookups,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
  };
}

if (process.argv[1] === here && process.argv[2] === "--measure") {
  const result = await measure(process.argv[3] as string, Number(process.argv[4]));
  console.log(JSON.stringify(result));
}
