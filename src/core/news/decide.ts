/**
 * Deciding a hold: approve (re-post with attribution), reject, reject and warn, or expiry. The decision
 * is taken by ONE atomic store update that moves the hold out of `pending`; whoever loses that race (a
 * second admin, a retried press, the expiry timer) changes nothing and is told who decided and when.
 */
import { openCase } from "../engine/audit.js";
import type { Decision } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import { translator } from "../i18n/translator.js";
import type { ChatKey } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import { formatDuration } from "../settings/duration.js";
import { KEEP } from "../ports/store.js";
import { expireTimerId, holdKey, HoldStore, type Hold } from "./holds.js";
import { cardUpdate, chatLabel, formatTime, reasonsText, type HoldAction } from "./render.js";
import { newsHolds, repost } from "./review.js";

/** How to answer the admin who acted (a private notice for a button, a reply for a command). */
export type Answer = (text: string) => Decision;

const communityOf = (ctx: Ctx, hold: Hold) => ctx.services.directory.community(hold.community);
const newsSettingsOf = (ctx: Ctx, hold: Hold, community: CommunitySettings) =>
  ctx.services.directory.lookupChat(hold.chat)?.chat.policy.news ?? community.policy.news;

function refusal(ctx: Ctx, hold: Hold): string {
  if (hold.status === "expired")
    return ctx.t("news.alreadyExpired", { id: hold.id, time: formatTime(hold.decidedAt ?? hold.createdAt) });
  if (hold.status === "failed") return ctx.t("news.notHeld", { id: hold.id });
  if (hold.status === "collecting") return ctx.t("news.stillCollecting", { id: hold.id });
  return ctx.t("news.alreadyDecided", {
    id: hold.id,
    decision: ctx.t(hold.status === "approved" ? "news.decisionApproved" : "news.decisionRejected"),
    admin: hold.decidedByName ?? String(hold.decidedBy ?? ""),
    time: formatTime(hold.decidedAt ?? hold.createdAt),
  });
}

/** A re-post an admin may ask for again: it failed, or a restart cut it short (outcome unknown). */
const retryable = (h: Hold) =>
  h.status === "approved" && (h.reposted === "failed" || h.reposted === "unknown");

/**
 * An approved hold whose re-post failed (or was cut short) may be approved again: claimed once, like a
 * decision (the claim is the store's compare-and-set: its function may run more than once).
 */
async function retryRepost(
  ctx: Ctx,
  community: CommunitySettings,
  id: string,
  answer: Answer,
): Promise<boolean> {
  await newsHolds.expectRepost(ctx, { community: community.id, id });
  const { claimed, hold } = await ctx.services.store.change<Hold, { claimed: boolean; hold?: Hold }>(
    holdKey(id),
    (h) => {
      if (!h || !retryable(h)) return { value: KEEP, result: { claimed: false, hold: h } };
      const { reposted: _failed, ...rest } = h;
      return { value: rest, result: { claimed: true, hold: rest } };
    },
  );
  if (!claimed || !hold) {
    await newsHolds.unexpectRepost(ctx, hold, { community: community.id, id });
    if (hold) ctx.emit(answer(refusal(ctx, hold)));
    return false;
  }
  ctx.emit(...(await repost(ctx, community, hold)), ...cardUpdate(community, hold));
  return true;
}

/**
 * An admin decides a hold. Checks the actor administers the hold's community on every use; anyone
 * else is answered and nothing changes. Returns true when this call took the decision.
 */
