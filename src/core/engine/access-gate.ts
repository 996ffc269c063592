import type { MessageEdited, MessagePosted } from "../events.js";
import type { AccessLevel, Enforcement } from "../model/access.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { Actor, PostContent } from "../model/content.js";
import { analyze } from "../matching/index.js";
import { HOUR } from "../ports/clock.js";
import type { Ctx } from "./context.js";
import type { Module, Verdict } from "./module.js";
import { KEEP, readShared, type Frozen, type MaybePromise } from "../ports/store.js";

const rateKey = (chat: string, account: string, bucket: number) => `rate:${chat}:${account}:${bucket}`;
const noticeKey = (chat: string, account: string, why: string) => `gate-notice:${chat}:${account}:${why}`;

/** Whether a gate notice sent at `last` went out less than an hour before `now`. */
function toldWithinHour(last: number | undefined, now: number): boolean {
  return last !== undefined && now - last < HOUR;
}

/**
 * Deletes the message (later modules may still record what it says) and, at most once an hour per reason,
 * tells the member privately why (never in the group: a limited member posting again should not make the
 * bot chatty there). Without a wait where the store has the last notice's time at hand and it was within
 * the hour (a member who keeps posting while limited).
 */
function remove(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  why: "read_only" | "unverified" | "text_only" | "rate",
  cap = 0,
): MaybePromise<Verdict> {
  ctx.emit({ kind: "delete", messages: [event.message] });
  // The store's TTL runs on wall-clock time; the hour is measured on the engine's clock.
  const key = noticeKey(event.message.chat, event.actor.account, why);
  // A member who keeps posting while limited was told within the hour: a plain (cached) read says so,
  // without the atomic change (a write transaction on SQLite) that decides who tells them otherwise.
  const last = readShared<number>(ctx.services.store, key);
  if (last instanceof Promise) return last.then((l) => noticeOnce(ctx, event, why, cap, key, l));
  // Removed, not stopped: a content-rule hit in it still counts (the rules module records it).
  return toldWithinHour(last, ctx.now) ? "removed" : noticeOnce(ctx, event, why, cap, key, last);
}

/** `remove`'s notice, unless one went out within the hour (decided atomically: one per member and hour). */
async function noticeOnce(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  why: "read_only" | "unverified" | "text_only" | "rate",
  cap: number,
  key: string,
  last: number | undefined,
): Promise<Verdict> {
  const first =
    !toldWithinHour(last, ctx.now) &&
    (await ctx.services.store.change<number, boolean>(
      key,
      (stored) =>
        toldWithinHour(stored, ctx.now) ? { value: KEEP, result: false } : { value: ctx.now, result: true },
      2 * HOUR,
    ));
  if (first) {
    const chat = ctx.services.directory.label(event.message.chat);
    const text =
      why === "read_only"
        ? ctx.t("core.gateReadOnly", { chat })
        : why === "unverified"
          ? ctx.t("core.gateUnverified", { chat })
          : why === "text_only"
            ? ctx.t("core.gateTextOnly", { chat })
            : ctx.t("core.gateRate", { chat, cap });
    ctx.emit({ kind: "send_private", account: event.actor.account, text });
  }
  return "removed";
}

/** Whether a post is allowed at an access level: read_only allows nothing, text_only no links or media. */
export function allowedAt(level: AccessLevel, content: PostContent): boolean {
  if (level === "full") return true;
  if (level === "read_only") return false;
  return (
    content.media.length === 0 && content.links.length === 0 && analyze(content).textLinks().length === 0
  );
}

/**
 * The first module of the pipeline: enforces limited access on every message, whatever limited it
 * (unverification, a mute, a "limited use" sanction). Platform permissions do most of this; the gate
 * catches what they cannot express (links in text, hourly caps) and anything that slipped through.
 */
export const accessGate: Module = {
  name: "access-gate",
  onMessage(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Verdict> {
    if (
      !ctx.community ||
      !ctx.actor ||
      ctx.actor.isChatAdmin ||
      ctx.community.admins.includes(ctx.actor.account)
    )
      return "continue";
    const level = ctx.services.access.level(event.message.chat, ctx.actor.account, ctx.now);
    if (level instanceof Promise) return level.then((l) => gate(ctx, event, l));
    // Full access (most members): nothing to enforce and nothing to wait for.
    return level === "full" ? "continue" : gate(ctx, event, level);
  },
};

/** The gate at a known level: removes what the level does not allow, and counts capped members' posts. */
function gate(ctx: Ctx, event: MessagePosted | MessageEdited, level: AccessLevel): MaybePromise<Verdict> {
  const account = (ctx.actor as Actor).account;
  const chat = event.message.chat;
  if (!allowedAt(level, event.content)) {
    if (level !== "read_only") return remove(ctx, event, "text_only");
    // Only an unverified member's limit is lifted by verifying: say so rather than point to /appeal. The
    // record is the one `level` just read (shared, at hand where the store has it).
    const enforcement = ctx.services.access.getShared(chat, account);
    if (enforcement instanceof Promise)
      return enforcement.then((e) => remove(ctx, event, readOnlyReason(e, ctx.now)));
    return remove(ctx, event, readOnlyReason(enforcement, ctx.now));
  }
  return level === "full" ? "continue" : capped(ctx, event, chat, account);
}

/** Why a member is read-only: only unverification (every active read-only constraint is one), or more. */
function readOnlyReason(
  enforcement: Frozen<Enforcement> | undefined,
  now: number,
): "unverified" | "read_only" {
  const active = (enforcement?.constraints ?? []).filter(
    (c) => c.level === "read_only" && (c.until === undefined || c.until > now),
  );
  return active.length > 0 && active.every((c) => c.source === "verification") ? "unverified" : "read_only";
}

/** A member whose level caps their posts per hour: counts this one, and removes it past the cap. */
async function capped(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  chat: ChatKey,
  account: AccountKey,
): Promise<Verdict> {
  const cap = await ctx.services.access.rateCap(chat, account, ctx.now);
  if (cap && event.kind === "message_posted") {
    const count =
      (await ctx.services.store.update<number>(
        rateKey(chat, account, Math.floor(ctx.now / HOUR)),
        (n = 0) => n + 1,
        HOUR * 2,
      )) ?? 0;
    if (count > cap) return remove(ctx, event, "rate", cap);
  }
  return "continue";
}
