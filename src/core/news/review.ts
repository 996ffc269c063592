/**
 * News holds as one kind of hold of the shared lifecycle (src/core/holds/lifecycle.ts): the card, the
 * expiry timer and the author's notice; what a failed card means (the post stayed up, the mod-log hears
 * of it); what a hold left half-made by a crash needs besides its missing steps (the pending index, an
 * album's settle timer).
 */
import type { Decision } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import { HoldLifecycle } from "../holds/lifecycle.js";
import { translator } from "../i18n/translator.js";
import type { Instant } from "../ports/clock.js";
import type { CommunitySettings } from "../settings/community.js";
import {
  ALBUM_TIMER,
  albumTimerId,
  EXPIRE_TIMER,
  expireTimerId,
  holdKey,
  HoldStore,
  type Hold,
} from "./holds.js";
import { cardButtons, cardText, cardUpdate, chatLabel, reasonsText } from "./render.js";
import type { NewsSettings } from "./settings.js";

/** The latest instant a JavaScript date (and so every platform API) can show. */
const LAST_INSTANT = 8.64e15;

/** When a hold taken now expires; refuses an expiry no calendar can show (a bad `expire_after`). */
export function expiryOf(now: Instant, settings: NewsSettings): Instant {
  const at = now + settings.expire_after;
  if (!Number.isSafeInteger(at) || at > LAST_INSTANT || at <= now)
    throw new RangeError(
      `news.expire_after (${settings.expire_after} ms) gives an expiry that cannot be shown as a date`,
    );
  return at;
}

const communityOf = (ctx: Ctx, hold: Hold) => ctx.services.directory.community(hold.community);
const newsSettingsOf = (ctx: Ctx, hold: Hold, community: CommunitySettings) =>
  ctx.services.directory.lookupChat(hold.chat)?.chat.policy.news ?? community.policy.news;

export const newsHolds = new HoldLifecycle<Hold>({
  name: "hold",
  journalKey: "news:in-creation",
  key: (_community, id) => holdKey(id),
  repostStatus: "approved",
  decidedStatuses: ["approved", "rejected", "expired"],
  parts: (hold) => hold.parts,

  async plan(ctx, hold) {
    const community = communityOf(ctx, hold);
    if (!community?.reviewChat) throw new Error(`community ${hold.community} has no review chat`);
    const t = translator(community.language);
    const authorT = await ctx.translatorFor(hold.author, community);
    const afterCard: Decision[] =
      hold.expiresAt === undefined
        ? []
        : [
            {
              kind: "schedule",
              timer: {
                id: expireTimerId(hold.id),
                at: hold.expiresAt,
                kind: EXPIRE_TIMER,
                payload: { holdId: hold.id },
              },
            },
          ];
    return {
      card: { chat: community.reviewChat, text: cardText(t, community, hold), buttons: cardButtons(t, hold) },
      afterCard,
      notice: {
        kind: "send_private",
        account: hold.author,
        text: authorT("news.awaitingApproval", {
          chat: chatLabel(community, hold.chat),
          reasons: reasonsText(authorT, hold.reasons),
        }),
        fallbackChat: hold.chat,
      },
    };
  },

  /** The card or the copies failed: the post stayed up, nothing is pending, and admins hear of it. */
  async cardFailed(ctx, failed, outcome) {
    const holds = new HoldStore(ctx.services.store);
    const { claimed, hold } = await holds.transition(failed.id, "pending", (h) => ({
      ...h,
      status: "failed",
    }));
    if (!claimed || !hold) return;
    await holds.removePending(hold.community, hold.id);
    const community = communityOf(ctx, hold);
    const notify = community?.modlogChat ?? community?.reviewChat;
    if (!community || !notify) return;
    const t = translator(community.language);
    const error =
      outcome.status === "failed"
        ? outcome.error.message
        : outcome.status === "skipped"
          ? outcome.reason
          : "";
    // Decisions emitted while recording run after the event's other decisions (see DecisionRunner).
    ctx.emit({
      kind: "send",
      chat: notify,
      text: t("news.copyFailed", {
        name: hold.authorName,
        chat: chatLabel(community, hold.chat),
        reasons: reasonsText(t, hold.reasons),
        error,
      }),
    });
  },

  discard: (ctx, hold) => new HoldStore(ctx.services.store).remove(hold),

  async resume(ctx, hold) {
    if (hold.status === "pending") {
      await new HoldStore(ctx.services.store).addPending(hold.community, hold.id);
      return;
    }
    // A collecting album whose settle timer a crash never stored: it settles now.
    if (!(await ctx.services.timers.get(albumTimerId(hold.id)))) {
      ctx.emit({
        kind: "schedule",
        timer: { id: albumTimerId(hold.id), at: ctx.now, kind: ALBUM_TIMER, payload: { holdId: hold.id } },
      });
    }
  },

  async originalsKept(ctx, hold) {
    const community = communityOf(ctx, hold);
    if (community) ctx.emit(...cardUpdate(community, hold));
  },

  async repostFailed(ctx, hold) {
    // The card was already redrawn as approved; show the failure and how to retry.
    const community = communityOf(ctx, hold);
    if (community) ctx.emit(...cardUpdate(community, hold));
  },

  async repostOf(ctx, hold) {
    const community = communityOf(ctx, hold);
    return community ? repost(ctx, community, hold) : [];
  },
});

/**
 * Puts a hold under review: copy to the review chat with the card, then (only if that worked) the
 * expiry timer, the deletion of the originals and the notice to the author. Everything the card shows
 * is built before the hold is marked pending; if anything throws, the hold is rolled back and the post
 * stays up as if it had never been held.
 */
export async function startReview(
  ctx: Ctx,
  community: CommunitySettings,
  settings: NewsSettings,
  held: Hold,
): Promise<void> {
  const holds = new HoldStore(ctx.services.store);
  const hold: Hold = await newsHolds.undoOnThrow(ctx, held, async () => ({
    ...held,
    status: "pending",
    expiresAt: expiryOf(ctx.now, settings),
  }));
  await newsHolds.review(ctx, hold, async () => {
    await holds.patch(hold.id, (h) => ({ ...h, status: "pending", expiresAt: hold.expiresAt }));
    await holds.addPending(community.id, hold.id);
  });
}

/** "Posted by Alice ✔ verified": the display name, the real name only where the community opted in. */
async function attribution(ctx: Ctx, community: CommunitySettings, hold: Hold): Promise<string> {
  const t = translator(community.language);
  const { identities } = ctx.services;
  const identity = await identities.lookup(hold.author, community.id);
  let name = hold.authorName;
  if (identity?.verified && newsSettingsOf(ctx, hold, community).attribute_real_name) {
    name = (await identities.realName(hold.author, community.id)) ?? name;
  }
  return t(identity?.verified ? "news.attributionVerified" : "news.attribution", { name });
}

/** The re-post of an approved hold (none when its originals are still up). */
export async function repost(ctx: Ctx, community: CommunitySettings, hold: Hold): Promise<Decision[]> {
  return newsHolds.repost(hold, await attribution(ctx, community, hold), hold.replyTo, {
    name: hold.authorName,
    ...(hold.authorAvatar ? { avatarUrl: hold.authorAvatar } : {}),
  });
}
