import { openCase } from "../engine/audit.js";
import type { JoinRequested, MemberJoined, MessageEdited, MessagePosted } from "../events.js";
import type { Ctx } from "../engine/context.js";
import type { Verdict } from "../engine/module.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import { formatDuration } from "../settings/duration.js";
import type { Timer } from "../ports/scheduler.js";
import type { MaybePromise } from "../ports/store.js";
import type { CommunitySettings } from "../settings/community.js";
import type { VerificationSettings } from "./settings.js";
import {
  communityById,
  hasVerificationLimit,
  invitation,
  limit,
  limitsText,
  settingsOf,
  type VerificationDeps,
} from "./common.js";
import { begin } from "./flow.js";
import type { Grace } from "./state.js";
import { isVerified, keys, TIMER, timerIds } from "./state.js";

/**
 * Who gets limited and when: newcomers at once, existing members after a grace period with reminders,
 * applicants before their join request is approved; unverified newcomers may be removed after a while.
 */

function exempt(ctx: Ctx): boolean {
  return !ctx.actor || ctx.actor.isChatAdmin || (ctx.community?.admins.includes(ctx.actor.account) ?? false);
}

export async function onJoin(ctx: Ctx, event: MemberJoined): Promise<void> {
  const community = ctx.community;
  if (!community || exempt(ctx)) return;
  const s = settingsOf(ctx, community);
  const account = event.actor.account;
  if (!s.required || (await isVerified(ctx.services.store, community.id, account))) return;
  await limit(ctx, s, [event.chat], account);
  ctx.emit(
    invitation(
      ctx.t,
      community,
      account,
      ctx.t("verification.inviteJoined", { community: community.name, limits: limitsText(ctx.t, s) }),
      event.chat,
    ),
  );
  if (s.remove_unverified_after !== undefined) {
    ctx.emit({
      kind: "schedule",
      timer: {
        id: timerIds.remove(event.chat, account),
        at: ctx.now + s.remove_unverified_after,
        kind: TIMER.remove,
        payload: { community: community.id, chat: event.chat, account },
      },
    });
  }
}

/** Verified members (most messages) pass at once where the store has their records at hand. */
export function onMessage(ctx: Ctx, event: MessagePosted | MessageEdited): MaybePromise<Verdict> {
  const community = ctx.community;
  if (!community || exempt(ctx) || event.kind !== "message_posted") return "continue";
  const s = settingsOf(ctx, community);
  if (!s.required) return "continue";
  const verified = isVerified(ctx.services.store, community.id, event.actor.account);
  if (verified instanceof Promise)
    return verified.then((v) => (v ? "continue" : unverifiedPost(ctx, event, community, s)));
  return verified ? "continue" : unverifiedPost(ctx, event, community, s);
}

/** A post by an account not verified in the community: grace for members already there, else limited. */
async function unverifiedPost(
  ctx: Ctx,
  event: MessagePosted,
  community: CommunitySettings,
  s: VerificationSettings,
): Promise<Verdict> {
  const account = event.actor.account;
  const chat = event.message.chat;
  const { store, members } = ctx.services;
  // Already limited: the access gate enforced the level before us; let text_only posts through.
  if (await hasVerificationLimit(ctx, chat, account)) return "continue";
  const membership = await members.get(chat, account);
  const grace = await store.get<Grace>(keys.grace(community.id, account));
  if (membership && !membership.newcomer && !grace?.ended) {
    if (!grace) await startGrace(ctx, community.id, chat, account);
    else if (!grace.chats.includes(chat)) {
      await store.update<Grace>(keys.grace(community.id, account), (cur) =>
        cur ? { ...cur, chats: [...cur.chats, chat] } : cur,
      );
    }
    return "continue";
  }
  ctx.emit({ kind: "delete", messages: [event.message] });
  await limit(ctx, s, [chat], account);
  ctx.emit(
    invitation(
      ctx.t,
      community,
      account,
      ctx.t("verification.invitePosted", { community: community.name }),
      chat,
    ),
  );
  return "stop";
}

