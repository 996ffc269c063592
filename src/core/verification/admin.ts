import { openCase } from "../engine/audit.js";
import { requireTarget } from "../engine/command-helpers.js";
import type { ButtonPressed, CommandIssued } from "../events.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import { UsageError } from "../engine/module.js";
import type { AccountKey } from "../ids.js";
import { translator } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { adminCommunities, chatsFor, hasVerificationLimit, limit, reply } from "./common.js";
import { complete, refusalFor, reject } from "./decide.js";
import { reviewCardText, shownName, shownPhone } from "./methods/admin-review.js";
import type { Grace, ReviewRequest } from "./state.js";
import { identityOf, keys, unbindAccount } from "./state.js";
import { KEEP } from "../ports/store.js";

/** Review decisions happen only in the community's review chat, only by its admins. */
async function inReviewChat(ctx: Ctx, chat: string | undefined): Promise<CommunitySettings | undefined> {
  const community = ctx.community;
  if (!community || !chat || community.reviewChat !== chat) return undefined;
  return (await ctx.isAdmin(community, ctx.actor)) ? community : undefined;
}

/** Claims a pending request exactly once (two admins pressing at once: one wins). */
async function claim(
  ctx: Ctx,
  community: CommunitySettings,
  id: string,
  status: "approved" | "rejected",
): Promise<ReviewRequest | undefined> {
  const claimed = await ctx.services.store.change<ReviewRequest, ReviewRequest | undefined>(
    keys.request(community.id, id),
    (cur) => {
      if (!cur || cur.status !== "pending") return { value: KEEP, result: undefined };
      const decided: ReviewRequest = { ...cur, status, decidedBy: ctx.actor?.account };
      // Decided: the stored request keeps no personal data (the identity has it, or nobody does).
      return { value: decidedRecord(decided), result: decided };
    },
  );
  if (claimed) await ctx.services.store.delete(keys.pendingRequest(community.id, claimed.account));
  return claimed;
}

/** A decided or withdrawn request as kept: who, when, the card — no name, ID mask, hash or phone. */
export function decidedRecord(r: ReviewRequest): ReviewRequest {
  return {
    id: r.id,
    community: r.community,
    account: r.account,
    displayName: r.displayName,
    status: r.status,
    card: r.card,
    createdAt: r.createdAt,
    decidedBy: r.decidedBy,
  };
}

function closeCard(
  ctx: Ctx,
  community: CommunitySettings,
  request: ReviewRequest,
  outcome: "approved" | "rejected",
  reason?: string,
): void {
  if (!request.card) return;
  const t = translator(community.language);
  const head = reviewCardText(
    t,
    request,
    (v) => ctx.services.sealer.open(v),
    community.policy.verification.reveal_in_review,
  );
  const by = ctx.actor?.displayName ?? "?";
  const line =
    outcome === "approved"
      ? t("verification.cardApproved", { admin: by })
      : t("verification.cardRejected", { admin: by, reason: reason ?? "" });
  ctx.emit({ kind: "update_card", card: request.card, text: `${head}\n${line}`, buttons: [] });
}

export async function reviewButton(
  ctx: Ctx,
  event: ButtonPressed,
  action: "approve" | "reject",
  id: string,
): Promise<void> {
  const community = await inReviewChat(ctx, event.chat);
  if (!community) {
    ctx.emit({
      kind: "send_private",
      account: event.actor.account,
      text: ctx.t("verification.reviewOnlyAdmins"),
      refusal: true,
    });
    return;
  }
  if (action === "reject") {
    const request = await ctx.services.store.get<ReviewRequest>(keys.request(community.id, id));
    if (!request || request.status !== "pending")
      return void ctx.emit(notice(event, ctx.t("verification.requestGone", { id })));
    ctx.emit(notice(event, ctx.t("verification.askRejectReason", { id })));
    return;
  }
  const waiting = await ctx.services.store.get<ReviewRequest>(keys.request(community.id, id));
  const refused = waiting && (await refusalFor(ctx, community, waiting.account, waiting));
  const request = await claim(ctx, community, id, refused ? "rejected" : "approved");
  if (!request) return void ctx.emit(notice(event, ctx.t("verification.requestGone", { id })));
  if (refused) {
    await reject(ctx, community, request.account, refused, event.actor.account);
    closeCard(ctx, community, request, "rejected", refused);
    return;
  }
  await complete(ctx, community, request.account, request, "admin_review", event.actor.account);
  closeCard(ctx, community, request, "approved");
}

