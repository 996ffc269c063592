/**
 * The end of a verification dialogue, whatever the method: matching the identity (account caps, bans,
 * duplicates), then completing or rejecting. The methods themselves live in methods/.
 */
import { openCase } from "../engine/audit.js";
import type { Ctx } from "../engine/context.js";
import type { AccountKey, IdentityId } from "../ids.js";
import { platformOf } from "../ids.js";
import type { MessageKey, Translate } from "../i18n/translator.js";
import type { CommunitySettings } from "../settings/community.js";
import { declineJoinRequests, grantFull, tell } from "./common.js";
import { identityIdFrom } from "./identity-record.js";
import type { Identity, VerifyMethod } from "./state.js";
import { bindAccount, bindingOf, getIdentity, keys, unbindAccount, updateIdentity } from "./state.js";

/**
 * Whether `account` may bind to the identity the keyed hash `keyHash` (ID number, else phone) belongs to:
 * the message key of the reason when it may not (a banned account, the account cap), else undefined.
 */
export async function conflict(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  keyHash: string | undefined,
): Promise<MessageKey | undefined> {
  if (!keyHash) return undefined;
  const { store, access } = ctx.services;
  const id = await store.get<IdentityId>(keys.hashIndex(community.id, keyHash));
  const identity = id ? await getIdentity(store, community.id, id) : undefined;
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

/** What a finished dialogue hands to the method and to the identity. */
export interface Collected {
  sealedName?: string;
  idHash?: string;
  idMask?: string;
  sealedPhone?: string;
  phoneHash?: string;
}

export function keyOf(c: Collected): { keyHash?: string; keyField?: "id_number" | "phone" } {
  if (c.idHash) return { keyHash: c.idHash, keyField: "id_number" };
  if (c.phoneHash) return { keyHash: c.phoneHash, keyField: "phone" };
  return {};
}

/**
 * What a member hears when the ID number (or, without one, the phone) they entered is taken here: the same
 * words for an identity at its account cap and for one with a banned account, naming neither, so a stranger
 * who types someone else's number learns only "not usable here" (docs/verification.md, "What a stranger can
 * learn"). The owner is pointed to /link and the admins.
 */
export function keyTakenText(t: Translate, field: "id_number" | "phone"): string {
  return t(field === "id_number" ? "verification.idNotUsable" : "verification.phoneNotUsable");
}

/** The same refusal as the admins see it in the mod-log: which field, and why. */
export function keyTakenCaseReason(field: "id_number" | "phone", why: MessageKey): string {
  const what = field === "id_number" ? "ID number" : "phone number";
  return why === "verification.identityBanned"
    ? `${what} belongs to an identity with a banned account`
    : `${what} belongs to an identity at its account cap`;
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
  const freshId = identityIdFrom(random.id());
  const id = keyHash
    ? ((await store.update<IdentityId>(
        keys.hashIndex(community.id, keyHash),
        (cur) => cur ?? freshId,
      )) as IdentityId)
    : freshId;
  const current = await bindingOf(store, community.id, account);
  if (current && current !== id) await unbindAccount(store, community.id, account);
  const identity = (await updateIdentity(store, community.id, id, (cur) => ({
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
  ctx.services.observer?.verification("completed");
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

/**
 * A refusal: the member hears the reason and what to do next; waiting join requests are declined. The case
 * (mod-log) records `caseReason`, which may say more than the member is told.
 */
export async function reject(
  ctx: Ctx,
  community: CommunitySettings,
  account: AccountKey,
  reason: string,
  by: AccountKey | "bot",
  caseReason = "verification refused",
): Promise<void> {
  ctx.services.observer?.verification("rejected");
  await openCase(ctx, community, {
    action: "verification_rejected",
    source: "verification",
    subject: account,
    actor: by,
    reason: caseReason,
  });
  await declineJoinRequests(ctx, community.id, account);
  const t = await ctx.translatorFor(account, community);
  ctx.emit(tell(account, t("verification.rejected", { community: community.name, reason })));
}
