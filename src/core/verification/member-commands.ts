import { openCase } from "../engine/audit.js";
import type { CommandIssued } from "../events.js";
import type { Ctx } from "../engine/context.js";
import type { CommandSpec } from "../engine/module.js";
import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import { platformOf } from "../ids.js";
import { formatDuration } from "../settings/duration.js";
import type { CommunitySettings } from "../settings/community.js";
import {
  communityById,
  declineJoinRequests,
  grantFull,
  maskPhone,
  reply,
  takeAttempt,
  type VerificationDeps,
} from "./common.js";
import { abandon, begin } from "./flow.js";
import type { Grace, Identity, LinkCode, ReviewRequest, Session } from "./state.js";
import { translator } from "../i18n/translator.js";
import { bindAccount, identityOf, keys, timerIds, unbindAccount } from "./state.js";

/** The community a member means: the named one, else the one they were last seen in, else the only one. */
async function chooseCommunity(
  ctx: Ctx,
  account: AccountKey,
  named: string,
): Promise<CommunitySettings | undefined> {
  const { directory, members } = ctx.services;
  if (named) return directory.community(named.toLowerCase());
  if (ctx.community) return ctx.community;
  const seen = (await members.profile(account))?.communities ?? [];
  for (const id of [...seen].reverse()) {
    const c = directory.community(id);
    if (c) return c;
  }
  return directory.communities.length === 1 ? directory.communities[0] : undefined;
}

/** Deep-link payloads: "verify-<community>", "verify_<community>" or the bare community id. */
export function communityFromPayload(payload: string): string {
  return payload.trim().replace(/^verify[-_:]/, "");
}

function verifyCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "verify",
    scope: "any",
    admin: false,
    usage: "verification.usageVerify",
    description: "verification.describeVerify",
    async run(ctx, event) {
      const account = event.actor.account;
      const community = await chooseCommunity(ctx, account, event.args.trim());
      if (!community) {
        const list = ctx.services.directory.communities.map((c) => c.id).join(", ");
        return void ctx.emit(reply(ctx, event, ctx.t("verification.whichCommunity", { list })));
      }
      if (event.chat) {
        // Personal data is asked only privately: from a group, the dialogue starts in the private chat.
        ctx.emit({
          kind: "send_private",
          account,
          text: ctx.t("verification.continuePrivately"),
          fallbackChat: event.chat,
        });
      }
      await abandonQuietly(ctx, account);
      await begin(ctx, deps, community, account);
    },
  };
}

/** /verify again restarts: the old dialogue ends without declining join requests. */
async function abandonQuietly(ctx: Ctx, account: AccountKey): Promise<void> {
  await ctx.services.store.delete(keys.session(account));
}

function startCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "start",
    scope: "private",
    admin: false,
    usage: "verification.usageStart",
    description: "verification.describeStart",
    async run(ctx, event) {
      const payload = event.args.trim();
      const community = payload ? communityById(ctx, communityFromPayload(payload)) : undefined;
      if (!community) return void ctx.emit(reply(ctx, event, ctx.t("verification.welcome")));
      await abandonQuietly(ctx, event.actor.account);
      await begin(ctx, deps, community, event.actor.account);
    },
  };
}

const cancelCommand: CommandSpec = {
  name: "cancel",
  scope: "private",
  admin: false,
  usage: "verification.usageCancel",
  description: "verification.describeCancel",
  async run(ctx, event) {
    const ended = await abandon(ctx, event.actor.account);
    ctx.emit(reply(ctx, event, ctx.t(ended ? "verification.cancelled" : "verification.noSession")));
  },
};

const linkCommand: CommandSpec = {
  name: "link",
  scope: "private",
  admin: false,
  usage: "verification.usageLink",
  description: "verification.describeLink",
  async run(ctx, event) {
    const account = event.actor.account;
    const code = event.args.trim().toUpperCase();
    return code ? redeem(ctx, event, account, code) : issue(ctx, event, account);
  },
};

async function verifiedBindings(
  ctx: Ctx,
  account: AccountKey,
): Promise<{ community: CommunitySettings; identity: Identity }[]> {
  const out: { community: CommunitySettings; identity: Identity }[] = [];
  for (const id of (await ctx.services.store.get<CommunityId[]>(keys.accountIndex(account))) ?? []) {
    const community = communityById(ctx, id);
    const identity = community ? await identityOf(ctx.services.store, id, account) : undefined;
    if (community && identity?.verified) out.push({ community, identity });
  }
  return out;
}

async function issue(ctx: Ctx, event: CommandIssued, account: AccountKey): Promise<void> {
  const bindings = await verifiedBindings(ctx, account);
  if (bindings.length === 0) return void ctx.emit(reply(ctx, event, ctx.t("verification.linkNeedsVerified")));
  const ttl = Math.min(...bindings.map((b) => b.community.policy.verification.link_code_ttl));
  const code = ctx.services.random.code(8);
  const record: LinkCode = {
    from: account,
    bindings: bindings.map((b) => ({ community: b.community.id, identity: b.identity.id })),
    expiresAt: ctx.now + ttl,
  };
  await ctx.services.store.set(keys.linkCode(code), record, ttl);
  ctx.emit(reply(ctx, event, ctx.t("verification.linkCode", { code, ttl: formatDuration(ttl) })));
}

