import type { Instant } from "../ports/clock.js";
import type { Timer } from "../ports/scheduler.js";
import type { KeyValueStore } from "../ports/store.js";

const timerKey = (id: string) => `timer:${id}`;
const INDEX = "timers:index";

/** Index entry: id → due time. One document, changed only through atomic updates. */
type TimerIndex = Record<string, Instant>;

/**
 * Durable timers in the store. Scheduling the same id again replaces the earlier timer. The runtime's
 * scheduler loop asks `due(now)` and fires each through the engine; firing claims the timer first, so
 * two loops (or a loop and a restart) never fire one timer twice.
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
    await this.store.set(timerKey(timer.id), timer);
    await this.store.update<TimerIndex>(INDEX, (index = {}) => ({ ...index, [timer.id]: timer.at }));
    for (const listener of this.listeners) listener(timer.at);
  }

  async cancel(id: string): Promise<void> {
    await this.store.update<TimerIndex>(INDEX, (index = {}) => {
      if (!(id in index)) return index;
      const { [id]: _gone, ...rest } = index;
      return rest;
    });
    await this.store.delete(timerKey(id));
  }

  get(id: string): Promise<Timer | undefined> {
    return this.store.get<Timer>(timerKey(id));
  }

  /** Timers due at `now`, earliest first. */
  async due(now: Instant): Promise<Timer[]> {
    const index = (await this.store.get<TimerIndex>(INDEX)) ?? {};
    const ids = Object.entries(index)
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => id);
    const timers = await Promise.all(ids.map((id) => this.get(id)));
    return timers.filter((t): t is Timer => t !== undefined && t.at <= now);
  }

  /** The earliest due time, so the loop can sleep until then. */
  async nextDue(): Promise<Instant | undefined> {
    const index = (await this.store.get<TimerIndex>(INDEX)) ?? {};
    let next: Instant | undefined;
    for (const at of Object.values(index)) if (next === undefined || at < next) next = at;
    return next;
  }

  /** Removes the timer if it is still the one seen; true for exactly one caller. */
  async claim(timer: Timer): Promise<boolean> {
    let claimed = false;
    await this.store.update<TimerIndex>(INDEX, (index = {}) => {
      if (index[timer.id] !== timer.at) return index;
      claimed = true;
      const { [timer.id]: _gone, ...rest } = index;
      return rest;
    });
    if (claimed) await this.store.delete(timerKey(timer.id));
    return claimed;
  }
}
