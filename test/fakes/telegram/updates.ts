import type { Update } from "grammy/types";
import { E } from "./errors.js";

export type UpdateType = Exclude<keyof Update, "update_id">;
/** An update before it gets its id: one key naming the type, its payload as the value. */
export type NewUpdate = { [K in UpdateType]?: unknown };

/** Telegram leaves these out unless `allowed_updates` lists them. */
const OPT_IN: readonly string[] = ["chat_member", "message_reaction", "message_reaction_count"];

interface Waiter {
  wake: () => void;
  conflict: () => void;
}

export interface GetUpdatesArgs {
  offset?: number;
  limit?: number;
  timeout?: number;
  allowed_updates?: string[];
}

/**
 * The pending-update queue behind getUpdates: confirmation by offset, limit,
 * long polling, allowed_updates remembered between calls, and the 409 that an
 * older poll gets when a newer one arrives.
 */
export class UpdateQueue {
  private items: Update[] = [];
  private nextId: number;
  private waiters = new Set<Waiter>();
  /** Last allowed_updates list; undefined = Telegram's default. */
  allowed: string[] | undefined;
  /** Every update ever queued, for inspection. */
  readonly history: Update[] = [];
  closed = false;

  constructor(firstId = 100_000_001) {
    this.nextId = firstId;
  }

  push(u: NewUpdate): Update {
    const update = { update_id: this.nextId++, ...u } as Update;
    this.items.push(update);
    this.history.push(update);
    for (const w of [...this.waiters]) w.wake();
    return update;
  }

  /** Updates not yet confirmed. */
  pending(): readonly Update[] {
    return this.items;
  }

  /** One update delivered (a webhook answered 2xx): Telegram forgets it. */
  confirm(updateId: number): void {
    this.items = this.items.filter((u) => u.update_id !== updateId);
  }

  dropPending(): void {
    this.items = [];
  }

  isAllowed(u: Update): boolean {
    const type = Object.keys(u).find((k) => k !== "update_id") ?? "";
    if (this.allowed === undefined) return !OPT_IN.includes(type);
    return this.allowed.includes(type);
  }

  private take(offset: number | undefined, limit: number): Update[] {
    if (offset !== undefined) {
      if (offset < 0) this.items = this.items.slice(offset);
      else this.items = this.items.filter((u) => u.update_id >= offset);
    }
    // Updates of types not allowed now would never have been created: forget them.
    this.items = this.items.filter((u) => this.isAllowed(u));
    return this.items.slice(0, limit);
  }

  /**
   * Answers one getUpdates call. `onAbort` lets the server stop waiting when the
   * client hangs up.
   */
  async get(args: GetUpdatesArgs, onAbort: (cb: () => void) => void): Promise<Update[]> {
    if (args.allowed_updates !== undefined) {
      this.allowed = args.allowed_updates.length ? [...args.allowed_updates] : undefined;
    }
    const limit = Math.min(Math.max(args.limit ?? 100, 1), 100);
    const timeout = Math.max(args.timeout ?? 0, 0);
    // A newer request ends any older long poll, as on Telegram.
    for (const w of [...this.waiters]) w.conflict();
    let found = this.take(args.offset, limit);
    if (found.length || timeout === 0 || this.closed) return found;
    const offset = args.offset !== undefined && args.offset < 0 ? undefined : args.offset;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        wake: () => {
          if (this.closed || this.take(offset, limit).length) {
            done();
            resolve();
          }
        },
        conflict: () => {
          done();
          reject(E.pollConflict());
        },
      };
      const timer = setTimeout(() => {
        done();
        resolve();
      }, timeout * 1000);
      this.waiters.add(waiter);
      onAbort(() => {
        done();
        resolve();
      });
    });
    found = this.closed ? [] : this.take(offset, limit);
    return found;
  }

  /** Releases every waiting poll with an empty answer. */
  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w.wake();
  }
}
