import type { Instant } from "../ports/clock.js";

/**
 * What a member may do in a chat, from most to least permissive. Every platform adapter maps these to
 * its own permissions (docs/platforms.md).
 */
export const accessLevels = ["full", "text_only", "read_only"] as const;
export type AccessLevel = (typeof accessLevels)[number];

export function stricter(a: AccessLevel, b: AccessLevel): AccessLevel {
  return accessLevels.indexOf(a) >= accessLevels.indexOf(b) ? a : b;
}

/** One reason a member's access is limited. Several can hold at once; the strictest wins. */
export interface Constraint {
  source: "verification" | "sanction" | "admin";
  level: Exclude<AccessLevel, "full">;
  /** When it lifts by itself; absent = until removed. */
  until?: Instant;
  /** Case number for sanctions. */
  caseNumber?: number;
  /** Optional message-rate cap while this constraint holds (messages per hour). */
  maxPerHour?: number;
}

/** The intended and the applied access of one account in one chat. */
export interface Enforcement {
  constraints: Constraint[];
  /** The level last confirmed applied by the platform, or undefined if never applied. */
  applied?: AccessLevel;
  appliedUntil?: Instant;
  lastError?: string;
  /** Whether a ban is in force in this chat. */
  banned?: boolean;
}

export function effectiveLevel(constraints: readonly Constraint[], now: Instant): AccessLevel {
  let level: AccessLevel = "full";
  for (const c of constraints) if (c.until === undefined || c.until > now) level = stricter(level, c.level);
  return level;
}

/** The earliest time one of the active constraints lifts, if any. */
export function nextExpiry(constraints: readonly Constraint[], now: Instant): Instant | undefined {
  let next: Instant | undefined;
  for (const c of constraints)
    if (c.until !== undefined && c.until > now && (next === undefined || c.until < next)) next = c.until;
  return next;
}
