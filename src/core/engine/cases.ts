import type { AccountKey, CaseNumber, ChatKey, CommunityId } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import { allMembers, type KeyValueStore } from "../ports/store.js";

export type CaseSource = "rule" | "admin" | "report" | "hold" | "verification" | "appeal" | "system";

export type CaseAction =
  | "violation"
  | "warn"
  | "mute"
  | "limit"
  | "ban"
  | "unban"
  | "kick"
  | "lift"
  | "pardon"
  | "hold_approved"
  | "hold_rejected"
  | "hold_expired"
  | "report_confirmed"
  | "report_dismissed"
  | "appeal_accepted"
  | "appeal_denied"
  | "verified"
  | "unverified"
  | "verification_rejected";

/**
 * One moderation act. Cases are append-only: a pardon or an accepted appeal is a new case that names
 * the case it corrects (`refersTo`); the earlier record is never rewritten.
 */
export interface Case {
  number: CaseNumber;
  community: CommunityId;
  action: CaseAction;
  source: CaseSource;
  /** Whom it is about. */
  subject: AccountKey;
  /** Who did it: an admin's account, or "bot" for automatic acts. */
  actor: AccountKey | "bot";
  /** Why, in the words of the admin or the rule (never personal data). */
  reason: string;
  at: Instant;
  chat?: ChatKey;
  /** Content category for rule hits ("spam", "terrorism"). */
  category?: string;
  points?: number;
  /** A severe category's hit raised the points to this ladder step's action ("ban"). */
  jumpedTo?: "warn" | "mute" | "limit" | "ban";
  /** For timed sanctions: when it ends. */
  until?: Instant;
  refersTo?: CaseNumber;
}

export type NewCase = Omit<Case, "number" | "at"> & { at?: Instant };

/**
 * Codes of actions and sources in the stored form. Fixed: a code, once written, names the same action or
 * source for every later version; a new action or source takes the next free number (the compiler asks
 * for one, a test checks that none is taken twice).
 */
export const ACTION_CODE: Record<CaseAction, number> = {
  violation: 0,
  warn: 1,
  mute: 2,
  limit: 3,
  ban: 4,
  unban: 5,
  kick: 6,
  lift: 7,
  pardon: 8,
  hold_approved: 9,
  hold_rejected: 10,
  hold_expired: 11,
  report_confirmed: 12,
  report_dismissed: 13,
  appeal_accepted: 14,
  appeal_denied: 15,
  verified: 16,
  unverified: 17,
  verification_rejected: 18,
};
export const SOURCE_CODE: Record<CaseSource, number> = {
  rule: 0,
  admin: 1,
  report: 2,
  hold: 3,
  verification: 4,
  appeal: 5,
  system: 6,
};
const ACTION_OF = inverse(ACTION_CODE);
const SOURCE_OF = inverse(SOURCE_CODE);

function inverse<T extends string>(codes: Record<T, number>): Map<number, T> {
  return new Map(Object.entries(codes).map(([name, n]) => [n as number, name as T]));
}

/**
 * How a case is stored (`case:<community>:<number>`): a JSON array by position, action and source as
 * codes, nothing the key already says (community, number); the optional fields follow in a fixed order,
 * `null` where one is absent before a present one, none after the last present one:
 * `[action, source, subject, actor, reason, at, chat, category, points, jumpedTo, until, refersTo]`.
 * A verification case is `[16,4,"console:m1","console:admin","manual",1796130861317]`.
 */
export type StoredCase = [
  action: number,
  source: number,
  subject: AccountKey,
  actor: AccountKey | "bot",
  reason: string,
  at: Instant,
  ...optional: (string | number | null)[],
];

/** The form before the positional one: an object with short field names. */
export interface ShortCase {
  /** action */
  x: CaseAction;
  /** source */
  o: CaseSource;
  /** subject */
  s: AccountKey;
  /** actor */
  b: AccountKey | "bot";
  /** reason */
  r: string;
  /** at */
  t: Instant;
  c?: ChatKey;
  /** category */
  g?: string;
  p?: number;
  /** jumped to */
  j?: Case["jumpedTo"];
  /** until */
  u?: Instant;
  /** refers to */
  f?: CaseNumber;
}

const OPTIONAL = ["chat", "category", "points", "jumpedTo", "until", "refersTo"] as const;