function notice(event: ButtonPressed, text: string) {
  return event.chat
    ? { kind: "send" as const, chat: event.chat, text }
    : { kind: "send_private" as const, account: event.actor.account, text };
}

const rejectCommand: CommandSpec = {
  name: "reject",
  scope: "group",
  admin: true,
  usage: "verification.usageReject",
  description: "verification.describeReject",
  async run(ctx, event) {
    const community = await inReviewChat(ctx, event.chat);
    if (!community) return void ctx.emit(reply(ctx, event, ctx.t("verification.reviewOnlyAdmins")));
    const match = /^(\S+)\s+([\s\S]+)$/.exec(event.args);
    if (!match) throw new UsageError();
    const [, id, reason] = match as unknown as [string, string, string];
    const request = await claim(ctx, community, id, "rejected");
    if (!request) return void ctx.emit(reply(ctx, event, ctx.t("verification.requestGone", { id })));
    await reject(ctx, community, request.account, reason.trim(), event.actor.account);
    closeCard(ctx, community, request, "rejected", reason.trim());
  },
};

/** Where personal data may be shown to an admin: the review chat, or the admin's private chat. */
function mayReveal(community: CommunitySettings, event: CommandIssued): boolean {
  return event.chat === undefined || event.chat === community.reviewChat;
}

/** The community an admin command is about: the chat's, else the first the actor administers (preferring the target's). */
async function communityFor(ctx: Ctx, target?: AccountKey): Promise<CommunitySettings | undefined> {
  const candidates = await adminCommunities(ctx);
  if (target) for (const c of candidates) if (await identityOf(ctx.services.store, c.id, target)) return c;
  return candidates[0];
}

const whois: CommandSpec = {
  name: "whois",
  scope: "any",
  admin: true,
  usage: "verification.usageWhois",
  description: "verification.describeWhois",
  async run(ctx, event) {
    const target = requireTarget(ctx, event)?.account;
    if (!target) return;
    const community = await communityFor(ctx, target);
    if (!community) return;
    const { store, sealer } = ctx.services;
    const t = ctx.t;
    const identity = await identityOf(store, community.id, target);
    const lines: string[] = [];
    if (!identity?.verified) {
      lines.push(t("verification.whoisUnverified", { account: target }));
      const grace = await store.get<Grace>(keys.grace(community.id, target));
      if (grace && !grace.ended)
        lines.push(t("verification.whoisGrace", { until: new Date(grace.until).toISOString() }));
    } else {
      lines.push(
        t("verification.whoisVerified", {
          account: target,
          method: identity.method,
          date: new Date(identity.verifiedAt).toISOString().slice(0, 10),
          identity: identity.id,
        }),
      );
      lines.push(t("verification.whoisAccounts", { accounts: identity.accounts.join(", ") }));
      if (mayReveal(community, event)) {
        const reveal = community.policy.verification.reveal_in_review;
        if (identity.sealedName)
          lines.push(
            t("verification.cardName", { name: shownName(sealer.open(identity.sealedName), reveal) }),
          );
        if (identity.idMask) lines.push(t("verification.cardId", { id: identity.idMask }));
        if (identity.sealedPhone)
          lines.push(
            t("verification.cardPhone", { phone: shownPhone(sealer.open(identity.sealedPhone), reveal) }),
          );
      } else {
        lines.push(t("verification.whoisHidden"));
      }
    }
    ctx.emit(reply(ctx, event, lines.join("\n")));
  },
};

