/**
 * Taking posts into a hold: classify, store durably, then ask the platform to copy the post to the
 * review chat, delete the original only if that worked, and tell the author.
 *
 * Albums: platforms deliver each album part as its own message, milliseconds apart. A hold is keyed
 * by album per chat; the first news part opens it as `collecting`, later parts join it, and a durable
 * settle timer (`album_settle`, default 3 s) posts ONE card preserving every part. We wait instead of
 * posting the card at once because the copies in the review chat are what an approval re-posts: one
 * copy call over all parts keeps them an album (Telegram copyMessages), while cards grown part by part
 * would preserve them one by one and re-post them as loose messages. Ordinary album parts seen before
 * the news part are remembered for 48 h so they join too (also when an edit turns the album into news).
 */
import type { MessageEdited, MessagePosted } from "../events.js";
import type { HoldId } from "../ids.js";
import type { Ctx } from "../engine/context.js";
import type { Verdict } from "../engine/module.js";
import type { Actor } from "../model/content.js";
import type { MaybePromise } from "../ports/store.js";
import type { CommunitySettings, Policy } from "../settings/community.js";
import { compiledPolicy } from "../rules/compile.js";
import { classify, type Classification, type NewsReason } from "./classifier.js";
import type { NewsSettings } from "./settings.js";
import {
  ALBUM_SEEN_TTL,
  ALBUM_TIMER,
  albumKey,
  albumSeenKey,
  albumTimerId,
  heldMessageKey,
  holdKey,
  HoldStore,
  type HeldPart,
  type Hold,
} from "./holds.js";
import { Publishers } from "./publishers.js";
import { newsHolds, startReview } from "./review.js";
import { KEEP } from "../ports/store.js";

export { ALBUM_TIMER, EXPIRE_TIMER } from "./holds.js";
export { startReview };

function mergeReasons(a: readonly NewsReason[], b: readonly NewsReason[]): NewsReason[] {
  const seen = new Set(a.map((r) => JSON.stringify(r)));
  return [...a, ...b.filter((r) => !seen.has(JSON.stringify(r)))];
}

/**
 * A post in a chat with news holds. Classified first (no I/O): a post that is not news and not part of an
 * album (most) passes at once, without a store read or a promise.
 */
