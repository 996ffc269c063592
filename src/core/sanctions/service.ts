import type { Decision } from "../decisions.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey, ChatKey } from "../ids.js";
import { platformOf } from "../ids.js";
import type { Translate } from "../i18n/translator.js";
import type { CommunitySettings, Policy } from "../settings/community.js";
import { decay, decayAnchor, rankOf, type SanctionAction } from "./ladder.js";
import type { SanctionSettings } from "./settings.js";
import {
  currentSanction,
  isActive,
  keys,
  UNBAN_TIMER,
  unbanTimerId,
  type PointsRecord,
  type SanctionRecord,
  type Subject,
  type Target,
} from "./state.js";
import { KEEP } from "../ports/store.js";

/**
 * The sanction primitives the sink, the admin commands, reports and appeals share: whose points these
 * are, where a sanction applies, applying and lifting it (decisions through `ctx.emit`), and telling the
 * member and the mod-log. State changes go through `store.update`; decisions are returned as data.
 */

/** The policy in force for a chat of the community (the chat's overrides), else the community's. */
export function policyFor(ctx: Ctx, community: CommunitySettings, chat?: ChatKey): Policy {
  const entry = chat ? ctx.services.directory.lookupChat(chat) : undefined;
  return entry?.community.id === community.id ? entry.chat.policy : community.policy;
}

/** The subject (identity when bound, else the account) and every account that belongs to it. */
export async function subjectOf(
  ctx: Ctx,
  account: AccountKey,
  community: CommunitySettings | undefined,
): Promise<{ subject: Subject; accounts: AccountKey[] }> {
  const bound = await ctx.services.identities.lookup(account, community?.id);
  if (!bound) return { subject: account, accounts: [account] };
  return { subject: `identity:${bound.identity}`, accounts: [...new Set([account, ...bound.accounts])] };
}

/** The decayed total now. */
export async function pointsOf(
  ctx: Ctx,
  community: CommunitySettings,
  subject: Subject,
  settings: SanctionSettings,
): Promise<number> {
  const record = await ctx.services.store.get<PointsRecord>(keys.points(community.id, subject));
  return record ? decay(record.total, ctx.now - record.updatedAt, settings.decay) : 0;
}

/** Atomically decays the record to now and applies `change` to it; returns what `change` returned. */
export async function changePoints<R>(
  ctx: Ctx,
  community: CommunitySettings,
  subject: Subject,
  settings: SanctionSettings,
  change: (decayed: number) => { total: number; result: R },
): Promise<R> {
  return ctx.services.store.change<PointsRecord, R>(keys.points(community.id, subject), (cur) => {
    const decayed = cur ? decay(cur.total, ctx.now - cur.updatedAt, settings.decay) : 0;
    const next = change(decayed);
    const anchor = cur && decayed > 0 ? decayAnchor(cur.updatedAt, ctx.now, settings.decay) : ctx.now;
    return { value: { total: Math.max(0, next.total), updatedAt: anchor }, result: next.result };
  });
}

/** Where a sanction applies: the chat of the violation, or every chat of the community for every linked account. */
export function targetsFor(
  ctx: Ctx,
  community: CommunitySettings,
  accounts: readonly AccountKey[],
  settings: SanctionSettings,
  chat?: ChatKey,
): Target[] {
  const primary = accounts[0];
  if (settings.scope === "chat" && chat && primary && ctx.services.directory.lookupChat(chat))
    return [{ account: primary, chat }];
  return accounts.flatMap((account) =>
    ctx.services.directory
      .chatsOn(community, platformOf(account))
      .map((entry) => ({ account, chat: entry.key })),
  );
}

const levelOf = { mute: "read_only", limit: "text_only" } as const;

export interface ApplyInput {
  community: CommunitySettings;
  subject: Subject;
  caseNumber: number;
  action: Exclude<SanctionAction, "warn"> | "kick";
  targets: Target[];
  until?: number;
  rank: number;
}

/** Emits the decisions of a sanction and remembers it (kicks are not remembered: nothing to lift). */
export async function applySanction(ctx: Ctx, input: ApplyInput): Promise<void> {
  const { access, store } = ctx.services;
  const { community, caseNumber, action, targets, until } = input;
  if (action === "kick") {
    for (const t of targets) ctx.emit({ kind: "kick", chat: t.chat, account: t.account });
    return;
  }
  const previous = await store.get<number>(keys.current(community.id, input.subject));
  if (action === "ban") {
    // The timer that ends a timed ban is stored before any ban goes out (the engine commits before every
    // platform call): a crash between them must not leave a ban that nothing lifts (Discord and Matrix
    // bans never end by themselves).
    if (until !== undefined) ctx.emit(unbanTimer(community, caseNumber, until));
    for (const t of targets) {
      ctx.emit({ kind: "ban", chat: t.chat, account: t.account, until });
      await access.setBanned(t.chat, t.account, true);
    }
  } else {
    for (const [account, chats] of byAccount(targets)) {
      ctx.emit(
        ...(await access.constrain(
          chats,
          account,
          { source: "sanction", level: levelOf[action], until, caseNumber },
          ctx.now,
        )),
      );
    }
  }
  const record: SanctionRecord = {
    case: caseNumber,
    community: community.id,
    subject: input.subject,
    action,
    rank: input.rank,
    targets,
    until,
  };
  await store.set(keys.record(community.id, caseNumber), record);
  await store.set(keys.current(community.id, input.subject), caseNumber);
  // The new step replaces the one before it: a limit after a mute ends the mute; a new ban supersedes an
  // earlier one (whose timer must not lift the new ban). A ban leaves a running mute to run out.
  if (previous !== undefined && previous !== caseNumber) {
    const old = await store.get<SanctionRecord>(keys.record(community.id, previous));
    if (!isActive(old, ctx.now)) return;
    if (old.action === "ban" && action === "ban") {
      await store.set(keys.record(community.id, previous), { ...old, lifted: true });
      if (old.until !== undefined)
        ctx.emit({ kind: "cancel_timer", timerId: unbanTimerId(community.id, previous) });
    } else if (old.action !== "ban" && action !== "ban") {
      await liftSanction(ctx, community, previous, { keepCurrent: true });
    }
  }
}

