/**
 * How an identity is stored: one compact record per identity (`vf:id:<community>:<id>`, fields by
 * position, nothing the key already says) and one record per account naming the identity it is bound to
 * in each community (`vf:acct:<account>`). Names and phones stay sealed, ID numbers stay keyed hashes.
 *
 * Before, an identity took three records (identity with its id and community repeated inside, a binding
 * per community and a list of communities per account) under longer keys; `upgradeIdentityRecords`
 * rewrites those once, and `decodeIdentity` still reads the old shape. Identity records with short field
 * names (the form between those and the positional one) are read as they are and rewritten positionally
 * the next time the identity changes.
 */
import type { AccountKey, CommunityId, IdentityId } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import type { Frozen } from "../ports/store.js";

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

/**
 * Codes of verification methods in the stored form. Fixed: a code, once written, names the same method for
 * every later version; a new method takes the next free number (the compiler asks for one).
 */
export const METHOD_CODE: Record<VerifyMethod, number> = {
  self_declared: 0,
  admin_review: 1,
  phone: 2,
  external: 3,
  manual: 4,
  linked: 5,
};
const METHOD_OF = new Map(Object.entries(METHOD_CODE).map(([m, n]) => [n, m as VerifyMethod]));

/** Flags in the last position of the stored form. */
const NOT_VERIFIED = 1;
const ERASED = 2;

/**
 * The stored form of an `Identity` (id and community come from the key): a JSON array by position, the
 * method as a code, optional fields in a fixed order with `null` where one is absent before a present
 * one and nothing after the last present one:
 * `[accounts, method, verifiedAt, sealedName, verifiedBy, keyHash, keyField, idMask, sealedPhone, flags]`,
 * keyField "i" (ID number) or "p" (phone), flags 1 not verified + 2 erased. A member an admin verified
 * is `[["console:m1"],4,1796130861317,"v1.…","console:admin"]`.
 */
export type StoredIdentity = [
  accounts: AccountKey[],
  method: number,
  verifiedAt: number,
  ...optional: (string | number | null)[],
];

/** The form before the positional one: an object with short field names. */
export interface ShortIdentity {
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

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * A new identity's id from a random id of 16 hex digits (`RandomSource.id()`): "i" and the same 64 bits in
 * base 62, 12 characters instead of 17 (the id is in the identity's key and in each account record). Ids
 * made before ("i" and 16 hex digits) stay as they are; ids are only compared, never parsed.
 */
export function identityIdFrom(randomHex: string): IdentityId {
  if (!/^[0-9a-f]{16}$/.test(randomHex)) return `i${randomHex}` as IdentityId;
  let n = BigInt(`0x${randomHex}`);
  let digits = "";
  for (let i = 0; i < 11; i++) {
    digits = (BASE62[Number(n % 62n)] as string) + digits;
    n /= 62n;
  }
  return `i${digits}` as IdentityId;
}

/** The communities an account is bound in, with the identity in each, oldest binding first. */
export type AccountBindings = [CommunityId, IdentityId][];

export function encodeIdentity(identity: Identity): StoredIdentity {
  const flags = (identity.verified ? 0 : NOT_VERIFIED) + (identity.erased ? ERASED : 0);
  const optional = [
    identity.sealedName,
    identity.verifiedBy,
    identity.keyHash,
    identity.keyField === undefined ? undefined : identity.keyField === "phone" ? "p" : "i",
    identity.idMask,
    identity.sealedPhone,
    flags || undefined,
  ].map((v) => v ?? null);
  while (optional.length && optional.at(-1) === null) optional.pop();
  return [identity.accounts, METHOD_CODE[identity.method], identity.verifiedAt, ...optional];
}

/**
 * Reads a stored identity in any form it was ever written in: positional (now), short field names
 * (before), or the long form (which carried its own id and community).
 */
export function decodeIdentity(
  raw: StoredIdentity | ShortIdentity | Identity,
  community: CommunityId,
  id: IdentityId,
): Identity {
  if (Array.isArray(raw)) return decodePositional(raw, community, id);
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

function decodePositional(raw: StoredIdentity, community: CommunityId, id: IdentityId): Identity {
  const [accounts, code, verifiedAt, name, by, hash, field, mask, phone, flags] = raw;
  const method = METHOD_OF.get(code);
  if (method === undefined) throw new Error(`unknown stored verification method code ${code}`);
  const text = (v: string | number | null | undefined) => (typeof v === "string" ? v : undefined);
  const bits = typeof flags === "number" ? flags : 0;
  const identity: Identity = {
    id,
    community,
    accounts,
    verified: (bits & NOT_VERIFIED) === 0,
    method,
    verifiedAt,
  };
  if (text(name) !== undefined) identity.sealedName = text(name);
  if (text(phone) !== undefined) identity.sealedPhone = text(phone);
  if (text(hash) !== undefined) identity.keyHash = text(hash);
  if (field === "i" || field === "p") identity.keyField = field === "p" ? "phone" : "id_number";
  if (text(mask) !== undefined) identity.idMask = text(mask);
  if (text(by) !== undefined) identity.verifiedBy = text(by) as AccountKey;
  if (bits & ERASED) identity.erased = true;
  return identity;
}

/**
 * Whether a stored identity (any form) is verified, read without decoding the rest: the access gate
 * asks this on every message.
 */
export function storedVerified(raw: Frozen<StoredIdentity | ShortIdentity | Identity>): boolean {
  if (Array.isArray(raw)) {
    const flags = (raw as Frozen<StoredIdentity>)[9];
    return ((typeof flags === "number" ? flags : 0) & NOT_VERIFIED) === 0;
  }
  if ("accounts" in raw) return raw.verified;
  return (raw as Frozen<ShortIdentity>).u !== 1;
}
