import type { AccountKey, ChatKey, CommunityId, IdentityId } from "../ids.js";
import type { MessageRef } from "../model/content.js";
import type { Instant } from "../ports/clock.js";
import { KEEP, readShared, type Frozen, type KeyValueStore, type MaybePromise } from "../ports/store.js";
import {
  decodeIdentity,
  storedVerified,
  encodeIdentity,
  type AccountBindings,
  type Identity,
  type ShortIdentity,
  type StoredIdentity,
} from "./identity-record.js";
import { keyOf1, keyOf2 } from "../ports/record-keys.js";

/**
 * What the verification module keeps, and under which keys. Nothing here is ever plain personal data:
 * names and phones are sealed (authenticated encryption), ID numbers exist only as a keyed hash plus a
 * masked tail. The one exception is a live `external` session, which keeps the ID number *sealed* until
 * the identity provider has answered, then drops it.
 */

export type { Identity, VerifyMethod } from "./identity-record.js";

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
  /** The identity, compact (identity-record.ts). */
  identity: keyOf2("vf:id:") as (c: CommunityId, id: IdentityId) => string,
  hashIndex: (c: CommunityId, hash: string) => `vf:hash:${c}:${hash}`,
  /** Where an account is bound: `[community, identity]` pairs, oldest first. */
  account: keyOf1("vf:acct:") as (a: AccountKey) => string,
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

/** The communities an account is bound in, with its identity in each, oldest binding first. */
export async function bindingsOf(store: KeyValueStore, account: AccountKey): Promise<AccountBindings> {
  return (await store.get<AccountBindings>(keys.account(account))) ?? [];
}

/** The communities an account is bound in, oldest binding first. */
export async function boundCommunities(store: KeyValueStore, account: AccountKey): Promise<CommunityId[]> {
  return (await bindingsOf(store, account)).map(([community]) => community);
}

/** The identity id an account is bound to in a community. */
export async function bindingOf(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<IdentityId | undefined> {
  return (await bindingsOf(store, account)).find(([c]) => c === community)?.[1];
}

export async function getIdentity(
  store: KeyValueStore,
  community: CommunityId,
  id: IdentityId,
): Promise<Identity | undefined> {
  const raw = await store.get<StoredIdentity | ShortIdentity | Identity>(keys.identity(community, id));
  return raw ? decodeIdentity(raw, community, id) : undefined;
}

/** Atomic read-modify-write of an identity; `fn` returning undefined deletes it. Returns the new identity. */
export async function updateIdentity(
  store: KeyValueStore,
  community: CommunityId,
  id: IdentityId,
  fn: (current: Identity | undefined) => Identity | undefined,
): Promise<Identity | undefined> {
  return store.change<StoredIdentity | ShortIdentity | Identity, Identity | undefined>(
    keys.identity(community, id),
    (raw) => {
      const next = fn(raw ? decodeIdentity(raw, community, id) : undefined);
      return { value: next ? encodeIdentity(next) : raw === undefined ? KEEP : undefined, result: next };
    },
  );
}

export async function putIdentity(store: KeyValueStore, identity: Identity): Promise<void> {
  await store.set(keys.identity(identity.community, identity.id), encodeIdentity(identity));
}

/** The identity an account is bound to in a community, if any. */
export async function identityOf(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<Identity | undefined> {
  const id = await bindingOf(store, community, account);
  return id ? getIdentity(store, community, id) : undefined;
}

/**
 * Whether the account is bound to a verified identity in the community. Runs on every message, so it
 * reads both records shared (`readShared`: parsed once per cached value, and at once where the store has
 * them at hand) and keeps nothing of them.
 */
export function isVerified(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): MaybePromise<boolean> {
  const bindings = readShared<AccountBindings>(store, keys.account(account));
  if (bindings instanceof Promise) return bindings.then((b) => boundVerified(store, community, b));
  return boundVerified(store, community, bindings);
}

function boundVerified(
  store: KeyValueStore,
  community: CommunityId,
  bindings: Frozen<AccountBindings> | undefined,
): MaybePromise<boolean> {
  let id: IdentityId | undefined;
  for (const [c, bound] of bindings ?? [])
    if (c === community) {
      id = bound;
      break;
    }
  if (!id) return false;
  const raw = readShared<StoredIdentity | ShortIdentity | Identity>(store, keys.identity(community, id));
  if (raw instanceof Promise) return raw.then((r) => r !== undefined && storedVerified(r));
  return raw !== undefined && storedVerified(raw);
}

/** Binds an account to an identity (both directions). */
export async function bindAccount(
  store: KeyValueStore,
  identity: Identity,
  account: AccountKey,
): Promise<void> {
  await updateIdentity(store, identity.community, identity.id, (cur) =>
    cur
      ? { ...cur, accounts: cur.accounts.includes(account) ? cur.accounts : [...cur.accounts, account] }
      : cur,
  );
  await store.update<AccountBindings>(keys.account(account), (list = []) => [
    ...list.filter(([c]) => c !== identity.community),
    [identity.community, identity.id],
  ]);
}

/** Removes one account from its identity; deletes the identity when no account is left (and no ban needs it). */
export async function unbindAccount(
  store: KeyValueStore,
  community: CommunityId,
  account: AccountKey,
): Promise<void> {
  const id = await store.change<AccountBindings, IdentityId | undefined>(keys.account(account), (list) => {
    const found = list?.find(([c]) => c === community);
    if (!list || !found) return { value: KEEP, result: undefined };
    const rest = list.filter(([c]) => c !== community);
    return { value: rest.length ? rest : undefined, result: found[1] };
  });
  if (!id) return;
  const after = await updateIdentity(store, community, id, (cur) =>
    cur ? { ...cur, accounts: cur.accounts.filter((a) => a !== account) } : cur,
  );
  if (after && after.accounts.length === 0 && !after.erased) {
    await store.delete(keys.identity(community, id));
    if (after.keyHash) await store.delete(keys.hashIndex(community, after.keyHash));
  }
}
