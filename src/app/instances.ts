import { hostname } from "node:os";
import { RUN_LEASE_MS, RUN_RENEW_MS, runLeaseKey as key } from "../core/engine/runs.js";
import type { KeyValueStore } from "../core/ports/store.js";

const SET = "meta:instances";

export interface RunningInstance {
  id: string;
  pid: number;
  host: string;
  since: number;
}

/**
 * Marks this bot process as running on the store under its run id (`Services.runId`): a record with a
 * short TTL, renewed every 10 s. `chatwarden migrate` refuses to write into a store a running bot holds,
 * and another process's recovery leaves this run's work in progress alone (`RunLeases`). Returns the
 * function that removes the mark at a clean stop; after a crash the mark expires by itself within 30 s.
 */
export async function registerInstance(store: KeyValueStore, runId: string): Promise<() => Promise<void>> {
  const me: RunningInstance = { id: runId, pid: process.pid, host: hostname(), since: Date.now() };
  await store.set(key(me.id), me, RUN_LEASE_MS);
  await store.addToSet(SET, me.id);
  const beat = setInterval(() => {
    void store.set(key(me.id), me, RUN_LEASE_MS).catch(() => undefined);
  }, RUN_RENEW_MS);
  beat.unref();
  return async () => {
    clearInterval(beat);
    await store.delete(key(me.id)).catch(() => undefined);
    await store.removeFromSet(SET, me.id).catch(() => undefined);
  };
}

/** The bot processes whose mark is still live on this store (stale marks are cleaned up). */
export async function runningInstances(store: KeyValueStore): Promise<RunningInstance[]> {
  const live: RunningInstance[] = [];
  for (const id of await store.setMembers(SET)) {
    const mark = await store.get<RunningInstance>(key(id));
    if (mark) live.push(mark);
    else await store.removeFromSet(SET, id);
  }
  return live;
}

/** Keys and sets of the instance marks themselves: never copied between stores. */
export function isInstanceRecord(name: string): boolean {
  return name === SET || name.startsWith("meta:running:");
}
