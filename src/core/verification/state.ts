import type { AccountKey, ChatKey, CommunityId, IdentityId } from "../ids.js";
import type { MessageRef } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import type { KeyValueStore } from "../ports/store.js";

/**
 * What the verification module keeps, and under which keys. Nothing here is ever plain personal data:
 * names and phones are sealed (authenticated encryption), ID numbers exist only as a keyed hash plus a
 * masked tail. The one exception is a live `external` session, which keeps the ID number *sealed* until
 * the identity provider has answered, then drops it.
 */

export type VerifyMethod = "self_declared" | "admin_review" | "phone" | "external" | "manual" | "linked";

/** One person, as far as one community knows: every account bound to it shares its verified state. */
export interface Identity {
  id: IdentityId;
  community: CommunityId;
  /** Keyed hash of the normalised ID number (or phone when that is the key field). */
  keyHash?: string;
  keyField?: "id_number" | "phone";
  /** e.g. "**************002X". */
  idMask?: string;
  sealedName?: string;
  sealedPhone?: string;
  accounts: AccountKey[];
  verified: boolean;
  method: VerifyMethod;
  verifiedAt: Instant;
  /** Admin who verified manually or approved the review. */
  verifiedBy?: AccountKey;
  /** Erased on request (/forgetme) but kept as a bare hash because an active ban needs it. */
  erased?: boolean;
}

/** A verification dialogue in the private chat, one per account at a time. */
export interface Session {
  id: string;
  community: CommunityId;
  steps: StepName[];
  index: number;
  /** Counts step changes, so a stale step-timeout timer does nothing. */
  seq: number;
  startedAt: Instant;
  sealedName?: string;
  idHash?: string;
  idMask?: string;
  /** Only with method "external", until the provider answers. */
  sealedId?: string;
  sealedPhone?: string;
  phoneHash?: string;
  /** The phone came from a contact card of the member's own account. */
  phoneFromPlatform?: boolean;
}

export type StepName = "name" | "id" | "phone" | "rules";

/** An admin_review request waiting in the review chat. */
export interface ReviewRequest {
  id: string;
  community: CommunityId;
  account: AccountKey;
  displayName: string;
  sealedName?: string;
  idHash?: string;
  idMask?: string;
  sealedPhone?: string;
  phoneHash?: string;
  status: "pending" | "approved" | "rejected";
  card?: MessageRef;
  createdAt: Instant;
  decidedBy?: AccountKey;
}

/** Existing members found posting get time to verify. */
export interface Grace {
  until: Instant;
  chats: ChatKey[];
  ended: boolean;
}

export interface LinkCode {
  from: AccountKey;
  bindings: { community: CommunityId; identity: IdentityId }[];
  expiresAt: Instant;
}

export const keys = {
  identity: (c: CommunityId, id: IdentityId) => `vf:identity:${c}:${id}`,
  hashIndex: (c: CommunityId, hash: string) => `vf:hash:${c}:${hash}`,
  binding: (c: CommunityId, a: AccountKey) => `vf:binding:${c}:${a}`,
  accountIndex: (a: AccountKey) => `vf:communities:${a}`,
  session: (a: AccountKey) => `vf:session:${a}`,
  request: (c: CommunityId, id: string) => `vf:request:${c}:${id}`,
  pendingRequest: (c: CommunityId, a: AccountKey) => `vf:pending:${c}:${a}`,
  joinRequests: (c: CommunityId, a: AccountKey) => `vf:join:${c}:${a}`,
  grace: (c: CommunityId, a: AccountKey) => `vf:grace:${c}:${a}`,
  linkCode: (code: string) => `vf:link:${code}`,
  /** The account's newest unredeemed link code, so /forgetme can withdraw it. */
  linkCodeOf: (a: AccountKey) => `vf:link-of:${a}`,
  attempts: (a: AccountKey) => `vf:attempts:${a}`,
};

export const timerIds = {
  step: (a: AccountKey) => `vf-step:${a}`,
  grace: (c: CommunityId, a: AccountKey) => `vf-grace:${c}:${a}`,
  remind: (c: CommunityId, a: AccountKey) => `vf-remind:${c}:${a}`,
  remove: (chat: ChatKey, a: AccountKey) => `vf-remove:${chat}:${a}`,
};

export const TIMER = {
  step: "verification.step",
  grace: "verification.grace",
  remind: "verification.remind",
  remove: "verification.remove",
} as const;

/** The identity an account is bound to in a community, if any. */
export async function identityOf(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<Identity | undefined> {
  const binding = await store.get<IdentityId>(keys.binding(community, account));
  return binding ? store.get<Identity>(keys.identity(community, binding)) : undefined;
}

export async function isVerified(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<boolean> {
  return (await identityOf(store, community, account))?.verified === true;
}

/** Binds an account to an identity (both directions). */
export async function bindAccount(
  store: KeyValueStore,
  identity: Identity,
  account: AccountKey,
): Promise<void> {
  await store.update<Identity>(keys.identity(identity.community, identity.id), (cur) =>
    cur
      ? { ...cur, accounts: cur.accounts.includes(account) ? cur.accounts : [...cur.accounts, account] }
      : cur,
  );
  await store.set(keys.binding(identity.community, account), identity.id);
  await store.update<CommunityId[]>(keys.accountIndex(account), (list = []) =>
    list.includes(identity.community) ? list : [...list, identity.community],
  );
}

/** Removes one account from its identity; deletes the identity when no account is left (and no ban needs it). */
export async function unbindAccount(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<void> {
  const id = await store.get<IdentityId>(keys.binding(community, account));
  await store.delete(keys.binding(community, account));
  await store.update<CommunityId[]>(keys.accountIndex(account), (list = []) => {
    const rest = list.filter((c) => c !== community);
    return rest.length ? rest : undefined;
  });
  if (!id) return;
  const after = await store.update<Identity>(keys.identity(community, id), (cur) =>
    cur ? { ...cur, accounts: cur.accounts.filter((a) => a !== account) } : cur,
  );
  if (after && after.accounts.length === 0 && !after.erased) {
    await store.delete(keys.identity(community, id));
    if (after.keyHash) await store.delete(keys.hashIndex(community, after.keyHash));
  }
}