const unverify: CommandSpec = {
  name: "unverify",
  scope: "any",
  admin: true,
  usage: "verification.usageUnverify",
  description: "verification.describeUnverify",
  async run(ctx, event) {
    const target = requireTarget(ctx, event)?.account;
    if (!target) return;
    const community = await communityFor(ctx, target);
    if (!community) return;
    const { store, members } = ctx.services;
    if (!(await identityOf(store, community.id, target))) {
      return void ctx.emit(reply(ctx, event, ctx.t("verification.notVerifiedAnyway", { account: target })));
    }
    await unbindAccount(store, community.id, target);
    const s = community.policy.verification;
    if (s.required) {
      const present: typeof chats = [];
      const chats = chatsFor(ctx, community, target);
      for (const chat of chats) if ((await members.get(chat, target))?.present) present.push(chat);
      await limit(ctx, s, present, target);
    }
    await openCase(ctx, community, {
      action: "unverified",
      source: "admin",
      subject: target,
      actor: event.actor.account,
      reason: "unverified by an admin",
    });
    const mt = await ctx.translatorFor(target, community);
    ctx.emit({
      kind: "send_private",
      account: target,
      text: mt("verification.unverifiedNotice", { community: community.name }),
    });
    ctx.emit(reply(ctx, event, ctx.t("verification.unverifiedDone", { account: target })));
  },
};

const verifyUser: CommandSpec = {
  name: "verifyuser",
  scope: "any",
  admin: true,
  usage: "verification.usageVerifyUser",
  description: "verification.describeVerifyUser",
  async run(ctx, event) {
    // A legal name must not stay in a group chat, whatever else is wrong with the command: remove it
    // and point to the right place. (In a chat, the community is the chat's.)
    if (event.chat && event.chat !== ctx.community?.reviewChat) {
      if (event.message) ctx.emit({ kind: "delete", messages: [event.message] });
      return void ctx.emit(reply(ctx, event, ctx.t("verification.verifyUserWhere")));
    }
    const named = requireTarget(ctx, event);
    if (!named) return;
    const { account: target, rest: name } = named;
    if (!name.trim()) throw new UsageError();
    if (/\p{Cs}/u.test(name)) return void ctx.emit(reply(ctx, event, ctx.t("verification.nameInvalid")));
    const community = await communityFor(ctx, target);
    if (!community) return;
    await complete(
      ctx,
      community,
      target,
      { sealedName: ctx.services.sealer.seal(name.trim()) },
      "manual",
      event.actor.account,
    );
    ctx.emit(reply(ctx, event, ctx.t("verification.verifyUserDone", { account: target })));
  },
};

const stats: CommandSpec = {
  name: "stats",
  scope: "any",
  admin: true,
  usage: "verification.usageStats",
  description: "verification.describeStats",
  async run(ctx, event) {
    const communities = await adminCommunities(ctx);
    const { store, members } = ctx.services;
    const lines: string[] = [];
    for (const community of communities) {
      const chats =
        event.chat && community.chats.some((c) => c.key === event.chat)
          ? community.chats.filter((c) => c.key === event.chat)
          : community.chats;
      for (const chat of chats) {
        let verified = 0;
        let grace = 0;
        let limited = 0;
        for (const account of await members.accountsIn(chat.key)) {
          if (!(await members.get(chat.key, account))?.present) continue;
          if ((await identityOf(store, community.id, account))?.verified) verified++;
          else {
            const g = await store.get<Grace>(keys.grace(community.id, account));
            if (g && !g.ended) grace++;
          }
          if (await hasVerificationLimit(ctx, chat.key, account)) limited++;
        }
        lines.push(
          ctx.t("verification.statsLine", {
            chat: ctx.services.directory.label(chat.key),
            verified,
            grace,
            limited,
          }),
        );
      }
    }
    ctx.emit(reply(ctx, event, lines.join("\n") || ctx.t("verification.statsNone")));
  },
};

export const adminCommands: CommandSpec[] = [whois, unverify, verifyUser, rejectCommand, stats];
