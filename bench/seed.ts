/**
 * Verified members in bulk, written as the engine writes them. Verifying a million members through
 * `Engine.handle` takes too long for a benchmark, so one member is verified through the engine (an
 * admin's /verifyuser) on a scratch store, the records that appeared are taken as a template, and each
 * seeded member gets a copy with its own account, identity id, case number and freshly sealed name.
 * Whatever the engine writes for a verified member (today or after a change of format), the seed
 * writes the same.
 */
import Database from "better-sqlite3";
import { NodeSealer } from "../src/adapters/crypto/node-sealer.js";
import { MemoryStore } from "../src/adapters/storage/memory-store.js";
import type { LoadedConfig } from "../src/config/load.js";
import type { AccountKey, ChatKey } from "../src/core/ids.js";
import { identityIdFrom } from "../src/core/verification/identity-record.js";
import type { DumpRecord, KeyValueStore } from "../src/core/ports/store.js";
import { ADMIN, BENCH_SECRET, benchRuntime } from "./setup.js";

const TPL_ACCOUNT = "tplacct";
const TPL_CASE = 987654321;
const COUNTER = "case-counter:";

/** The seeded member number `i`: account `console:m<i>`, legal name "Member Number<i>". */
export const seededAccount = (i: number) => `console:m${i}` as AccountKey;

/** One record of the template: its key (or set name and member) and JSON value as text with holes. */
interface TemplateRecord {
  kind: "value" | "set";
  /** kv key, or set name */
  key: Filler;
  /** JSON text of the value, or the set member */
  value: Filler;
  ttlMs?: number;
}

/** Text split at its tokens: `parts[0] + vals[holes[0]] + parts[1] + …`. */
interface Filler {
  parts: string[];
  holes: number[];
}

export interface Template {
  records: TemplateRecord[];
  /** Plain texts (with the account token inside) that the template holds sealed. */
  sealedPlain: string[];
  /** What the engine wrote, for the report (keys with tokens). */
  keys: string[];
  community: string;
}

/**
 * Verifies one member through the engine on a scratch store and keeps what it wrote. Timed entries are
 * left out: the only one is the deletion of the reply notice in the review chat, due a minute later.
 */
export async function captureTemplate(config: LoadedConfig): Promise<Template> {
  const store = new MemoryStore();
  const runtime = await benchRuntime(config, store);
  const community = config.core.communities[0]?.id;
  if (!community) throw new Error("no community");
  // the template's case number is a token too
  await store.set(`${COUNTER}${community}`, TPL_CASE - 1);
  const before = new Set<string>();
  for await (const r of store.dump()) before.add(recordId(r));
  const account = `console:${TPL_ACCOUNT}` as AccountKey;
  await runtime.engine.handle({
    kind: "command",
    name: "verifyuser",
    args: `${TPL_ACCOUNT} Member Number${TPL_ACCOUNT}`,
    mentions: [{ account, offset: 0, length: TPL_ACCOUNT.length }],
    actor: { account: ADMIN, displayName: "Admin", isChatAdmin: false },
    chat: "console:review" as ChatKey,
  });
  const found = await runtime.services.identities.lookup(account);
  if (!found?.verified) throw new Error("the template member was not verified");
  const sealer = new NodeSealer(BENCH_SECRET);
  const raw: { kind: "value" | "set"; key: string; value: string; ttlMs?: number }[] = [];
  const sealed = new Map<string, string>();
  for await (const r of store.dump()) {
    if (before.has(recordId(r)) || r.kind === "scheduled") continue;
    if (r.kind === "value" && r.key.startsWith(COUNTER)) continue;
    const rec =
      r.kind === "value"
        ? { kind: r.kind, key: r.key, value: JSON.stringify(r.value), ttlMs: r.ttlMs }
        : { kind: r.kind, key: r.set, value: r.member };
    for (const s of rec.value.match(/"[^"]{40,}"/g) ?? []) {
      const candidate = s.slice(1, -1);
      try {
        sealed.set(candidate, sealer.open(candidate));
      } catch {
        // not sealed
      }
    }
    raw.push(rec);
  }
  await runtime.close();
  // holes: 0 account, 1 identity id, 2 case number, 3 + n the n-th sealed text
  const tokens = [TPL_ACCOUNT, found.identity, String(TPL_CASE), ...sealed.keys()];
  const split = (text: string): Filler => {
    const parts: string[] = [];
    const holes: number[] = [];
    let rest = text;
    for (;;) {
      let at = -1;
      let which = -1;
      tokens.forEach((token, n) => {
        const i = rest.indexOf(token);
        if (i >= 0 && (at < 0 || i < at)) [at, which] = [i, n];
      });
      if (at < 0) break;
      parts.push(rest.slice(0, at));
      holes.push(which);
      rest = rest.slice(at + (tokens[which] as string).length);
    }
    parts.push(rest);
    return { parts, holes };
  };
  return {
    records: raw.map((r) => ({ kind: r.kind, key: split(r.key), value: split(r.value), ttlMs: r.ttlMs })),
    sealedPlain: [...sealed.values()],
    keys: raw.map((r) =>
      [TPL_ACCOUNT, found.identity, String(TPL_CASE)]
        .reduce(
          (k, token, n) => k.replaceAll(token, ["<member>", "<identity>", "<case>"][n] as string),
          r.key,
        )
        .replace(/^/, r.kind === "set" ? "set " : ""),
    ),
    community,
  };
}