function unbanTimer(community: CommunitySettings, caseNumber: number, until: number): Decision {
  return {
    kind: "schedule",
    timer: {
      id: unbanTimerId(community.id, caseNumber),
      at: until,
      kind: UNBAN_TIMER,
      payload: { community: community.id, case: caseNumber },
    },
  };
}

/**
 * The platform side of the account's sanction in force, carried out again: for an event delivered a second
 * time because a crash cut its first handling short after its records were stored (the update was never
 * confirmed). Its claim says it was acted on, so no case, points or notice again (each was stored or sent
 * once). In each of the sanction's chats the ban goes out again (with its end's timer: a ban's outcome is
 * not recorded), or the restriction where the level applied is not the one intended (`AccessService.resync`).
 * Both are idempotent on every platform.
 */
export async function reassertSanction(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
): Promise<void> {
  const { subject } = await subjectOf(ctx, account, community);
  const current = await currentSanction(ctx.services.store, community.id, subject, ctx.now);
  if (!current) return;
  if (current.action === "ban") {
    if (current.until !== undefined) ctx.emit(unbanTimer(community, current.case, current.until));
    for (const t of current.targets)
      ctx.emit({ kind: "ban", chat: t.chat, account: t.account, until: current.until });
    return;
  }
  for (const t of current.targets)
    ctx.emit(...(await ctx.services.access.resync(t.chat, t.account, ctx.now)));
}

/**
 * The platform side of a lift, carried out again: for a pardon or an accepted appeal delivered a second time
 * because a crash cut its first handling short after the sanction was marked lifted. The unbans, or in each
 * chat the level now intended where the one applied differs (a lift). Idempotent on every platform (an
 * unban of a member who is not banned changes nothing).
 */
export async function reassertLift(
  ctx: Ctx,
  community: CommunitySettings,
  caseNumber: number,
): Promise<void> {
  const record = await ctx.services.store.get<SanctionRecord>(keys.record(community.id, caseNumber));
  if (!record?.lifted) return;
  for (const t of record.targets)
    if (record.action === "ban") ctx.emit({ kind: "unban", chat: t.chat, account: t.account });
    else ctx.emit(...(await ctx.services.access.resync(t.chat, t.account, ctx.now)));
}

/** The ban in force for any of these accounts, if one is (it need not be the subject's latest sanction). */
export async function activeBan(
  ctx: Ctx,
  community: CommunitySettings,
  accounts: readonly AccountKey[],
): Promise<SanctionRecord | undefined> {
  for (const account of accounts) {
    const cases = await ctx.services.cases.of(community.id, account);
    for (const c of [...cases].reverse()) {
      if (c.action !== "ban") continue;
      const record = await ctx.services.store.get<SanctionRecord>(keys.record(community.id, c.number));
      if (isActive(record, ctx.now)) return record;
    }
  }
  return undefined;
}

/**
 * Lifts a sanction before its end (pardon, accepted appeal, /unban, a timed ban's timer). Returns the
 * record when there was something active to lift.
 */
export async function liftSanction(
  ctx: Ctx,
  community: CommunitySettings,
  caseNumber: number,
  options: { keepCurrent?: boolean } = {},
): Promise<SanctionRecord | undefined> {
  const { store, access } = ctx.services;
  const lifted = await store.change<SanctionRecord, SanctionRecord | undefined>(
    keys.record(community.id, caseNumber),
    (cur) =>
      !cur || cur.lifted
        ? { value: KEEP, result: undefined }
        : { value: { ...cur, lifted: true }, result: cur },
  );
  if (!lifted) return undefined;
  if (lifted.action === "ban") {
    for (const t of lifted.targets) {
      ctx.emit({ kind: "unban", chat: t.chat, account: t.account });
      await access.setBanned(t.chat, t.account, false);
    }
    if (lifted.until !== undefined)
      ctx.emit({ kind: "cancel_timer", timerId: unbanTimerId(community.id, caseNumber) });
  } else {
    for (const [account, chats] of byAccount(lifted.targets)) {
      ctx.emit(
        ...(await access.release(
          chats,
          account,
          (c) => c.source === "sanction" && c.caseNumber === caseNumber,
          ctx.now,
        )),
      );
    }
  }
  if (!options.keepCurrent) {
    await store.update<number>(keys.current(community.id, lifted.subject), (cur) =>
      cur === caseNumber ? undefined : cur,
    );
  }
  return lifted;
}

function byAccount(targets: readonly Target[]): Map<AccountKey, ChatKey[]> {
  const map = new Map<AccountKey, ChatKey[]>();
  for (const t of targets) map.set(t.account, [...(map.get(t.account) ?? []), t.chat]);
  return map;
}

export { rankOf };

/** Tells the member privately, in their language; in a group only if no private message is possible. */
export async function tellMember(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  text: (t: Translate) => string,
  fallbackChat?: ChatKey,
): Promise<void> {
  const t = await ctx.translatorFor(account, community);
  ctx.emit({ kind: "send_private", account, text: text(t), fallbackChat });
}

export { describeAction, openCase, round } from "../engine/audit.js";
