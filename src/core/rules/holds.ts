import type { Decision } from "../decisions.js";
import { openCase } from "../engine/audit.js";
import type { Ctx } from "../engine/context.js";
import type { ButtonPressed } from "../events.js";
import type { Translate } from "../i18n/translator.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import type { HoldState } from "../holds/kind.js";
import { HoldLifecycle } from "../holds/lifecycle.js";
import type { MessageRef, PostContent } from "../model/content.js";
import { translator } from "../i18n/translator.js";
import { DAY } from "../ports/clock.js";
import { KEEP } from "../ports/store.js";
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
  /** Who decided and when, as the card shows it (so the card can be drawn again from the hold alone). */
  decidedByName?: string;
  decidedAt?: number;
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
  decidedStatuses: ["released", "confirmed"],
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

  async repostFailed(ctx, hold) {
    // As for news holds: the card itself says the re-post failed or was cut short, and offers it again.
    const community = ctx.services.directory.community(hold.community);
    if (community) ctx.emit(...cardUpdate(translator(community.language), hold));
  },

  async repostOf(ctx, hold) {
    const community = ctx.services.directory.community(hold.community);
    return repost(translator(community?.language ?? "en"), hold);
  },
});

/** A re-post an admin may ask for again: it failed, or a restart cut it short (outcome unknown). */
const retryable = (h: RuleHold) =>
  h.status === "released" && (h.reposted === "failed" || h.reposted === "unknown");

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
  // A press counts only on the card, in the review chat: the same data from a modified client in a group
  // of the community is refused, whoever presses it (as for news holds).
  if (event.chat !== community.reviewChat) {
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("core.onlyOnCard"), refusal: true });
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
    (current) => ({
      ...current,
      status,
      decidedBy: admin,
      decidedByName: event.actor.displayName,
      decidedAt: ctx.now,
    }),
  );
  if (!claimed && hold && status === "released" && retryable(hold)) {
    await retryRepost(ctx, hold, admin);
    return;
  }
  if (!claimed || !hold) {
    if (status === "released") await ruleHolds.unexpectRepost(ctx, hold, { community: community.id, id });
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("rules.alreadyDecided") });
    return;
  }
  // The review chat and the group read the community's language.
  const t = translator(community.language);
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
    // A hold confirmed before its creation completed: its message still has to come down.
    ctx.emit(...(await ruleHolds.afterDecision(ctx, hold)), ...cardUpdate(t, hold));
    return;
  }
  ctx.emit(...(await ruleHolds.afterDecision(ctx, hold)), ...cardUpdate(t, hold));
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

/**
 * A released hold whose re-post failed or was cut short, released again: claimed once (the store's
 * compare-and-set), re-posted, the card redrawn. The re-post check was stored before the claim.
 */
async function retryRepost(ctx: Ctx, found: RuleHold, admin: AccountKey): Promise<void> {
  const ref = { community: found.community, id: found.id };
  const { claimed, hold } = await ctx.services.store.change<RuleHold, { claimed: boolean; hold?: RuleHold }>(
    holdKey(ref.community, ref.id),
    (h) => {
      if (!h || !retryable(h)) return { value: KEEP, result: { claimed: false, hold: h } };
      const { reposted: _again, ...rest } = h;
      return { value: rest, result: { claimed: true, hold: rest } };
    },
    HOLD_TTL,
  );
  if (!claimed || !hold) {
    await ruleHolds.unexpectRepost(ctx, hold, ref);
    ctx.emit({ kind: "send_private", account: admin, text: ctx.t("rules.alreadyDecided") });
    return;
  }
  const community = ctx.services.directory.community(hold.community);
  const t = translator(community?.language ?? "en");
  ctx.emit(...repost(t, hold), ...cardUpdate(t, hold));
}

function repost(t: Translate, hold: RuleHold): Decision[] {
  return ruleHolds.repost(hold, t("rules.repostAttribution", { name: hold.displayName }), undefined, {
    name: hold.displayName,
    ...(hold.avatarUrl ? { avatarUrl: hold.avatarUrl } : {}),
  });
}

/** The card of a decided hold, drawn from the hold alone: who decided, and how its re-post went. */
function cardUpdate(t: Translate, hold: RuleHold): Decision[] {
  if (!hold.card) return [];
  const params = {
    admin: hold.decidedByName ?? String(hold.decidedBy ?? ""),
    member: hold.memberLabel,
    chat: hold.chatLabel,
    category: categoryLabel(t, hold.category),
  };
  const lines = [t(hold.status === "confirmed" ? "rules.cardConfirmed" : "rules.cardReleased", params)];
  if (hold.reposted === "failed") lines.push(t("rules.cardRepostFailed"));
  if (hold.reposted === "unknown") lines.push(t("rules.cardRepostUnknown"));
  const again = retryable(hold)
    ? [[{ label: t("rules.buttonRelease"), data: `${BUTTON_PREFIX}:release:${hold.id}` }]]
    : [];
  return [{ kind: "update_card", card: hold.card, text: lines.join("\n"), buttons: again }];
}
