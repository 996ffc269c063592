import type Database from "better-sqlite3";
import type { StoreUnit } from "../../core/ports/store.js";
import { StoreError } from "../../core/ports/store.js";
import type { ReadCache } from "./read-cache.js";

/** The longest a grouped write waits for a durability point before a timer commits it anyway. */
export const BACKSTOP_MS = 20;

/**
 * Commit grouping for SQLite when this process is the only one on the file (`exclusive`, the data-dir
 * lock). Every commit costs a WAL append of each page it changed; a join that made five small commits
 * (membership, member index, profile, enforcement before and after the restriction) makes two grouped.
 *
 * How it works: writes made through the grouped view (the engine's store) while at least one unit of
 * work is open (an event being handled) go into one open transaction instead of committing each.
 * The transaction is committed at the durability points: a unit's `commit()` (the engine calls it
 * before every executor call, so nothing reaches the platform before what caused it is durable), a
 * unit's `end()` (the end of an event, before its update is confirmed), `close()`, any write through the
 * store itself (adapters' writes are durable when their call returns, as before), and a timer at most
 * `BACKSTOP_MS` after the transaction began. Committing early is always safe; it only costs a commit.
 *
 * Atomic operations stay atomic: each runs synchronously inside the transaction, so nothing else runs
 * between its read and its write; one that writes several rows runs in a savepoint. A failing operation
 * undoes only its own statement (or savepoint) and throws to its caller. If SQLite rolls the whole
 * transaction back (disk full, I/O error) or the commit fails, the writes of every open unit are lost:
 * that is never silent, each of those units' next `commit()` / `end()` throws, so no event whose writes
 * were lost is confirmed as handled, and the read cache is emptied (it held the lost values).
 */
export class CommitGroup {
  /** A transaction is open with grouped writes in it. */
  private open = false;
  private units = 0;
  /** Grouped transactions lost so far (rolled back by SQLite, or their commit failed). */
  private lost = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly begin;
  private readonly commitTx;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  constructor(
    private readonly db: Database.Database,
    private readonly cache: ReadCache | undefined,
    private readonly backstopMs = BACKSTOP_MS,
  ) {
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commitTx = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.savepoint = db.prepare("SAVEPOINT op");
    this.release = db.prepare("RELEASE op");
    this.rollbackTo = db.prepare("ROLLBACK TO op");
  }

  /** Whether a write must go through `write` (a transaction is open, or this grouped write opens one). */
  takes(grouped: boolean): boolean {
    return this.open || (grouped && this.units > 0);
  }

  /**
   * Runs one write operation in the open transaction (opening it). `grouped` writes wait for a
   * durability point while a unit is open; others commit at once, with whatever the transaction holds.
   * `several`: the operation writes more than one row (its own savepoint keeps it all-or-nothing).
   */
  write<T>(grouped: boolean, several: boolean, work: () => T): T {
    if (!this.open) {
      this.begin.run();
      this.open = true;
      this.arm();
    }
    let result: T;
    try {
      result = several ? this.inSavepoint(work) : work();
    } catch (error) {
      // Disk full or an I/O error can roll the whole transaction back: every open unit's writes are gone.
      if (!this.db.inTransaction) this.dropLost();
      throw error;
    }
    if (!grouped || this.units === 0) this.commit();
    return result;
  }

  /** Opens a unit of work (see the class comment). */
  unit(): StoreUnit {
    this.units++;
    return new Unit(this, this.lost);
  }

  /** A unit's end: writes no longer wait for it. */
  leave(): void {
    this.units--;
  }

  /** Commits the open transaction, if any; throws when the commit fails (its writes are lost). */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.commitTx.run();
    } catch (error) {
      if (this.db.inTransaction) {
        try {
          this.rollback.run();
        } catch {
          // the connection is in trouble; the count below makes every open unit fail
        }
      }
      this.dropLost();
      throw error;
    }
  }

  /** A durability point of a unit opened when `lostBefore` transactions had been lost. */
  durable(lostBefore: number): void {
    this.commit();
    if (this.lost !== lostBefore)
      throw new StoreError(
        "a grouped commit failed: writes made during this unit of work were lost",
        "backend_failed",
      );
  }

  private inSavepoint<T>(work: () => T): T {
    this.savepoint.run();
    try {
      const result = work();
      this.release.run();
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        this.rollbackTo.run();
        this.release.run();
      }
      throw error;
    }
  }

  private dropLost(): void {
    this.open = false;
    this.lost++;
    this.cache?.clear();
  }

  /** The backstop: commits what waits, at most `backstopMs` after the transaction began. */
  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.commit();
      } catch {
        // counted in `lost`: the open units' next durability point throws
      }
    }, this.backstopMs);
    this.timer.unref?.();
  }

  /** Before the connection closes: commits what waits and stops the timer. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.commit();
  }
}

/** A class, not an object of closures: one is made per event, its methods live once on the prototype. */
class Unit implements StoreUnit {
  private ended = false;

  constructor(
    private readonly group: CommitGroup,
    private readonly lostBefore: number,
  ) {}

  commit(): void {
    this.group.durable(this.lostBefore);
  }

  end(): void {
    if (!this.ended) {
      this.ended = true;
      this.group.leave();
    }
    this.group.durable(this.lostBefore);
  }
}
