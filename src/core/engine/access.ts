import type { Decision } from "../decisions.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { AccessLevel, Constraint, Enforcement } from "../model/access.js";
import { effectiveLevel, nextExpiry } from "../model/access.js";
import { HOUR, type Instant } from "../ports/clock.js";
import type { Timer } from "../ports/scheduler.js";
import type { KeyValueStore } from "../ports/store.js";
import { KEEP, readShared, type Frozen, type MaybePromise } from "../ports/store.js";
import { keyOf2 } from "../ports/record-keys.js";

export const enforcementKey: (chat: ChatKey, account: AccountKey) => string = keyOf2("enforcement:");
export const ACCESS_TIMER = "access.expire";
export const accessTimerId = (chat: ChatKey, account: AccountKey) => `access:${chat}:${account}`;
/** How long before a platform lifts a shortened restriction by itself the engine re-applies it. */
export const RENEW_BEFORE_MS = HOUR;

export const renewalTimerId = (chat: ChatKey, account: AccountKey) => `access-renew:${chat}:${account}`;

/**
 * The timer that renews a restriction the platform applied only until `applied` (shorter than the
 * intended `intended`, undefined = open-ended): an access timer, so it re-applies the level then intended.
 */
export function renewalTimer(
  chat: ChatKey,
  account: AccountKey,
  applied: Instant | undefined,
  intended: Instant | undefined,
  now: Instant,
): Timer | undefined {
  if (applied === undefined || (intended !== undefined && intended <= applied)) return undefined;
  return {
    id: renewalTimerId(chat, account),
    at: Math.max(now, applied - RENEW_BEFORE_MS),
    kind: ACCESS_TIMER,
    payload: { chat, account },
  };
}

const NO_CONSTRAINTS: readonly never[] = [];

function levelOf(enforcement: Frozen<Enforcement> | undefined, now: Instant): AccessLevel {
  return enforcement === undefined ? "full" : effectiveLevel(enforcement.constraints ?? NO_CONSTRAINTS, now);
}

/**
 * The one place that turns reasons to limit a member (unverified, muted, limited) into platform
 * restrictions. Each source adds or removes constraints; the strictest active one is the intended level,
 * and a restrict / lift decision goes out only when the intended level changes. The engine marks the
 * level as applied only when the adapter reports success.
 */
export class AccessService {
  constructor(private readonly store: KeyValueStore) {}

  get(chat: ChatKey, account: AccountKey): Promise<Enforcement | undefined> {
    return this.store.get<Enforcement>(enforcementKey(chat, account));
  }

  /** The record, read shared (frozen; at once where the store has it at hand), for a reader that changes nothing. */
  getShared(chat: ChatKey, account: AccountKey): MaybePromise<Frozen<Enforcement> | undefined> {
    return readShared<Enforcement>(this.store, enforcementKey(chat, account));
  }

  /**
   * The level in force (read shared: this runs on every message and changes nothing; at once where the
   * store has the record at hand).
   */
  level(chat: ChatKey, account: AccountKey, now: Instant): MaybePromise<AccessLevel> {
    const enforcement = readShared<Enforcement>(this.store, enforcementKey(chat, account));
    if (enforcement instanceof Promise) return enforcement.then((e) => levelOf(e, now));
    return levelOf(enforcement, now);
  }

  /** The active constraint with the smallest message-rate cap, if any. */
  async rateCap(chat: ChatKey, account: AccountKey, now: Instant): Promise<number | undefined> {
    const caps = ((await this.get(chat, account))?.constraints ?? [])
      .filter((c) => (c.until === undefined || c.until > now) && c.maxPerHour)
      .map((c) => c.maxPerHour as number);
    return caps.length ? Math.min(...caps) : undefined;
  }

  /** Adds (or replaces, same source and case) a constraint in each chat; returns the decisions. */
  async constrain(
    chats: readonly ChatKey[],
    account: AccountKey,
    constraint: Constraint,
    now: Instant,
  ): Promise<Decision[]> {
    const out: Decision[] = [];
    for (const chat of chats) {
      out.push(
        ...(await this.change(chat, account, now, (list) => [
          ...list.filter((c) => !(c.source === constraint.source && c.caseNumber === constraint.caseNumber)),
          constraint,
        ])),
      );
    }
    return out;
  }

  /** Removes the constraints `which` selects in each chat; returns the decisions. */
  async release(
    chats: readonly ChatKey[],
    account: AccountKey,
    which: (c: Constraint) => boolean,
    now: Instant,
  ): Promise<Decision[]> {
    const out: Decision[] = [];
    for (const chat of chats)
      out.push(...(await this.change(chat, account, now, (list) => list.filter((c) => !which(c)))));
    return out;
  }

  /** Drops expired constraints (the access timer fired) and re-applies the level now intended. */
  async expire(chat: ChatKey, account: AccountKey, now: Instant): Promise<Decision[]> {
    return this.change(
      chat,
      account,
      now,
      (list) => list.filter((c) => c.until === undefined || c.until > now),
      true,
    );
  }

  /** Re-sends the intended level (after a failure, or when the member rejoins). */
  async reapply(chat: ChatKey, account: AccountKey, now: Instant): Promise<Decision[]> {
    return this.change(chat, account, now, (list) => list, true);
  }

