import type { AccountKey, ChatKey, CommunityId } from "../ids.js";
import type { Instant } from "../ports/clock.js";
import type { KeyValueStore } from "../ports/store.js";
import type { SanctionAction } from "./ladder.js";

/**
 * Whose points and sanctions these are: `identity:<id>` for an account bound to a verified identity (so
 * points follow the person across linked accounts), else the account key itself.
 */
export type Subject = string;

/** The running total of one subject in one community; decayed lazily on read. */
export interface PointsRecord {
  total: number;
  /** Where decay counts from (see decayAnchor): the last change, or the start of its day for "per day". */
  updatedAt: Instant;
}

/** Where a sanction was applied: one account in one chat. */
export interface Target {
  account: AccountKey;
  chat: ChatKey;
}

/** One sanction as applied (mute, limit, ban), kept so it can be lifted by pardon, appeal or /unban. */
export interface SanctionRecord {
  case: number;
  community: CommunityId;
  subject: Subject;
  action: Exclude<SanctionAction, "warn">;
  /** Its place on the ladder, to decide whether a later step escalates. */
  rank: number;
  targets: Target[];
  until?: Instant;
  /** Set when lifted before its end (pardon, accepted appeal, /unban) or when a timed ban ended. */
  lifted?: boolean;
}

/**
 * A member's report of a message, waiting for an admin in the review chat. After the reporter's
 * /forgetme it names no reporter and holds no reason (`withdrawn`); it stays decidable.
 */
export interface ReportRecord {
  id: string;
  community: CommunityId;
  reporter?: AccountKey;
  target: AccountKey;
  message: { chat: ChatKey; id: string; thread?: string };
  reason?: string;
  /** The reporter erased their data (/forgetme): reporter, reason and their place on the card are gone. */
  withdrawn?: boolean;
  status: "open" | "confirmed" | "dismissed";
  /** The card posted in the review chat (recorded from the post_card outcome), for its redraw on /forgetme. */
  card?: { chat: ChatKey; id: string };
  cardText?: string;
  /** The line a decision added under the card text (who decided, which case), kept for a later redraw. */
  outcome?: string;
  /** A confirmed report's message was deleted (recorded from the delete's outcome). */
  deleted?: true;
}

/** A member's appeal of a case. One per case. */
export interface AppealRecord {
  case: number;
  community: CommunityId;
  account: AccountKey;
  status: "open" | "accepted" | "denied";
  card?: { chat: ChatKey; id: string };
  cardText?: string;
}

export const keys = {
  points: (c: CommunityId, s: Subject) => `sanctions:points:${c}:${s}`,
  record: (c: CommunityId, n: number) => `sanctions:record:${c}:${n}`,
  /** The sanction currently in force for a subject (the ladder escalates from it). */
  current: (c: CommunityId, s: Subject) => `sanctions:current:${c}:${s}`,
  /** Case numbers pardoned or whose appeal was accepted (their points are gone). */
  voided: (c: CommunityId, n: number) => `sanctions:voided:${c}:${n}`,
  report: (c: CommunityId, id: string) => `sanctions:report:${c}:${id}`,
  /** The ids of the reports an account filed in a community (for /mydata and /forgetme). */
  reportsBy: (c: CommunityId, a: AccountKey) => `sanctions:reports-by:${c}:${a}`,
  /** The ids of the open reports about an account (a decided one is a case): for /forgetme's answer. */
  reportsAbout: (c: CommunityId, a: AccountKey) => `sanctions:reports-about:${c}:${a}`,
  appeal: (c: CommunityId, n: number) => `sanctions:appeal:${c}:${n}`,
};

export const UNBAN_TIMER = "sanctions.unban";
export const unbanTimerId = (c: CommunityId, n: number) => `sanctions-unban:${c}:${n}`;

/** Active: not lifted, not past its end. */
export function isActive(record: SanctionRecord | undefined, now: Instant): record is SanctionRecord {
  return record !== undefined && !record.lifted && (record.until === undefined || record.until > now);
}

export async function currentSanction(
  store: KeyValueStore,
  community: CommunityId,
  subject: Subject,
  now: Instant,
): Promise<SanctionRecord | undefined> {
  const number = await store.get<number>(keys.current(community, subject));
  if (number === undefined) return undefined;
  const record = await store.get<SanctionRecord>(keys.record(community, number));
  return isActive(record, now) ? record : undefined;
}
