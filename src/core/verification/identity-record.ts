/**
 * How an identity is stored: one compact record per identity (`vf:id:<community>:<id>`, short field
 * names, nothing the key already says) and one record per account naming the identity it is bound to in
 * each community (`vf:acct:<account>`). Names and phones stay sealed, ID numbers stay keyed hashes.
 *
 * Before, an identity took three records (identity with its id and community repeated inside, a binding
 * per community and a list of communities per account) under longer keys; `upgradeIdentityRecords`
 * rewrites those once, and `decodeIdentity` still reads the old shape.
 */
import type { AccountKey, CommunityId, IdentityId } from "../ids.js";
import type { Instant } from "../ports/clock.js";

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

/** The stored form of an `Identity` (id and community come from the key). */
export interface StoredIdentity {
  /** accounts bound to it */
  a: AccountKey[];
  /** method */
  m: VerifyMethod;
  /** verified at */
  t: number;
  /** sealed legal name */
  n?: string;
  /** sealed phone */
  p?: string;
  /** keyed hash of the ID number (or phone) */
  h?: string;
  /** which field the keyed hash is of: "i" ID number, "p" phone */
  f?: "i" | "p";
  /** masked ID number */
  k?: string;
  /** verified by (an admin) */
  b?: AccountKey;
  /** 1: not verified (only an erased identity kept for a ban) */
  u?: 1;
  /** 1: erased on request, kept as a bare hash for a ban */
  e?: 1;
}

/** The communities an account is bound in, with the identity in each, oldest binding first. */
export type AccountBindings = [CommunityId, IdentityId][];

export function encodeIdentity(identity: Identity): StoredIdentity {
  const s: StoredIdentity = { a: identity.accounts, m: identity.method, t: identity.verifiedAt };
  if (identity.sealedName !== undefined) s.n = identity.sealedName;
  if (identity.sealedPhone !== undefined) s.p = identity.sealedPhone;
  if (identity.keyHash !== undefined) s.h = identity.keyHash;
  if (identity.keyField !== undefined) s.f = identity.keyField === "phone" ? "p" : "i";
  if (identity.idMask !== undefined) s.k = identity.idMask;
  if (identity.verifiedBy !== undefined) s.b = identity.verifiedBy;
  if (!identity.verified) s.u = 1;
  if (identity.erased) s.e = 1;
  return s;
}

/** Reads a stored identity, compact or in the older long form (which carried its own id and community). */
export function decodeIdentity(
  raw: StoredIdentity | Identity,
  community: CommunityId,
  id: IdentityId,
): Identity {
  if ("accounts" in raw) return { ...raw, id: raw.id ?? id, community: raw.community ?? community };
  const identity: Identity = {
    id,
    community,
    accounts: raw.a,
    verified: raw.u !== 1,
    method: raw.m,
    verifiedAt: raw.t,
  };
  if (raw.n !== undefined) identity.sealedName = raw.n;
  if (raw.p !== undefined) identity.sealedPhone = raw.p;
  if (raw.h !== undefined) identity.keyHash = raw.h;
  if (raw.f !== undefined) identity.keyField = raw.f === "p" ? "phone" : "id_number";
  if (raw.k !== undefined) identity.idMask = raw.k;
  if (raw.b !== undefined) identity.verifiedBy = raw.b;
  if (raw.e === 1) identity.erased = true;
  return identity;
}
