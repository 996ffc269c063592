import type { Decision } from "../decisions.js";
import { openCase } from "../engine/audit.js";
import type { Ctx } from "../engine/context.js";
import type { ButtonPressed } from "../events.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import { HoldLifecycle, type HoldState } from "../holds/lifecycle.js";
import type { MessageRef, PostContent } from "../model/content.js";
import { translator } from "../i18n/translator.js";
import { DAY } from "../ports/clock.js";
import { categoryLabel } from "./describe.js";

/**
 * A message held by a category whose action is "hold": copied into the review chat with a card,
 * deleted from its chat, and kept here until an admin confirms the violation or releases it.
 */
export interface RuleHold extends HoldState {
  id: string;
  community: CommunityId;
  chat: ChatKey;
  chatLabel: string;
  message: MessageRef;
  account: AccountKey;
  memberLabel: string;
  displayName: string;
  /** The member's picture at the time of posting, if the platform gave one (Discord re-posts show it). */
  avatarUrl?: string;
  category: string;
  reason: string;
  /** What matched, as the card shows it (in the community's language). */
  match?: string;
  points: number;
  content: PostContent;
  status: "pending" | "confirmed" | "released";
  at: number;
  decidedBy?: AccountKey;
}

/** Held messages are forgotten after this long (decided or not). */
export const HOLD_TTL = 30 * DAY;
export const BUTTON_PREFIX = "rules";

export const holdKey = (community: CommunityId | string, id: string) => `rules-hold:${community}:${id}`;
export const holdsOfKey = (account: AccountKey) => `rules-holds-of:${account}`;

type HoldRefs = { community: string; id: string }[];

/** Content-rule holds as one kind of hold of the shared lifecycle (src/core/holds/lifecycle.ts). */
export const ruleHolds = new HoldLifecycle<RuleHold>({
  name: "rules",
  journalKey: "rules:in-creation",
  key: holdKey,
  ttlMs: HOLD_TTL,
  repostStatus: "released",
  parts: (hold) => [{ ref: hold.message, content: hold.content }],

  async plan(ctx, hold) {
    const community = ctx.services.directory.community(hold.community);
    if (!community?.reviewChat) throw new Error(`community ${hold.community} has no review chat`);
    // The review chat reads the community's language, the member their own.
    const t = translator(community.language);
    const member = await ctx.translatorFor(hold.account, community);
    return {
      card: {
        chat: community.reviewChat,
        text: t("rules.card", {
          member: hold.memberLabel,
          chat: hold.chatLabel,
          category: categoryLabel(t, hold.category),
          match: hold.match ?? hold.reason,
          points: hold.points,
        }),
        buttons: [
          [
            { label: t("rules.buttonConfirm"), data: `${BUTTON_PREFIX}:confirm:${hold.id}` },
            { label: t("rules.buttonRelease"), data: `${BUTTON_PREFIX}:release:${hold.id}` },
          ],
        ],
      },
      afterCard: [],
      notice: {
        kind: "send_private",
        account: hold.account,
        text: member("rules.memberHeld", {
          chat: hold.chatLabel,
          category: categoryLabel(member, hold.category),
        }),
      },
    };
  },

  // The copy failed, so the original was not deleted either: nothing is held.
  cardFailed: (ctx, hold) => discard(ctx, hold),
  discard: (ctx, hold) => discard(ctx, hold),
});

async function discard(ctx: Ctx, hold: RuleHold): Promise<void> {
  const { store } = ctx.services;
  await store.delete(holdKey(hold.community, hold.id));
  await store.update<HoldRefs>(holdsOfKey(hold.account), (list = []) => {
    const rest = list.filter((r) => r.id !== hold.id);
    return rest.length === 0 ? undefined : rest;
  });
}

/** Stores a new hold (its creation journalled), the member's index first so erasure always finds it. */
export async function saveHold(ctx: Ctx, hold: RuleHold): Promise<void> {
  const { store } = ctx.services;
  await ruleHolds.open(ctx, hold, async () => {
    await store.update<HoldRefs>(
      holdsOfKey(hold.account),
      (list = []) => [...list, { community: hold.community, id: hold.id }],
      HOLD_TTL,
    );
    await store.set(holdKey(hold.community, hold.id), hold, HOLD_TTL);
  });
}

/** `rules:confirm:<id>` and `rules:release:<id>`, pressed in the review chat. */
export async function pressHoldButton(ctx: Ctx, event: ButtonPressed, rest: string): Promise<void> {
  const parts = rest.split(":");
  const [verb, id] = parts;
  const community = ctx.community;
  const admin = event.actor.account;
  if (!community || !(await ctx.isAdmin(community, event.actor))) {
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("core.notAllowed"), refusal: true });
    return;
  }
  if (parts.length !== 2 || !id || (verb !== "confirm" && verb !== "release")) {
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("core.buttonInvalid"), refusal: true });
    return;
  }
  const status = verb === "confirm" ? "confirmed" : "released";
  if (status === "released") await ruleHolds.expectRepost(ctx, { community: community.id, id });
  const { claimed, hold } = await ruleHolds.claim(
    ctx.services.store,
    { community: community.id, id },
    ["pending"],
    (current) => ({ ...current, status, decidedBy: admin }),
  );
  if (!claimed || !hold) {
    if (status === "released") await ruleHolds.unexpectRepost(ctx, hold, { community: community.id, id });
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
  ctx.emit(
    ...ruleHolds.repost(hold, t("rules.repostAttribution", { name: hold.displayName }), undefined, {
      name: hold.displayName,
      ...(hold.avatarUrl ? { avatarUrl: hold.avatarUrl } : {}),
    }),
    ...cardUpdate(hold, t("rules.cardReleased", params)),
  );
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