async function redeem(ctx: Ctx, event: CommandIssued, account: AccountKey, code: string): Promise<void> {
  const { store } = ctx.services;
  const limitPerHour = Math.min(
    5,
    ...ctx.services.directory.communities.map((c) => c.policy.verification.attempts_per_hour),
  );
  if (!(await takeAttempt(ctx, account, limitPerHour)))
    return void ctx.emit(reply(ctx, event, ctx.t("verification.tooManyAttempts")));
  // Single use: the code is taken and deleted in one atomic step, so two redemptions cannot both succeed.
  let taken: LinkCode | undefined;
  await store.update<LinkCode>(keys.linkCode(code), (cur) => {
    if (cur && cur.from === account) return cur;
    taken = cur;
    return undefined;
  });
  if (!taken && (await store.get<LinkCode>(keys.linkCode(code)))?.from === account) {
    return void ctx.emit(reply(ctx, event, ctx.t("verification.linkSameAccount")));
  }
  if (!taken || taken.expiresAt <= ctx.now)
    return void ctx.emit(reply(ctx, event, ctx.t("verification.linkInvalid")));
  const linked: string[] = [];
  for (const b of taken.bindings) {
    const community = communityById(ctx, b.community);
    const identity = community
      ? await store.get<Identity>(keys.identity(b.community, b.identity))
      : undefined;
    if (!community || !identity?.verified) continue;
    const s = community.policy.verification;
    const samePlatform = identity.accounts.filter(
      (a) => a !== account && platformOf(a) === platformOf(account),
    );
    if (samePlatform.length >= s.max_accounts_per_platform) {
      ctx.emit(
        reply(
          ctx,
          event,
          ctx.t("verification.accountCap", {
            platform: platformOf(account),
            max: s.max_accounts_per_platform,
          }),
        ),
      );
      continue;
    }
    const current = await store.get<string>(keys.binding(community.id, account));
    if (current && current !== identity.id) await unbindAccount(store, community.id, account);
    await bindAccount(store, identity, account);
    await openCase(ctx, community, {
      action: "verified",
      source: "verification",
      subject: account,
      actor: "bot",
      reason: "linked",
    });
    await grantFull(ctx, community, account);
    linked.push(community.name);
  }
  if (linked.length)
    ctx.emit(reply(ctx, event, ctx.t("verification.linked", { communities: linked.join(", ") })));
}

function mydataCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "mydata",
    scope: "any",
    admin: false,
    usage: "verification.usageMyData",
    description: "verification.describeMyData",
    async run(ctx, event) {
      const account = event.actor.account;
      const sections: Record<string, unknown> = {};
      const profile = await ctx.services.members.profile(account);
      if (profile) sections.profile = profile;
      for (const module of deps.allModules()) {
        const data = await module.exportData?.(ctx, account);
        if (data && Object.keys(data).length) sections[module.name] = data;
      }
      // Never a fallback into the group: this is the member's personal data.
      ctx.emit({
        kind: "send_private",
        account,
        text: `${ctx.t("verification.myDataHeader")}\n${JSON.stringify(sections, null, 2)}`,
      });
      if (event.chat) ctx.emit(reply(ctx, event, ctx.t("verification.sentPrivately")));
    },
  };
}

function forgetmeCommand(deps: VerificationDeps): CommandSpec {
  return {
    name: "forgetme",
    scope: "private",
    admin: false,
    usage: "verification.usageForgetMe",
    description: "verification.describeForgetMe",
    async run(ctx, event) {
      const account = event.actor.account;
      const kept: string[] = [];
      for (const module of deps.allModules()) kept.push(...((await module.eraseData?.(ctx, account)) ?? []));
      const chats = ctx.services.directory.communities.flatMap((c) => c.chats.map((chat) => chat.key));
      await ctx.services.members.forget(account, chats);
      const lines = [ctx.t("verification.forgotten"), ...kept.map((k) => `• ${k}`)];
      ctx.emit(reply(ctx, event, lines.join("\n")));
    },
  };
}

export function memberCommands(deps: VerificationDeps): CommandSpec[] {
  return [
    verifyCommand(deps),
    startCommand(deps),
    cancelCommand,
    linkCommand,
    mydataCommand(deps),
    forgetmeCommand(deps),
  ];
}

