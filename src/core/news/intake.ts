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
import type { Decision } from "../decisions.js";
import type { MessageEdited, MessagePosted } from "../events.js";
import type { HoldId } from "../ids.js";
import { translator } from "../i18n/translator.js";
import type { Ctx } from "../engine/context.js";
import type { Verdict } from "../engine/module.js";
import type { CommunitySettings } from "../settings/community.js";
import { classify, type NewsReason } from "./classifier.js";
import {
  ALBUM_SEEN_TTL,
  albumKey,
  albumSeenKey,
  albumTimerId,
  expireTimerId,
  heldMessageKey,
  holdKey,
  HoldStore,
  type HeldPart,
  type Hold,
} from "./holds.js";
import { Publishers } from "./publishers.js";
import { cardButtons, cardText, chatLabel, reasonsText } from "./render.js";
import type { NewsSettings } from "./settings.js";

export const EXPIRE_TIMER = "news.expire";
export const ALBUM_TIMER = "news.album";

function mergeReasons(a: readonly NewsReason[], b: readonly NewsReason[]): NewsReason[] {
  const seen = new Set(a.map((r) => JSON.stringify(r)));
  return [...a, ...b.filter((r) => !seen.has(JSON.stringify(r)))];
}

export async function onNewsMessage(ctx: Ctx, event: MessagePosted | MessageEdited): Promise<Verdict> {
  const { community, actor, chat } = ctx;
  const settings = ctx.policy?.news;
  if (!settings?.enabled || !community?.reviewChat || !actor || !chat) return "continue";
  if (await ctx.isAdmin(community, actor)) return "continue";
  if (await new Publishers(ctx.services.store).has(community.id, actor.account)) return "continue";
  const { store } = ctx.services;
  const holds = new HoldStore(store);
  const ref = event.message;
  const part: HeldPart = { ref, content: event.content };
  // Already part of a hold (an album part joined earlier, a post whose copy failed and stayed up).
  if ((await store.get<string>(heldMessageKey(ref))) !== undefined) return "continue";

  const albumId = event.content.albumId;
  const own = classify(event.content, settings);
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
    parts,
    ...(replyTo !== undefined ? { replyTo } : {}),
    ...(albumId !== undefined ? { albumId } : {}),
    reasons,
    ...(event.kind === "message_edited" ? { edited: true } : {}),
    createdAt: ctx.now,
    status: collecting ? "collecting" : "pending",
    copies: [],
  };
  // Durable first: the record exists before anything happens on the platform.
  await holds.create(hold);
  if (albumId !== undefined) {
    const winner = await store.update<string>(
      albumKey(ref.chat, albumId),
      (cur) => cur ?? hold.id,
      ALBUM_SEEN_TTL,
    );
    await store.delete(albumSeenKey(ref.chat, albumId));
    if (winner !== hold.id && winner !== undefined) {
      // Another part opened the album's hold at the same moment: join it instead.
      await holds.remove({ ...hold, albumId: undefined });
      if (await joinAlbum(ctx, winner, parts, reasons)) return "stop";
      await holds.create(hold);
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
  let joined = false;
  await store.update<Hold>(holdKey(holdId), (cur) => {
    if (cur?.status !== "collecting") return cur;
    joined = true;
    const ids = new Set(cur.parts.map((p) => p.ref.id));
    return {
      ...cur,
      parts: [...cur.parts, ...parts.filter((p) => !ids.has(p.ref.id))],
      reasons: mergeReasons(cur.reasons, reasons),
    };
  });
  if (joined) for (const p of parts) await store.set(heldMessageKey(p.ref), holdId, ALBUM_SEEN_TTL);
  return joined;
}

/**
 * The platform side of a hold, in order: copy to the review chat with the card, then (only if that
 * worked) the expiry timer, the deletion of the originals and the notice to the author.
 */
export async function startReview(
  ctx: Ctx,
  community: CommunitySettings,
  settings: NewsSettings,
  held: Hold,
): Promise<void> {
  const holds = new HoldStore(ctx.services.store);
  const expiresAt = ctx.now + settings.expire_after;
  const hold = (await holds.patch(held.id, (h) => ({ ...h, status: "pending", expiresAt }))) ?? {
    ...held,
    status: "pending",
    expiresAt,
  };
  await holds.addPending(community.id, hold.id);
  const t = translator(community.language);
  const authorT = await ctx.translatorFor(hold.author, community);
  const messages = hold.parts.map((p) => p.ref);
  const decisions: Decision[] = [
    {
      kind: "post_card",
      chat: community.reviewChat!,
      text: cardText(t, community, hold),
      buttons: cardButtons(t, hold),
      preserve: messages,
      record: { kind: "hold.card", holdId: hold.id },
    },
    {
      kind: "schedule",
      timer: { id: expireTimerId(hold.id), at: expiresAt, kind: EXPIRE_TIMER, payload: { holdId: hold.id } },
      requires: "previous",
    },
    { kind: "delete", messages, requires: "previous", record: { kind: "hold.deleted", holdId: hold.id } },
    {
      kind: "send_private",
      account: hold.author,
      text: authorT("news.awaitingApproval", {
        chat: chatLabel(community, hold.chat),
        reasons: reasonsText(authorT, hold.reasons),
      }),
      fallbackChat: hold.chat,
      requires: "previous",
    },
  ];
  ctx.emit(...decisions);
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
  if (!found || !community?.reviewChat) return;
  await startReview(ctx, community, found.chat.policy.news, hold);
}