export function onNewsMessage(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Verdict> {
  const { community, actor, chat } = ctx;
  const settings = ctx.policy?.news;
  if (!settings?.enabled || !community?.reviewChat || !actor || !chat) return "continue";
  // the keywords come from the walk the content rules made over this message (compiledPolicy)
  const own = classify(
    event.content,
    settings,
    compiledPolicy(ctx.policy as Policy, ctx.services.logger, community.id).keywords,
  );
  if (own.reasons.length === 0 && event.content.albumId === undefined) return "continue";
  return takeNews(ctx, event, community, actor, settings, own);
}

async function takeNews(
  ctx: Ctx,
  event: MessagePosted | MessageEdited,
  community: CommunitySettings,
  actor: Actor,
  settings: NewsSettings,
  own: Classification,
): Promise<Verdict> {
  if (await ctx.isAdmin(community, actor)) return "continue";
  const albumId = event.content.albumId;
  if (await new Publishers(ctx.services.store).has(community.id, actor.account)) return "continue";
  const { store } = ctx.services;
  const holds = new HoldStore(store);
  const ref = event.message;
  const part: HeldPart = { ref, content: event.content };
  // Already part of a hold (an album part joined earlier, a post whose copy failed and stayed up).
  if ((await store.get<string>(heldMessageKey(ref))) !== undefined) return "continue";

  let reasons = own.reasons;
  if (albumId !== undefined && event.kind === "message_posted") {
    const existing = await store.get<string>(albumKey(ref.chat, albumId));
    if (existing !== undefined) {
      if (await joinAlbum(ctx, existing, [part], own.reasons)) return "stop";
      // The album's card is already up: a late part is held on its own, so no part of it shows early.
      const album = await holds.get(existing);
      if (album?.status === "pending") reasons = mergeReasons(own.reasons, album.reasons);
    }
  }

  if (reasons.length === 0) {
    if (albumId !== undefined) {
      await store.update<HeldPart[]>(
        albumSeenKey(ref.chat, albumId),
        (list = []) => [...list.filter((p) => p.ref.id !== ref.id), part],
        ALBUM_SEEN_TTL,
      );
    }
    return "continue";
  }

  let parts: HeldPart[] = [part];
  if (albumId !== undefined) {
    const seen = (await store.get<HeldPart[]>(albumSeenKey(ref.chat, albumId))) ?? [];
    parts = seen.some((p) => p.ref.id === ref.id)
      ? seen.map((p) => (p.ref.id === ref.id ? part : p))
      : [...seen, part];
  }
  const replyTo =
    event.kind === "message_posted" && event.replyTo?.message.chat === ref.chat
      ? event.replyTo.message.id
      : undefined;
  const collecting = albumId !== undefined && event.kind === "message_posted";
  const hold: Hold = {
    id: `h${ctx.services.random.id().slice(0, 10)}` as HoldId,
    community: community.id,
    chat: ref.chat,
    ...(ref.thread !== undefined ? { thread: ref.thread } : {}),
    author: actor.account,
    authorName: actor.displayName,
    ...(actor.avatarUrl ? { authorAvatar: actor.avatarUrl } : {}),
    parts,
    ...(replyTo !== undefined ? { replyTo } : {}),
    ...(albumId !== undefined ? { albumId } : {}),
    reasons,
    ...(event.kind === "message_edited" ? { edited: true } : {}),
    createdAt: ctx.now,
    status: collecting ? "collecting" : "pending",
    copies: [],
  };
  // Durable first: the record exists (and its creation is journalled) before anything happens on the
  // platform; a crash from here on is completed or rolled back at the next start.
  await newsHolds.open(ctx, hold, () => holds.create(hold));
  if (albumId !== undefined) {
    const winner = await newsHolds.undoOnThrow(ctx, hold, async () => {
      const winner = await store.update<string>(
        albumKey(ref.chat, albumId),
        (cur) => cur ?? hold.id,
        ALBUM_SEEN_TTL,
      );
      await store.delete(albumSeenKey(ref.chat, albumId));
      return winner;
    });
    if (winner !== hold.id && winner !== undefined) {
      // Another part opened the album's hold at the same moment: join it instead.
      await holds.remove(hold);
      if (await joinAlbum(ctx, winner, parts, reasons)) {
        await newsHolds.forget(ctx, hold.id);
        return "stop";
      }
      await newsHolds.undoOnThrow(ctx, hold, () => holds.create(hold));
    }
  }
  if (collecting) {
    ctx.emit({
      kind: "schedule",
      timer: {
        id: albumTimerId(hold.id),
        at: ctx.now + settings.album_settle,
        kind: ALBUM_TIMER,
        payload: { holdId: hold.id },
      },
    });
    return "stop";
  }
  await startReview(ctx, community, settings, hold);
  return "stop";
}

/** Adds parts to a collecting album hold; false when the hold is no longer collecting. */
async function joinAlbum(
  ctx: Ctx,
  holdId: string,
  parts: HeldPart[],
  reasons: NewsReason[],
): Promise<boolean> {
  const { store } = ctx.services;
  const joined = await store.change<Hold, boolean>(holdKey(holdId), (cur) => {
    if (cur?.status !== "collecting") return { value: KEEP, result: false };
    const ids = new Set(cur.parts.map((p) => p.ref.id));
    return {
      value: {
        ...cur,
        parts: [...cur.parts, ...parts.filter((p) => !ids.has(p.ref.id))],
        reasons: mergeReasons(cur.reasons, reasons),
      },
      result: true,
    };
  });
  if (joined) for (const p of parts) await store.set(heldMessageKey(p.ref), holdId, ALBUM_SEEN_TTL);
  return joined;
}

/** The album settle timer: the parts are in, post the card for all of them. */
export async function settleAlbum(ctx: Ctx, holdId: string): Promise<void> {
  const holds = new HoldStore(ctx.services.store);
  const { claimed, hold } = await holds.transition(holdId, "collecting", (h) => ({
    ...h,
    status: "pending",
  }));
  if (!claimed || !hold) return;
  const found = ctx.services.directory.lookupChat(hold.chat);
  const community = ctx.services.directory.community(hold.community);
  if (!found || !community?.reviewChat) {
    // The chat or the review chat left the config meanwhile: nothing is held, the album stays up.
    await newsHolds.rollback(ctx, hold);
    return;
  }
  await startReview(ctx, community, found.chat.policy.news, hold);
}
