import { hostname } from "node:os";
import type { KeyValueStore } from "../core/ports/store.js";

const SET = "meta:instances";
const key = (id: string) => `meta:running:${id}`;
const TTL_MS = 30_000;
const BEAT_MS = 10_000;

export interface RunningInstance {
  id: string;
  pid: number;
  host: string;
  since: number;
}

/**
 * Marks this bot process as running on the store (a record with a short TTL, renewed every 10 s), so
 * `chatwarden migrate` can refuse to write into a store a running bot holds. Returns the function
 * that removes the mark at a clean stop; after a crash the mark expires by itself within 30 s.
 */
export async function registerInstance(store: KeyValueStore): Promise<() => Promise<void>> {
  const me: RunningInstance = {
    id: `${hostname()}:${process.pid}:${Date.now().toString(36)}`,
    pid: process.pid,
    host: hostname(),
    since: Date.now(),
  };
  await store.set(key(me.id), me, TTL_MS);
  await store.addToSet(SET, me.id);
  const beat = setInterval(() => {
    void store.set(key(me.id), me, TTL_MS).catch(() => undefined);
  }, BEAT_MS);
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
