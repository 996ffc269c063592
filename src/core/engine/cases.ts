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

const counterKey = (c: CommunityId) => `case-counter:${c}`;
const caseKey = (c: CommunityId, n: number) => `case:${c}:${n}`;
const subjectIndexKey = (c: CommunityId, a: AccountKey) => `cases-of:${c}:${a}`;

/** The audit log: numbered, append-only cases per community. */
export class CaseLog {
  constructor(private readonly store: KeyValueStore) {}

  async open(input: NewCase, now: Instant): Promise<Case> {
    const number = (await this.store.increment(counterKey(input.community))) as CaseNumber;
    const record: Case = { ...input, number, at: input.at ?? now };
    if (!(await this.store.setIfAbsent(caseKey(input.community, number), record)))
      throw new Error(`case ${number} already exists in ${input.community}`);
    // One set member per case: appending never rewrites the member's whole list.
    await this.store.addToSet(subjectIndexKey(input.community, input.subject), String(number));
    return record;
  }

  get(community: CommunityId, number: number): Promise<Case | undefined> {
    return this.store.get<Case>(caseKey(community, number));
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
