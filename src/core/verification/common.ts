import { adminCommunities, replyTo } from "../engine/command-helpers.js";
import type { Decision } from "../decisions.js";
import type { CommandIssued } from "../events.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import { platformOf } from "../ids.js";
import { translator, type Translate } from "../i18n/translator.js";
import { HOUR } from "../ports/clock.js";
import type { CommunitySettings } from "../settings/community.js";
import type { IdentityProvider } from "./identity-provider.js";
import type { Module } from "../engine/module.js";
import type { VerificationSettings } from "./settings.js";
import { keys, timerIds } from "./state.js";
import { KEEP, take } from "../ports/store.js";

/** What the verification module needs besides the context. */
export interface VerificationDeps {
  /** The community's identity provider (method `external`); absent = admins are told it is not configured. */
  identityProvider?: IdentityProvider;
  /** Every pillar module, for /mydata and /forgetme. */
  allModules: () => readonly Module[];
}

export function settingsOf(ctx: Ctx, community: CommunitySettings): VerificationSettings {
  return ctx.community?.id === community.id && ctx.policy
    ? ctx.policy.verification
    : community.policy.verification;
}

export function communityById(ctx: Ctx, id: CommunityId | string): CommunitySettings | undefined {
  return ctx.services.directory.community(id);
}

/** Chats of the community on the account's platform. */
export function chatsFor(ctx: Ctx, community: CommunitySettings, account: AccountKey): ChatKey[] {
  return ctx.services.directory.chatsOn(community, platformOf(account)).map((c) => c.key);
}

/** Limits an unverified member in `chats` (through the access service, source "verification"). */
export async function limit(
  ctx: Ctx,
  settings: VerificationSettings,
  chats: readonly ChatKey[],
  account: AccountKey,
): Promise<void> {
  const maxPerHour =
    settings.unverified.level === "text_only" && settings.unverified.max_per_hour > 0
      ? settings.unverified.max_per_hour
      : undefined;
  ctx.emit(
    ...(await ctx.services.access.constrain(
      chats,
      account,
      { source: "verification", level: settings.unverified.level, maxPerHour },
      ctx.now,
    )),
  );
}

export async function hasVerificationLimit(ctx: Ctx, chat: ChatKey, account: AccountKey): Promise<boolean> {
  return ((await ctx.services.access.get(chat, account))?.constraints ?? []).some(
    (c) => c.source === "verification",
  );
}

/** What an unverified member may still do, as the clause {limits} of the invitations. */
export function limitsText(t: Translate, settings: VerificationSettings): string {
  const { level, max_per_hour } = settings.unverified;
  if (level === "read_only") return t("verification.limitsReadOnly");
  return max_per_hour > 0
    ? t("verification.limitsTextOnlyCapped", { max: max_per_hour })
    : t("verification.limitsTextOnly");
}

/** The invitation to verify privately, with the button the Telegram adapter turns into a deep link. */
export function invitation(
  t: Translate,
  community: CommunitySettings,
  account: AccountKey,
  text: string,
  fallbackChat?: ChatKey,
): Decision {
  return {
    kind: "send_private",
    account,
    text,
    buttons: [[{ label: t("verification.buttonStart"), data: `verify:start:${community.id}` }]],
    fallbackChat,
  };
}

/**
 * Full access in every chat of the community on the account's platform; ends grace and removal timers and
 * approves waiting join requests.
 */
export async function grantFull(ctx: Ctx, community: CommunitySettings, account: AccountKey): Promise<void> {
  const { access, store } = ctx.services;
  const chats = chatsFor(ctx, community, account);
  ctx.emit(...(await access.release(chats, account, (c) => c.source === "verification", ctx.now)));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.grace(community.id, account) });
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.remind(community.id, account) });
  for (const chat of chats) ctx.emit({ kind: "cancel_timer", timerId: timerIds.remove(chat, account) });
  await store.delete(keys.grace(community.id, account));
  const waiting = await takeJoinRequests(ctx, community.id, account);
  for (const chat of waiting) ctx.emit({ kind: "approve_join", chat, account });
}

/** Declines the account's waiting join requests (rejection, cancel, timeout). */
export async function declineJoinRequests(
  ctx: Ctx,
  community: CommunityId,
  account: AccountKey,
): Promise<void> {
  for (const chat of await takeJoinRequests(ctx, community, account))
    ctx.emit({ kind: "decline_join", chat, account });
}

async function takeJoinRequests(ctx: Ctx, community: CommunityId, account: AccountKey): Promise<ChatKey[]> {
  return (await take<ChatKey[]>(ctx.services.store, keys.joinRequests(community, account))) ?? [];
}

/**
 * Counts one attempt (an ID number or phone answer, a submission, a link code) in the current hour;
 * false when the account is over the limit. Atomic, so parallel guesses cannot slip past.
 */
export async function takeAttempt(ctx: Ctx, account: AccountKey, perHour: number): Promise<boolean> {
  // A sliding hour (not the clock hour): the times of the attempts made in the last 60 minutes, kept in
  // one record changed atomically. A refused attempt is not recorded, so waiting always helps.
  const now = ctx.now;
  return ctx.services.store.change<number[], boolean>(
    keys.attempts(account),
    (times = []) => {
      const recent = times.filter((t) => t > now - HOUR);
      if (recent.length >= perHour)
        return { value: recent.length === times.length ? KEEP : recent, result: false };
      return { value: [...recent, now], result: true };
    },
    HOUR,
  );
}

/** Tells the community's admins (mod-log, else review chat) about a configuration problem. Never personal data. */
export function toAdmins(community: CommunitySettings, text: (t: Translate) => string): Decision[] {
  const chat = community.modlogChat ?? community.reviewChat;
  return chat ? [{ kind: "send", chat, text: text(translator(community.language)) }] : [];
}

/** Answers a command where it was issued: a short-lived notice in a group, else privately. */
export function reply(_ctx: Ctx, event: CommandIssued, text: string): Decision {
  return replyTo(event, text);
}

export { adminCommunities };

/** Calendar date of an instant (UTC), for the ID validator's future-date check. */
export function calendarDate(now: number): { year: number; month: number; day: number } {
  const d = new Date(now);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "Zhang Weiming" → "Z**** W******", "王小明" → "王**": the first character of each part. */
export function maskName(name: string): string {
  return name
    .split(/(\s+)/)
    .map((part) => {
      if (/^\s*$/.test(part)) return part;
      const chars = Array.from(part);
      return chars[0] + "*".repeat(chars.length - 1);
    })
    .join("");
}

/** "+86*******0000": enough for the member to recognise, not enough to dial. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return "*".repeat(phone.length);
  return phone.slice(0, 3) + "*".repeat(phone.length - 7) + phone.slice(-4);
}

/** A private message to a member. */
export const tell = (
  account: AccountKey,
  text: string,
  extra: Partial<Decision & { kind: "send_private" }> = {},
): Decision => ({
  kind: "send_private",
  account,
  text,
  ...extra,
});