async function startGrace(
  ctx: Ctx,
  communityId: CommunityId,
  chat: ChatKey,
  account: AccountKey,
): Promise<void> {
  const community = communityById(ctx, communityId);
  if (!community) return;
  const s = settingsOf(ctx, community);
  const until = ctx.now + s.grace_period;
  // The timer that ends the grace period is stored before the grace record: a crash between the two
  // leaves a timer that finds no record (and does nothing) while the post, delivered again, starts the
  // grace period afresh; the other order left a grace period that never ended.
  await ctx.services.timers.schedule({
    id: timerIds.grace(community.id, account),
    at: until,
    kind: TIMER.grace,
    payload: { community: community.id, account },
  });
  await ctx.services.store.set<Grace>(keys.grace(community.id, account), {
    until,
    chats: [chat],
    ended: false,
  });
  ctx.emit(
    invitation(
      ctx.t,
      community,
      account,
      ctx.t("verification.inviteGrace", {
        community: community.name,
        period: formatDuration(s.grace_period),
      }),
      chat,
    ),
  );
  scheduleReminder(ctx, s.reminder_every, until, community.id, account);
}

function scheduleReminder(
  ctx: Ctx,
  every: number | undefined,
  until: number,
  community: CommunityId,
  account: AccountKey,
): void {
  if (every === undefined || ctx.now + every >= until) return;
  ctx.emit({
    kind: "schedule",
    timer: {
      id: timerIds.remind(community, account),
      at: ctx.now + every,
      kind: TIMER.remind,
      payload: { community, account },
    },
  });
}

export async function onReminder(ctx: Ctx, timer: Timer): Promise<void> {
  const community = communityById(ctx, String(timer.payload.community));
  const account = String(timer.payload.account) as AccountKey;
  if (!community || (await isVerified(ctx.services.store, community.id, account))) return;
  const grace = await ctx.services.store.get<Grace>(keys.grace(community.id, account));
  // Late timers (after downtime) that reach the end of the grace period leave the last word to its end.
  if (!grace || grace.ended || ctx.now >= grace.until) return;
  const t = await ctx.translatorFor(account, community);
  const left = formatDuration(grace.until - ctx.now);
  ctx.emit(
    invitation(
      t,
      community,
      account,
      t("verification.reminder", { community: community.name, left }),
      grace.chats[0],
    ),
  );
  scheduleReminder(ctx, community.policy.verification.reminder_every, grace.until, community.id, account);
}

export async function onGraceEnd(ctx: Ctx, timer: Timer): Promise<void> {
  const community = communityById(ctx, String(timer.payload.community));
  const account = String(timer.payload.account) as AccountKey;
  if (!community) return;
  const { store } = ctx.services;
  if (await isVerified(store, community.id, account)) return;
  const grace = await store.update<Grace>(keys.grace(community.id, account), (cur) =>
    cur ? { ...cur, ended: true } : cur,
  );
  if (!grace) return;
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.remind(community.id, account) });
  await limit(ctx, community.policy.verification, grace.chats, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(
    invitation(
      t,
      community,
      account,
      t("verification.graceOver", {
        community: community.name,
        limits: limitsText(t, community.policy.verification),
      }),
      grace.chats[0],
    ),
  );
}

export async function onRemoveDue(ctx: Ctx, timer: Timer): Promise<void> {
  const community = communityById(ctx, String(timer.payload.community));
  const account = String(timer.payload.account) as AccountKey;
  const chat = String(timer.payload.chat) as ChatKey;
  if (!community || (await isVerified(ctx.services.store, community.id, account))) return;
  const member = await ctx.services.members.get(chat, account);
  if (member && !member.present) return;
  ctx.emit({ kind: "kick", chat, account });
  await openCase(ctx, community, {
    action: "kick",
    source: "verification",
    subject: account,
    actor: "bot",
    reason: "not verified in time",
    chat,
  });
  const t = await ctx.translatorFor(account, community);
  ctx.emit({ kind: "send_private", account, text: t("verification.removed", { community: community.name }) });
}

export async function onJoinRequest(ctx: Ctx, deps: VerificationDeps, event: JoinRequested): Promise<void> {
  const community = ctx.community;
  if (!community) return;
  const s = settingsOf(ctx, community);
  const account = event.actor.account;
  if (!s.required) return;
  if (await isVerified(ctx.services.store, community.id, account)) {
    ctx.emit({ kind: "approve_join", chat: event.chat, account });
    return;
  }
  await ctx.services.store.update<ChatKey[]>(keys.joinRequests(community.id, account), (list = []) =>
    list.includes(event.chat) ? list : [...list, event.chat],
  );
  await begin(
    ctx,
    deps,
    community,
    account,
    ctx.t("verification.joinRequestIntro", { community: community.name }),
  );
}
