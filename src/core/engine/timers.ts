import type { Instant } from "../ports/clock.js";
import type { Timer } from "../ports/scheduler.js";
import type { KeyValueStore, Scheduled } from "../ports/store.js";

/** The store's time-ordered set of timers: one atomic entry per timer (id, due time, kind and payload). */
const SET = "timers";
/** How long a timer handed out by `due` stays reserved for the pass that took it. */
const LEASE_MS = 60_000;
/** How many timers one look at the set hands out. */
const BATCH = 100;

/** Before the store had a time-ordered set: an index document of due times, each timer its own record. */
const LEGACY_INDEX = "timers:index";
const LEGACY_PREFIX = "timer:";
const MIGRATED = "meta:timers-migrated";

type Body = Pick<Timer, "kind" | "payload">;

function toTimer(entry: Scheduled, at = entry.at): Timer {
  const body = entry.payload as Body;
  return { id: entry.id, at, kind: body.kind, payload: body.payload };
}

/**
 * Durable timers in the store's time-ordered set. Storing, cancelling and claiming a timer is each one
 * atomic operation of the store, so a crash can never leave a timer without its index entry (it would
 * never fire) or an entry without its timer. Scheduling the same id again replaces the earlier timer.
 * The runtime's scheduler loop asks `due(now)` (which leases what it returns, so another process does
 * not take it too) and fires each through the engine. The engine runs a timer only while the lease is
 * still its own and removes it (`claim`) after the handler's decisions are carried out: a process that
 * dies mid-handler leaves the lease to run out, and the timer fires once more, later (handlers check
 * their state, so a second run does no harm). No timer runs twice while its lease holds.
 */
export class TimerStore {
  private readonly listeners = new Set<(at: Instant) => void>();

  constructor(private readonly store: KeyValueStore) {}

  /**
   * Calls `listener` with the due time of every timer stored from now on (the scheduler loop wakes up
   * when one is due before the end of its sleep). Returns a function that removes the listener.
   */
  onScheduled(listener: (at: Instant) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async schedule(timer: Timer): Promise<void> {
    const body: Body = { kind: timer.kind, payload: timer.payload };
    await this.store.schedule(SET, { id: timer.id, at: timer.at, payload: body });
    for (const listener of this.listeners) listener(timer.at);
  }

  async cancel(id: string): Promise<void> {
    await this.store.unschedule(SET, id);
  }

  async get(id: string): Promise<Timer | undefined> {
    const entry = await this.store.scheduled(SET, id);
    return entry ? toTimer(entry) : undefined;
  }

  /**
   * Timers due at `now`, earliest first (at most a batch: ask again until none is left). Each is leased
   * for a minute: if the process dies before it is done, it comes due again after that.
   */
  async due(now: Instant): Promise<Timer[]> {
    const leased = await this.store.leaseDue(SET, now, now + LEASE_MS, BATCH);
    return leased.map((entry) => ({ ...toTimer(entry, entry.dueAt), lease: entry.at }));
  }

  /** The earliest due time, so the loop can sleep until then. */
  nextDue(): Promise<Instant | undefined> {
    return this.store.nextAt(SET);
  }

  /** Whether the timer is still stored as seen (or as leased): not cancelled, not taken by another process. */
  async isHeld(timer: Timer): Promise<boolean> {
    return (await this.store.scheduled(SET, timer.id))?.at === (timer.lease ?? timer.at);
  }

  /** Removes the timer if it is still the one seen (or leased); true for exactly one caller. */
  claim(timer: Timer): Promise<boolean> {
    return this.store.unschedule(SET, timer.id, timer.lease ?? timer.at);
  }

  /**
   * Run once at start, before any event. Moves timers of the old format (an index of due times plus one
   * record per timer) into the set, once per store: a record the index lost (a crash between the two
   * writes) is kept, since handlers check their state when they fire; an index entry whose record was
   * never written is dropped. Returns how many timers it moved.
   */
  async repair(): Promise<number> {
    if (await this.store.get<boolean>(MIGRATED)) return 0;
    const index = (await this.store.get<Record<string, Instant>>(LEGACY_INDEX)) ?? {};
    const records: Timer[] = [];
    for await (const record of this.store.dump()) {
      if (record.kind === "value" && record.key.startsWith(LEGACY_PREFIX))
        records.push(record.value as Timer);
    }
    for (const timer of records) {
      if ((await this.store.scheduled(SET, timer.id)) === undefined) await this.schedule(timer);
      await this.store.delete(`${LEGACY_PREFIX}${timer.id}`);
    }
    if (Object.keys(index).length > 0) await this.store.delete(LEGACY_INDEX);
    await this.store.set(MIGRATED, true);
    return records.length;
  }
}
