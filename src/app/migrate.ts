import type { DumpRecord, KeyValueStore } from "../core/ports/store.js";
import { openStore } from "../adapters/storage/open-store.js";
import { redact } from "../adapters/storage/redis-store.js";
import { isInstanceRecord, runningInstances } from "./instances.js";

export interface MigrateResult {
  exitCode: number;
  copied?: { values: number; setMembers: number; timers: number };
}

const SAMPLE_EVERY = 7;
const SAMPLE_MAX = 500;

/**
 * `chatwarden migrate --from <url> --to <url>`: copies every live record (values with their remaining
 * TTL, index sets, timers) from one store to another, then verifies the counts on both sides and compares
 * a sample of records. Re-running it is safe (records are written whole, sets and timers by id). It
 * refuses to write into a store that a running bot holds, because the bot's writes would interleave.
 */
export async function migrate(from: string, to: string, say: (line: string) => void): Promise<MigrateResult> {
  if (from === to) {
    say("migrate: --from and --to name the same store");
    return { exitCode: 2 };
  }
  let source: KeyValueStore | undefined;
  let target: KeyValueStore | undefined;
  try {
    source = await openStore(from);
    target = await openStore(to);
    const busy = await runningInstances(target);
    if (busy.length > 0) {
      say(
        `migrate: refused: a running bot holds ${redact(to)} (${busy.map((b) => `pid ${b.pid} on ${b.host}`).join(", ")}). Stop it first.`,
      );
      return { exitCode: 2 };
    }
    const copied = { values: 0, setMembers: 0, timers: 0 };
    const samples: DumpRecord[] = [];
    let seen = 0;
    for await (const record of source.dump()) {
      if (isInstanceRecord(record.kind === "value" ? record.key : record.kind === "set" ? record.set : ""))
        continue;
      await write(target, record);
      if (record.kind === "value") copied.values++;
      else if (record.kind === "set") copied.setMembers++;
      else copied.timers++;
      if (seen++ % SAMPLE_EVERY === 0 && samples.length < SAMPLE_MAX) samples.push(record);
    }
    say(
      `copied ${copied.values} values, ${copied.setMembers} set members and ${copied.timers} timers from ${redact(from)} to ${redact(to)}`,
    );
    const [there, here] = [await count(target), copied];
    const short = (["values", "setMembers", "timers"] as const).filter((k) => there[k] < here[k]);
    if (short.length > 0) {
      say(`migrate: verification failed: the target has fewer ${short.join(", ")} than were copied`);
      return { exitCode: 1, copied };
    }
    for (const sample of samples) {
      const problem = await compare(target, sample);
      if (problem) {
        say(`migrate: verification failed: ${problem}`);
        return { exitCode: 1, copied };
      }
    }
    say(`verified: counts match, ${samples.length} sampled records are equal`);
    return { exitCode: 0, copied };
  } finally {
    await source?.close();
    await target?.close();
  }
}

async function write(target: KeyValueStore, record: DumpRecord): Promise<void> {
  if (record.kind === "value") await target.set(record.key, record.value, record.ttlMs);
  else if (record.kind === "set") await target.addToSet(record.set, record.member);
  else await target.schedule(record.set, record.entry);
}

async function count(store: KeyValueStore) {
  const counts = { values: 0, setMembers: 0, timers: 0 };
  for await (const record of store.dump()) {
    if (isInstanceRecord(record.kind === "value" ? record.key : record.kind === "set" ? record.set : ""))
      continue;
    if (record.kind === "value") counts.values++;
    else if (record.kind === "set") counts.setMembers++;
    else counts.timers++;
  }
  return counts;
}

async function compare(target: KeyValueStore, record: DumpRecord): Promise<string | undefined> {
  if (record.kind === "value") {
    const there = await target.get(record.key);
    // An entry with a short TTL may have expired since it was copied; that is not a difference.
    if (there === undefined && record.ttlMs !== undefined) return undefined;
    return JSON.stringify(there) === JSON.stringify(record.value) ? undefined : `value ${record.key} differs`;
  }
  if (record.kind === "set") {
    return (await target.hasMember(record.set, record.member))
      ? undefined
      : `set ${record.set} lacks a member`;
  }
  const there = await target.scheduled(record.set, record.entry.id);
  return JSON.stringify(there) === JSON.stringify(record.entry)
    ? undefined
    : `timer ${record.entry.id} differs`;
}
