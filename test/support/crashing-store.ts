import { MemoryStore } from "../../src/adapters/storage/memory-store.js";
import type { KeyValueStore } from "../../src/core/ports/store.js";
import { interceptStore } from "./intercept-store.js";

const WRITES = new Set<keyof KeyValueStore>([
  "set",
  "delete",
  "update",
  "change",
  "setIfAbsent",
  "increment",
  "addToSet",
  "removeFromSet",
  "schedule",
  "unschedule",
  "leaseDue",
]);

/**
 * A memory store that dies like a killed process: after `crashAfter(n)`, n more writes go through and
 * every later write throws (reads still work, as they would for the next process). `revive()` is the
 * restart: the data is what the writes before the crash left. `now`: the clock of its expiries.
 */
export function crashingStore(now?: () => number) {
  const inner = new MemoryStore(now);
  let writesLeft = Number.POSITIVE_INFINITY;
  let refused = false;
  const store = interceptStore(inner, (operation) => {
    if (!WRITES.has(operation)) return;
    if (writesLeft <= 0) {
      refused = true;
      throw new Error("killed");
    }
    writesLeft--;
  });
  return {
    store,
    inner,
    crashAfter: (n: number) => {
      writesLeft = n;
      refused = false;
    },
    /** True when the crash point was reached (some write was refused). */
    crashed: () => refused,
    revive: () => {
      writesLeft = Number.POSITIVE_INFINITY;
    },
  };
}
