import { randomUUID } from "node:crypto";
import { KEEP, type KeyValueStore } from "../../core/ports/store.js";
import { MatrixRefusal } from "./failures.js";

/**
 * One writer of a room's power levels at a time, across bot processes sharing one store. Matrix has no
 * compare-and-set for state events: two processes that read, change and write `m.room.power_levels` at
 * once lose one of the changes (a mute silently undone). A lease in the store (`setIfAbsent` with a TTL,
 * so a crashed holder frees it) serializes them; within one process a queue per room keeps the store
 * out of it.
 */
export class RoomLock {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly store: KeyValueStore,
    options: { leaseMs?: number; waitMs?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.waitMs = options.waitMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  run<T>(room: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(room) ?? Promise.resolve();
    const next = previous.then(
      () => this.leased(room, fn),
      () => this.leased(room, fn),
    );
    const settled = next.catch(() => undefined);
    this.queues.set(room, settled);
    void settled.then(() => {
      if (this.queues.get(room) === settled) this.queues.delete(room);
    });
    return next;
  }

  private async leased<T>(room: string, fn: () => Promise<T>): Promise<T> {
    const key = `matrix:power-lock:${room}`;
    const token = randomUUID();
    const deadline = Date.now() + this.waitMs;
    while (!(await this.store.setIfAbsent(key, token, this.leaseMs))) {
      if (Date.now() > deadline)
        throw new MatrixRefusal(
          "unavailable",
          "another bot process has been changing this room's power levels for too long; try again",
        );
      await this.sleep(20 + Math.floor(Math.random() * 40));
    }
    try {
      return await fn();
    } finally {
      // Only our own lease: one that ran out may belong to another process by now.
      await this.store.change<string, void>(key, (current) => ({
        value: current === token ? undefined : KEEP,
        result: undefined,
      }));
    }
  }
}
