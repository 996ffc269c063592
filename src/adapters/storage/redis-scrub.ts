import type { ScrubReport } from "../../core/ports/store.js";

/**
 * A deleted key leaves Redis's memory at once, but not its files: the AOF keeps the writes until it is
 * rewritten, an RDB snapshot keeps what it saw until the next one. And an expired key stays in memory
 * (and goes into the next AOF rewrite or snapshot) until Redis reclaims it. So: SCAN this store's keys
 * (which reclaims the expired ones it passes), then rewrite the AOF and take the snapshot again where
 * Redis persists, so neither file holds the erased values once Redis has finished (in the background;
 * Redis removes the old AOF files itself). Where Redis refuses CONFIG (managed services), whether it
 * takes snapshots is unknown: that is said, and no snapshot is forced onto a server that may keep none.
 */
export async function scrubRedis(
  cmd: <T>(args: string[]) => Promise<T>,
  prefix: string,
): Promise<ScrubReport> {
  const done: string[] = [];
  const remains: string[] = [];
  let cursor = "0";
  do {
    const reply = await cmd<[string, string[]]>(["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "1000"]);
    cursor = String(reply[0]);
  } while (cursor !== "0");
  done.push("expired keys of this store reclaimed (SCAN)");
  const info = parseInfo(await cmd<string>(["INFO", "persistence"]));
  if (info.aof_enabled === "1") {
    // A rewrite under way began before the erasure (its base may hold the values): the next one follows it.
    for (let i = 0; i < 100 && info.aof_rewrite_in_progress === "1"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      Object.assign(info, parseInfo(await cmd<string>(["INFO", "persistence"])));
    }
    if (info.aof_rewrite_in_progress === "1")
      remains.push(
        "an AOF rewrite begun before the erasure was still running: its file keeps the values until the next rewrite",
      );
    else {
      await cmd(["BGREWRITEAOF"]);
      done.push("AOF rewrite started: the old AOF files, with the erased values, are removed when it ends");
    }
  }
  const save = await cmd<unknown>(["CONFIG", "GET", "save"]).catch(() => undefined);
  const schedule = configValue(save, "save");
  if (schedule === undefined)
    remains.push(
      "Redis refused CONFIG GET: if it takes RDB snapshots, the last one keeps the erased values until its next save",
    );
  else if (schedule.trim() !== "") {
    await cmd(["BGSAVE", "SCHEDULE"]);
    done.push("RDB snapshot scheduled: it replaces the one that held the erased values");
  }
  remains.push(
    "replicas, and copies of the AOF or RDB files (backups), keep the erased values until they are replaced",
  );
  return { done, remains };
}

/** One value of a `CONFIG GET` reply: a flat array in RESP2, a map in RESP3 (or an object). */
function configValue(reply: unknown, name: string): string | undefined {
  if (Array.isArray(reply)) {
    const at = reply.findIndex((v) => String(v) === name);
    return at >= 0 ? String(reply[at + 1] ?? "") : undefined;
  }
  if (reply instanceof Map) return reply.has(name) ? String(reply.get(name)) : undefined;
  if (reply && typeof reply === "object" && name in reply)
    return String((reply as Record<string, unknown>)[name]);
  return undefined;
}

/** `INFO` text as fields ("aof_enabled" → "1"). */
function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of String(text).split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}
