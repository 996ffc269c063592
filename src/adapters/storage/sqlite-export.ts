import type Database from "better-sqlite3";
import type { DumpRecord, ScrubReport } from "../../core/ports/store.js";

/** Rows per page of `dump`. */
const PAGE = 500;

/** The statements that page through the three tables in key order. */
export function exportStatements(db: Database.Database) {
  return {
    kv: db.prepare<[string, number], { key: string; value: string; expires: number | null }>(
      "SELECT key, value, expires FROM kv WHERE key > ? ORDER BY key LIMIT ?",
    ),
    sets: db.prepare<[string, string, string, number], { name: string; member: string }>(
      "SELECT name, member FROM sets WHERE (name, member) > (?, ?) OR name > ? ORDER BY name, member LIMIT ?",
    ),
    timed: db.prepare<
      [string, string, string, number],
      { name: string; id: string; at: number; payload: string }
    >(
      "SELECT name, id, at, payload FROM timed WHERE (name, id) > (?, ?) OR name > ? ORDER BY name, id LIMIT ?",
    ),
  };
}

/**
 * Every live record of the SQLite store (`KeyValueStore.dump`), a page at a time: values with their
 * remaining TTL, set members, scheduled entries. `run` reports a failing page as the store's error.
 */
export async function* dumpSqlite(
  pages: ReturnType<typeof exportStatements>,
  run: <T>(what: string, work: () => T) => T,
  clock: () => number,
): AsyncIterable<DumpRecord> {
  let after = "";
  for (;;) {
    const rows = run("kv", () => pages.kv.all(after, PAGE));
    const now = clock();
    for (const row of rows) {
      if (row.expires !== null && row.expires <= now) continue;
      yield {
        kind: "value",
        key: row.key,
        value: JSON.parse(row.value),
        ...(row.expires === null ? {} : { ttlMs: row.expires - now }),
      };
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.key;
  }
  let [name, member] = ["", ""];
  for (;;) {
    const rows = run("sets", () => pages.sets.all(name, member, name, PAGE));
    for (const row of rows) yield { kind: "set", set: row.name, member: row.member };
    if (rows.length < PAGE) break;
    ({ name, member } = rows[rows.length - 1]!);
  }
  let [tname, id] = ["", ""];
  for (;;) {
    const rows = run("timed", () => pages.timed.all(tname, id, tname, PAGE));
    for (const row of rows)
      yield {
        kind: "scheduled",
        set: row.name,
        entry: { id: row.id, at: row.at, payload: JSON.parse(row.payload) },
      };
    if (rows.length < PAGE) break;
    ({ name: tname, id } = rows[rows.length - 1]!);
  }
}

/**
 * `KeyValueStore.scrub` on SQLite. Deleted rows are zeroed in the file as they go (`secure_delete`); this
 * folds the WAL into the file and truncates it, so no older page versions (deleted data) stay on disk. A
 * reader holding an old snapshot (another process on the file) can keep the checkpoint from finishing:
 * then it says so.
 */
export function scrubSqlite(db: Database.Database): ScrubReport {
  const [result] = db.pragma("wal_checkpoint(TRUNCATE)") as {
    busy: number;
    log: number;
    checkpointed: number;
  }[];
  const done = ["deleted rows zeroed in the database file (secure_delete)"];
  if (!result || result.busy === 0) return { done: [...done, "WAL checkpointed and truncated"], remains: [] };
  return {
    done,
    remains: [
      "the WAL could not be truncated (another connection was reading): older pages stay in it until the next checkpoint",
    ],
  };
}