function named<T>(table: Map<number, T>, at: number, what: string): T {
  const value = table.get(at);
  if (value === undefined) throw new Error(`unknown stored ${what} code ${at}`);
  return value;
}

export function encodeCase(c: Case): StoredCase {
  const s: StoredCase = [ACTION_CODE[c.action], SOURCE_CODE[c.source], c.subject, c.actor, c.reason, c.at];
  const optional = OPTIONAL.map((field) => c[field] ?? null);
  while (optional.length && optional.at(-1) === null) optional.pop();
  s.push(...optional);
  return s;
}

/**
 * Reads a stored case in any form it was ever written in: positional (now), short field names (before),
 * or the long form (which also carried its community and number).
 */
export function decodeCase(raw: StoredCase | ShortCase | Case, community: CommunityId, number: number): Case {
  if (Array.isArray(raw)) {
    const [action, source, subject, actor, reason, at, ...optional] = raw;
    const c: Case = {
      number: number as CaseNumber,
      community,
      action: named(ACTION_OF, action, "action"),
      source: named(SOURCE_OF, source, "source"),
      subject,
      actor,
      reason,
      at,
    };
    OPTIONAL.forEach((field, i) => {
      const value = optional[i];
      if (value !== undefined && value !== null) (c as unknown as Record<string, unknown>)[field] = value;
    });
    return c;
  }
  if ("action" in raw) return { ...raw, community, number: number as CaseNumber };
  const c: Case = {
    number: number as CaseNumber,
    community,
    action: raw.x,
    source: raw.o,
    subject: raw.s,
    actor: raw.b,
    reason: raw.r,
    at: raw.t,
  };
  if (raw.c !== undefined) c.chat = raw.c;
  if (raw.g !== undefined) c.category = raw.g;
  if (raw.p !== undefined) c.points = raw.p;
  if (raw.j !== undefined) c.jumpedTo = raw.j;
  if (raw.u !== undefined) c.until = raw.u;
  if (raw.f !== undefined) c.refersTo = raw.f;
  return c;
}

const counterKey = (c: CommunityId) => `case-counter:${c}`;
const caseKey = (c: CommunityId, n: number) => `case:${c}:${n}`;
const subjectIndexKey = (c: CommunityId, a: AccountKey) => `cases-of:${c}:${a}`;

/** The audit log: numbered, append-only cases per community. */
export class CaseLog {
  constructor(private readonly store: KeyValueStore) {}

  async open(input: NewCase, now: Instant): Promise<Case> {
    const number = (await this.store.increment(counterKey(input.community))) as CaseNumber;
    const record = dropUndefined<Case>({ ...input, number, at: input.at ?? now });
    if (!(await this.store.setIfAbsent(caseKey(input.community, number), encodeCase(record))))
      throw new Error(`case ${number} already exists in ${input.community}`);
    // One set member per case: appending never rewrites the member's whole list.
    await this.store.addToSet(subjectIndexKey(input.community, input.subject), String(number));
    return record;
  }

  async get(community: CommunityId, number: number): Promise<Case | undefined> {
    const raw = await this.store.get<StoredCase | ShortCase | Case>(caseKey(community, number));
    return raw === undefined ? undefined : decodeCase(raw, community, number);
  }

  /**
   * /forgetme: removes the subject's cases that `which` selects (their numbers stay taken). The only
   * exception to append-only, for records that are about the member alone (a verification), never for
   * sanctions, which stay so a pardon or appeal can refer to them.
   */
  async forget(community: CommunityId, subject: AccountKey, which: (c: Case) => boolean): Promise<number> {
    let removed = 0;
    for (const c of await this.of(community, subject)) {
      if (!which(c)) continue;
      await this.store.delete(caseKey(community, c.number));
      await this.store.removeFromSet(subjectIndexKey(community, subject), String(c.number));
      removed++;
    }
    return removed;
  }

  async of(community: CommunityId, subject: AccountKey): Promise<Case[]> {
    const members = await allMembers(this.store, subjectIndexKey(community, subject));
    const numbers = members.map(Number).sort((a, b) => a - b);
    const cases = await Promise.all(numbers.map((n) => this.get(community, n)));
    return cases.filter((c): c is Case => c !== undefined);
  }
}

/** The case as it came back from a JSON store before: fields given as undefined are absent. */
function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
