/**
 * The end of a verification dialogue: matching the identity (account caps, duplicates), the method's
 * decision (self-declared, admin review, phone, external provider), and completing or rejecting.
 */
import { openCase } from "../engine/audit.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey, IdentityId } from "../ids.js";
import { platformOf } from "../ids.js";
import { translator, type MessageKey, type Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import {
  declineJoinRequests,
  grantFull,
  maskPhone,
  takeAttempt,
  tell,
  toAdmins,
  type VerificationDeps,
} from "./common.js";
import type { Identity, ReviewRequest, Session, VerifyMethod } from "./state.js";
import { bindAccount, keys, unbindAccount } from "./state.js";

/** What the identity is matched by, and whether this account may bind to it. */
async function conflict(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  keyHash: string | undefined,
): Promise<MessageKey | undefined> {
  if (!keyHash) return undefined;
  const { store, access } = ctx.services;
  const id = await store.get<IdentityId>(keys.hashIndex(community.id, keyHash));
  const identity = id ? await store.get<Identity>(keys.identity(community.id, id)) : undefined;
  if (!identity) return undefined;
  for (const other of identity.accounts) {
    for (const chat of community.chats)
      if ((await access.get(chat.key, other))?.banned) return "verification.identityBanned";
  }
  if (identity.erased) {
    // Erased on request and kept only for a ban that is over now: the bare hash has served its purpose.
    for (const a of identity.accounts) await unbindAccount(store, community.id, a);
    await store.delete(keys.identity(community.id, identity.id));
    await store.delete(keys.hashIndex(community.id, keyHash));
    return undefined;
  }
  const platform = platformOf(account);
  const sameOther = identity.accounts.filter((a) => a !== account && platformOf(a) === platform);
  if (sameOther.length >= community.policy.verification.max_accounts_per_platform)
    return "verification.accountCap";
  return undefined;
}

interface Collected {
  sealedName?: string;
  idHash?: string;
  idMask?: string;
  sealedPhone?: string;
  phoneHash?: string;
}

function keyOf(c: Collected): { keyHash?: string; keyField?: "id_number" | "phone" } {
  if (c.idHash) return { keyHash: c.idHash, keyField: "id_number" };
  if (c.phoneHash) return { keyHash: c.phoneHash, keyField: "phone" };
  return {};
}

/**
 * Why `account` may not bind to the identity `collected` matches (account cap, ban), in the member's
 * language; undefined when it may. Checked again when an admin approves, since time passed since submission.
 */
export async function refusalFor(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
): Promise<string | undefined> {
  const refused = await conflict(ctx, community, account, keyOf(collected).keyHash);
  if (!refused) return undefined;
  const t = await ctx.translatorFor(account, community);
  return t(refused, {
    platform: platformOf(account),
    max: community.policy.verification.max_accounts_per_platform,
  });
}

/** All answers are in: apply the community's method. */
export async function finish(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
  t: Translate,
): Promise<void> {
  const s = community.policy.verification;
  if (!session.idHash && !session.phoneHash && !(await takeAttempt(ctx, account, s.attempts_per_hour))) {
    ctx.emit(tell(account, t("verification.tooManyAttempts")));
    return;
  }
  const collected: Collected = {
    sealedName: session.sealedName,
    idHash: session.idHash,
    idMask: session.idMask,
    sealedPhone: session.sealedPhone,
    phoneHash: session.phoneHash,
  };
  const refused = await conflict(ctx, community, account, keyOf(collected).keyHash);
  if (refused) {
    await reject(
      ctx,
      community,
      account,
      t(refused, { platform: platformOf(account), max: s.max_accounts_per_platform }),
      "bot",
    );
    return;
  }
  switch (s.method) {
    case "self_declared":
      await complete(ctx, community, account, collected, "self_declared");
      return;
    case "phone":
      if (!session.phoneFromPlatform) {
        ctx.emit(tell(account, t("verification.shareOwnContact"), { requestContact: true }));
        return;
      }
      await complete(ctx, community, account, collected, "phone");
      return;
    case "admin_review":
      await submitForReview(ctx, community, account, collected, t);
      return;
    case "external":
      await askProvider(ctx, deps, community, account, session, collected, t);
      return;
  }
}

async function askProvider(
  ctx: Ctx,
  deps: VerificationDeps,
  community: CommunitySettings,
  account: AccountKey,
  session: Session,
  collected: Collected,
  t: Translate,
): Promise<void> {
  const s = community.policy.verification;
  const provider = deps.identityProvider;
  if (!provider || !s.external) {
    ctx.emit(tell(account, t("verification.unavailable", { community: community.name })));
    ctx.emit(
      ...toAdmins(community, (at) => at("verification.adminExternalMissing", { community: community.name })),
    );
    return;
  }
  const { sealer, logger } = ctx.services;
  const requestId = ctx.services.random.id("x");
  const result = await provider.check({
    endpoint: { url: s.external.url, timeoutMs: s.external.timeout, tokenEnv: s.external.token_env },
    requestId,
    community: community.id,
    account,
    platform: platformOf(account),
    fields: {
      legal_name: session.sealedName ? sealer.open(session.sealedName) : undefined,
      id_number: session.sealedId ? sealer.open(session.sealedId) : undefined,
      phone: session.sealedPhone ? sealer.open(session.sealedPhone) : undefined,
    },
  });
  if (result.status === "verified") {
    await complete(ctx, community, account, collected, "external");
  } else if (result.status === "rejected") {
    await reject(ctx, community, account, result.reason, "bot");
  } else {
    logger.warn(
      { community: community.id, requestId, error: result.message },
      "identity provider did not answer",
    );
    ctx.emit(tell(account, t("verification.providerFailed")));
    ctx.emit(
      ...toAdmins(community, (at) =>
        at("verification.adminProviderFailed", { community: community.name, error: result.message }),
      ),
    );
    // No decision, so no decision on a waiting join request either: it is approved when a retry succeeds.
  }
}

async function submitForReview(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
  t: Translate,
): Promise<void> {
  const { store, random, sealer } = ctx.services;
  const reviewChat = community.reviewChat;
  if (!reviewChat) return;
  const profile = await ctx.services.members.profile(account);
  const request: ReviewRequest = {
    id: random.id("r").slice(0, 12),
    community: community.id,
    account,
    displayName: profile?.displayName ?? account,
    ...collected,
    status: "pending",
    createdAt: ctx.now,
  };
  await store.set(keys.request(community.id, request.id), request);
  await store.set(keys.pendingRequest(community.id, account), request.id);
  const at = translator(community.language);
  ctx.emit({
    kind: "post_card",
    chat: reviewChat,
    text: reviewCardText(at, request, (v) => sealer.open(v)),
    buttons: [
      [
        { label: at("verification.buttonApprove"), data: `verify:approve:${request.id}` },
        { label: at("verification.buttonReject"), data: `verify:reject:${request.id}` },
      ],
    ],
    record: { kind: "verification.card", community: community.id, request: request.id },
  });
  ctx.emit(tell(account, t("verification.submitted")));
}

/** The review card: the only place besides the member's private chat where the real name appears. */
export function reviewCardText(t: Translate, r: ReviewRequest, open: (sealed: string) => string): string {
  const lines = [t("verification.cardTitle", { id: r.id, member: r.displayName, account: r.account })];
  if (r.sealedName) lines.push(t("verification.cardName", { name: open(r.sealedName) }));
  if (r.idMask) lines.push(t("verification.cardId", { id: r.idMask }));
  if (r.sealedPhone) lines.push(t("verification.cardPhone", { phone: maskPhone(open(r.sealedPhone)) }));
  return lines.join("\n");
}

/**
 * Records the verified identity (matched by the keyed hash when there is one), binds the account and
 * gives it full access. Used by every method, manual verification and review approval.
 */
export async function complete(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  collected: Collected,
  method: VerifyMethod,
  by?: AccountKey,
): Promise<Identity> {
  const { store, random } = ctx.services;
  const { keyHash, keyField } = keyOf(collected);
  const freshId = random.id("i") as IdentityId;
  const id = keyHash
    ? ((await store.update<IdentityId>(
        keys.hashIndex(community.id, keyHash),
        (cur) => cur ?? freshId,
      )) as IdentityId)
    : freshId;
  const current = await store.get<IdentityId>(keys.binding(community.id, account));
  if (current && current !== id) await unbindAccount(store, community.id, account);
  const identity = (await store.update<Identity>(keys.identity(community.id, id), (cur) => ({
    id,
    community: community.id,
    keyHash,
    keyField,
    accounts: cur?.accounts ?? [],
    idMask: collected.idMask ?? cur?.idMask,
    sealedName: collected.sealedName ?? cur?.sealedName,
    sealedPhone: collected.sealedPhone ?? cur?.sealedPhone,
    verified: true,
    method,
    verifiedAt: ctx.now,
    verifiedBy: by,
  }))) as Identity;
  await bindAccount(store, identity, account);
  await openCase(ctx, community, {
    action: "verified",
    source: "verification",
    subject: account,
    actor: by ?? "bot",
    reason: method,
  });
  await grantFull(ctx, community, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.verified", { community: community.name })));
  return identity;
}

/** A refusal: the member hears the reason and what to do next; waiting join requests are declined. */
export async function reject(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  reason: string,
  by: AccountKey | "bot",
): Promise<void> {
  await openCase(ctx, community, {
    action: "verification_rejected",
    source: "verification",
    subject: account,
    actor: by,
    reason: "verification refused",
  });
  await declineJoinRequests(ctx, community.id, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.rejected", { community: community.name, reason })));
}