  /**
   * `reapply` only where the level last applied is not the one intended now: a restriction or lift whose
   * outcome was never recorded (a crash cut it short), for an event delivered again. Nothing otherwise.
   */
  async resync(chat: ChatKey, account: AccountKey, now: Instant): Promise<Decision[]> {
    const enforcement = await this.get(chat, account);
    const applied = enforcement?.applied ?? "full";
    return applied === levelOf(enforcement, now) ? [] : this.reapply(chat, account, now);
  }

  /**
   * Records what the platform did with a restrict / lift. Resolves to whether a renewal timer may exist
   * from before (the level applied before was shortened by the platform, or the record said nothing):
   * only then has the caller one to cancel. A renewal is scheduled right after its shortened level is
   * recorded, so a record whose applied level had no end never has one.
   */
  async recordOutcome(
    chat: ChatKey,
    account: AccountKey,
    level: AccessLevel,
    ok: boolean,
    error?: string,
    until?: Instant,
  ): Promise<{ mayHaveRenewal: boolean }> {
    return this.store.change<Enforcement, { mayHaveRenewal: boolean }>(
      enforcementKey(chat, account),
      (stored) => {
        const cur = stored ?? { constraints: [] };
        // No record at all: erased (/forgetme) or never written; say yes, as before this was known.
        const result = { mayHaveRenewal: !stored || cur.appliedUntil !== undefined };
        if (ok && cur.applied === level && cur.appliedUntil === until && cur.lastError === undefined)
          return { value: KEEP, result };
        if (!ok && cur.lastError === (error ?? "failed")) return { value: KEEP, result };
        return {
          value: ok
            ? { ...cur, applied: level, appliedUntil: until, lastError: undefined }
            : { ...cur, lastError: error ?? "failed" },
          result,
        };
      },
    );
  }

  async setBanned(chat: ChatKey, account: AccountKey, banned: boolean): Promise<void> {
    await this.store.update<Enforcement>(enforcementKey(chat, account), (cur = { constraints: [] }) =>
      cur.banned === banned ? cur : { ...cur, banned },
    );
  }

  private async change(
    chat: ChatKey,
    account: AccountKey,
    now: Instant,
    edit: (list: Constraint[]) => Constraint[],
    force = false,
  ): Promise<Decision[]> {
    const { before, after, timed } = await this.store.change<
      Enforcement,
      { before: AccessLevel; after: Enforcement; timed: boolean }
    >(enforcementKey(chat, account), (stored) => {
      const cur = stored ?? { constraints: [] };
      const constraints = edit(cur.constraints);
      const after = { ...cur, constraints };
      const before = cur.applied ?? effectiveLevel(cur.constraints, now);
      // Nothing changed (a release of a limit the member never had) writes nothing; a record left saying
      // nothing is removed rather than kept as {"constraints":[]} (two per verified member before).
      const value =
        sameConstraints(cur.constraints, constraints) || (!stored && isEmpty(after))
          ? KEEP
          : isEmpty(after)
            ? undefined
            : after;
      // An access timer is only ever scheduled for a record with a constraint that ends.
      const timed = cur.constraints.some((c) => c.until !== undefined);
      return { value, result: { before, after, timed } };
    });
    const intended = effectiveLevel(after.constraints, now);
    const decisions: Decision[] = [];
    const record = { kind: "enforcement", chat, account, level: intended };
    if (intended !== before || (force && intended !== "full") || (force && after.applied !== intended)) {
      if (intended === "full") decisions.push({ kind: "lift", chat, account, record });
      else {
        const active = after.constraints.filter((c) => c.until === undefined || c.until > now);
        const until = active.every((c) => c.until !== undefined)
          ? Math.max(...active.map((c) => c.until as number))
          : undefined;
        decisions.push({
          kind: "restrict",
          chat,
          account,
          level: intended,
          until,
          sources: [...new Set(active.map((c) => c.source))],
          record: { ...record, until },
        });
      }
    }
    const next = nextExpiry(after.constraints, now);
    // No constraint that ends before and none now (a newcomer limited until verified): no timer to cancel.
    if (next === undefined && !timed && !force) return decisions;
    // The timer that ends a restriction is stored before the restriction goes out (the engine commits
    // before every platform call), so a crash between the two cannot leave a member restricted with
    // nothing to lift it (the console and Matrix never lift by themselves). A timer is cancelled after
    // the lift, for the same reason: a crash between them leaves a timer that finds nothing to do.
    if (next === undefined) decisions.push({ kind: "cancel_timer", timerId: accessTimerId(chat, account) });
    else
      decisions.unshift({
        kind: "schedule",
        timer: { id: accessTimerId(chat, account), at: next, kind: ACCESS_TIMER, payload: { chat, account } },
      });
    return decisions;
  }
}

function sameConstraints(a: readonly Constraint[], b: readonly Constraint[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i] || JSON.stringify(c) === JSON.stringify(b[i]));
}

/** A record that says nothing (no constraint, never applied, no error, no ban) is not kept. */
function isEmpty(e: Enforcement): boolean {
  return (
    e.constraints.length === 0 &&
    e.applied === undefined &&
    e.appliedUntil === undefined &&
    e.lastError === undefined &&
    e.banned === undefined
  );
}
