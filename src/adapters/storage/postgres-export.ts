import type { DumpRecord, ScrubReport } from "../../core/ports/store.js";

/** The store's query helper: errors already turned into StoreError. */
type Query = <T>(op: string, sql: string, params: unknown[]) => Promise<T[]>;

const PAGE = 500;

/** Every live record of the store's tables, a page at a time (`chatwarden migrate`). */
export async function* dumpPostgres(query: Query, now: () => number): AsyncIterable<DumpRecord> {
  let after = "";
  for (;;) {
    const at = now();
    const rows = await query<{ key: string; value: string; expires: string | null }>(
      "dump",
      `SELECT key, value, expires FROM cw_kv WHERE key > $1 ORDER BY key LIMIT ${PAGE}`,
      [after],
    );
    for (const row of rows) {
      if (row.expires !== null && Number(row.expires) <= at) continue;
      yield {
        kind: "value",
        key: row.key,
        value: JSON.parse(row.value),
        ...(row.expires === null ? {} : { ttlMs: Number(row.expires) - at }),
      };
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.key;
  }
  let [name, member] = ["", ""];
  for (;;) {
    const rows = await query<{ name: string; member: string }>(
      "dump",
      `SELECT name, member FROM cw_sets WHERE (name, member) > ($1, $2)
       ORDER BY name, member LIMIT ${PAGE}`,
      [name, member],
    );
    for (const row of rows) yield { kind: "set", set: row.name, member: row.member };
    if (rows.length < PAGE) break;
    ({ name, member } = rows[rows.length - 1]!);
  }
  let [tname, id] = ["", ""];
  for (;;) {
    const rows = await query<{ name: string; id: string; at: string; payload: string }>(
      "dump",
      `SELECT name, id, at, payload FROM cw_timed WHERE (name, id) > ($1, $2)
       ORDER BY name, id LIMIT ${PAGE}`,
      [tname, id],
    );
    for (const row of rows)
      yield {
        kind: "scheduled",
        set: row.name,
        entry: { id: row.id, at: Number(row.at), payload: JSON.parse(row.payload) },
      };
    if (rows.length < PAGE) break;
    ({ name: tname, id } = rows[rows.length - 1]!);
  }
}

/**
 * A DELETE leaves the row as a dead tuple (readable in the table's files) until VACUUM: this runs it on
 * the store's tables, so the dead row versions and their index entries are gone. PostgreSQL does not
 * zero the space they leave (their bytes stay in the file until reused: `VACUUM FULL` rewrites the
 * files, taking an exclusive lock), nor WAL segments already written, backups or replicas.
 */
export async function scrubPostgres(query: Query): Promise<ScrubReport> {
  await query("scrub", "VACUUM cw_kv, cw_sets, cw_timed", []);
  return {
    done: ["VACUUM of cw_kv, cw_sets, cw_timed: dead row versions and their index entries removed"],
    remains: [
      "freed space in the table and index files is not zeroed: deleted bytes stay until reused (VACUUM FULL rewrites the files)",
      "WAL segments keep the deleted values until PostgreSQL recycles and overwrites them (longer with WAL archiving or replication slots)",
      "base backups, WAL archives and replicas keep their own copies",
    ],
  };
}