/** The verification module's part of /mydata: names and phones opened, the ID number only masked. */
export async function exportVerification(
  ctx: Ctx,
  account: AccountKey,
): Promise<Record<string, unknown> | undefined> {
  const { store, sealer } = ctx.services;
  const out: Record<string, unknown>[] = [];
  for (const id of (await store.get<CommunityId[]>(keys.accountIndex(account))) ?? []) {
    const identity = await identityOf(store, id, account);
    if (!identity) continue;
    const grace = await store.get<Grace>(keys.grace(id, account));
    out.push({
      community: id,
      identity: identity.id,
      verified: identity.verified,
      method: identity.method,
      verifiedAt: new Date(identity.verifiedAt).toISOString(),
      legalName: identity.sealedName ? sealer.open(identity.sealedName) : undefined,
      idNumber: identity.idMask,
      idNumberStored: identity.keyHash && identity.keyField === "id_number" ? "keyed hash only" : undefined,
      phone: identity.sealedPhone ? maskPhone(sealer.open(identity.sealedPhone)) : undefined,
      linkedAccounts: identity.accounts,
      grace: grace ? { until: new Date(grace.until).toISOString(), ended: grace.ended } : undefined,
    });
  }
  const pending: Record<string, unknown>[] = [];
  for (const community of ctx.services.directory.communities) {
    const id = await store.get<string>(keys.pendingRequest(community.id, account));
    const request = id ? await store.get<ReviewRequest>(keys.request(community.id, id)) : undefined;
    if (!request) continue;
    pending.push({
      community: community.id,
      request: request.id,
      status: request.status,
      submittedAt: new Date(request.createdAt).toISOString(),
      legalName: request.sealedName ? sealer.open(request.sealedName) : undefined,
      idNumber: request.idMask,
      phone: request.sealedPhone ? maskPhone(sealer.open(request.sealedPhone)) : undefined,
    });
  }
  const session = await store.get<Session>(keys.session(account));
  const inProgress = session
    ? {
        community: session.community,
        step: session.steps[session.index],
        startedAt: new Date(session.startedAt).toISOString(),
      }
    : undefined;
  if (!out.length && !pending.length && !inProgress) return undefined;
  return {
    ...(out.length ? { identities: out } : {}),
    ...(pending.length ? { pendingReviews: pending } : {}),
    ...(inProgress ? { verificationInProgress: inProgress } : {}),
  };
}

/** Deletes a waiting review request and strips the real name from its card in the review chat. */
async function withdrawPending(ctx: Ctx, community: CommunitySettings, account: AccountKey): Promise<void> {
  const { store } = ctx.services;
  let id: string | undefined;
  await store.update<string>(keys.pendingRequest(community.id, account), (cur) => {
    id = cur;
    return undefined;
  });
  if (!id) return;
  let withdrawn: ReviewRequest | undefined;
  await store.update<ReviewRequest>(keys.request(community.id, id), (cur) => {
    if (cur?.status !== "pending") return cur;
    withdrawn = cur;
    return undefined;
  });
  if (!withdrawn?.card) return;
  const t = translator(community.language);
  ctx.emit({
    kind: "update_card",
    card: withdrawn.card,
    text: `${t("verification.cardTitle", { id: withdrawn.id, member: withdrawn.displayName, account })}\n${t("verification.cardWithdrawn")}`,
    buttons: [],
  });
}

/**
 * /forgetme: names, phones and masks go. When an account of the identity is banned in the community, the
 * keyed hash stays (marked erased) so the same person cannot register again while the ban lasts.
 */
export async function eraseVerification(ctx: Ctx, account: AccountKey): Promise<string[]> {
  const { store, access } = ctx.services;
  const kept: string[] = [];
  await store.delete(keys.session(account));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  // Every community, not only those the account is bound in: a waiting review request or a grace period
  // belongs to an account that is not verified (so not bound) yet.
  for (const community of ctx.services.directory.communities) {
    await store.delete(keys.grace(community.id, account));
    await withdrawPending(ctx, community, account);
    await declineJoinRequests(ctx, community.id, account);
  }
  for (const id of (await store.get<CommunityId[]>(keys.accountIndex(account))) ?? []) {
    const community = communityById(ctx, id);
    const identity = await identityOf(store, id, account);
    if (!identity || !community) continue;
    let banned = false;
    for (const other of identity.accounts) {
      for (const chat of community.chats)
        if ((await access.get(chat.key as ChatKey, other))?.banned) banned = true;
    }
    if (banned && identity.keyHash) {
      await store.set<Identity>(keys.identity(id, identity.id), {
        id: identity.id,
        community: identity.community,
        keyHash: identity.keyHash,
        keyField: identity.keyField,
        accounts: identity.accounts,
        verified: false,
        method: identity.method,
        verifiedAt: identity.verifiedAt,
        erased: true,
      });
      kept.push(
        ctx.t("verification.keptForBan", {
          community: community.name,
          field: ctx.t(
            identity.keyField === "phone" ? "verification.fieldPhone" : "verification.fieldIdNumber",
          ),
        }),
      );
    } else {
      for (const a of identity.accounts) await unbindAccount(store, id, a);
      await store.delete(keys.identity(id, identity.id));
      if (identity.keyHash) await store.delete(keys.hashIndex(id, identity.keyHash));
    }
  }
  // Pending sessions elsewhere and unlinked records of this account.
  for (const id of (await store.get<CommunityId[]>(keys.accountIndex(account))) ?? []) {
    const identity = await identityOf(store, id, account);
    if (!identity?.erased) await unbindAccount(store, id, account);
  }
  return kept;
}
