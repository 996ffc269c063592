/** /mydata and /forgetme for verification: what it stores about a member, and how that is erased. */
import type { Ctx } from "../engine/context.js";
import type { AccountKey, ChatKey } from "../ids.js";
import type { CommunitySettings } from "../settings/community.js";
import { communityById, declineJoinRequests, maskPhone } from "./common.js";
import type { Grace, ReviewRequest, Session } from "./state.js";
import { translator } from "../i18n/translator.js";
import { boundCommunities, identityOf, keys, putIdentity, timerIds, unbindAccount } from "./state.js";
import { KEEP, take } from "../ports/store.js";

/** The verification module's part of /mydata: names and phones opened, the ID number only masked. */
export async function exportVerification(
  ctx: Ctx,
  account: AccountKey,
): Promise<Record<string, unknown> | undefined> {
  const { store, sealer } = ctx.services;
  const out: Record<string, unknown>[] = [];
  for (const id of await boundCommunities(store, account)) {
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
  const id = await take<string>(store, keys.pendingRequest(community.id, account));
  if (!id) return;
  const withdrawn = await store.change<ReviewRequest, ReviewRequest | undefined>(
    keys.request(community.id, id),
    (cur) =>
      cur?.status !== "pending" ? { value: KEEP, result: undefined } : { value: undefined, result: cur },
  );
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
  const code = await take<string>(store, keys.linkCodeOf(account));
  if (code) await store.delete(keys.linkCode(code));
  ctx.emit({ kind: "cancel_timer", timerId: timerIds.step(account) });
  // Every community, not only those the account is bound in: a waiting review request or a grace period
  // belongs to an account that is not verified (so not bound) yet. The audit log's verification cases
  // (verified, unverified, refused) are about this member alone: they go too; sanctions stay.
  for (const community of ctx.services.directory.communities) {
    await ctx.services.cases.forget(community.id, account, (c) => c.source === "verification");
    await store.delete(keys.grace(community.id, account));
    await withdrawPending(ctx, community, account);
    await declineJoinRequests(ctx, community.id, account);
  }
  for (const id of await boundCommunities(store, account)) {
    const community = communityById(ctx, id);
    const identity = await identityOf(store, id, account);
    if (!identity || !community) continue;
    let banned = false;
    for (const other of identity.accounts) {
      for (const chat of community.chats)
        if ((await access.get(chat.key as ChatKey, other))?.banned) banned = true;
    }
    if (banned && identity.keyHash) {
      await putIdentity(store, {
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
  for (const id of await boundCommunities(store, account)) {
    const identity = await identityOf(store, id, account);
    if (!identity?.erased) await unbindAccount(store, id, account);
  }
  return kept;
}