function recordId(r: DumpRecord): string {
  return r.kind === "value" ? `v ${r.key}` : r.kind === "set" ? `s ${r.set} ${r.member}` : `t ${r.set}`;
}

function fill(f: Filler, values: readonly string[]): string {
  let out = f.parts[0] as string;
  for (let i = 0; i < f.holes.length; i++) out += (values[f.holes[i] as number] as string) + f.parts[i + 1];
  return out;
}

/** The records of seeded member `i`: kind, key (or set), value as JSON text (or set member), TTL. */
export function recordsFor(
  template: Template,
  sealer: NodeSealer,
  i: number,
): { kind: "value" | "set"; key: string; value: string; ttlMs?: number }[] {
  const member = `m${i}`;
  const values = [
    member,
    identityIdFrom(i.toString(16).padStart(16, "0")), // as the engine makes them, from 16 hex digits
    String(i + 1),
    ...template.sealedPlain.map((plain) => sealer.seal(plain.replaceAll(TPL_ACCOUNT, String(i)))),
  ];
  return template.records.map((r) => ({
    kind: r.kind,
    key: fill(r.key, values),
    value: fill(r.value, values),
    ttlMs: r.ttlMs,
  }));
}

/** Writes seeded members `from`…`to - 1` through the store port (any backend), then the case counter. */
export async function seedThroughPort(
  store: KeyValueStore,
  template: Template,
  from: number,
  to: number,
): Promise<void> {
  const sealer = new NodeSealer(BENCH_SECRET);
  for (let i = from; i < to; i++)
    for (const r of recordsFor(template, sealer, i)) {
      if (r.kind === "value") await store.set(r.key, JSON.parse(r.value), r.ttlMs);
      else await store.addToSet(r.key, r.value);
    }
  await store.update<number>(`${COUNTER}${template.community}`, (n = 0) => Math.max(n, to));
}

/**
 * The same records straight into a SQLite file made by SqliteStore (its tables kv, sets, timed), in
 * large transactions: a million members in about a minute instead of an hour of single writes.
 */
export function seedSqliteFile(file: string, template: Template, count: number, now = Date.now()): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1000000"); // 1 GB of page cache: the B-trees stay in memory while they grow
  const kv = db.prepare("INSERT OR REPLACE INTO kv (key, value, expires) VALUES (?, ?, ?)");
  const sets = db.prepare("INSERT OR IGNORE INTO sets (name, member) VALUES (?, ?)");
  const sealer = new NodeSealer(BENCH_SECRET);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++)
      for (const r of recordsFor(template, sealer, i)) {
        if (r.kind === "value") kv.run(r.key, r.value, r.ttlMs === undefined ? null : now + r.ttlMs);
        else sets.run(r.key, r.value);
      }
  });
  for (let from = 0; from < count; from += 20_000) batch(from, Math.min(count, from + 20_000));
  kv.run(`${COUNTER}${template.community}`, JSON.stringify(count), null);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}
