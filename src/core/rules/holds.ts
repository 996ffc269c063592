import type { Decision, Outcome, OutcomeTag } from "../decisions.js";
import { openCase } from "../engine/audit.js";
import type { Ctx } from "../engine/context.js";
import type { ButtonPressed } from "../events.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import type { MessageRef, PostContent } from "../model/content.js";
import { translator, type Translate } from "../i18n/translator.js";
import { DAY } from "../ports/clock.js";
import { categoryLabel } from "./describe.js";

/**
 * A message held by a category whose action is "hold": copied into the review chat with a card,
 * deleted from its chat, and kept here until an admin confirms the violation or releases it.
 */
export interface RuleHold {
  id: string;
  community: CommunityId;
  chat: ChatKey;
  chatLabel: string;
  message: MessageRef;
  account: AccountKey;
  memberLabel: string;
  displayName: string;
  category: string;
  reason: string;
  points: number;
  content: PostContent;
  status: "pending" | "confirmed" | "released";
  at: number;
  card?: MessageRef;
  copies?: MessageRef[];
  decidedBy?: AccountKey;
}

/** Held messages are forgotten after this long (decided or not). */
export const HOLD_TTL = 30 * DAY;
export const CARD_TAG = "rules.card";
export const BUTTON_PREFIX = "rules";

export const holdKey = (community: CommunityId | string, id: string) => `rules-hold:${community}:${id}`;
export const holdsOfKey = (account: AccountKey) => `rules-holds-of:${account}`;

export async function saveHold(ctx: Ctx, hold: RuleHold): Promise<void> {
  const { store } = ctx.services;
  await store.set(holdKey(hold.community, hold.id), hold, HOLD_TTL);
  await store.update<{ community: string; id: string }[]>(
    holdsOfKey(hold.account),
    (list = []) => [...list, { community: hold.community, id: hold.id }],
    HOLD_TTL,
  );
}

/** Remembers the review card and the preserved copy once the platform posted them. */
export async function recordCard(ctx: Ctx, tag: OutcomeTag, outcome: Outcome): Promise<void> {
  const key = holdKey(String(tag.community), String(tag.holdId));
  if (outcome.status !== "ok") {
    // The copy failed, so the original was not deleted either: nothing is held.
    await ctx.services.store.delete(key);
    return;
  }
  const [card, ...copies] = outcome.refs ?? [];
  await ctx.services.store.update<RuleHold>(
    key,
    (hold) => (hold ? { ...hold, card, copies } : undefined),
    HOLD_TTL,
  );
}

/** `rules:confirm:<id>` and `rules:release:<id>`, pressed in the review chat. */
export async function pressHoldButton(ctx: Ctx, event: ButtonPressed, rest: string): Promise<void> {
  const [verb, id] = rest.split(":");
  const community = ctx.community;
  const admin = event.actor.account;
  if (!community || !id || (verb !== "confirm" && verb !== "release")) return;
  if (!(await ctx.isAdmin(community, event.actor))) {
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("core.notAllowed"), refusal: true });
    return;
  }
  const status = verb === "confirm" ? "confirmed" : "released";
  let claimed = false;
  const hold = await ctx.services.store.update<RuleHold>(
    holdKey(community.id, id),
    (current) => {
      if (current?.status !== "pending") return current;
      claimed = true;
      return { ...current, status, decidedBy: admin };
    },
    HOLD_TTL,
  );
  if (!claimed || !hold) {
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("rules.alreadyDecided") });
    return;
  }
  // The review chat and the group read the community's language.
  const t = translator(community.language);
  const params = {
    admin: event.actor.displayName,
    member: hold.memberLabel,
    chat: hold.chatLabel,
    category: categoryLabel(t, hold.category),
  };
  if (status === "confirmed") {
    await ctx.services.violations.record(ctx, {
      community,
      account: hold.account,
      chat: hold.chat,
      source: "rule",
      category: hold.category,
      reason: hold.reason,
      actor: admin,
      points: hold.points,
    });
    ctx.emit(...cardUpdate(hold, t("rules.cardConfirmed", params)));
    return;
  }
  ctx.emit(releaseDecision(hold, t), ...cardUpdate(hold, t("rules.cardReleased", params)));
  // Releasing is an admin's act too: one case (and its mod-log line), and the member hears the outcome.
  const opened = await openCase(ctx, community, {
    action: "hold_approved",
    source: "hold",
    subject: hold.account,
    actor: admin,
    reason: t("rules.reasonReleased", { reason: hold.reason }),
    chat: hold.chat,
    category: hold.category,
  });
  const member = await ctx.translatorFor(hold.account, community);
  ctx.emit({
    kind: "send_private",
    account: hold.account,
    text: member("rules.memberReleased", { chat: hold.chatLabel, case: opened.number }),
  });
}

function cardUpdate(hold: RuleHold, text: string): Decision[] {
  return hold.card ? [{ kind: "update_card", card: hold.card, text, buttons: [] }] : [];
}

function releaseDecision(hold: RuleHold, t: Translate): Decision {
  return {
    kind: "repost",
    chat: hold.chat,
    thread: hold.message.thread,
    attribution: t("rules.repostAttribution", { name: hold.displayName }),
    content: [hold.content],
    copies: hold.copies,
  };
}
