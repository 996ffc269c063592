/**
 * The news-approval hold pillar. Posts that look like news (news-domain links, forwards from channels
 * or other chats, keywords; see classifier.ts) from members who are neither admins nor publishers are
 * taken down into a durable hold, copied to the community's review chat with Approve / Reject / Reject
 * and warn buttons, and re-posted with attribution once an admin approves. Undecided holds expire as
 * rejected. Last in the pipeline: a message a content rule already removed is never held too.
 *
 * @example
 * // config: policy.news: { enabled: true, domain_files: ["config/news-domains.txt"] }
 * // alice in lobby: "https://www.reuters.com/world/x" → held as h1a2b3c4d5e; review chat gets the card
 * // admin presses Approve → "Posted by alice" + the post appear in lobby again
 */
import type { ButtonPressed } from "../events.js";
import type { AccountKey } from "../ids.js";
import type { Ctx } from "../engine/context.js";
import type { Module } from "../engine/module.js";
import { newsCommands } from "./commands.js";
import { decideHold, expireHold, type Answer } from "./decide.js";
import { albumTimerId, expireTimerId, HoldStore } from "./holds.js";
import { ALBUM_TIMER, EXPIRE_TIMER, onNewsMessage, settleAlbum } from "./intake.js";
import { Publishers } from "./publishers.js";
import type { HoldAction } from "./render.js";
import { newsHolds } from "./review.js";

const actions: readonly HoldAction[] = ["approve", "reject", "warn"];

async function onHoldButton(ctx: Ctx, event: ButtonPressed, rest: string): Promise<void> {
  const colon = rest.indexOf(":");
  const action = rest.slice(0, colon) as HoldAction;
  const id = rest.slice(colon + 1);
  // A button press has no text box: answer the presser privately (briefly in the chat if impossible).
  const answer: Answer = (text) => ({
    kind: "send_private",
    account: event.actor.account,
    text,
    ...(event.chat ? { fallbackChat: event.chat } : {}),
  });
  if (colon < 0 || !actions.includes(action) || id === "") {
    ctx.services.logger.warn({ data: event.data }, "malformed hold button");
    ctx.emit({
      kind: "send_private",
      account: event.actor.account,
      text: ctx.t("core.buttonInvalid"),
      refusal: true,
    });
    return;
  }
  await decideHold(ctx, id, action, answer, undefined, { chat: event.chat });
}

async function exportData(ctx: Ctx, account: AccountKey): Promise<Record<string, unknown> | undefined> {
  const holds = await new HoldStore(ctx.services.store).ofAuthor(account);
  const publisherIn: string[] = [];
  const publishers = new Publishers(ctx.services.store);
  for (const c of ctx.services.directory.communities)
    if (await publishers.has(c.id, account)) publisherIn.push(c.name);
  if (holds.length === 0 && publisherIn.length === 0) return undefined;
  return {
    heldPosts: holds.map((h) => ({
      id: h.id,
      chat: h.chat,
      status: h.status,
      heldAt: new Date(h.createdAt).toISOString(),
      ...(h.decidedAt !== undefined ? { decidedAt: new Date(h.decidedAt).toISOString() } : {}),
      texts: h.parts.map((p) => p.content.text),
      ...(h.reason !== undefined ? { reason: h.reason } : {}),
    })),
    publisherIn,
  };
}

/** Deletes the member's holds (a pending one is withdrawn: its card can no longer be decided). */
async function eraseData(ctx: Ctx, account: AccountKey): Promise<string[]> {
  const store = new HoldStore(ctx.services.store);
  for (const hold of await store.ofAuthor(account)) {
    if (hold.status === "pending") await ctx.services.timers.cancel(expireTimerId(hold.id));
    if (hold.status === "collecting") await ctx.services.timers.cancel(albumTimerId(hold.id));
    await store.remove(hold);
  }
  const kept: string[] = [];
  const publishers = new Publishers(ctx.services.store);
  const t = await ctx.translatorFor(account);
  for (const c of ctx.services.directory.communities) {
    if (await publishers.has(c.id, account)) kept.push(t("news.erasePublisherKept", { community: c.name }));
  }
  return kept;
}

export const newsModule: Module = {
  name: "news",
  commands: newsCommands,
  onMessage: onNewsMessage,
  buttons: { hold: onHoldButton },
  timers: {
    [EXPIRE_TIMER]: (ctx, timer) => expireHold(ctx, String(timer.payload.holdId)),
    [ALBUM_TIMER]: (ctx, timer) => settleAlbum(ctx, String(timer.payload.holdId)),
    ...newsHolds.timers,
  },
  recorders: newsHolds.recorders,
  recover: async (ctx) => {
    await newsHolds.recover(ctx);
  },
  exportData,
  eraseData,
};
