import type { KeyValueStore } from "../ports/store.js";

/** How long a run's mark counts after its last renewal (the mark's TTL in the store). */
export const RUN_LEASE_MS = 30_000;
/** How often a running bot renews its mark: a third of it, so one late renewal does not let it lapse. */
export const RUN_RENEW_MS = RUN_LEASE_MS / 3;

/** The mark a running bot keeps on its store (src/app/instances.ts writes and renews it). */
export const runLeaseKey = (run: string) => `meta:running:${run}`;

/**
 * Which runs of the bot are alive, for recovery that must tell what a dead run left half-done from what
 * another live process is doing right now (the hold journals: a card being posted by a live process must
 * not be posted again by one that starts beside it).
 *
 * A running bot keeps a mark on its store under its run id, a key with a TTL (the backend's own expiry)
 * renewed every `RUN_RENEW_MS` and removed at a clean stop: a run without a mark has stopped or died.
 * Where this process is the store's only one (the memory store, SQLite under the data-dir lock), no other
 * run can be alive, and nothing is read.
 */
export class RunLeases {
  constructor(
    private readonly store: KeyValueStore,
    /** Other processes may use the store at the same time (Redis, PostgreSQL). */
    readonly shared: boolean,
  ) {}

  /** Whether `run` (another process's) may still be working: its mark has not lapsed. */
  async alive(run: string): Promise<boolean> {
    return this.shared && (await this.store.get(runLeaseKey(run))) !== undefined;
  }
}