export async function decideHold(
  ctx: Ctx,
  holdId: string,
  action: HoldAction,
  answer: Answer,
  customReason?: string,
  pressedIn?: { chat: ChatKey | undefined },
): Promise<boolean> {
  const holds = new HoldStore(ctx.services.store);
  const found = await holds.get(holdId);
  const community = found && communityOf(ctx, found);
  if (!found || !community) {
    ctx.emit(answer(ctx.t("news.holdNotFound", { id: holdId })));
    return false;
  }
  const actor = ctx.actor;
  // A press counts only on the card, in the hold's review chat: the same data arriving elsewhere (a
  // crafted deep link an admin follows, a modified client) is refused, whoever presses it.
  const offCard = pressedIn !== undefined && pressedIn.chat !== community.reviewChat;
  if (!actor || offCard || !(await ctx.isAdmin(community, actor))) {
    const refused = answer(ctx.t(offCard ? "core.onlyOnCard" : "core.notAllowed"));
    ctx.emit(refused.kind === "send_private" ? { ...refused, refusal: true } : refused);
    return false;
  }
  const reason = customReason?.trim() || undefined;
  if (action === "approve") await newsHolds.expectRepost(ctx, found);
  const { claimed, hold } = await holds.transition(holdId, "pending", (h) => ({
    ...h,
    status: action === "approve" ? "approved" : "rejected",
    decidedBy: actor.account,
    decidedByName: actor.displayName,
    decidedAt: ctx.now,
    ...(reason !== undefined && action !== "approve" ? { reason } : {}),
    ...(action === "warn" ? { warned: true } : {}),
  }));
  if (!claimed || !hold) {
    if (action === "approve" && hold && retryable(hold)) return retryRepost(ctx, community, hold.id, answer);
    if (action === "approve") await newsHolds.unexpectRepost(ctx, hold, found);
    ctx.emit(answer(refusal(ctx, hold ?? found)));
    return false;
  }
  await holds.removePending(community.id, hold.id);
  ctx.emit({ kind: "cancel_timer", timerId: expireTimerId(hold.id) });
  const t = translator(community.language);
  const authorT = await ctx.translatorFor(hold.author, community);
  const chat = chatLabel(community, hold.chat);
  // The re-post (or the originals' deletion first, when the hold was decided before it was complete).
  ctx.emit(...(await newsHolds.afterDecision(ctx, hold)));
  if (action === "approve") {
    ctx.emit(...cardUpdate(community, hold));
    ctx.emit({ kind: "send_private", account: hold.author, text: authorT("news.approvedAuthor", { chat }) });
    await openCase(ctx, community, {
      action: "hold_approved",
      source: "hold",
      subject: hold.author,
      actor: actor.account,
      reason: reasonsText(t, hold.reasons),
      chat: hold.chat,
    });
    return true;
  }
  ctx.emit(...cardUpdate(community, hold));
  ctx.emit({
    kind: "send_private",
    account: hold.author,
    text: authorT(action === "warn" ? "news.rejectedWarnAuthor" : "news.rejectedAuthor", {
      chat,
      reason: reason ?? authorT("news.defaultRejectReason"),
    }),
    // The author must learn the reason even without a private chat (the platform invites them to one).
    fallbackChat: hold.chat,
  });
  await openCase(ctx, community, {
    action: "hold_rejected",
    source: "hold",
    subject: hold.author,
    actor: actor.account,
    reason: reason ?? t("news.defaultRejectReason"),
    chat: hold.chat,
  });
  if (action === "warn") {
    // The sanctions module quotes this reason in its warning notice to the author: their language.
    await ctx.services.violations.record(ctx, {
      community,
      account: hold.author,
      chat: hold.chat,
      source: "hold",
      category: "rejected_post",
      reason: reason ?? authorT("news.defaultRejectReason"),
      actor: actor.account,
    });
  }
  return true;
}

/** The expiry timer: an undecided hold is rejected, and its author told. */
export async function expireHold(ctx: Ctx, holdId: string): Promise<void> {
  const holds = new HoldStore(ctx.services.store);
  const { claimed, hold } = await holds.transition(holdId, "pending", (h) => ({
    ...h,
    status: "expired",
    decidedBy: "bot",
    decidedAt: ctx.now,
  }));
  if (!claimed || !hold) return;
  const community = communityOf(ctx, hold);
  if (!community) return;
  await holds.removePending(community.id, hold.id);
  const t = translator(community.language);
  const authorT = await ctx.translatorFor(hold.author, community);
  const settings = newsSettingsOf(ctx, hold, community);
  ctx.emit(...(await newsHolds.afterDecision(ctx, hold)));
  ctx.emit(...cardUpdate(community, hold));
  ctx.emit({
    kind: "send_private",
    account: hold.author,
    text: authorT("news.expiredAuthor", {
      chat: chatLabel(community, hold.chat),
      duration: formatDuration(settings.expire_after),
    }),
    fallbackChat: hold.chat,
  });
  await openCase(ctx, community, {
    action: "hold_expired",
    source: "hold",
    subject: hold.author,
    actor: "bot",
    reason: t("news.expiredReason"),
    chat: hold.chat,
  });
}
